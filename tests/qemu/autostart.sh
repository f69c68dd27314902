# Apps in the background and at boot (docs/apps.md): `run ... &` and the
# end it reports at the next prompt; `autostart` adding, replacing, listing
# and dropping what /apps/autostart starts, `apps` marking it, `remove`
# dropping its line; then a second boot from the same disk, where the shell
# starts what the list says, with its options and arguments.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/autostart
rm -rf "$dir"
mkdir -p "$dir"
img=$dir/disk.img
tools/disk.sh make "$img" 64 "$BUILD/apps/hello.azpkg" "$BUILD/apps/runtest.azpkg" > "$dir/make.log" 2>&1
expect_status qemu/autostart-disk $? 0 "$dir/make.log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    sleep 3; printf 'run runtest spin &\r'
    sleep 2; printf 'ps\r'
    sleep 1; printf 'kill runtest\r'
    sleep 1; printf '\r'
    sleep 1; printf 'autostart runtest args "a b"\r'
    sleep 1; printf 'autostart --env GREETING=hi runtest env\r'
    sleep 1; printf 'autostart hello Boot\r'
    sleep 1; printf 'autostart nosuch\r'
    sleep 1; printf 'apps\r'
    sleep 1; printf 'autostart\r'
    sleep 1; printf 'autostart -d hello\r'
    sleep 1; printf 'autostart -d hello\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 90 tools/qemu.sh --disk "$img" > "$dir/first.log" 2>&1
expect_status qemu/autostart-first-status $? 0 "$dir/first.log"
log=$dir/first.log
expect_in "$log" qemu/autostart-background '^\[runtest running in the background\]$' \
    '^runtest +running ' '^\[runtest: stopped: killed\]$'
expect_in "$log" qemu/autostart-added '^runtest starts at boot: run "runtest" "args" "a b"$' \
    '^runtest starts at boot: run "--env" "GREETING=hi" "runtest" "env"$' '^hello starts at boot: run "hello" "Boot"$'
expect_in "$log" qemu/autostart-refused '^autostart: nosuch is not an installed package'
expect_in "$log" qemu/autostart-apps '^hello +[0-9]+ bytes  autostart$' '^runtest +[0-9]+ bytes  autostart$'
# The replaced line is gone: two lines, runtest's new one and hello's.
expect_in "$log" qemu/autostart-list '^  "--env" "GREETING=hi" "runtest" "env"$' '^2 apps start at boot$'
expect_none "$log" qemu/autostart-replaced '^  "runtest" "args"' "the replaced line is still listed"
expect_in "$log" qemu/autostart-dropped '^hello no longer starts at boot$' '^autostart: hello does not start at boot$'
# The second boot: the shell starts runtest env with its environment.
{
    sleep 4; printf 'start shell\nstart uart\n'
    sleep 4; printf '\r'
    sleep 1; printf 'remove runtest\r'
    sleep 1; printf 'autostart\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 60 tools/qemu.sh --disk "$img" > "$dir/second.log" 2>&1
expect_status qemu/autostart-second-status $? 0 "$dir/second.log"
log=$dir/second.log
expect_in "$log" qemu/autostart-at-boot '^autostart: run "--env" "GREETING=hi" "runtest" "env"$' \
    'env: GREETING=hi$' '^\[runtest: exit status 0\]$'
expect_none "$log" qemu/autostart-not-dropped '^Hello, Boot!$' "a dropped app started"
expect_in "$log" qemu/autostart-removed '^removed /apps/runtest\.azpkg$' '^0 apps start at boot$'
tools/disk.sh check "$img" > "$dir/check.log" 2>&1
expect_status qemu/autostart-image-clean $? 0 "$dir/check.log"
