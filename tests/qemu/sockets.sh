# Sockets on bare metal (docs/network.md): the test image with a virtio-net
# card on QEMU's user networking, a host port forwarded to the guest's port
# 7 (TCP and UDP), and the host's end played by tools/netpeer. In order: a
# component with no network rules is refused sockets; netecho's rules
# refuse what they do not name; netecho connects out to a host server; it
# echoes TCP (8 connections at once) and UDP from the host; killed and
# started again, it gets its port back (its old sockets went with it); the
# net service itself is made to fail under load: the connections open then
# are reset, the service restarts, netecho listens again and new
# connections are echoed; the shell lists every component's sockets.
. tests/lib.sh
dir=$LOGDIR/sockets
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/sockets.log
peer=$BUILD/tools/netpeer
: > "$log"
port=$($peer free-port)

{
    wait_log "$log" '^net: 10\.0\.2\.15/24' 60
    printf 'start netnone\nwait netnone 20\nstart netecho deny\nwait netecho 20\n'
    wait_log "$log" 'netecho: deny: a socket that is not ours' 20
    $peer tcp-serve "$dir/hostport" > "$dir/serve.out" 2>&1 &
    _p_i=0
    while [ ! -s "$dir/hostport" ] && [ $_p_i -lt 50 ]; do sleep 0.1; _p_i=$((_p_i + 1)); done
    printf 'start netecho client %s 100000\nwait netecho 60\n' "$(cat "$dir/hostport")"
    wait_log "$log" 'netecho: client:' 60
    wait
    printf 'start netecho serve 240\n'
    wait_log "$log" 'netecho: listening' 20
    $peer tcp-echo "$port" 8 65536 > "$dir/tcp.out" 2>&1
    $peer udp-echo "$port" 40 > "$dir/udp.out" 2>&1
    printf 'kill netecho\nstart netecho serve 240\n'
    wait_log "$log" 'netecho: listening' 20 2
    $peer tcp-echo "$port" 2 4096 > "$dir/tcp2.out" 2>&1
    # the stack fails while connections carry data
    $peer tcp-echo "$port" 4 8000000 30 > "$dir/reset.out" 2>&1 &
    sleep 2
    printf 'inject net oob\n'
    wait
    wait_log "$log" '^net: 10\.0\.2\.15/24' 30 2
    wait_log "$log" 'netecho: the net service restarted' 30
    wait_log "$log" 'netecho: listening' 30 3
    $peer tcp-echo "$port" 4 16384 > "$dir/tcp3.out" 2>&1
    # the shell's socket list (every component's: its all-sockets rule)
    printf 'start shell\nstart uart\n'
    sleep 3
    printf 'sockets\r'
    sleep 2
    printf 'kill netecho\r'
    sleep 1
    printf 'halt\r'
    sleep 2
} | timeout 300 tools/qemu.sh --kernel "$TEST_KERNEL" --hostfwd "tcp:127.0.0.1:$port-:7" \
    --hostfwd "udp:127.0.0.1:$port-:7" > "$log" 2>&1
expect_status qemu/sockets-status $? 0 "$log"
expect_in "$log" qemu/sockets-no-rules 'netnone: a TCP socket: refused \(EPERM\)$' \
    'netnone: a UDP socket: refused \(EPERM\)$' 'netnone: the interface: a device$'
expect_in "$log" qemu/sockets-observe-reads-only 'netnone: observe: net is running$' \
    'netnone: observe: kill net: refused \(EPERM\)$'
expect_in "$log" qemu/sockets-rules-narrow 'netecho: deny: listen on TCP port 8: refused \(EPERM\)$' \
    'netecho: deny: connect to 10\.0\.2\.3:53 \(UDP\): refused \(EPERM\)$' \
    'netecho: deny: connect to 10\.0\.2\.99:80 \(TCP\): refused \(EPERM\)$' \
    'netecho: deny: ping 10\.0\.2\.2: refused \(EPERM\)$' \
    'netecho: deny: listen on TCP port 7: allowed$' \
    'netecho: deny: a second socket on TCP port 7: EADDRINUSE$' \
    'netecho: deny: a socket that is not ours: EBADHANDLE$'
expect_in "$log" qemu/sockets-malformed 'netecho: deny: a receive bounded beyond its lend: EINVAL$' \
    'netecho: deny: a poll without a lend: EINVAL$' 'netecho: deny: a socket of kind 7: EINVAL$' \
    'netecho: deny: operation 99: ENOSYS$' 'netecho: deny: still served: yes$'
expect_in "$log" qemu/sockets-connect-out \
    'netecho: client: 100000 bytes sent to 10\.0\.2\.2:[0-9]+ from 10\.0\.2\.15:[0-9]+ and echoed intact$'
expect_in "$dir/serve.out" qemu/sockets-connect-out-host '^tcp-serve: echoed 100000 bytes$'
expect_in "$dir/tcp.out" qemu/sockets-tcp-echo '^tcp-echo: 8 connections, 65536 bytes each: 8 echoed intact, 0 failed$'
expect_in "$dir/udp.out" qemu/sockets-udp-echo '^udp-echo: 40 datagrams: 40 echoed intact, 0 failed'
expect_in "$dir/tcp2.out" qemu/sockets-port-back-after-kill \
    '^tcp-echo: 2 connections, 4096 bytes each: 2 echoed intact, 0 failed$'
# The connections open when the stack failed end (reset or closed), none
# hangs past its deadline, and new ones are served by the restarted stack.
expect_in "$dir/reset.out" qemu/sockets-stack-fault-resets '^tcp-echo: 4 connections, 8000000 bytes each: [0-3] echoed intact, [1-4] failed$'
expect_in "$log" qemu/sockets-stack-restarted 'net.*\(injected\)' 'netecho: the net service restarted; listening again$'
expect_in "$dir/tcp3.out" qemu/sockets-after-stack-restart \
    '^tcp-echo: 4 connections, 16384 bytes each: 4 echoed intact, 0 failed$'
expect_in "$log" qemu/sockets-list '^proto local +remote +state +rx-queue tx-queue owner' \
    '^tcp +0\.0\.0\.0:7 +\* +listen +0 +0 netecho$' '^udp +0\.0\.0\.0:7 +\* +bound +0 +0 netecho$' \
    '^tcp +0\.0\.0\.0:80 +\* +listen +0 +0 httpd$' '^3 sockets$'
expect_count qemu/sockets-one-fault "$log" 'fault: [a-z_0-9]* (generation' 1
