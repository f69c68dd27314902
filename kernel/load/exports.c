/* The symbols a package may link against (docs/apps.md, "What a package
 * links against"): the host calls (abi/athanor/abi/imports.def), WASI
 * preview 1 (abi/athanor/abi/wasi.def) and what wasm2c's output needs of
 * the runtime (runtime.def). The build makes the same list for the host's
 * package tool from the same tables (mk/apps.mk), and hashes it into the
 * runtime id a package must carry. Looked up by name, with a binary search
 * over the table sorted at boot. */
#include <athanor/klib.h>
#include <athanor/load.h>

#include "runtime_syms.h"

/* Declared by address only: this file does not include the headers that
 * give them their types, so one declaration fits functions and data. */
#define ATH_IMPORT(name, ...) extern const char w2c_athanor_##name[];
#include <athanor/abi/imports.def>
#undef ATH_IMPORT
#define WASI_FN(name) extern const char w2c_wasi__snapshot__preview1_##name[];
#include <athanor/abi/wasi.def>
#undef WASI_FN
/* The runtime's names are declared by the headers generated code is
 * compiled with (runtime_syms.h), and taken by address. */

struct export {
    const char *name;
    const void *addr;
};

static struct export table[] = {
#define ATH_IMPORT(name, ...) { "w2c_athanor_" #name, w2c_athanor_##name },
#include <athanor/abi/imports.def>
#undef ATH_IMPORT
#define WASI_FN(name) { "w2c_wasi__snapshot__preview1_" #name, w2c_wasi__snapshot__preview1_##name },
#include <athanor/abi/wasi.def>
#undef WASI_FN
#define RT_SYM(name) { #name, (const void *)&(name) },
#include "runtime.def"
#undef RT_SYM
};

/* Sorted by pkg_exports_init, at boot, before any package loads; read
 * only after. */
void pkg_exports_init(void)
{
    for (size_t i = 1; i < ARRAY_LEN(table); i++) { /* insertion sort: about 120 rows */
        struct export e = table[i];
        size_t j = i;
        while (j && strcmp(table[j - 1].name, e.name) > 0) {
            table[j] = table[j - 1];
            j--;
        }
        table[j] = e;
    }
}

const void *pkg_export(const char *name, size_t len)
{
    size_t lo = 0, hi = ARRAY_LEN(table);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(table[mid].name, name, len);
        if (c == 0 && table[mid].name[len])
            c = 1; /* the table's name is longer */
        if (c == 0)
            return table[mid].addr;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
