#!/bin/sh
# The kernel's include layering, checked (docs/architecture.md, "Layers").
# Every kernel header and source file has a layer; a file may include only
# headers of its own layer or below, and the headers' include graph has no
# cycle. A header missing from the table below fails the check, so a new
# one is placed on purpose. Exit status 0 when all holds; each violation is
# printed as "file: includes <header> (layer N above M)".
#   0 base        the library, memory, scheduler, time, capabilities,
#                 notifications, the runtime's per-thread state, the ABI, the
#                 platform interface
#   1 parts       each subsystem's part of a component and its interface:
#                 none of them knows the component object
#   2 component   the component object (component.h): the parts side by side
#   3 subsystems  IPC, hardware, WASI, the host-call layer, the runtime,
#                 traps, snapshots, the package loader: use the object,
#                 never the lifecycle
#   4 lifecycle   starts and stops the parts (lifecycle.h, kernel/comp),
#                 and starts packages as components (app.h, kernel/load)
#   5 top         the kernel's entry, the monitor, the in-kernel tests
set -eu
cd "$(dirname "$0")/.."

header_layer() {
    case $1 in
    abi/*|types.h|platform.h|klib.h|list.h|spinlock.h|errors.h|backtrace.h|irqoff.h|\
    ksyms.h|kernel.h|clock.h|timerq.h|runqueue.h|csprng.h|realtime.h|console.h|frame.h|\
    heap.h|umem.h|fault.h|cap.h|sched.h|rt.h|wasm_stack.h|wasm_simd.h|notify.h) echo 0 ;;
    ipc.h|hw.h|trap.h|wasi.h|snapshot.h|host_ctx.h|rt_part.h) echo 1 ;;
    component.h) echo 2 ;;
    host.h|hostcalls.h|ipc_invoke.h|load.h) echo 3 ;;
    lifecycle.h|app.h) echo 4 ;;
    ktest.h) echo 5 ;;
    *) echo unknown ;;
    esac
}

source_layer() {
    case $1 in
    kernel/lib/*|kernel/mem/*|kernel/sched/*|kernel/time/*|kernel/cap/*|kernel/console.c|\
    kernel/rt/libc/*|kernel/rt/libm.c|kernel/include/wasm-rt.h) echo 0 ;;
    kernel/ipc/*|kernel/hw/*|kernel/wasi/*|kernel/host/*|kernel/rt/*|kernel/fault.c|\
    kernel/comp/trap.c|kernel/comp/snapshot.c|kernel/comp/faults.c|kernel/console_log.c) echo 3 ;;
    kernel/load/app.c|kernel/load/run.c|kernel/load/hostcalls.c) echo 4 ;;
    kernel/load/*) echo 3 ;;
    kernel/comp/*) echo 4 ;;
    kernel/main.c|kernel/monitor/*|kernel/ktest/*) echo 5 ;;
    kernel/include/athanor/*) header_layer "${1#kernel/include/athanor/}" ;;
    *) echo unknown ;;
    esac
}

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in $(find kernel -name '*.[ch]' | sort); do
    from=$(source_layer "$f")
    if [ "$from" = unknown ]; then
        echo "$f: not placed in a layer (tools/layers.sh)"
        bad=1
        continue
    fi
    for h in $(sed -n 's/^#include <athanor\/\([^>]*\)>.*/\1/p' "$f"); do
        to=$(header_layer "$h")
        if [ "$to" = unknown ]; then
            echo "$f: includes <athanor/$h>, which is not placed in a layer (tools/layers.sh)"
            bad=1
        elif [ "$to" -gt "$from" ]; then
            echo "$f: includes <athanor/$h> (layer $to above $from)"
            bad=1
        fi
        case $f in kernel/include/athanor/*) echo "${f#kernel/include/athanor/} $h" >> "$edges" ;; esac
    done
done
# tsort names a loop on stderr when there is one.
if ! tsort "$edges" > /dev/null 2> "$edges.err" || [ -s "$edges.err" ]; then
    echo "the headers' include graph has a cycle:"
    cat "$edges.err"
    bad=1
fi
rm -f "$edges.err"
exit $bad
