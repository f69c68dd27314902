# Sensor sessions end to end on the hosted platform (kernel/ktest/
# test_sessions.c, azoth.test=sessions): a GPS receiver keeps sending on
# the COM2 double and the AC'97 double captures while every way a session
# ends is tried; after each, the kernel finds the driver without hardware,
# its line unbound and silent, the device quiesced. Under ASan/UBSan.
. tests/lib.sh
dir=$LOGDIR/sessions
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/sessions.log
mkfifo "$dir/com2" "$dir/stdin"
gps_receiver > "$dir/com2" &
receiver=$!
AZOTH_COM2="$dir/com2" AZOTH_AC97=1 timeout 300 "$TEST_HOSTED" azoth.test=sessions < "$dir/stdin" > "$log" 2>&1 &
pid=$!
exec 3> "$dir/stdin" # console input held open and silent
wait $pid
rc=$?
exec 3>&-
kill $receiver 2>/dev/null
wait $receiver 2>/dev/null
ktest_results hosted/sessions "$log"
expect_status hosted/sessions-exit "$rc" 0 "$log"
expect_none "$log" hosted/sessions-sanitizers 'ERROR: (Address|Leak)Sanitizer|runtime error:' "a sanitizer report"
