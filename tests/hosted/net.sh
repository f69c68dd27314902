# The network on the hosted platform (docs/network.md, "Hosted"): the test
# image under ASan/UBSan with the virtio-net double (AZOTH_NET) on
# tools/netpeer's slirp mode (QEMU's user networking as a program, Debian's
# libslirp), host ports forwarded to the status page (80) and to netecho
# (7, TCP and UDP). The same driver and stack as on bare metal: the DHCP
# lease, the page fetched, 8 TCP connections and 40 UDP datagrams echoed,
# netecho's connection out to a host server, a fault injected into the
# driver under load (every request still answered), names looked up by the
# shell (the peer answers DNS: nothing leaves the machine) and an http get
# by name, and no other fault.
. tests/lib.sh
dir=$LOGDIR/net
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/net.log
peer=$BUILD/tools/netpeer
: > "$log"
web=$($peer free-port)
echo=$($peer free-port)
: > "$dir/peer.log"
$peer http-serve "$dir/hostweb" 150 > "$dir/hostweb.log" 2>&1 &
hostweb=$!
$peer slirp "$dir/sock" 150 "tcp:$web-80" "tcp:$echo-7" "udp:$echo-7" dns:azoth.test=10.0.2.2 > "$dir/peer.log" 2>&1 &
slirp=$!
wait_log "$dir/peer.log" '^netpeer slirp: on ' 10
{
    wait_log "$log" '^net: 10\.0\.2\.15/24' 60
    wait_log "$log" '^httpd: serving the status page on port 80' 30
    $peer http-get "$web" /health "$dir/health.txt" > "$dir/get.out" 2>&1
    $peer tcp-serve "$dir/hostport" > "$dir/serve.out" 2>&1 &
    while [ ! -s "$dir/hostport" ]; do sleep 0.1; done
    printf 'start netecho client %s 100000\nwait netecho 60\n' "$(cat "$dir/hostport")"
    wait_log "$log" 'netecho: client:' 60
    wait
    printf 'start netecho serve 120\n'
    wait_log "$log" 'netecho: listening' 30
    $peer tcp-echo "$echo" 8 65536 > "$dir/tcp.out" 2>&1
    $peer udp-echo "$echo" 40 > "$dir/udp.out" 2>&1
    $peer http-load "$web" /health 5000 16 120 > "$dir/load.out" 2>&1 &
    sleep 0.3
    printf 'inject virtio_net oob\n'
    wait
    # names: the shell asks the DNS server DHCP gave (the peer answers)
    while [ ! -s "$dir/hostweb" ]; do sleep 0.1; done
    printf 'start shell\nstart uart\n'
    sleep 1
    printf 'host azoth.test\r'
    wait_log "$log" 'azoth.test has address' 15
    printf 'host nowhere.test\r'
    wait_log "$log" 'host: nowhere.test' 15
    printf 'http get http://azoth.test:%s/health\r' "$(cat "$dir/hostweb")"
    sleep 2
    printf 'kill netecho\r'
    sleep 0.5
    printf 'halt\r'
    sleep 1
} | AZOTH_NET="$dir/sock" timeout 240 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/net-status $? 0 "$log"
kill $slirp $hostweb 2>/dev/null
expect_in "$log" hosted/net-dns '^azoth\.test has address 10\.0\.2\.2$' \
    '^host: nowhere\.test: not found \(or no DNS answer\)$' '^ok$'
expect_in "$log" hosted/net-driver '^virtio_net: 52:54:00:12:34:56, link up, serving$' \
    '^net: 10\.0\.2\.15/24 via 10\.0\.2\.2 \(DHCP\)$'
expect_in "$dir/get.out" hosted/net-page '^HTTP/1\.1 200 OK$'
expect_in "$dir/health.txt" hosted/net-page-body '^ok$'
expect_in "$log" hosted/net-connect-out \
    'netecho: client: 100000 bytes sent to 10\.0\.2\.2:[0-9]+ from 10\.0\.2\.15:[0-9]+ and echoed intact$'
expect_in "$dir/tcp.out" hosted/net-tcp-echo '^tcp-echo: 8 connections, 65536 bytes each: 8 echoed intact, 0 failed$'
expect_in "$dir/udp.out" hosted/net-udp-echo '^udp-echo: 40 datagrams: 40 echoed intact, 0 failed'
expect_in "$dir/load.out" hosted/net-load-through-a-fault '^http-load: 5000 requests of /health, 16 at a time: 5000 answered, 0 failed'
expect_in "$log" hosted/net-driver-restarted 'virtio_net.*\(injected\)' 'supervisor: restarted virtio_net'
expect_count hosted/net-one-fault "$log" 'fault: [a-z_0-9]* (generation' 1
