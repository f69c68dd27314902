# The user's privacy controls in the shell (docs/privacy.md), on the hosted
# platform under ASan and UBSan: the test image booted into the shell, its
# COM2 double fed from a FIFO once a session started. `privacy` answers a
# prompt (gpsask asks, `privacy once 1` lets its session open, positions
# reach it), lists the session, and `privacy revoke` ends it; an answer
# "deny" refuses the next request; F12 (its escape sequence, here typed on
# the serial line) ends a session opened without asking, and the line being
# typed around it survives; `privacy log` shows all of it, and, once 55
# refusals more filled it, all 64 entries over two pages. Every wrong use
# gets its own error.
. tests/lib.sh
dir=$LOGDIR/privshell
log=$dir/shell.log
rm -rf "$dir"
mkdir -p "$dir"
gps_session_feed "$dir" "$log" "$dir/com2"
# The status page shows the live sessions and the audit log (httpd reads
# them, read-only): a host port forwarded to it through netpeer's slirp.
peer=$BUILD/tools/netpeer
web=$($peer free-port)
: > "$dir/peer.log"
$peer slirp "$dir/sock" 60 "tcp:$web-80" > "$dir/peer.log" 2>&1 &
slirp=$!
wait_log "$dir/peer.log" '^netpeer slirp: on ' 10
{
    sleep 2; printf 'privacy bogus\n'
    sleep 0.3; printf 'privacy once abc\n'
    sleep 0.3; printf 'privacy once\n'
    sleep 0.3; printf 'privacy revoke x\n'
    sleep 0.3; printf 'privacy once 99\n'
    sleep 0.3; printf 'privacy revoke 7\n'
    sleep 0.3; printf 'privacy\n'
    sleep 0.3; printf 'start gpsask hold ms=30000\n'
    sleep 1; printf 'privacy\n'
    sleep 0.5; printf 'privacy once 1\n'
    sleep 3; printf 'privacy list\n'
    $peer http-get "$web" /status.json "$dir/during.json" > "$dir/during.out" 2>&1
    $peer http-get "$web" / "$dir/during.html" >> "$dir/during.out" 2>&1
    sleep 0.5; printf 'privacy revoke\n'
    sleep 1; printf 'start gpsask hold ms=30000\n'
    sleep 1; printf 'privacy deny 2\n'
    sleep 1; printf 'start gpsapp hold ms=30000\n'
    sleep 1; printf 'hist\033[24~ory\n'
    sleep 1; printf 'privacy log\n'
    # 55 refusals more fill the log to its 64 entries, more text than
    # one lent page: the shell pages through it by entry number
    i=0
    while [ $i -lt 55 ]; do sleep 0.05; printf 'start gpsnone open want=EPERM\n'; i=$((i + 1)); done
    sleep 2; printf 'privacy log\n'
    $peer http-get "$web" /status.json "$dir/after.json" > "$dir/after.out" 2>&1
    sleep 1; printf 'halt\n'
    sleep 1
} | AZOTH_NET="$dir/sock" AZOTH_COM2="$dir/com2" timeout 60 "$TEST_HOSTED" azoth.shell=1 > "$log" 2>&1
status=$?
kill $slirp 2>/dev/null
kill $gps_feeder 2>/dev/null
wait $gps_feeder 2>/dev/null
expect_status hosted/privshell-status $status 0 "$log"
expect_in "$log" hosted/privshell-errors \
    "^privacy: unknown subcommand 'bogus'; usage: privacy \[log \| once\|always\|deny <request> \| revoke \[session\]\]$" \
    "^privacy: 'abc' is not a request number$" \
    '^usage: privacy once <request>$' \
    "^privacy: 'x' is not a session number$" \
    "^privacy: no request 99 waiting \(see 'privacy'\)$" \
    "^privacy: no session 7 \(see 'privacy'\)$" \
    '^privacy: no live sessions, no requests waiting$'
# asked, answered in the shell, opened, read, listed, revoked
expect_in "$log" hosted/privshell-answer \
    'privacy: request 1: gpsask wants the location \(fine\) for 30 s: allow once, always or deny\?' \
    '^request 1: gpsask wants the location for 30 s: waiting for the user$' \
    'privacy: request 1: allow once$' \
    'privacy: session 1 started: gpsask location fine for 30 s$' \
    'gpsask: open: OK$' \
    '^gpsask: fix 3 -338687233 -1512094633 fine '
expect_in "$log" hosted/privshell-list '^session 1: gpsask location fine, [0-9]+ s left, 3 delivered$'
expect_in "$log" hosted/privshell-revoke \
    'privacy: session 1 ended: gpsask location, 3 delivered, revoked by the user$' \
    '^privacy: revoked every session: 1 ended$' \
    'gpsask: 3 positions, then ESTALE$' \
    'gpsask: ended signal yes, .*through a copy: ESTALE$'
# "once" held for one session: the next one asks again, and is denied
expect_in "$log" hosted/privshell-deny \
    'privacy: request 2: gpsask wants the location \(fine\) for 30 s' \
    'privacy: request 2: deny$' \
    'gpsask: open: EDENIED$'
expect_in "$log" hosted/privshell-f12 \
    'privacy: session 2 started: gpsapp location fine for 30 s$' \
    'privacy: session 2 ended: gpsapp location, 0 delivered, revoked by the user$' \
    '^privacy: F12: revoked every session: 1 ended$' \
    "unknown command 'history'; try help$"
expect_in "$log" hosted/privshell-log \
    '^1 [0-9]+\.[0-9]{3} gpsask location fine asked for 30 s$' \
    '^2 [0-9]+\.[0-9]{3} gpsask location fine answered for 30 s: allow once$' \
    '^3 [0-9]+\.[0-9]{3} gpsask location fine started session 1 for 30 s$' \
    '^4 [0-9]+\.[0-9]{3} gpsask location fine ended session 1 after [0-9]+ ms, 3 delivered: revoked by the user$' \
    '^6 [0-9]+\.[0-9]{3} gpsask location fine answered for 30 s: deny$' \
    '^7 [0-9]+\.[0-9]{3} gpsask location fine refused for 30 s: the user said no$' \
    '^9 [0-9]+\.[0-9]{3} gpsapp location fine ended session 2 after [0-9]+ ms, 0 delivered: revoked by the user$'
# the second log: entries 1 to 64, each once, in order (two pages of text)
tr -d '\r' < "$log" | awk '/privacy log$/ { n = 0; bad = ""; next }
    /^[0-9]+ [0-9]+\.[0-9][0-9][0-9] gps/ { if ($1 != n + 1) bad = bad " " $1 " after " n; n = $1 }
    END { print n " entries" (bad == "" ? "" : ", out of order:" bad) }' > "$dir/log.count"
if [ "$(cat "$dir/log.count")" = "64 entries" ] && [ "$(tr -d '\r' < "$log" | grep -c 'gpsnone location fine refused for 30 s: not in the manifest$')" -ge 55 ]; then
    result PASS hosted/privshell-log-pages
else
    result FAIL hosted/privshell-log-pages "the last privacy log read '$(cat "$dir/log.count")', want 64 entries in order (log: $log)"
fi
expect_none "$log" hosted/privshell-no-fault 'fault:' "a fault was reported"
# The status page, during the session and after it all.
node -e '
const fs = require("fs");
const d = JSON.parse(fs.readFileSync(process.argv[1])), a = JSON.parse(fs.readFileSync(process.argv[2]));
const live = d.sensor_sessions.some(l => /^session 1: gpsask location fine, [0-9]+ s left, [0-9]+ delivered$/.test(l));
const log = a.audit_log.length === 20 && a.audit_log.some(l => / gpsnone location fine refused/.test(l));
if (!live || !log) { console.log(JSON.stringify({ during: d.sensor_sessions, after: a.audit_log })); process.exit(1); }
' "$dir/during.json" "$dir/after.json" > "$dir/json-check.log" 2>&1
expect_status hosted/privshell-status-page-json $? 0 "$dir/json-check.log"
expect_in "$dir/during.html" hosted/privshell-status-page-html '<h2>Sensor sessions</h2>' \
    '<li>session 1: gpsask location fine, [0-9]+ s left, [0-9]+ delivered</li>' '<h2>Privacy audit log</h2>'
