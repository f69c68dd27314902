#!/bin/sh
# Turn one component's .wasm into C the kernel can link: validate it, run
# wasm2c 1.0.39 (npm wabt, installed by the build: mk/components.mk), make
# the checked edits below, and write the glue that presents the module as a
# struct comp_image.
# Usage: tools/wasm2kernel.sh <name> <in.wasm> <out-dir>
#   writes <out-dir>/<name>.wasm.c, <name>.wasm.h, <name>.glue.c
# WABT_BIN: the folder holding wabt's wasm-validate (the build's npm
# install, under $BUILD); WASM2C: its wasm2c with the larger stack
# (tools/wabt/stack.js).
set -eu
name=$1 wasm=$2 out=$3
WABT_BIN=${WABT_BIN:-${BUILD:-build}/wabt/node_modules/wabt/bin}
WASM2C=${WASM2C:-${BUILD:-build}/wabt/wasm2c.js}
for t in "$WABT_BIN/wasm-validate" "$WASM2C"; do
    if [ ! -f "$t" ]; then
        echo "component $name: no $t (make installs it: mk/components.mk)" >&2
        exit 1
    fi
done
mkdir -p "$out"
c=$out/$name.wasm.c h=$out/$name.wasm.h
# The proposals Azoth runs beyond wabt's defaults (SIMD, bulk memory,
# multi-value, sign extension, saturating conversions, reference types).
features=--enable-tail-call
if ! msg=$(node "$WABT_BIN/wasm-validate" $features "$wasm" 2>&1); then
    echo "component $name: $wasm is not a valid WebAssembly module:" >&2
    echo "$msg" | sed 's/^/  /' >&2
    exit 1
fi
if ! msg=$(node "$WASM2C" $features "$wasm" -n "$name" -o "$c" 2>&1); then
    echo "component $name: wasm2c could not translate $wasm:" >&2
    echo "$msg" | sed 's/^/  /' >&2
    exit 1
fi

# wasm2c's C names: w2c_<module>_<name>, where a module name's "_" is
# doubled (virtio_blk → virtio__blk).
mod=$(echo "$name" | sed 's/_/__/g')

# edit FILE DESCRIPTION SED-SCRIPT CHECK-REGEX: apply a sed edit and fail
# the build unless CHECK-REGEX then matches (an edit that stops matching a
# new wasm2c's output must not pass silently).
edit() {
    sed -i -e "$3" "$1"
    if ! grep -q -e "$4" "$1"; then
        echo "component $name: wasm2c's output changed: the edit \"$2\" no longer applies ($1)" >&2
        exit 1
    fi
}

# The native-stack check (athanor/wasm_stack.h) replaces wasm2c's empty
# prologue (the call-depth counter is off: the stack is checked in bytes).
# The prologue also takes the linear memory's base into a local descriptor
# (w2c_mem_local, const): memories never move once allocated (they are
# reserved at their maximum, kernel/rt/wasm_rt.c), so the base read at
# entry stays right, and gcc can keep it in a register where it would
# otherwise reload it from the instance after every store (a store into
# linear memory is a byte store, which may alias the instance). Its size is
# WASM_RT_GUARDED_SIZE: loads and stores through it are bounded by the
# guard region (wasm-rt.h), so a range check through it, if any were left,
# could never pass for one that copied the size before a memory.grow.
edit "$c" "stack check in the prologue" \
    '1a #include <athanor/wasm_stack.h>' '^#include <athanor/wasm_stack.h>$'
memfield=$(sed -n 's/^  wasm_rt_memory_t \(w2c_[A-Za-z0-9_]*\);$/\1/p' "$h")
if [ "$(echo "$memfield" | grep -c .)" = 1 ]; then
    edit "$c" "stack check and memory base in the prologue" \
        "s/^#define FUNC_PROLOGUE\$/#define FUNC_PROLOGUE WASM_STACK_CHECK(); const wasm_rt_memory_t w2c_mem_local = { .data = instance->$memfield.data, .size = WASM_RT_GUARDED_SIZE }/" \
        "^#define FUNC_PROLOGUE WASM_STACK_CHECK(); const wasm_rt_memory_t w2c_mem_local"
    # Loads and stores (not memory.size/grow/copy/fill, which read the size)
    # go through the local copy, in the functions that have the prologue
    # (not the tail-call trampolines, which have none).
    awk -v mem="&instance->$memfield, " '
        /^[A-Za-z].*\) \{$/ { prologue = 0 }
        /^  FUNC_PROLOGUE;$/ { prologue = 1 }
        prologue && index($0, mem) {
            out = ""; line = $0
            while ((i = index(line, mem)) > 0) {
                head = substr(line, 1, i - 1)
                if (head ~ /[a-z0-9_]*(load|store)[a-z0-9_]*\($/) out = out head "&w2c_mem_local, "
                else out = out head mem
                line = substr(line, i + length(mem))
            }
            $0 = out line
        }
        { print }' "$c" > "$c.tmp" && mv "$c.tmp" "$c"
    # wasm2c calls its unchecked-with-guard-pages helpers (_default32) for
    # plain loads and stores, but the range-checked ones for SIMD lane,
    # splat and zero-extending accesses: an add, a compare and a branch
    # each (SHA-256's message schedule is 64 lane loads a block). The guard
    # region bounds them as it bounds the rest, and out of bounds they trap
    # the same way (featdrop's cases, kernel/ktest/test_wasm.c).
    sed -i -e 's/\(v128_\(load\|store\)[0-9]*_\(lane[0-9]*\|splat\|zero\)\)(&w2c_mem_local, /\1_default32(\&w2c_mem_local, /g' "$c"
    checked=$(grep -o '[a-z0-9_]*(&w2c_mem_local, ' "$c" | grep -v '_default32(' | sort -u || true)
    if [ -n "$checked" ]; then
        echo "component $name: wasm2c's output changed: an access through the local memory descriptor" \
             "is range-checked ($c):" >&2
        echo "$checked" | sed 's/^/  /' >&2
        exit 1
    fi
else
    edit "$c" "stack check in the prologue" \
        's/^#define FUNC_PROLOGUE$/#define FUNC_PROLOGUE WASM_STACK_CHECK()/' \
        '^#define FUNC_PROLOGUE WASM_STACK_CHECK()$'
fi
# wasm2c keeps every load alive (an out-of-bounds load must trap even when
# its value is unused) with an empty asm taking the value in a register. That
# asm also keeps gcc from folding the load into the instruction that uses
# it. Instead the generated code is compiled with -fnon-call-exceptions
# -fno-delete-dead-exceptions (mk/kernel.mk, mk/hosted.mk): gcc then takes a
# load that may fault as having an effect and never deletes it, used or not,
# and is free to fold the loads whose value is used.
edit "$c" "no asm barrier on integer loads" \
    's/^#define FORCE_READ_INT(var) __asm__("" ::"r"(var));$/#define FORCE_READ_INT(var)/' \
    '^#define FORCE_READ_INT(var)$'
edit "$c" "no asm barrier on float loads" \
    's/^#define FORCE_READ_FLOAT(var) __asm__("" ::"[rf]"(var));$/#define FORCE_READ_FLOAT(var)/' \
    '^#define FORCE_READ_FLOAT(var)$'
if grep -q 'SIMD_FORCE_READ' "$c"; then
    edit "$c" "no asm barrier on vector loads" \
        's/^#define SIMD_FORCE_READ(var) __asm__("" ::"[a-z]"(var));$/#define SIMD_FORCE_READ(var)/' \
        '^#define SIMD_FORCE_READ(var)$'
fi
if grep -q '__asm__("" *::' "$c"; then
    echo "component $name: wasm2c's output has a load barrier this script does not know:" >&2
    grep -n '__asm__("" *::' "$c" | sed 's/^/  /' >&2
    exit 1
fi
# Bulk operations (memory.copy, memory.fill, data segments) check their
# range against the memory's size. Past it lie the component's IPC lend
# window, transfer area and DMA buffers, which loads and stores reach: a
# memcpy that clang compiled to memory.copy must reach them too, so before
# trapping the check asks the runtime whether every page there is mapped
# (wasm_rt_window_ok, kernel/rt/wasm_rt.c).
edit "$c" "bulk-memory range check aware of the IPC and DMA windows" \
    's/^    if (UNLIKELY(res > (mem)->size))               \\$/    if (UNLIKELY(res > (mem)->size) \&\& !wasm_rt_window_ok(mem, offset, len)) \\/' \
    '^    if (UNLIKELY(res > (mem)->size) && !wasm_rt_window_ok(mem, offset, len)) \\$'
# wasm SIMD's lane loads and stores as GCC vector lanes instead of SIMDe's
# unions (athanor/wasm_simd.h says why).
if grep -q '^#include <simde/wasm/simd128.h>$' "$c"; then
    edit "$c" "lane loads and stores as vector lanes" \
        '/^#include <simde\/wasm\/simd128.h>$/a #include <athanor/wasm_simd.h>' \
        '^#include <athanor/wasm_simd.h>$'
fi
# Keep every wasm function a function of its own in the native code (gcc
# would otherwise inline small ones into their callers), so that a trap's
# report names the wasm function it happened in. wasm2c's load/store
# helpers are not w2c_ functions and still inline.
edit "$c" "wasm functions not inlined" \
    's/^static \(u32\|u64\|f32\|f64\|v128\|void\|struct wasm_multi_[a-z]*\) \(w2c_[A-Za-z0-9_]*(\)/static __attribute__((noinline)) \1 \2/' \
    '^static __attribute__((noinline)) '

# The module must be a WASI command: it exports _start and its memory.
if ! grep -q "^void w2c_${mod}_0x5Fstart(w2c_${mod}\*);" "$h"; then
    echo "component $name: $wasm does not export _start (build it as a WASI command)" >&2
    exit 1
fi
if ! grep -q "^wasm_rt_memory_t\* w2c_${mod}_memory(w2c_${mod}\* instance);" "$h"; then
    echo "component $name: $wasm does not export its memory" >&2
    exit 1
fi
# Every import must be one the kernel provides: an "athanor" row of the
# ABI's table (abi/athanor/abi/imports.def) or a WASI preview 1 function
# (kernel/wasi/wasi.c defines all of them). Said here, naming the component,
# rather than as an undefined symbol when the whole kernel links. wasm2c
# names each import in a comment: /* import: 'module' 'field' */.
table=$(dirname "$0")/../abi/athanor/abi/imports.def
known=$(sed -n 's/^ATH_IMPORT(\([a-z0-9_]*\),.*/\1/p' "$table")
sed -n "s|^/\* import: '\([^']*\)' '\([^']*\)' \*/\$|\1 \2|p" "$h" |
while read -r module import; do
    case $module in
    wasi_snapshot_preview1) ;;
    athanor)
        if ! echo "$known" | grep -qx "$import"; then
            echo "component $name: imports athanor.$import, which the kernel does not provide (see docs/abi.md)" >&2
            exit 1
        fi ;;
    *)
        echo "component $name: imports from module \"$module\" ($import): the kernel provides only athanor and wasi_snapshot_preview1" >&2
        exit 1 ;;
    esac
done
# The instantiate function takes one instance pointer per imported module
# (athanor, wasi_snapshot_preview1), in an order wasm2c chooses: pass the
# kernel's per-component host context for each (it serves all of them).
proto=$(grep "^void wasm2c_${mod}_instantiate(" "$h")
args=$(echo "$proto" | sed -e 's/^[^(]*(//' -e 's/);$//' | tr ',' '\n' | tail -n +2 |
       sed -e 's/^ *//' -e 's/^\(struct w2c_[A-Za-z0-9_]*\)\*$/(\1 *)w/' | paste -sd, -)
if echo "$args" | grep -qv '^\((struct w2c_[A-Za-z0-9_]* \*)w,\?\)*$'; then
    echo "component $name: unexpected instantiate signature: $proto" >&2
    exit 1
fi
handle=NULL
handler=""
if grep -q "^u64 w2c_${mod}_ath_handle(w2c_${mod}\*, u64, u64, u64, u64, u64);" "$h"; then
    # In a WASI command, wasm-ld wraps every export so that each call ends by
    # running the module's destructors (closing stdio...). A server's handler
    # must not: the kernel calls the function the wrapper calls, through an
    # alias added to the generated file (it is static there), so no hop in
    # between.
    wrapper="w2c_${mod}_ath_handle0x2Ecommand_export"
    if grep -q "^u64 $wrapper(w2c_${mod}\* instance, u64 var_p0, u64 var_p1, u64 var_p2, u64 var_p3, u64 var_p4) {\$" "$c"; then
        inner=$(sed -n "/^u64 $wrapper(/,/^}/s/^  var_j0 = \(w2c_${mod}_[A-Za-z0-9_]*\)(instance, var_j0, var_j1, var_j2, var_j3, var_j4);\$/\1/p" "$c")
        if [ "$(echo "$inner" | grep -c .)" != 1 ]; then
            echo "component $name: wasm2c's output changed: cannot find the handler inside $wrapper" >&2
            exit 1
        fi
        target="w2c_${mod}_ath_handle_direct"
        cat >> "$c" <<DIRECT

/* Added by tools/wasm2kernel.sh: the handler without the command-export
 * wrapper, under a name the kernel can call: another name for the function
 * itself (its instance pointer is comp_image.handle's void *). */
u64 $target(void* i, u64 b, u64 op, u64 a0, u64 a1, u64 a2)
    __attribute__((alias("$inner")));
DIRECT
        handle="$target"
        handler="uint64_t $target(void *, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);"
    else
        handle=glue_handle
        handler="
static uint64_t glue_handle(void *i, uint64_t b, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return w2c_${mod}_ath_handle(i, b, op, a0, a1, a2);
}"
    fi
fi
# What both kinds of glue have: the module's functions behind the names
# the kernel calls (glue_functions HOST-CONTEXT-TYPE), and the fields that
# point at them.
glue_functions() {
    cat <<FUNCS
static void glue_init(void) {}
static void glue_instantiate(void *i, $1 *w)
{
    wasm2c_${mod}_instantiate(i${args:+, $args});
}
static void glue_start(void *i) { w2c_${mod}_0x5Fstart(i); }
static void glue_free(void *i) { wasm2c_${mod}_free(i); }
static void *glue_memory(void *i) { return w2c_${mod}_memory(i); }
$handler
FUNCS
}
glue_fields() {
    printf '    .init_module = glue_init,\n    .instantiate = glue_instantiate,\n'
    printf '    .start = glue_start,\n    .free = glue_free,\n    .memory = glue_memory,\n'
    printf '    .handle = %s,\n' "$handle"
}
if [ "${PKG:-}" = 1 ]; then
    # A package (tools/mkpkg.sh): the same functions, described by the one
    # symbol the package exports (abi/athanor/abi/pkg.h); its largest frame
    # comes from the compiler's stack usage of the module (PKG_MAX_FRAME).
    cat > "$out/$name.glue.c" <<GLUE
/* Generated by tools/wasm2kernel.sh: the wasm2c module "$name" as a
 * package's entry. Do not edit. */
#include <athanor/abi/pkg.h>
#include "$name.wasm.h"
#include <athanor/hostcalls.h>

$(glue_functions void)

__attribute__((visibility("default"))) const struct ath_pkg_entry azoth_pkg_entry = {
    .abi = ATH_PKG_ENTRY_ABI,
    .instance_size = sizeof(w2c_${mod}),
    .max_frame = PKG_MAX_FRAME,
$(glue_fields)
};
GLUE
    exit 0
fi
cat > "$out/$name.glue.c" <<GLUE
/* Generated by tools/wasm2kernel.sh: the wasm2c module "$name" as a kernel
 * component image. Do not edit. */
#include <athanor/component.h>
#include "$name.wasm.h"
/* The kernel's import definitions, from the ABI's table: an import whose
 * signature differs from the table's is a conflicting declaration here. */
#include <athanor/hostcalls.h>

$(glue_functions "struct host_ctx")
extern const uint32_t comp_frame_${name}; /* per build: tools/frames.sh */

const struct comp_image comp_image_${name} = {
    .name = "$name",
    .instance_size = sizeof(w2c_${mod}),
$(glue_fields)
    .max_frame = &comp_frame_${name},
};
GLUE
