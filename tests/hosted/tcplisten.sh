# `azoth run --tcplisten` (docs/network.md, "Serving from an app"): an
# ordinary WASI server (apps/tcpecho: wasi-libc's accept, recv, read,
# send, shutdown, close and poll on the listening socket made for it)
# serves connections from the host, 8 at once, each one's bytes echoed
# intact, and ends when told to; what goes wrong is said clearly: no
# socket given (the program says so), a malformed ADDR:PORT, a host port
# already forwarded by another run. The sanitizer build of the user image.
# test: alone (it checks that no netpeer of any test is left running)
. tests/lib.sh
dir=$LOGDIR/tcplisten
rm -rf "$dir"
mkdir -p "$dir/cache"
AZ=$BUILD/hosted-san/azoth
APP=$BUILD/apps/tcpecho.wasm
peer=$BUILD/tools/netpeer
export AZOTH_CACHE="$dir/cache"
export ASAN_OPTIONS=detect_leaks=0 # the kernel's process ends with the program
port=$($peer free-port)

# The server: 9 connections, then it stops by itself.
timeout 120 "$AZ" run --tcplisten "127.0.0.1:$port" "$APP" 9 > "$dir/serve.out" 2> "$dir/serve.err" < /dev/null &
server=$!
wait_log "$dir/serve.out" '^tcpecho: serving on fd 3$' 60
# A second run asking for the same host port: refused, said why.
timeout 60 "$AZ" run --tcplisten "127.0.0.1:$port" "$APP" > "$dir/taken.out" 2> "$dir/taken.err" < /dev/null
expect_status hosted/tcplisten-port-taken-status $? 126 "$dir/taken.err"
expect_in "$dir/taken.err" hosted/tcplisten-port-taken-said 'cannot forward|did not start'
$peer tcp-echo "$port" 8 16384 60 > "$dir/echo8.out" 2>&1
expect_in "$dir/echo8.out" hosted/tcplisten-echo-8 '^tcp-echo: 8 connections, 16384 bytes each: 8 echoed intact, 0 failed$'
$peer tcp-echo "$port" 1 1 30 > "$dir/echo1.out" 2>&1
expect_in "$dir/echo1.out" hosted/tcplisten-echo-last '^tcp-echo: 1 connections, 1 bytes each: 1 echoed intact, 0 failed$'
wait $server
expect_status hosted/tcplisten-exit-status $? 0 "$dir/serve.err"
expect_in "$dir/serve.out" hosted/tcplisten-all-ended '^tcpecho: stopped after 9 connections \(9 ended\)$'
# Its network ends with it (a moment for netpeer's SIGTERM).
gone() { ! pgrep -f "netpeer slirp /tmp/azoth-net-" > /dev/null && ! ls /tmp/azoth-net-* > /dev/null 2>&1; }
for _ in 1 2 3 4 5 6 7 8 9 10; do
    gone && break
    sleep 0.2
done
if ! gone; then
    result FAIL hosted/tcplisten-network-gone "a netpeer or its socket outlived azoth run"
else
    result PASS hosted/tcplisten-network-gone
fi

# No socket given: the program finds none and says so.
timeout 60 "$AZ" run "$APP" > "$dir/none.out" 2> "$dir/none.err" < /dev/null
expect_status hosted/tcplisten-none-status $? 2 "$dir/none.err"
expect_in "$dir/none.err" hosted/tcplisten-none-said 'no listening socket'

# Malformed: a usage error before anything starts.
for bad in 127.0.0.1 127.0.0.1:0 127.0.0.1:70000 localhost:80 '::1:80'; do
    timeout 30 "$AZ" run --tcplisten "$bad" "$APP" > "$dir/bad.out" 2> "$dir/bad.err" < /dev/null
    expect_status "hosted/tcplisten-bad-$bad" $? 2 "$dir/bad.err"
done
expect_in "$dir/bad.err" hosted/tcplisten-bad-said 'want ADDR:PORT'
