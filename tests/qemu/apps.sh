# Apps on bare metal (docs/apps.md): make run's disk with the tree's
# packages in /apps (tools/disk.sh make ... PKG...), and a tampered copy put
# in from the host; then, in the shell, run with arguments (quoted), an
# environment, a directory of the disk, exit statuses, a trap, Ctrl-C,
# input typed to the program (edited, Ctrl-D), a refused package, a missing
# one, and install, apps, remove; C++, Rust and AssemblyScript programs.
. tests/lib.sh
dir=$LOGDIR/apps
rm -rf "$dir"
mkdir -p "$dir"
img=$dir/disk.img
tools/disk.sh make "$img" 64 "$BUILD/apps/hello.azpkg" "$BUILD/apps/runtest.azpkg" \
    "$BUILD/apps/cxxdemo.azpkg" "$BUILD/apps/rustdemo.azpkg" "$BUILD/apps/asdemo.azpkg" > "$dir/make.log" 2>&1
expect_status qemu/apps-disk $? 0 "$dir/make.log"
# A copy with one byte of its code changed (1000 bytes into its image, at
# image_off: byte 120 of the header): the signature no longer holds.
cp "$BUILD/apps/runtest.azpkg" "$dir/bad.azpkg"
image_off=$(od -An -tu4 -j 120 -N4 "$dir/bad.azpkg" | tr -d ' ')
flip_byte "$dir/bad.azpkg" $((image_off + 1000))
tools/disk.sh put "$img" "$dir/bad.azpkg" /apps/bad.azpkg > "$dir/put.log" 2>&1
expect_status qemu/apps-put $? 0 "$dir/put.log"
log=$dir/shell.log
: > "$log"
cmd() { shell_cmd "$log" "$1"; }
{
    sleep 4; printf 'start shell\nstart uart\n'
    shell_up "$log"
    cmd 'apps'
    cmd 'run hello Ada'
    cmd 'run runtest args "two words" '"'"'q"x'"'"' \$'
    cmd 'run --env GREETING=hi --env B=2 runtest env'
    cmd 'run runtest exit 3'
    cmd 'run --dir /docs::/d runtest files /d'
    cmd 'run runtest trap'
    cmd 'run bad'
    cmd 'run nosuch'
    printf 'run runtest spin\r'
    wait_log "$log" '^spinning' 20
    sleep 1; printf '\003'
    shell_prompts=$((shell_prompts + 1))
    wait_log "$log" 'azoth\$ ' 20 "$shell_prompts"
    printf 'run runtest cat\r'
    sleep 3; printf 'typed in Azoth\r'
    sleep 1; printf 'abc\177\177x\r'
    sleep 1; printf '\004'
    shell_prompts=$((shell_prompts + 1))
    wait_log "$log" 'azoth\$ ' 20 "$shell_prompts"
    cmd 'run cxxdemo "the cat and the dog" and'
    cmd 'run --env LANG=C --dir /docs::/d rustdemo /d'
    cmd 'run --env GREETING=hi asdemo "two words"'
    cmd 'install /apps/hello.azpkg hi'
    cmd 'run hi'
    cmd 'remove hi'
    cmd 'run "unclosed'
    cmd 'ps'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 150 tools/qemu.sh --disk "$img" > "$log" 2>&1
expect_status qemu/apps-status $? 0 "$log"
expect_in "$log" qemu/apps-list '^hello +[0-9]+ bytes$' '^runtest +[0-9]+ bytes$' '^6 installed in /apps$'
# The user image has a built-in "hello": the package's component is hello-2.
expect_in "$log" qemu/apps-hello '^Hello, Ada!$' '^It is 20[0-9-]+ [0-9:]+ UTC\.$' '^\[hello-2: exit status 0\]$'
expect_in "$log" qemu/apps-argv '^\[runtest\]\[args\]\[two words\]\[q"x\]\[\$\]$'
expect_in "$log" qemu/apps-env '^env: B=2$' '^env: GREETING=hi$' '^env: 2 variables$'
expect_in "$log" qemu/apps-exit '^\[runtest: exit status 3\]$'
expect_in "$log" qemu/apps-dir '^files: read back: written by runtest$' '^files: entry apps\.md$' '^files: removed$'
expect_in "$log" qemu/apps-trap '^\[runtest: stopped: unreachable executed\]$' \
    'fault: runtest \(generation [0-9]+\): unreachable executed in main\+0x[0-9a-f]+'
expect_in "$log" qemu/apps-refused 'package: refused: its signature does not match its contents' \
    '^run: /apps/bad\.azpkg: EBADSIG'
expect_in "$log" qemu/apps-missing '^run: /apps/nosuch\.azpkg: No such file or directory$'
expect_in "$log" qemu/apps-ctrl-c '^spinning$' '^\^C$' '^\[runtest: stopped: killed\]$'
expect_in "$log" qemu/apps-install '^installed /apps/hi\.azpkg \(run hi\)$' '^Hello, world!$' \
    '^removed /apps/hi\.azpkg$'
expect_in "$log" qemu/apps-quoting '^unclosed quote$'
# C++ and Rust programs from the disk.
expect_in "$log" qemu/apps-cxx '^cxxdemo: 6 words, 4 different$' '^cxxdemo: the 2$' '^\[cxxdemo: exit status 0\]$'
expect_in "$log" qemu/apps-rust '^rustdemo: 2 arguments: \["rustdemo", "/d"\]$' '^rustdemo: env LANG=C$' \
    '^rustdemo: read back: written by Rust$' '^rustdemo: in /d: .*rustdemo\.txt' '^\[rustdemo: exit status 0\]$'
# AssemblyScript from the disk.
expect_in "$log" qemu/apps-as '^asdemo: arg 1 \[two words\]$' '^asdemo: GREETING=hi$' \
    '^asdemo: primes below 100000: 9592$' '^\[asdemo: exit status 0\]$'
# stdin: what is typed while it runs, a line at a time, edited; Ctrl-D ends it.
expect_in "$log" qemu/apps-stdin '^typed in Azoth$' '^ax$' '^cat: 18 bytes$' '^\[runtest: exit status 0\]$'
# Every app's slot was given back: ps lists none of them.
expect_none "$log" qemu/apps-slots-freed '^(hello-[0-9]+|runtest[-0-9]*) +(running|exited|faulted|stopped) ' \
    "an app is still listed after it ended"
tools/disk.sh check "$img" > "$dir/check.log" 2>&1
expect_status qemu/apps-image-clean $? 0 "$dir/check.log"
