# Build-time checks on component inputs: a malformed or truncated .wasm and a
# bad system manifest are rejected with a clear message naming the problem.
. tests/lib.sh
dir=$LOGDIR/buildtools
rm -rf "$dir"
mkdir -p "$dir"
good=$BUILD/gen/comp/hello/hello.wasm

head -c 1000 "$good" > "$dir/truncated.wasm"
tools/wasm2kernel.sh trunc "$dir/truncated.wasm" "$dir/out" > "$dir/truncated.log" 2>&1
expect_status hosted/wasm-truncated-rejected $? 1 "$dir/truncated.log"
expect_in "$dir/truncated.log" hosted/wasm-truncated-message \
    'component trunc: .*truncated.wasm is not a valid WebAssembly module'

printf 'this is not wasm at all' > "$dir/garbage.wasm"
tools/wasm2kernel.sh garbage "$dir/garbage.wasm" "$dir/out" > "$dir/garbage.log" 2>&1
expect_status hosted/wasm-garbage-rejected $? 1 "$dir/garbage.log"
expect_in "$dir/garbage.log" hosted/wasm-garbage-message 'is not a valid WebAssembly module'

# A manifest with one mistake per case; the tool must name file and line.
check_manifest() { # name expected-message manifest-text
    printf '%s\n' "$3" > "$dir/$1.toml"
    "$BUILD/tools/manifest" "$dir/$1.toml" "$dir" components/apps/hello components/apps/crasher \
        > "$dir/$1.log" 2>&1
    expect_status "hosted/manifest-$1-rejected" $? 1 "$dir/$1.log"
    expect_in "$dir/$1.log" "hosted/manifest-$1-message" "$2"
}
check_manifest unknown-key "$dir/unknown-key.toml:3: unknown key 'colour'" \
    '[component.hello]
caps = ["console"]
colour = "blue"'
check_manifest bad-cap "bad-cap.toml:2: unknown capability \"teleport\"" \
    '[component.hello]
caps = ["console", "teleport"]'
check_manifest no-folder "no-folder.toml:1: component 'ghost' has no folder" \
    '[component.ghost]'
check_manifest bad-number "bad-number.toml:2: 0 is out of range" \
    '[component.hello]
memory_pages = 0'
check_manifest duplicate "duplicate.toml:3: component 'hello' is already declared on line 1" \
    '[component.hello]

[component.hello]'
check_manifest bad-autostart "bad-autostart.toml:2: autostart must be true, false or \"shell\", got \"sometimes\"" \
    '[component.hello]
autostart = "sometimes"'
check_manifest bad-sensor-control "bad-sensor-control.toml:2: sensor_control must be true, false or \"observe\", got \"watch\"" \
    '[component.hello]
sensor_control = "watch"'
check_manifest bad-pci "bad-pci.toml:2: bad PCI device \"1af4-1001\" \\(VVVV:DDDD, hex\\)" \
    '[component.hello]
pci = ["1af4-1001"]'
check_manifest shared-pci "shared-pci.toml:3: component 'crasher': PCI device 1af4:1001 is also claimed by 'hello'" \
    '[component.hello]
pci = ["1af4:1001"]
[component.crasher]
pci = ["1234:1111", "1af4:1001"]'
check_manifest inventory-without-pci "inventory-without-pci.toml:1: component 'hello': pci_inventory = true, but its calls do not include \"pci\"" \
    '[component.hello]
pci_inventory = true'
check_manifest budget "budget.toml:1: component 'hello': cpu_budget_ms \\(500\\) is larger than cpu_period_ms \\(100\\)" \
    '[component.hello]
cpu_budget_ms = 500
cpu_period_ms = 100'
check_manifest bad-ioports "bad-ioports.toml:2: bad I/O-port range \"0x70-0x60\"" \
    '[component.hello]
ioports = ["0x70-0x60"]'
check_manifest shared-ioports "shared-ioports.toml:3: component 'crasher': I/O ports 0x71-0x72 are also granted to 'hello'" \
    '[component.hello]
ioports = ["0x70-0x71"]
[component.crasher]
ioports = ["0x71-0x72"]'
check_manifest shared-irq "shared-irq.toml:3: component 'crasher': interrupt line 8 is also granted to 'hello'" \
    '[component.hello]
irqs = [8]
[component.crasher]
irqs = [3, 8]'
check_manifest mmio-wraps "mmio-wraps.toml:2: bad MMIO range \"0xfffffffffffff000-0xffffffffffffffff\"" \
    '[component.hello]
mmio = ["0xfffffffffffff000-0xffffffffffffffff"]'
check_manifest mmio-too-high "mmio-too-high.toml:2: bad MMIO range \"0x10000000000000-0x10000000000fff\"" \
    '[component.hello]
mmio = ["0x10000000000000-0x10000000000fff"]'
check_manifest bad-image "bad-image.toml:2: image must be \"system\", \"demo\", \"test\", \"bench\" or \"workload\", got \"prod\"" \
    '[component.hello]
image = "prod"'
check_manifest no-image "no-image.toml:3: component 'crasher' has no image key" \
    '[component.hello]
image = "demo"
[component.crasher]
caps = ["console"]'
check_manifest user-calls-test "user-calls-test.toml:1: component 'hello' \\(image \"demo\"\\) calls 'crasher' \\(image \"test\"\\), which the user image does not have" \
    '[component.hello]
image = "demo"
calls = ["crasher"]
[component.crasher]
image = "test"'

check_manifest test-calls-workload "test-calls-workload.toml:1: component 'hello' \\(image \"test\"\\) calls 'crasher' \\(image \"workload\"\\), which the test image does not have" \
    '[component.hello]
image = "test"
calls = ["crasher"]
[component.crasher]
image = "workload"'

# Network rules (the net key, docs/network.md): each mistake named.
check_manifest net-unknown-rule "net-unknown-rule.toml:3: unknown network rule \"serve 80\"" \
    '[component.hello]
calls = ["crasher"]
net = ["serve 80"]'
check_manifest net-bad-ports "net-bad-ports.toml:2: bad ports \"90-80\"" \
    '[component.hello]
net = ["listen 90-80"]'
check_manifest net-bad-host "net-bad-host.toml:2: bad address \"10.0.2.256\"" \
    '[component.hello]
net = ["connect 10.0.2.256:80"]'
check_manifest net-host-bits "net-host-bits.toml:2: address 10.0.2.1 has bits set beyond its /24 prefix" \
    '[component.hello]
net = ["connect 10.0.2.1/24:*"]'
check_manifest net-bad-proto "net-bad-proto.toml:2: network rule \"listen 7 sctp\": tcp or udp, got \"sctp\"" \
    '[component.hello]
net = ["listen 7 sctp"]'
check_manifest net-without-net "net-without-net.toml:1: component 'hello' has network rules \\(net\\), but its calls do not include \"net\"" \
    '[component.hello]
net = ["listen 7"]'
# ... and a good one reaches net_policy.h as the net service reads it
# (kind, proto, prefix, address in host order, ports).
mkdir -p "$dir/netok"
printf '[component.hello]\nimage = "demo"\ncalls = ["net"]\nnet = ["listen 7", "connect 10.0.2.0/24:8000-8010 udp", "ping *", "all-sockets"]\n[component.net]\nimage = "system"\n' \
    > "$dir/netok.toml"
mkdir -p "$dir/netok-comp/net"
"$BUILD/tools/manifest" "$dir/netok.toml" "$dir/netok" components/apps/hello "$dir/netok-comp/net" > "$dir/netok.log" 2>&1
expect_status hosted/manifest-net-accepted $? 0 "$dir/netok.log"
expect_in "$dir/netok/include/net_policy.h" hosted/manifest-net-policy '\{ "hello", 1, 3, 0, 0, 7, 7 \},' \
    '\{ "hello", 2, 2, 24, 0xa000200, 8000, 8010 \},' '\{ "hello", 3, 3, 0, 0, 0, 0 \},' \
    '\{ "hello", 4, 3, 0, 0, 0, 0 \},' '^#define NET_RULES 4$'

# Each image's table indexes its own components: a call from the user image
# names the callee's place in that image, not in the test image.
mkdir -p "$dir/idx"
printf '[component.counter]\nimage = "test"\n[component.hello]\nimage = "demo"\ncalls = ["crasher"]\n[component.crasher]\nimage = "system"\n' \
    > "$dir/idx.toml"
"$BUILD/tools/manifest" "$dir/idx.toml" "$dir/idx" components/apps/counter components/apps/hello \
    components/apps/crasher > "$dir/idx.log" 2>&1
expect_status hosted/manifest-images-accepted $? 0 "$dir/idx.log"
if grep -q 'calls_hello\[\] = { 1 /\* crasher \*/ }' "$dir/idx/manifest-user.c" &&
   grep -q 'calls_hello\[\] = { 2 /\* crasher \*/ }' "$dir/idx/manifest-test.c" &&
   ! grep -q counter "$dir/idx/manifest-user.c" && grep -q 'IMAGE_COMPONENTS_user := hello crasher$' "$dir/idx/components.mk"; then
    result PASS hosted/manifest-images-indexed
else
    result FAIL hosted/manifest-images-indexed "the tables in $dir/idx do not index each image's own components"
fi

# A NUL byte is named as such, with its line (not taken for a long line).
printf '[component.hello]\ncaps = ["console"]\nargs = "a\000b"\n' > "$dir/nul.toml"
"$BUILD/tools/manifest" "$dir/nul.toml" "$dir" components/apps/hello > "$dir/nul.log" 2>&1
expect_status hosted/manifest-nul-rejected $? 1 "$dir/nul.log"
expect_in "$dir/nul.log" hosted/manifest-nul-message 'nul.toml:3: NUL byte in the manifest'

# Strings reach generated C with '?' escaped: "??/" would be a trigraph for
# a backslash in C11 and end the literal early. The generated table compiles,
# holds no "??", and carries the string unchanged.
mkdir -p "$dir/tri"
printf '[component.hello]\nimage = "demo"\nargs = "x??/ ??= y?"\n' > "$dir/tri.toml"
"$BUILD/tools/manifest" "$dir/tri.toml" "$dir/tri" components/apps/hello > "$dir/tri.log" 2>&1
expect_status hosted/manifest-trigraph-accepted $? 0 "$dir/tri.log"
if grep -q '??' "$dir/tri/manifest-user.c"; then
    result FAIL hosted/manifest-trigraph-escaped "'??' reaches $dir/tri/manifest-user.c"
else
    result PASS hosted/manifest-trigraph-escaped
fi
# Compile the generated table in C11 (trigraphs on) and compare the string.
sed -n 's/^.*\.args = \("[^"]*"\).*$/const char *args = \1;/p' "$dir/tri/manifest-user.c" > "$dir/tri/args.c"
printf '#include <stdio.h>\n#include <string.h>\n#include "args.c"\nint main(void) { return strcmp(args, "x??" "/ ??" "= y?") != 0; }\n' \
    > "$dir/tri/main.c"
if cc -std=c11 -Werror -o "$dir/tri/main" "$dir/tri/main.c" 2> "$dir/tri/cc.log" && "$dir/tri/main"; then
    result PASS hosted/manifest-trigraph-roundtrip
else
    result FAIL hosted/manifest-trigraph-roundtrip "the generated string did not survive C11 (log: $dir/tri/cc.log)"
fi

# The core cannot include a machine header: its files are compiled without
# the machine's include paths (the machine's own files with them).
# (make -n -W: the commands that would rebuild them, and nothing else.)
core=$(make -s -n -W kernel/main.c "$BUILD/x86_64/kernel/main.c.o" "$BUILD/hosted/kernel/main.c.o" 2>&1)
machine=$(make -s -n -W arch/x86_64/main.c -W platform/hosted/main.c \
          "$BUILD/x86_64/arch/x86_64/main.c.o" "$BUILD/hosted/platform/hosted/main.c.o" 2>&1)
if echo "$core" | grep -q -- '-Iarch/\|-Iplatform/'; then
    result FAIL hosted/core-without-machine-headers "a core file is compiled with a machine include path: $core"
elif [ "$(echo "$machine" | grep -c -- '-Iarch/x86_64/include\|-Iplatform/hosted')" -ne 2 ]; then
    result FAIL hosted/core-without-machine-headers "the check did not see the machine's own flags: $machine"
else
    result PASS hosted/core-without-machine-headers
fi

# The kernel's include layering (tools/layers.sh): no subsystem reaches up
# to the lifecycle, no part's header knows the component object, no cycle.
# And the check itself fails on a violation: a copy of the tree where IPC's
# header includes the component object.
tools/layers.sh > "$dir/layers.log" 2>&1
expect_status hosted/kernel-include-layers $? 0 "$dir/layers.log"
mkdir -p "$dir/layers/tools" && cp -r kernel "$dir/layers/" && cp tools/layers.sh "$dir/layers/tools/"
sed -i 's|^#include <athanor/cap.h>|#include <athanor/component.h>\n&|' "$dir/layers/kernel/include/athanor/ipc.h"
"$dir/layers/tools/layers.sh" > "$dir/layers-bad.log" 2>&1
expect_status hosted/kernel-include-layers-catch $? 1 "$dir/layers-bad.log"
expect_in "$dir/layers-bad.log" hosted/kernel-include-layers-message 'ipc.h: includes <athanor/component.h> .layer 2 above 1.' 'include graph has a cycle'

# The harness itself (tests/run-layer.sh), side by side as make test runs it:
# verdicts listed in script order whatever order the scripts end in, a
# script that records nothing counted as a failure, a "long" script started
# first and an "alone" one run with nothing beside it.
mkdir -p "$dir/harness/tests/fake"
h=$(cd "$dir/harness" && pwd) # absolute: the run is made from inside it
cp tests/run-layer.sh tests/lib.sh "$h/tests/"
stamp='echo "$(date +%s.%N) $0" >> "$LOGDIR/stamps"'
printf '. tests/lib.sh\n%s\nsleep 1\nresult PASS fake/a\n%s\n' "$stamp" "$stamp" > "$h/tests/fake/a.sh"
printf '# test: long\n. tests/lib.sh\n%s\nsleep 2\nresult PASS fake/b1\nresult FAIL fake/b2 planted\n%s\n' \
    "$stamp" "$stamp" > "$h/tests/fake/b.sh"
printf '. tests/lib.sh\n%s\n%s\nexit 3\n' "$stamp" "$stamp" > "$h/tests/fake/c.sh"
printf '# test: alone\n. tests/lib.sh\n%s\nresult PASS fake/d\n%s\n' "$stamp" "$stamp" > "$h/tests/fake/d.sh"
(cd "$h" && BUILD=$h/build tests/run-layer.sh fake 2) > "$dir/harness.log" 2>&1
printf 'PASS fake/a\nPASS fake/b1\nFAIL fake/b2: planted\nFAIL fake/c: exited 3 without recording a verdict\nPASS fake/d\n' \
    > "$dir/harness.want"
if cmp -s "$dir/harness.want" "$h/build/test/fake.results"; then
    result PASS hosted/harness-verdicts-in-order
else
    result FAIL hosted/harness-verdicts-in-order "$h/build/test/fake.results is not $dir/harness.want"
fi
# b was launched first (the harness's own log: the scripts' first stamps
# race, a background job can run its first line before an earlier one);
# d started after every other script had ended.
stamps=$h/build/test/logs/fake/stamps
first=$(head -n 1 "$h/build/test/fake.d/launched" 2> /dev/null)
d_start=$(grep 'fake/d.sh$' "$stamps" | head -n 1 | awk '{print $1}')
others_end=$(grep -v 'fake/d.sh$' "$stamps" | sort -n | tail -n 1 | awk '{print $1}')
if [ "$first" = b ] && [ -n "$d_start" ] && [ -n "$others_end" ] &&
   awk -v a="$d_start" -v b="$others_end" 'BEGIN { exit !(a >= b) }'; then
    result PASS hosted/harness-long-first-and-alone
else
    result FAIL hosted/harness-long-first-and-alone "first launched '$first'; order of starts and ends in $stamps"
fi
