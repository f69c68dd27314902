#!/bin/sh
# What each part of an IPC null call costs (docs/ipc.md's cost model), by
# elimination: this tree's hosted test kernel, and copies of it with one
# more part of the call's path taken out each (variants below, which are
# wrong on purpose and only time the rest), all run alternately ROUNDS
# times with the indirect-call baseline, in one run: medians and minima of
# the per-process medians, and each binary's instructions per call
# (bench/icount.py). Extra whole revisions to compare (built once each into
# $B/rev-REV, as bench/compare.sh does): IPC_REVS="rev1 rev2".
# Usage: bench/ipc-parts.sh [ROUNDS]   (after make hosted-test)
set -eu
rounds=${1:-9}
B=${BUILD:-build}/bench
P=$B/parts
mkdir -p "$P"
cc -O2 -Wall -Wextra -Werror -o "$B/callbase" bench/baseline/callbase.c

# edit FILE SKIP OLD NEW: replace the first line that is exactly OLD by NEW
# and drop the SKIP lines after it; fail if OLD is not there (the source
# moved on: the variant must be brought up to date, not silently skipped).
edit() {
    awk -v old="$3" -v new="$4" -v skip="$2" '
        !done && $0 == old { print new; done = 1; drop = skip; next }
        drop > 0 { drop--; next }
        { print }
        END { if (!done) exit 1 }' "$1" > "$1.tmp" || { echo "ipc-parts: no line '$3' in $1" >&2; exit 1; }
    mv "$1.tmp" "$1"
}
nop='__asm__ volatile("" ::: "memory");'
plain="        IPC_CALL_PLAIN(r, thread_running(), c, &call, &s, &result, true);"
bs=' \'
# variant NAME: apply its edits to the copy in the current directory
variant() {
    case $1 in
    no-handler) # the unwindable call runs a native function that returns 0, not the server's handler
        edit kernel/include/athanor/ipc_invoke.h 0 "    s->a.unwind.fn = ep->handle;" \
            "    s->a.unwind.fn = parts_handler;"
        edit kernel/include/athanor/ipc_invoke.h 0 "static inline void ipc_release(struct endpoint *ep)" \
            "static uint64_t parts_null(void *i, uint64_t b, uint64_t o, uint64_t x, uint64_t y, uint64_t z) { (void)i; (void)b; (void)o; (void)x; (void)y; (void)z; return 0; }\nstatic uint64_t (*volatile parts_handler)(void *, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) = parts_null;\nstatic inline void ipc_release(struct endpoint *ep)" ;;
    no-enter) # and no unwindable call: the recovery point, in_wasm, the handler's call
        variant no-handler
        edit kernel/include/athanor/ipc_invoke.h 0 \
            "                PLAT_CALL_UNWINDABLE(*(result), &(s)->a.unwind, (badge), (op), (a0), (a1), (a2)); \\" \
            "                *(result) = 0; (void)(badge); (void)(op); (void)(a0); (void)(a1); (void)(a2); $nop$bs" ;;
    no-activation) # and no activation: the stack check, the push and pop
        variant no-enter
        edit kernel/include/athanor/ipc_invoke.h 1 \
            "            IPC_SERVE((r), (t), ep_, (s), 0, false, (from_wasm), (result), (call)->badge,             \\" \
            "            *(result) = 0; (r) = 0; (void)(s); $nop$bs"
        edit kernel/include/athanor/ipc_invoke.h 0 \
            "            ipc_release(ipc_serving_ep(s)); /* ep_, again from memory */                              \\" \
            "            ipc_release(ep_);$bs" ;;
    no-take) # and no endpoint: take, server checks, release (decode and the result remain)
        edit kernel/ipc/hostcalls.c 0 "$plain" \
            "        { result = 0; (void)s; __asm__ volatile(\"\" :: \"r\"(call.ep), \"r\"(call.badge), \"r\"(call.obj_gen) : \"memory\"); }" ;;
    no-lookup) # and no capability lookup: the host call's entry, the result's return, its exit
        edit kernel/ipc/hostcalls.c 0 "$plain" "        { result = 0; (void)s; $nop }"
        edit kernel/ipc/hostcalls.c 0 "    int r = decode_call(c, h, &call); /* the endpoint, badge and generation bound in the slot */" \
            "    int r = h ? 0 : -ATH_EBADHANDLE; (void)call; /* the benchmark's refused call still refused */" ;;
    esac
}

bins=build/hosted/azoth-test
for v in no-handler no-enter no-activation no-take no-lookup; do
    d=$P/$v
    rm -rf "$d"
    mkdir -p "$d/build"
    # sources and this tree's build, timestamps kept (directories' too: the
    # manifest depends on the component folders), so only the edits rebuild
    for f in $(git ls-files | cut -d/ -f1 | sort -u); do cp -a "$f" "$d/"; done
    # (and the pinned translator and toolchains, or make fetches them anew
    # and translates every component again)
    for b in gen hosted tools wabt rust asc; do [ ! -d build/$b ] || cp -a build/$b "$d/build/"; done
    (cd "$d" && variant $v && make -j2 hosted-test > build.log 2>&1) ||
        { echo "ipc-parts: building $v failed: $d/build.log"; exit 1; }
    bins="$bins $d/build/hosted/azoth-test"
done
for rev in ${IPC_REVS:-}; do
    d=$B/rev-$rev
    if [ ! -x "$d/build/hosted/azoth-test" ]; then
        rm -rf "$d"
        mkdir -p "$d"
        git archive "$rev" | tar -x -C "$d"
        make -C "$d" -j2 hosted-test > "$d/build.log" 2>&1 || { echo "ipc-parts: building $rev failed: $d/build.log"; exit 1; }
    fi
    bins="$bins $d/build/hosted/azoth-test"
done

label() { case $1 in build/hosted/*) echo this-tree ;; $P/*) echo "$1" | sed "s|^$P/||; s|/.*||" ;;
                     *) echo "$1" | sed "s|^$B/||; s|/.*||" ;; esac; }
tmp=$P/times
: > "$tmp"
i=0
while [ $i -lt "$rounds" ]; do
    "$B/callbase" | awk '$2 == "indirect-call" { print "indirect-call", $3 }' >> "$tmp"
    for b in $bins; do
        l=$(label "$b")
        timeout 300 "$b" azoth.bench=ipc < /dev/null 2>&1 | tr -d '\r' |
            awk -v l="$l" '$1 == "bench:" && $2 == "ipc-null-call" { print l, $3 }' >> "$tmp"
    done
    i=$((i + 1))
done
stats() { grep "^$1 " "$tmp" | awk '{ print $2 }' | sort -n |
          awk '{ v[NR] = $1 } END { if (NR) printf "median %7.2f ns  least %7.2f ns", v[int((NR + 1) / 2)], v[1] }'; }
icount() { timeout 600 gdb -batch -x bench/icount.py "$1" 2>/dev/null | sed -n 's/^icount: ipc-null-call \([0-9]*\) instructions.*/\1/p'; }
echo "IPC null call by parts ($rounds alternating rounds; instructions: bench/icount.py, the host call alone)"
printf '  %-16s %s\n' indirect-call "$(stats indirect-call)"
# model.dat: label and least ns per binary, for bench/plot.sh's picture
least() { grep "^$1 " "$tmp" | awk '{ print $2 }' | sort -n | head -1; }
: > "$P/model.dat"
for b in $bins; do
    l=$(label "$b")
    printf '  %-16s %s  %s instructions\n' "$l" "$(stats "$l")" "$(icount "$b")"
    echo "$l $(least "$l")" >> "$P/model.dat"
done
echo "indirect-call $(least indirect-call)" >> "$P/model.dat"
