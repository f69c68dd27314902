# The WASI preview 1 conformance suite for everything but files (apps/wasitest;
# wasifs has the files', tests/hosted/files.sh): run with `azoth run` twice,
# once with "hello\n" on stdin that then ends, once with stdin open and
# silent (a FIFO a writer holds open), each with a folder and exactly one
# variable, checked call by call. Runs the sanitizer build.
. tests/lib.sh
dir=$LOGDIR/wasi
rm -rf "$dir"
mkdir -p "$dir/cache" "$dir/folder"
AZ=$BUILD/hosted-san/azoth
WASM=$BUILD/apps/wasitest.wasm
export AZOTH_CACHE="$dir/cache"
export ASAN_OPTIONS=detect_leaks=0

printf 'hello\n' | timeout 120 "$AZ" run --dir "$dir/folder::/d" --env WASITEST=yes "$WASM" data /d \
    > "$dir/data.out" 2> "$dir/data.err"
expect_status hosted/wasi-data-exit $? 0 "$dir/data.err"
suite_results wasitest hosted/wasi-data "$dir/data.out"

mkfifo "$dir/stdin"
sleep 100 > "$dir/stdin" &
writer=$!
timeout 120 "$AZ" run --dir "$dir/folder::/d" --env WASITEST=yes "$WASM" quiet /d \
    < "$dir/stdin" > "$dir/quiet.out" 2> "$dir/quiet.err"
expect_status hosted/wasi-quiet-exit $? 0 "$dir/quiet.err"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
suite_results wasitest hosted/wasi-quiet "$dir/quiet.out"
# proc_raise's error is not silent: the console says which signal.
expect_in "$dir/data.err" hosted/wasi-proc-raise-said 'proc_raise\(10\): no signals on Azoth \(ENOSYS\)'
# Nothing left in the folder.
if [ -z "$(ls -A "$dir/folder")" ]; then
    result PASS hosted/wasi-folder-clean
else
    result FAIL hosted/wasi-folder-clean "left: $(ls -A "$dir/folder")"
fi
