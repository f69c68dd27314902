# The frame fuzzer (docs/network.md, "Hostile frames"): the net service's
# stack and socket layer, built for the host with AFL++'s instrumentation
# and ASan/UBSan (mk/netfuzz.mk, tests/fuzz/netframes.c), fed sequences of
# Ethernet frames while a client echoes TCP and UDP on port 7. The seeds
# (ARP, ICMP, a TCP connection with data, a reset, UDP, DHCP, IPv4
# fragments, IPv6 neighbour solicitation) must run clean and do what they
# should (a connection accepted and its 12 bytes echoed, datagrams
# echoed); then NETFUZZ_SECONDS of AFL++ (45 here; `make fuzz` runs an
# hour), and every crash it found is replayed under the sanitizers for its
# report. A crash here would be a trap of the net component on Azoth.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/netfuzz
seconds=${NETFUZZ_SECONDS:-45}
rm -rf "$dir"
mkdir -p "$dir/seeds"
san=$BUILD/netfuzz/san/netframes
export ASAN_OPTIONS=detect_leaks=0
"$san" --seeds "$dir/seeds" > "$dir/seeds.log" 2>&1
expect_status hosted/netfuzz-seeds-made $? 0 "$dir/seeds.log"
bad=0
for s in "$dir"/seeds/*; do
    timeout 60 "$san" "$s" > "$s.log" 2>&1 || bad=$((bad + 1))
done
expect_status hosted/netfuzz-seeds-clean "$bad" 0 "$dir/seeds"
expect_in "$dir/seeds/tcp.log" hosted/netfuzz-seed-tcp-echoed '1 connections accepted, 12 bytes and 0 datagrams echoed$'
expect_in "$dir/seeds/udp.log" hosted/netfuzz-seed-udp-echoed '0 bytes and 1 datagrams echoed$'
expect_in "$dir/seeds/frags.log" hosted/netfuzz-seed-fragments-echoed '0 bytes and 1 datagrams echoed$'

AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1:handle_segv=0:handle_sigbus=0:handle_abort=0 \
    timeout $((seconds + 120)) afl-fuzz -i "$dir/seeds" -o "$dir/out" -m none -t 2000 \
    -V "$seconds" -- "$BUILD/netfuzz/afl/netframes" @@ > "$dir/afl.log" 2>&1
stats=$dir/out/default/fuzzer_stats
execs=$(sed -n 's/^execs_done *: //p' "$stats" 2>/dev/null)
paths=$(sed -n 's/^corpus_count *: //p' "$stats" 2>/dev/null)
if [ "${execs:-0}" -gt 0 ]; then
    result PASS hosted/netfuzz-afl-ran "$execs executions, $paths inputs in the corpus"
else
    result FAIL hosted/netfuzz-afl-ran "AFL++ did not run (log: $dir/afl.log)"
fi
crashes=$(ls "$dir"/out/default/crashes/id:* 2>/dev/null | wc -l)
hangs=$(ls "$dir"/out/default/hangs/id:* 2>/dev/null | wc -l)
for c in "$dir"/out/default/crashes/id:* "$dir"/out/default/hangs/id:*; do
    [ -f "$c" ] || continue
    timeout 60 "$san" "$c" > "$c.report" 2>&1
    { echo "$c:"; grep -m3 -E 'ERROR: AddressSanitizer|runtime error|SUMMARY|lwip assert|#[0-4] ' "$c.report"; } >> "$dir/crashes.txt"
done
echo "  netfuzz: $execs executions, $crashes crashes, $hangs hangs (what they are: $dir/crashes.txt)"
# The stack is lwIP, fixed where the fuzzer found our own bugs; a crash
# found now is a bug to fix, not noise: the test fails and says where.
if [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]; then
    result PASS hosted/netfuzz-no-crash
else
    result FAIL hosted/netfuzz-no-crash "$crashes crashes, $hangs hangs: $dir/crashes.txt"
fi
