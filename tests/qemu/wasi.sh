# The WASI preview 1 conformance suite for everything but files (apps/wasitest;
# wasifs has the files', tests/qemu/files.sh) on bare metal, from disk, with
# the shell's run: once with nothing typed (stdin open and silent), once
# with "hello" typed while it runs and then Ctrl-D (the end of its input).
. tests/lib.sh
dir=$LOGDIR/wasi
rm -rf "$dir"
mkdir -p "$dir"
img=$dir/disk.img
tools/disk.sh make "$img" 64 "$BUILD/apps/wasitest.azpkg" > "$dir/make.log" 2>&1
expect_status qemu/wasi-disk $? 0 "$dir/make.log"
quiet=$dir/quiet.log
data=$dir/data.log
: > "$dir/shell.log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    shell_up "$dir/shell.log"
    shell_cmd "$dir/shell.log" 'run --env WASITEST=yes --dir /docs::/d wasitest quiet /d' 60
    # the data run: "hello" typed once it runs (it gives stdin 60 s), then Ctrl-D
    printf 'run --env WASITEST=yes --dir /docs::/d wasitest data /d\r'
    wait_log "$dir/shell.log" 'wasitest: PASS preopen-given' 30 2
    sleep 1; printf 'hello\r'
    sleep 1; printf '\004'
    shell_prompts=$((shell_prompts + 1))
    wait_log "$dir/shell.log" 'azoth\$ ' 60 "$shell_prompts"
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 150 tools/qemu.sh --disk "$img" > "$dir/shell.log" 2>&1
expect_status qemu/wasi-status $? 0 "$dir/shell.log"
# The two runs' lines, apart: the first run's end is the second one's start.
tr -d '\r' < "$dir/shell.log" | awk -v q="$quiet" -v d="$data" '
    /wasitest data \/d$/ { out = d } { print > (out ? out : q) }'
suite_results wasitest qemu/wasi-quiet "$quiet"
expect_in "$quiet" qemu/wasi-quiet-exit '^\[wasitest: exit status 0\]$'
suite_results wasitest qemu/wasi-data "$data"
expect_in "$data" qemu/wasi-data-exit '^\[wasitest: exit status 0\]$'
expect_in "$data" qemu/wasi-proc-raise-said 'proc_raise\(10\): no signals on Azoth \(ENOSYS\)'
tools/disk.sh check "$img" > "$dir/check.log" 2>&1
expect_status qemu/wasi-image-clean $? 0 "$dir/check.log"
