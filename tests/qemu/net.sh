# The network on bare metal (docs/network.md): make run's kernel booted with
# a virtio-net card on QEMU's user networking (tools/qemu.sh --net); the
# net service's DHCP lease and IPv6 addresses, then in the shell: ifconfig, ping the gateway
# (slirp answers it itself), ping an address nobody has (no answer, said
# so), a malformed ping; a fault injected into the driver while the card
# holds its receive buffers (its frames parked, not freed: hw.h), after
# which the supervisor restarts it, the stack reconnects and pings are
# answered again; and a boot without a card: the driver and the service
# say there is none, ifconfig too, and nothing else changes. The shell's
# http get fetches from a web server on the host (tools/netpeer), and says
# why when it cannot (refused, a bad URL). A ".invalid" name is looked up
# through QEMU's DNS relay, which asks the host's resolver (a name that
# exists would need the world outside; tests/hosted/net.sh looks names up
# that its peer answers).
. tests/lib.sh
dir=$LOGDIR/net
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/net.log
# A web server on the host (10.0.2.2 from the guest) for the shell's http get.
$BUILD/tools/netpeer http-serve "$dir/webport" 120 > "$dir/web.log" 2>&1 &
web=$!
while [ ! -s "$dir/webport" ]; do sleep 0.1; done
webport=$(cat "$dir/webport")
: > "$log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    shell_up "$log"
    wait_log "$log" '^net: 10\.0\.2\.15/24' 30
    shell_cmd "$log" 'ifconfig'
    shell_cmd "$log" 'ping 10.0.2.2 3'
    shell_cmd "$log" 'ping 10.0.2.99 1'
    shell_cmd "$log" 'ping 10.0.2'
    shell_cmd "$log" "http get http://10.0.2.2:$webport/health"
    shell_cmd "$log" "http get -i http://10.0.2.2:$webport/health"
    shell_cmd "$log" 'http get http://10.0.2.2:1/'
    shell_cmd "$log" 'http get ftp://10.0.2.2/'
    shell_cmd "$log" 'host azoth.invalid' 30
    shell_cmd "$log" 'inject virtio_net oob'
    wait_log "$log" '^virtio_net: 52:54:00:12:34:56, link up, serving$' 20 2
    sleep 1
    shell_cmd "$log" 'ping 10.0.2.2 2'
    shell_cmd "$log" 'ifconfig'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 120 tools/qemu.sh --net > "$log" 2>&1
expect_status qemu/net-status $? 0 "$log"
# A name looked up through QEMU's DNS relay (10.0.2.3), which asks the
# host's resolver: ".invalid" names never exist (RFC 6761), so a resolver
# that answers says "no such name", which the shell reports at once; on a
# host whose resolver does not answer, the stack gives up and says so.
resolver=$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf 2>/dev/null)
if [ -n "$resolver" ] && $BUILD/tools/netpeer dns-ask "$resolver" azoth.invalid | grep -q '^rcode 3,'; then
    expect_in "$log" qemu/net-dns-through-qemu '^host: azoth\.invalid: not found \(or no DNS answer\)$'
else
    echo "  (the host's resolver ${resolver:-none} does not answer: QEMU's relay cannot either)"
    expect_in "$log" qemu/net-dns-through-qemu-unanswered \
        '^host: azoth\.invalid: (not found \(or no DNS answer\)|no answer in 10 s)$'
fi
kill $web 2>/dev/null
expect_in "$log" qemu/net-http-get '^azoth\$ http get http://10\.0\.2\.2:[0-9]+/health$' '^ok$' \
    '^HTTP/1\.1 200 OK$' '^Server: netpeer$' \
    '^http: 10\.0\.2\.2:1: connection refused$' \
    '^usage: http get \[-i\] http://host\[:port\]\[/path\]$'
expect_in "$log" qemu/net-driver '^virtio_net: 52:54:00:12:34:56, link up, serving$'
expect_in "$log" qemu/net-dhcp '^net: 10\.0\.2\.15/24 via 10\.0\.2\.2 \(DHCP\)$'
expect_in "$log" qemu/net-ifconfig '^en0: 52:54:00:12:34:56  link up  \(virtio_net, through net\)$' \
    '^  inet 10\.0\.2\.15  netmask 255\.255\.255\.0  gateway 10\.0\.2\.2  \(DHCP\)$' '^  dns 10\.0\.2\.3 ?$'
# IPv6: the link-local address from the MAC, and the one from the prefix
# slirp's router advertises (fec0::/64), by the time of the last ifconfig.
expect_in "$log" qemu/net-ipv6 '^  inet6 fe80::5054:ff:fe12:3456$' '^  inet6 fec0::5054:ff:fe12:3456$'
expect_in "$log" qemu/net-ping '^PING 10\.0\.2\.2: 56 data bytes$' '^64 bytes from 10\.0\.2\.2: seq=1 time=[0-9]+\.[0-9]{3} ms$' \
    '^64 bytes from 10\.0\.2\.2: seq=3 time=' '^--- 10\.0\.2\.2: 3 sent, 3 answered$'
expect_in "$log" qemu/net-ping-nobody '^no answer from 10\.0\.2\.99: seq=1$' '^--- 10\.0\.2\.99: 1 sent, 0 answered$'
expect_in "$log" qemu/net-ping-usage '^usage: ping <IPv4 address> \[count\]$'
expect_in "$log" qemu/net-driver-restarted 'virtio_net.*\(injected\)' '^--- 10\.0\.2\.2: 2 sent, 2 answered$' \
    'driver restarts seen 1$'
expect_count qemu/net-driver-came-back "$log" '^virtio_net: 52:54:00:12:34:56, link up, serving$' 2
# The only fault: the one injected.
expect_count qemu/net-one-fault "$log" 'fault: [a-z_0-9]* (generation' 1

log=$dir/nocard.log
: > "$log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    wait_log "$log" 'net: no network device; serving without an interface' 30
    sleep 1; printf 'ifconfig\r'
    sleep 1; printf 'ping 10.0.2.2 1\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 120 tools/qemu.sh > "$log" 2>&1
expect_status qemu/net-nocard-status $? 0 "$log"
expect_in "$log" qemu/net-nocard '^virtio_net: no usable device \(-5\)$' \
    'net: no network device; serving without an interface$' '^ifconfig: no network device$' \
    '^ping: no address yet \(is the network up\? see ifconfig\)$'
