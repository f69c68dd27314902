#!/bin/sh
# Verify that adding the symbol table did not move any function: the text
# symbols of the first and second link must be identical.
# Usage: check-ksyms.sh <first-link> <second-link>
set -eu
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
nm -n --defined-only "$1" | awk '$2 ~ /^[tTwW]$/' > "$a"
nm -n --defined-only "$2" | awk '$2 ~ /^[tTwW]$/' > "$b"
if ! cmp -s "$a" "$b"; then
    echo "check-ksyms: code moved between the two links of $2:" >&2
    diff "$a" "$b" | head -5 >&2
    exit 1
fi
