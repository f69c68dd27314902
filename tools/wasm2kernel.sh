#!/bin/sh
# Turn one component's .wasm into C the kernel can link: validate it, run
# wasm2c, and write the glue that presents the module as a struct comp_image.
# Usage: tools/wasm2kernel.sh <name> <in.wasm> <out-dir>
#   writes <out-dir>/<name>.wasm.c, <name>.wasm.h, <name>.glue.c
set -eu
name=$1 wasm=$2 out=$3
mkdir -p "$out"
if ! msg=$(wasm-validate "$wasm" 2>&1); then
    echo "component $name: $wasm is not a valid WebAssembly module:" >&2
    echo "$msg" | sed 's/^/  /' >&2
    exit 1
fi
if ! msg=$(wasm2c "$wasm" -n "$name" -o "$out/$name.wasm.c" 2>&1); then
    echo "component $name: wasm2c could not translate $wasm:" >&2
    echo "$msg" | sed 's/^/  /' >&2
    exit 1
fi
# The native-stack check (athanor/wasm_stack.h) replaces wasm2c's empty
# prologue (the build turns its call-depth counter off): every function
# checks its stack pointer on entry. Fail rather than build without it.
sed -i -e '1a #include <athanor/wasm_stack.h>' \
       -e 's/^#define FUNC_PROLOGUE$/#define FUNC_PROLOGUE WASM_STACK_CHECK()/' "$out/$name.wasm.c"
if ! grep -q '^#define FUNC_PROLOGUE WASM_STACK_CHECK()$' "$out/$name.wasm.c"; then
    echo "component $name: wasm2c's output has no FUNC_PROLOGUE to put the stack check in" >&2
    exit 1
fi
# Keep every wasm function a function of its own in the native code (gcc
# would otherwise inline small ones into their callers), so that a trap's
# report names the wasm function it happened in. wasm2c's load/store
# helpers are not w2c_ functions and still inline.
sed -i -E 's/^static (u32|u64|f32|f64|void) (w2c_[A-Za-z0-9_]+\()/static __attribute__((noinline)) \1 \2/' "$out/$name.wasm.c"
# wasm2c keeps every load alive (an out-of-bounds load must fault even when
# its value is unused) with an empty asm that takes the value in a general
# register: float loads then take a detour through an integer register and
# are often loaded twice. Allowing an SSE register keeps the guarantee
# without the detour. Only for 4- and 8-byte values: gcc refuses "x" for a
# byte (seen at -O1), so narrower loads keep "r", chosen at compile time.
sed -i 's/wasm_asm("" ::"r"(result));/__builtin_choose_expr(sizeof(t1) >= 4, ({ wasm_asm("" ::"rx"(result)); }), ({ wasm_asm("" ::"r"(result)); }));/' "$out/$name.wasm.c"
# The module must be a WASI command: it exports _start and at most one memory.
if ! grep -q "Z_${name}Z__start(" "$out/$name.wasm.h"; then
    echo "component $name: $wasm does not export _start (build it as a WASI command)" >&2
    exit 1
fi
if ! grep -q "Z_${name}Z_memory(" "$out/$name.wasm.h"; then
    echo "component $name: $wasm does not export its memory" >&2
    exit 1
fi
# Every import must be one the kernel provides: an "athanor" row of the
# ABI's table (abi/athanor/abi/imports.def) or a WASI preview 1 function
# (kernel/wasi/wasi.c defines all of them). Said here, naming the component,
# rather than as an undefined symbol when the whole kernel links.
table=$(dirname "$0")/../abi/athanor/abi/imports.def
known=$(sed -n 's/^ATH_IMPORT(\([a-z0-9_]*\),.*/\1/p' "$table")
sed -n 's/^[a-z0-9]* Z_\([A-Za-z0-9_]*\)Z_\([A-Za-z0-9_]*\)(struct Z_\1_instance_t\*.*/\1 \2/p' "$out/$name.wasm.h" |
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
# (wasi_snapshot_preview1, athanor), in an order wasm2c chooses: pass the
# kernel's per-component host context for each (it serves all of them).
proto=$(grep "^void Z_${name}_instantiate(" "$out/$name.wasm.h")
args=$(echo "$proto" | sed -e 's/^[^(]*(//' -e 's/);$//' | tr ',' '\n' | tail -n +2 |
       sed -e 's/^ *//' -e 's/^\(struct Z_[A-Za-z0-9_]*_instance_t\)\*$/(\1 *)w/' | paste -sd, -)
if echo "$args" | grep -qv '^\((struct Z_[A-Za-z0-9_]*_instance_t \*)w,\?\)*$'; then
    echo "component $name: unexpected instantiate signature: $proto" >&2
    exit 1
fi
handle=NULL
handler=""
if grep -q "^u64 Z_${name}Z_ath_handle(Z_${name}_instance_t\*, u64, u64, u64, u64, u64);" "$out/$name.wasm.h"; then
    handle=glue_handle
    target="Z_${name}Z_ath_handle"
    # In a WASI command, wasm-ld wraps every export so that each call ends by
    # running the module's destructors (closing stdio...). A server's handler
    # must not: call the function itself, through an accessor added to the
    # generated file (it is static there).
    if grep -q "^static .*u64 w2c_ath_handle(Z_${name}_instance_t\*, u64, u64, u64, u64, u64);" "$out/$name.wasm.c"; then
        target="Z_${name}_ath_handle_direct"
        cat >> "$out/$name.wasm.c" <<DIRECT

/* Added by tools/wasm2kernel.sh: the handler without the command-export
 * wrapper, under a name the kernel can call: another name for the function
 * itself (its instance pointer is comp_image.handle's void *), so the kernel
 * calls it with no hop in between. */
u64 Z_${name}_ath_handle_direct(void* i, u64 b, u64 op, u64 a0, u64 a1, u64 a2)
    __attribute__((alias("w2c_ath_handle")));
DIRECT
        handle="$target"
        handler="uint64_t $target(void *, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);"
    else
        handler="
static uint64_t glue_handle(void *i, uint64_t b, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return $target(i, b, op, a0, a1, a2);
}"
    fi
fi
cat > "$out/$name.glue.c" <<GLUE
/* Generated by tools/wasm2kernel.sh: the wasm2c module "$name" as a kernel
 * component image. Do not edit. */
#include <athanor/component.h>
#include "$name.wasm.h"
/* The kernel's import definitions, from the ABI's table: an import whose
 * signature differs from the table's is a conflicting declaration here. */
#include <athanor/hostcalls.h>

static void glue_init(void) { Z_${name}_init_module(); }
static void glue_instantiate(void *i, struct host_ctx *w)
{
    Z_${name}_instantiate(i${args:+, $args});
}
static void glue_start(void *i) { Z_${name}Z__start(i); }
static void glue_free(void *i) { Z_${name}_free(i); }
static void *glue_memory(void *i) { return Z_${name}Z_memory(i); }
$handler
extern const uint32_t comp_frame_${name}; /* per build: tools/frames.sh */

const struct comp_image comp_image_${name} = {
    .name = "$name",
    .instance_size = sizeof(Z_${name}_instance_t),
    .init_module = glue_init,
    .instantiate = glue_instantiate,
    .start = glue_start,
    .free = glue_free,
    .memory = glue_memory,
    .handle = $handle,
    .max_frame = &comp_frame_${name},
};
GLUE
