# The status page (docs/network.md): make run's kernel with a host port
# forwarded to the guest's port 80, as make run does. The host fetches the
# page and its JSON (tools/netpeer; node checks the JSON), gets 404, 405
# and 400 for what it should, and a real browser (Debian's chromium,
# headless) renders the page and takes a screenshot; a fault injected into
# the network driver then shows on the page, which is still served.
. tests/lib.sh
dir=$LOGDIR/httpd
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/httpd.log
peer=$BUILD/tools/netpeer
: > "$log"
port=$($peer free-port)
url=http://127.0.0.1:$port/

browser() { # what: a screenshot and the DOM as chromium renders it
    timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
        --screenshot="$dir/$1.png" "$url" > "$dir/$1.chromium.log" 2>&1
    timeout 90 chromium --headless --no-sandbox --disable-gpu --dump-dom "$url" > "$dir/$1.dom" 2> "$dir/$1.dom.log"
}

{
    wait_log "$log" '^net: 10\.0\.2\.15/24' 60
    wait_log "$log" '^httpd: serving the status page on port 80' 30
    $peer http-get "$port" / "$dir/page.html" > "$dir/get.out" 2>&1
    $peer http-get "$port" /status.json "$dir/status.json" >> "$dir/get.out" 2>&1
    $peer http-get "$port" /nothing-here "$dir/404.html" >> "$dir/get.out" 2>&1
    $peer http-raw "$port" 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n' > "$dir/raw.out" 2>&1
    $peer http-raw "$port" 'GARBAGE\r\n\r\n' >> "$dir/raw.out" 2>&1
    browser before
    printf 'inject virtio_net oob\n'
    wait_log "$log" 'virtio_net.*\(injected\)' 20
    wait_log "$log" '^virtio_net: 52:54:00:12:34:56, link up, serving$' 20 2
    sleep 2
    $peer http-get "$port" /status.json "$dir/after.json" > "$dir/after.out" 2>&1
    browser after
    printf 'halt\n'
    sleep 2
} | timeout 300 tools/qemu.sh --hostfwd "tcp:127.0.0.1:$port-:80" > "$log" 2>&1
expect_status qemu/httpd-status $? 0 "$log"
expect_in "$dir/get.out" qemu/httpd-answers '^HTTP/1\.1 200 OK$' '^HTTP/1\.1 404 Not Found$'
expect_count qemu/httpd-two-pages "$dir/get.out" '^HTTP/1.1 200 OK$' 2
expect_in "$dir/page.html" qemu/httpd-page '<h1>Azoth</h1>' \
    '<tr><td>httpd</td><td class="running">running</td>' '<tr><td>virtio_net</td><td class="running">running</td>' \
    '<td>inet</td><td>10\.0\.2\.15/24 via 10\.0\.2\.2</td>'
expect_in "$dir/raw.out" qemu/httpd-refusals '^HTTP/1\.1 405 Method Not Allowed$' '^HTTP/1\.1 400 Bad Request$'
# The JSON parses, and says what the page says (node is a build dependency).
if node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = Object.fromEntries(s.components.map(x => [x.name, x]));
    if (c.httpd.state !== "running" || c.net.state !== "running" || !c.net.capabilities.endpoint) process.exit(1);
    if (s.network.addr !== "10.0.2.15" || s.faults.length !== 0) process.exit(2);
    if (!Array.isArray(s.sensor_sessions) || s.sensor_sessions.length !== 0 || !Array.isArray(s.audit_log))
        process.exit(3); /* the privacy service answered: no sessions in the user image */
' "$dir/status.json" > "$dir/json.check" 2>&1; then
    result PASS qemu/httpd-json
else
    result FAIL qemu/httpd-json "status.json does not parse or says otherwise: $dir/status.json, $dir/json.check"
fi
if node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const v = s.components.find(x => x.name === "virtio_net");
    const f = s.faults.find(x => x.component === "virtio_net" && x.injected);
    if (!v || v.restarts < 1 || v.state !== "running" || !f || s.network.driver_restarts < 1) process.exit(1);
' "$dir/after.json" > "$dir/after.check" 2>&1; then
    result PASS qemu/httpd-json-after-fault
else
    result FAIL qemu/httpd-json-after-fault "after.json does not show the driver's fault and restart: $dir/after.json"
fi
# The browser: it rendered the page (its DOM has the tables) and drew it.
expect_in "$dir/before.dom" qemu/httpd-browser-dom '<h2>Components</h2>' '<td>httpd</td>' \
    '<h2>Sensor sessions</h2>' 'none live, no requests waiting'
expect_in "$dir/after.dom" qemu/httpd-browser-fault '<td>virtio_net</td><td class="num">1</td><td>out-of-bounds memory access \(injected\)</td>'
for shot in before after; do
    if [ -s "$dir/$shot.png" ] && [ "$(head -c 8 "$dir/$shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
        result PASS "qemu/httpd-screenshot-$shot" "$dir/$shot.png"
    else
        result FAIL "qemu/httpd-screenshot-$shot" "no PNG from chromium: $dir/$shot.chromium.log"
    fi
done
