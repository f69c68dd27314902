#!/bin/sh
# The constants of the ABI header, for tools/abidoc: one
# ATH_CONST(name, "comment") per ATH_ name the header defines without
# arguments or as an enumerator, in order, with the comment on its line.
# Usage: tools/abidoc/consts.sh abi/athanor/abi/consts.h > abi-consts.h
set -eu
awk '
    NR == FNR {
        if (match($0, /^#define ATH_[A-Z0-9_]*\(/)) fn[substr($0, 9, RLENGTH - 9)] = 1
        next
    }
    /^ *\/?\*/ { next } # comment lines
    {
        line = $0
        note = ""
        if (match(line, /\/\*.*\*\//)) {
            note = substr(line, RSTART + 2, RLENGTH - 4)
            gsub(/^ +| +$/, "", note)
            gsub(/\\/, "\\\\", note)
            gsub(/"/, "\\\"", note)
            line = substr(line, 1, RSTART - 1)
        }
        if (line ~ /^#define/) line = substr(line, 1, index(line, " ") + length($2)) # the name only
        while (match(line, /ATH_[A-Z0-9_]*/)) {
            name = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            if (!(name in fn) && !(name in seen)) {
                seen[name] = 1
                print "ATH_CONST(" name ", \"" note "\")"
                note = ""
            }
        }
    }' "$1" "$1"
