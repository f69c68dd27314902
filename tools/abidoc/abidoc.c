/* Writes docs/abi.md from the ABI's own definitions (abi/athanor/): the
 * import table, the error table, every constant with its value and the
 * layout of every wire struct, so the document cannot drift from what the
 * kernel, the SDK and the manifest tool compile against. The constants'
 * names come from $(GEN)/abi-consts.h, which the build extracts from
 * abi/athanor/abi/consts.h (every ATH_ macro without arguments and every
 * enumerator): a new constant appears here without editing this file.
 * Usage: abidoc > docs/abi.md */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <athanor/abi.h>

/* "(U32, h, PTR(uint64_t), result)" -> "h: u32, result: ptr to uint64_t" */
static void params(const char *list)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    char *p = buf;
    if (*p == '(')
        p++;
    size_t n = strlen(p);
    if (n && p[n - 1] == ')')
        p[n - 1] = '\0';
    if (!*p) {
        fputs("—", stdout);
        return;
    }
    /* split at commas outside parentheses: type, name, type, name ... */
    char *items[32];
    int count = 0, depth = 0;
    items[count++] = p;
    for (char *q = p; *q && count < 32; q++) {
        if (*q == '(')
            depth++;
        else if (*q == ')')
            depth--;
        else if (*q == ',' && depth == 0) {
            *q = '\0';
            items[count++] = q + 1;
        }
    }
    for (int i = 0; i + 1 < count; i += 2) {
        const char *type = items[i], *name = items[i + 1];
        while (*type == ' ')
            type++;
        while (*name == ' ')
            name++;
        const char *wasm = !strncmp(type, "PTR(", 4) || !strncmp(type, "CPTR(", 5) ? "i32"
                           : !strcmp(type, "U64") || !strcmp(type, "I64")     ? "i64"
                                                                              : "i32";
        printf("%s`%s` %s", i ? ", " : "", name, wasm);
        if (!strncmp(type, "PTR(", 4) || !strncmp(type, "CPTR(", 5)) {
            const char *t = strchr(type, '(') + 1;
            printf(" (→ `%.*s`%s)", (int)(strlen(t) - 1), t, type[0] == 'C' ? ", read" : "");
        }
    }
}

static const char *wasm_type(const char *t)
{
    return !strcmp(t, "I64") || !strcmp(t, "U64") ? "i64" : "i32";
}

static void imports(void)
{
    puts("## Imports: module `athanor`\n");
    puts("Every function a component can import from the kernel besides WASI, one row per");
    puts("`abi/athanor/abi/imports.def` entry. A pointer is an i32 offset into the caller's");
    puts("linear memory. Results are 0 (or a handle, a length) on success and a negated");
    puts("error code on failure; an operation on a capability can also answer `EBADHANDLE`,");
    puts("`ESTALE`, `EWRONGTYPE` or `EPERM`. A component that imports anything else does not");
    puts("build (tools/wasm2kernel.sh), and one whose signature differs from this table does");
    puts("not compile.\n");
    puts("| import | parameters | result | what it does | errors | kernel |");
    puts("|---|---|---|---|---|---|");
#define ATH_IMPORT(name, result, n, plist, file, what, errors)                         \
    do {                                                                                \
        printf("| `%s` | ", #name);                                                     \
        params(#plist);                                                                 \
        printf(" | %s | %s | %s | `%s` |\n", wasm_type(#result), what, *errors ? errors : "—", \
               file);                                                                   \
    } while (0);
#include <athanor/abi/imports.def>
#undef ATH_IMPORT
    puts("\nWASI preview 1 (module `wasi_snapshot_preview1`): every function is defined by");
    puts("`kernel/wasi/wasi.c`; what each does is in [components.md](components.md).\n");
}

static void errors(void)
{
    puts("## Error codes\n");
    puts("From `abi/athanor/abi/errors.def`; returned negated. Numbers never change; new codes");
    puts("are added at the end.\n");
    puts("| code | name | meaning |");
    puts("|---|---|---|");
#define ATH_ERROR(name, num, what) printf("| %d | `ATH_%s` | %s |\n", num, #name, what);
#include <athanor/abi/errors.def>
#undef ATH_ERROR
    puts("");
}

static void constants(void)
{
    puts("## Constants\n");
    puts("Everything `abi/athanor/abi/consts.h` defines, with its value (comments there say more).\n");
    puts("| name | value | |");
    puts("|---|---|---|");
#define ATH_CONST(name, note) printf("| `%s` | %llu (0x%llx) | %s |\n", #name, \
                                     (unsigned long long)(name), (unsigned long long)(name), note);
#include <abi-consts.h>
#undef ATH_CONST
    puts("");
}

struct member {
    const char *name;
    size_t      offset, size;
};

static void wire(const char *name, size_t size, const struct member *m, size_t n)
{
    printf("### `struct %s` (%zu bytes)\n\n| offset | size | member |\n|---|---|---|\n", name, size);
    size_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        printf("| %zu | %zu | `%s` |\n", m[i].offset, m[i].size, m[i].name);
        covered += m[i].size;
    }
    puts("");
    if (covered != size) { /* a member added to wire.h and not listed below */
        fprintf(stderr, "abidoc: struct %s: members listed cover %zu of %zu bytes\n", name, covered,
                size);
        fflush(stdout);
        _Exit(1);
    }
}

#define M(s, f) { #f, offsetof(struct s, f), sizeof(((struct s *)0)->f) }
#define WIRE(s, ...)                                                       \
    do {                                                                   \
        static const struct member m_[] = { __VA_ARGS__ };                 \
        wire(#s, sizeof(struct s), m_, sizeof m_ / sizeof m_[0]);          \
    } while (0)

static void structs(void)
{
    puts("## Structs the kernel writes into a component's memory\n");
    puts("From `abi/athanor/abi/wire.h`: the same layout on wasm32 and x86-64, asserted by");
    puts("every compiler that includes it. Little-endian.\n");
    WIRE(ath_cap_info, M(ath_cap_info, type), M(ath_cap_info, rights), M(ath_cap_info, base),
         M(ath_cap_info, len));
    WIRE(ath_sys_mem, M(ath_sys_mem, frames_total), M(ath_sys_mem, frames_free),
         M(ath_sys_mem, heap_arena), M(ath_sys_mem, heap_used));
    WIRE(ath_sys_fault, M(ath_sys_fault, component), M(ath_sys_fault, generation),
         M(ath_sys_fault, kind), M(ath_sys_fault, function), M(ath_sys_fault, offset),
         M(ath_sys_fault, addr), M(ath_sys_fault, injected));
    WIRE(ath_sys_cap, M(ath_sys_cap, handle), M(ath_sys_cap, type), M(ath_sys_cap, rights),
         M(ath_sys_cap, parent_handle), M(ath_sys_cap, badge), M(ath_sys_cap, base),
         M(ath_sys_cap, len), M(ath_sys_cap, parent));
}

int main(void)
{
    puts("<!-- Generated by tools/abidoc from abi/athanor/ (make abi-doc). Do not edit: the");
    puts("     test layer checks that this file is what the tool writes. -->");
    puts("# The component ABI\n");
    puts("Everything that crosses the boundary between the kernel and a component is defined");
    puts("once, in `abi/athanor/` (`#include <athanor/abi.h>`): the kernel, the SDK");
    puts("(`sdk/athanor.h`, which wraps the imports in typed functions) and the manifest tool");
    puts("compile against it, and this page is generated from it. Components are compiled");
    puts("with the SDK's and the ABI's include paths only: no kernel header is reachable from");
    puts("wasm code.\n");
    puts("A component is a WASI preview 1 command module that may also import the functions");
    puts("below and may export `ath_handle(badge, op, a0, a1, a2) -> u64` (five i64, an i64");
    puts("result) to serve calls.\n");
    imports();
    errors();
    constants();
    structs();
    return ferror(stdout) ? 1 : 0;
}
