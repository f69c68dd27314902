#!/bin/sh
# Compile a WebAssembly module (a WASI command) into a signed package the
# kernel loads at run time (docs/apps.md): the pipeline of built-in
# components (tools/wasm2kernel.sh: validation, wasm2c, the checked edits),
# then gcc with position-independent code, a shared object, and
# tools/pkgtool to turn that into a package and sign it with the build's key.
# Usage: tools/mkpkg.sh [-s] [-n NAME] [-p PAGES] IN.wasm OUT
#   NAME   the package's name (default: IN's file name without .wasm)
#   PAGES  the most linear memory it may have, in 64 KiB pages (default 1024)
#   -s     stripped: no function names (a trap report then names none; the
#          package is smaller and loads faster, docs/apps.md)
# The build's settings (flags, key, runtime id) come from $PKG_ENV, by
# default build/gen/pkg.env next to this script (make pkgtool writes it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name= pages=1024 strip=
while getopts sn:p: o; do
    case $o in
    s) strip=1 ;;
    n) name=$OPTARG ;;
    p) pages=$OPTARG ;;
    *) echo "usage: $0 [-s] [-n NAME] [-p PAGES] IN.wasm OUT" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ]; then
    echo "usage: $0 [-s] [-n NAME] [-p PAGES] IN.wasm OUT" >&2
    exit 2
fi
in=$1 out=$2
env=${PKG_ENV:-$here/../build/gen/pkg.env}
if [ ! -f "$env" ]; then
    echo "mkpkg: no $env: run make pkgtool (or make) first" >&2
    exit 1
fi
. "$env"
[ -n "$name" ] || name=$(basename "$in" .wasm)
if [ ! -f "$in" ]; then
    echo "mkpkg: $in: no such file" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkpkg.XXXXXX")
[ -n "${MKPKG_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
# The module is "app" inside every package: its C names are hidden in the
# package, so packages cannot clash, and NAME may hold characters C names
# cannot.
PKG=1 WABT_BIN=$WABT_BIN WASM2C=$WASM2C sh "$here/wasm2kernel.sh" app "$in" "$tmp"
# shellcheck disable=SC2086 # PKG_CFLAGS is a list of flags
gcc $PKG_CFLAGS -fstack-usage -I"$tmp" -c "$tmp/app.wasm.c" -o "$tmp/app.o"
frame=$(sh "$here/frames.sh" --one "$tmp/app.su" "$name")
# shellcheck disable=SC2086
gcc $PKG_CFLAGS -DPKG_MAX_FRAME="$frame" -I"$tmp" -c "$tmp/app.glue.c" -o "$tmp/glue.o"
# No unwind tables: -fnon-call-exceptions makes gcc emit them, nothing
# unwinds through a package (traps unwind to the kernel's recovery point),
# and the kernel's own linker script drops them from built-in components
# too. They would double the package, and the loader hashes every byte.
objcopy --remove-section=.eh_frame "$tmp/app.o"
objcopy --remove-section=.eh_frame "$tmp/glue.o"
gcc -shared -nostdlib -Wl,-z,max-page-size=4096 -Wl,-z,separate-code -Wl,-z,now -Wl,-z,relro \
    -Wl,-z,noexecstack -Wl,--hash-style=gnu -Wl,--build-id=none -Wl,--no-eh-frame-hdr \
    -o "$tmp/app.so" "$tmp/app.o" "$tmp/glue.o" -lgcc
# Function names come from the shared object's symbol table (pkgtool).
[ -z "$strip" ] || strip --strip-all "$tmp/app.so"
"$PKGTOOL" pack "$tmp/app.so" "$tmp/out" "$name" "$in" "$pages" "$PKG_RUNTIME_ID" "$PKG_EXPORTS"
"$PKGTOOL" sign "$tmp/out" "$PKG_KEYS"
mv "$tmp/out" "$out"
