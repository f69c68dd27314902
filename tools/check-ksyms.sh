#!/bin/sh
# Verify that linking the symbol table in did not move any function: the
# table generated from the final image must equal the one linked into it.
# Usage: check-ksyms.sh <final-elf> <ksyms.S it was linked with>
set -eu
if ! tools/gen-ksyms.sh "$1" | cmp -s - "$2"; then
    echo "check-ksyms: code moved between the two links of $1:" >&2
    tools/gen-ksyms.sh "$1" | diff - "$2" | head -5 >&2
    exit 1
fi
