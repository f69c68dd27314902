#!/bin/sh
# Turn `nm -n` output of a linked kernel into the assembly symbol table that
# kernel/lib/ksyms.c searches. Usage: gen-ksyms.sh <elf> > ksyms.S
# With no <elf> (first link) it emits an empty table.
set -eu
emit_empty() {
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
}
if [ $# -eq 0 ]; then emit_empty; exit 0; fi
nm -n --defined-only "$1" | awk '
    BEGIN { n = 0 }
    # keep functions (text symbols); drop local labels and the asan/ubsan noise
    ($2 == "T" || $2 == "t" || $2 == "W" || $2 == "w") && $3 !~ /^\.L/ && $3 !~ /^(__asan|__ubsan|__sanitizer|_GLOBAL__)/ {
        if ($1 == last) next           # one name per address
        last = $1; addr[n] = $1; name[n] = $3; n++
    }
    ($3 == "_etext" || $3 == "__etext" || $3 == "etext") && (textend == "" || $1 < textend) { textend = $1 }
    END {
        while (n > 0 && textend != "" && addr[n-1] > textend) n--   # weak data symbols

        if (textend == "" && n > 0) textend = addr[n-1]
        print "    .section .rodata.zz_ksyms, \"a\""
        print "    .balign 8"
        print "    .globl ksyms_count, ksyms_addrs, ksyms_name_offs, ksyms_names, ksyms_text_end"
        printf "ksyms_count:    .quad %d\n", n
        printf "ksyms_text_end: .quad 0x%s\n", textend
        print "ksyms_addrs:"
        for (i = 0; i < n; i++) printf "    .quad 0x%s\n", addr[i]
        print "ksyms_name_offs:"
        off = 0
        for (i = 0; i < n; i++) { printf "    .long %d\n", off; off += length(name[i]) + 1 }
        print "ksyms_names:"
        for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", name[i]
        print "    .section .note.GNU-stack, \"\", @progbits"
    }'
