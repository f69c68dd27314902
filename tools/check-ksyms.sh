#!/bin/sh
# Verify that adding the symbol table did not move any function: the code
# symbols (below the end of text) of the first and second link must be
# identical. Data may move; backtraces only name code.
# Usage: check-ksyms.sh <first-link> <second-link>
set -eu
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
code_syms() {
    nm -n --defined-only "$1" | awk '
        $3 == "__etext" || $3 == "_etext" || $3 == "etext" { if (end == "" || $1 < end) end = $1 }
        $2 ~ /^[tTwW]$/ { sym[n++] = $0; addr[n - 1] = $1 }
        END { for (i = 0; i < n; i++) if (end == "" || addr[i] <= end) print sym[i] }'
}
code_syms "$1" > "$a"
code_syms "$2" > "$b"
if ! cmp -s "$a" "$b"; then
    echo "check-ksyms: code moved between the two links of $2:" >&2
    diff "$a" "$b" | head -5 >&2
    exit 1
fi
