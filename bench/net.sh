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
# its own, on the way. So the same runs also go to the test image as a
# Linux process (hosted: no TCG, the same slirp) and, as root, to Linux's
# own stack behind slirp (a network namespace on a tap device): the
# ratios then come apart into TCG, slirp, and Azoth's stack and path.
N=$B/net
peer=build/tools/netpeer
rm -rf "$N"
mkdir -p "$N"
net_wait() { # LOG PATTERN SECONDS
    _i=0
    while [ $_i -lt $(($3 * 10)) ] && ! tr -d '\r' < "$1" | grep -q -- "$2"; do sleep 0.1; _i=$((_i + 1)); done
}

echo "Network: Azoth (lwIP in a component, under QEMU and hosted, through slirp) against Linux's stack over loopback (same client)"
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

# Linux behind slirp: the same Linux servers in a network namespace whose
# only interface is a tap device that netpeer's slirp drives, as it drives
# Azoth's card: what slirp itself costs. Needs root (a namespace, a tap).
slirp_linux=0
if [ "$(id -u)" = 0 ] && command -v ip > /dev/null && [ -c /dev/net/tun ]; then
    ns=azbench$$
    if ip netns add "$ns" 2> "$N/netns.err"; then
        ip netns exec "$ns" ip link set lo up
        NETPEER_ANY=1 ip netns exec "$ns" "$peer" http-serve "$N/nsport" 120 > /dev/null 2>&1 &
        NETPEER_ANY=1 ip netns exec "$ns" "$peer" tcp-serve "$N/nstport" > /dev/null 2>&1 &
        while [ ! -s "$N/nsport" ] || [ ! -s "$N/nstport" ]; do sleep 0.1; done
        hp=$("$peer" free-port)
        ep=$("$peer" free-port)
        : > "$N/tapslirp.log"
        "$peer" slirp "tap:azb$$" 120 "tcp:$hp-$(cat "$N/nsport")" "tcp:$ep-$(cat "$N/nstport")" \
            > "$N/tapslirp.log" 2>&1 &
        tslirp=$!
        net_wait "$N/tapslirp.log" '^netpeer slirp: on ' 10
        ip link set "azb$$" netns "$ns" &&
            ip netns exec "$ns" sh -c "ip link set azb$$ address 52:54:00:12:34:56 &&
                ip addr add 10.0.2.15/24 dev azb$$ && ip link set azb$$ up && ip route add default via 10.0.2.2"
        sleep 1
        "$peer" http-load "$hp" /health 3000 1 60 > "$N/slirplinux-1.out" 2>&1
        "$peer" http-load "$hp" /health 20000 32 60 > "$N/slirplinux-32.out" 2>&1
        "$peer" tcp-echo "$ep" 1 20000000 120 > "$N/slirplinux-bulk.out" 2>&1
        kill $tslirp 2>/dev/null
        ip netns pids "$ns" | xargs -r kill 2>/dev/null
        ip netns del "$ns"
        slirp_linux=1
    fi
fi
[ $slirp_linux = 1 ] || echo "  (Linux behind slirp: skipped, it needs root for a network namespace and a tap device)"

# Azoth: the test image (httpd, and netecho for echo), ports forwarded; the
# same image under QEMU (TCG) and as a Linux process (the hosted platform:
# its virtio-net double on netpeer's slirp, the same libslirp QEMU links),
# so that what TCG costs and what the rest costs show apart.
azoth_client() { # PREFIX LOG HTTPPORT ECHOPORT
    net_wait "$2" '^httpd: serving the status page' 60
    net_wait "$2" '^net: 10\.0\.2\.15/24' 60
    printf 'start netecho serve 600\n'
    net_wait "$2" 'netecho: listening' 30
    "$peer" http-load "$3" /health 3000 1 120 > "$N/$1-1.out" 2>&1
    "$peer" http-load "$3" /health 20000 32 120 > "$N/$1-32.out" 2>&1
    "$peer" tcp-echo "$4" 1 20000000 300 > "$N/$1-bulk.out" 2>&1
    "$peer" udp-gap "$4" 6 > "$N/$1-udp.out" 2>&1 &
    sleep 2
    printf 'inject virtio_net oob\n'
    wait
    printf 'kill netecho\nhalt\n'
    sleep 2
}
hp=$("$peer" free-port)
ep=$("$peer" free-port)
log=$N/qemu.log
: > "$log"
azoth_client azoth "$log" "$hp" "$ep" |
    timeout 900 tools/qemu.sh --kernel "$kernel_test" --hostfwd "tcp:127.0.0.1:$hp-:80" \
    --hostfwd "tcp:127.0.0.1:$ep-:7" --hostfwd "udp:127.0.0.1:$ep-:7" > "$log" 2>&1
hp=$("$peer" free-port)
ep=$("$peer" free-port)
log=$N/hosted.log
: > "$log"
: > "$N/slirp.log"
"$peer" slirp "$N/sock" 900 "tcp:$hp-80" "tcp:$ep-7" "udp:$ep-7" > "$N/slirp.log" 2>&1 &
slirp=$!
net_wait "$N/slirp.log" '^netpeer slirp: on ' 10
azoth_client hosted "$log" "$hp" "$ep" | AZOTH_NET="$N/sock" timeout 900 build/hosted/azoth-test > "$log" 2>&1
kill $slirp 2>/dev/null

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
record http-1conn hosted req/s "$(rps "$N/hosted-1.out")" linux-http-1conn "$(rps "$N/linux-1.out")"
record http-1conn-qemu-vs-hosted qemu req/s "$(rps "$N/azoth-1.out")" http-1conn "$(rps "$N/hosted-1.out")"
record http-32conn hosted req/s "$(rps "$N/hosted-32.out")" linux-http-32conn "$(rps "$N/linux-32.out")"
record http-32conn-qemu-vs-hosted qemu req/s "$(rps "$N/azoth-32.out")" http-32conn "$(rps "$N/hosted-32.out")"
record tcp-bulk hosted MB/s "$(mbs "$N/hosted-bulk.out")" linux-tcp-bulk "$(mbs "$N/linux-bulk.out")"
record tcp-bulk-qemu-vs-hosted qemu MB/s "$(mbs "$N/azoth-bulk.out")" tcp-bulk "$(mbs "$N/hosted-bulk.out")"
if [ $slirp_linux = 1 ]; then
    record slirp-http-1conn hosted req/s "$(rps "$N/slirplinux-1.out")" linux-http-1conn "$(rps "$N/linux-1.out")"
    record http-1conn-vs-slirp-linux hosted req/s "$(rps "$N/hosted-1.out")" slirp-http-1conn "$(rps "$N/slirplinux-1.out")"
    record slirp-http-32conn hosted req/s "$(rps "$N/slirplinux-32.out")" linux-http-32conn "$(rps "$N/linux-32.out")"
    record http-32conn-vs-slirp-linux hosted req/s "$(rps "$N/hosted-32.out")" slirp-http-32conn "$(rps "$N/slirplinux-32.out")"
    record slirp-tcp-bulk hosted MB/s "$(mbs "$N/slirplinux-bulk.out")" linux-tcp-bulk "$(mbs "$N/linux-bulk.out")"
    record tcp-bulk-vs-slirp-linux hosted MB/s "$(mbs "$N/hosted-bulk.out")" slirp-tcp-bulk "$(mbs "$N/slirplinux-bulk.out")"
fi
record udp-echo-rtt-p50 hosted ms "$(sed -n 's/.*round trip p50 \([0-9.]*\) ms.*/\1/p' "$N/hosted-udp.out")"
record driver-restart-outage hosted ms "$(sed -n 's/.*longest without an answer \([0-9.]*\) ms.*/\1/p' "$N/hosted-udp.out")"
record udp-echo-rtt-p50 qemu ms "$(sed -n 's/.*round trip p50 \([0-9.]*\) ms.*/\1/p' "$N/azoth-udp.out")"
record driver-restart-outage qemu ms "$(sed -n 's/.*longest without an answer \([0-9.]*\) ms.*/\1/p' "$N/azoth-udp.out")"
