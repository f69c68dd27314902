# The network (docs/network.md, "Benchmarks"), sourced by bench/run.sh
# (record, B, kernel_test): Azoth's stack under QEMU against Linux's own
# over loopback, in the same run, with the same host program on the
# client's side (tools/netpeer):
# - HTTP requests per second and latency, 1 and 32 keep-alive connections:
#   the status page's /health against netpeer's http-serve (the same
#   answer, one poll loop) on the host;
# - TCP bulk throughput: 20 MB echoed by netecho against netpeer's
#   tcp-serve on the host;
# - round trip and a driver restart's outage: a UDP datagram a
#   millisecond, echoed by netecho, while a fault is injected into
#   virtio_net: the longest time without an answer (trap to forwarding
#   again, as the host sees it).
# Under QEMU's TCG and its user networking these are ratios of that setup,
# not of hardware: every frame crosses slirp, a user-space TCP/IP stack of
# its own, on the way.
N=$B/net
peer=build/tools/netpeer
rm -rf "$N"
mkdir -p "$N"
net_wait() { # LOG PATTERN SECONDS
    _i=0
    while [ $_i -lt $(($3 * 10)) ] && ! tr -d '\r' < "$1" | grep -q -- "$2"; do sleep 0.1; _i=$((_i + 1)); done
}

echo "Network: Azoth (lwIP in a component, under QEMU, through slirp) against Linux's stack over loopback (same client)"
# Linux
"$peer" http-serve "$N/lport" 60 &
lsrv=$!
while [ ! -s "$N/lport" ]; do sleep 0.1; done
lp=$(cat "$N/lport")
"$peer" http-load "$lp" /health 3000 1 60 > "$N/linux-1.out" 2>&1
"$peer" http-load "$lp" /health 20000 32 60 > "$N/linux-32.out" 2>&1
kill $lsrv 2>/dev/null
"$peer" tcp-serve "$N/tport" > /dev/null 2>&1 &
while [ ! -s "$N/tport" ]; do sleep 0.1; done
"$peer" tcp-echo "$(cat "$N/tport")" 1 20000000 120 > "$N/linux-bulk.out" 2>&1
wait

# Azoth: the test image (httpd, and netecho for echo), ports forwarded
hp=$("$peer" free-port)
ep=$("$peer" free-port)
log=$N/qemu.log
: > "$log"
{
    net_wait "$log" '^httpd: serving the status page' 60
    net_wait "$log" '^net: 10\.0\.2\.15/24' 60
    printf 'start netecho serve 600\n'
    net_wait "$log" 'netecho: listening' 30
    "$peer" http-load "$hp" /health 3000 1 120 > "$N/azoth-1.out" 2>&1
    "$peer" http-load "$hp" /health 20000 32 120 > "$N/azoth-32.out" 2>&1
    "$peer" tcp-echo "$ep" 1 20000000 300 > "$N/azoth-bulk.out" 2>&1
    "$peer" udp-gap "$ep" 6 > "$N/azoth-udp.out" 2>&1 &
    sleep 2
    printf 'inject virtio_net oob\n'
    wait
    printf 'kill netecho\nhalt\n'
    sleep 2
} | timeout 900 tools/qemu.sh --kernel "$kernel_test" --hostfwd "tcp:127.0.0.1:$hp-:80" \
    --hostfwd "tcp:127.0.0.1:$ep-:7" --hostfwd "udp:127.0.0.1:$ep-:7" > "$log" 2>&1

rps() { sed -n 's/.* \([0-9.]*\) requests\/s.*/\1/p' "$1" | head -1; }
p50() { sed -n 's/.*latency p50 \([0-9.]*\) ms.*/\1/p' "$1" | head -1; }
p99() { sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$1" | head -1; }
mbs() { sed -n 's/^tcp-echo: .* \([0-9.]*\) MB\/s each way$/\1/p' "$1" | head -1; }
record linux-http-1conn hosted req/s "$(rps "$N/linux-1.out")"
record http-1conn qemu req/s "$(rps "$N/azoth-1.out")" linux-http-1conn "$(rps "$N/linux-1.out")"
record linux-http-1conn-p50 hosted ms "$(p50 "$N/linux-1.out")"
record http-1conn-p50 qemu ms "$(p50 "$N/azoth-1.out")" linux-http-1conn-p50 "$(p50 "$N/linux-1.out")"
record linux-http-32conn hosted req/s "$(rps "$N/linux-32.out")"
record http-32conn qemu req/s "$(rps "$N/azoth-32.out")" linux-http-32conn "$(rps "$N/linux-32.out")"
record linux-http-32conn-p99 hosted ms "$(p99 "$N/linux-32.out")"
record http-32conn-p99 qemu ms "$(p99 "$N/azoth-32.out")" linux-http-32conn-p99 "$(p99 "$N/linux-32.out")"
record linux-tcp-bulk hosted MB/s "$(mbs "$N/linux-bulk.out")"
record tcp-bulk qemu MB/s "$(mbs "$N/azoth-bulk.out")" linux-tcp-bulk "$(mbs "$N/linux-bulk.out")"
record udp-echo-rtt-p50 qemu ms "$(sed -n 's/.*round trip p50 \([0-9.]*\) ms.*/\1/p' "$N/azoth-udp.out")"
record driver-restart-outage qemu ms "$(sed -n 's/.*longest without an answer \([0-9.]*\) ms.*/\1/p' "$N/azoth-udp.out")"
