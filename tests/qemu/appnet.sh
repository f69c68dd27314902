# An app serving TCP from the shell (docs/network.md, "Serving from an
# app"): the user image with apps/tcpecho on its disk, a host port
# forwarded by QEMU to the guest's port 7070. The shell's `run --tcplisten`
# gives the app a listening socket within the shell's own rules (listen
# 1024-65535: port 80 is refused, the kernel asked the net service); 4
# connections at once are echoed; the net service is made to fail while a
# connection carries data: that connection is reset, the app lives on, its
# listening socket is made again in the service's next generation, and a
# new connection is echoed; after 6 connections the app ends by itself.
. tests/lib.sh
dir=$LOGDIR/appnet
rm -rf "$dir"
mkdir -p "$dir"
img=$dir/disk.img
tools/disk.sh make "$img" 64 "$BUILD/apps/tcpecho.azpkg" > "$dir/make.log" 2>&1
expect_status qemu/appnet-disk $? 0 "$dir/make.log"
peer=$BUILD/tools/netpeer
port=$($peer free-port)
log=$dir/shell.log
: > "$log"
{
    wait_log "$log" '^net: 10\.0\.2\.15/24' 60
    printf 'start shell\nstart uart\n'
    sleep 2; printf 'run --tcplisten 80 tcpecho\r'
    sleep 2; printf 'run --tcplisten 7070 tcpecho 6 &\r'
    wait_log "$log" 'tcpecho: serving on fd 3' 30
    $peer tcp-echo "$port" 4 16384 60 > "$dir/echo4.out" 2>&1
    # the stack fails while a connection carries data
    $peer tcp-echo "$port" 1 100000000 30 > "$dir/reset.out" 2>&1 &
    wait_log "$log" 'tcpecho: connection [0-9]* accepted' 10 5
    sleep 0.5
    printf 'inject net oob\r'
    wait
    wait_log "$log" '^net: 10\.0\.2\.15/24' 60 2
    $peer tcp-echo "$port" 1 4096 30 > "$dir/after.out" 2>&1
    wait_log "$log" 'tcpecho: stopped after' 30
    sleep 1; printf '\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 240 tools/qemu.sh --disk "$img" --hostfwd "tcp:127.0.0.1:$port-:7070" > "$log" 2>&1
expect_status qemu/appnet-status $? 0 "$log"
expect_in "$log" qemu/appnet-port-80-refused 'network: beyond what its starter may do itself'
expect_in "$dir/echo4.out" qemu/appnet-echo-4 '^tcp-echo: 4 connections, 16384 bytes each: 4 echoed intact, 0 failed$'
expect_in "$dir/reset.out" qemu/appnet-reset 'connection 0: (Connection reset by peer|closed) after'
expect_in "$log" qemu/appnet-net-restarted 'net.*\(injected\)' 'supervisor: restarted net '
expect_in "$dir/after.out" qemu/appnet-echo-after '^tcp-echo: 1 connections, 4096 bytes each: 1 echoed intact, 0 failed$'
expect_in "$log" qemu/appnet-app-ended '^tcpecho: stopped after 6 connections \(6 ended\)$' \
    '^\[tcpecho: exit status 0\]'
expect_count qemu/appnet-one-fault "$log" 'fault: [a-z_0-9]* (generation' 1
