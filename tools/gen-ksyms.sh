#!/bin/sh
# Turn the code symbols of a linked kernel into the assembly symbol table that
# kernel/lib/ksyms.c searches. Code symbols are the functions inside the
# .text section (its bounds come from the section table, so weak data
# symbols and linker-provided names cannot sneak in).
# Usage: gen-ksyms.sh <elf> > ksyms.S   (no <elf>: an empty table, first link)
set -eu
if [ $# -eq 0 ]; then
    cat <<'ASM'
    .section .rodata.zz_ksyms, "a"
    .balign 8
    .globl ksyms_count, ksyms_addrs, ksyms_name_offs, ksyms_names, ksyms_text_end
ksyms_count:    .quad 0
ksyms_text_end: .quad 0
ksyms_addrs:
ksyms_name_offs:
ksyms_names:    .byte 0
    .section .note.GNU-stack, "", @progbits
ASM
    exit 0
fi
text=$(objdump -h "$1" | awk '$2 == ".text" { print $4, $3 }')
[ -n "$text" ] || { echo "gen-ksyms: $1 has no .text section" >&2; exit 1; }
nm -n --defined-only "$1" | awk -v text="$text" '
    BEGIN {
        split(text, t, " ")
        start = sprintf("%016s", t[1]); gsub(/ /, "0", start)
        # end = start + size, in hex: done digit by digit to stay exact in awk
        end = hexadd(t[1], t[2])
        n = 0
    }
    function hexval(c) { return index("0123456789abcdef", c) - 1 }
    function hexadd(a, b,    i, carry, s, d, r) {
        a = sprintf("%016s", a); gsub(/ /, "0", a)
        b = sprintf("%016s", b); gsub(/ /, "0", b)
        carry = 0; r = ""
        for (i = 16; i >= 1; i--) {
            s = hexval(substr(a, i, 1)) + hexval(substr(b, i, 1)) + carry
            carry = int(s / 16); d = s % 16
            r = substr("0123456789abcdef", d + 1, 1) r
        }
        return r
    }
    # functions inside .text; drop local labels and sanitizer runtime noise
    $2 ~ /^[tTwW]$/ && $1 >= start && $1 < end && $3 !~ /^\.L/ &&
    $3 !~ /^(__asan|__ubsan|__sanitizer|_GLOBAL__)/ {
        # one name per address; the name wasm2c gives a wasm function (w2c_) wins over
        # the names wasm2kernel.sh gives it for the kernel (aliases)
        if ($1 == last) { if ($3 ~ /^w2c_/) name[n - 1] = $3; next }
        last = $1; addr[n] = $1; name[n] = $3; n++
    }
    END {
        print "    .section .rodata.zz_ksyms, \"a\""
        print "    .balign 8"
        print "    .globl ksyms_count, ksyms_addrs, ksyms_name_offs, ksyms_names, ksyms_text_end"
        printf "ksyms_count:    .quad %d\n", n
        printf "ksyms_text_end: .quad 0x%s\n", end
        print "ksyms_addrs:"
        for (i = 0; i < n; i++) printf "    .quad 0x%s\n", addr[i]
        print "ksyms_name_offs:"
        off = 0
        for (i = 0; i < n; i++) { printf "    .long %d\n", off; off += length(name[i]) + 1 }
        print "ksyms_names:"
        for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", name[i]
        print "    .section .note.GNU-stack, \"\", @progbits"
    }'
