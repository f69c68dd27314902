/* Expansion helpers for abi/imports.def: a row's parameter list is
 * (type, name, type, name, ...); ATH_IMPORT_PARAMS(n, F, params) applies
 * F(type, name) to each pair, comma-separated (void for none), and
 * ATH_IMPORT_PARAMS_AFTER the same with a leading comma (after the kernel's
 * instance pointer). Types: see imports.def. */
#ifndef ATHANOR_ABI_IMPORTS_H
#define ATHANOR_ABI_IMPORTS_H

#define ATH_EACH_1(F, t, n) F(t, n)
#define ATH_EACH_2(F, t, n, ...) F(t, n), ATH_EACH_1(F, __VA_ARGS__)
#define ATH_EACH_3(F, t, n, ...) F(t, n), ATH_EACH_2(F, __VA_ARGS__)
#define ATH_EACH_4(F, t, n, ...) F(t, n), ATH_EACH_3(F, __VA_ARGS__)
#define ATH_EACH_5(F, t, n, ...) F(t, n), ATH_EACH_4(F, __VA_ARGS__)
#define ATH_EACH_6(F, t, n, ...) F(t, n), ATH_EACH_5(F, __VA_ARGS__)
#define ATH_EACH_7(F, t, n, ...) F(t, n), ATH_EACH_6(F, __VA_ARGS__)
#define ATH_EACH_(n, F, ...) ATH_EACH_##n(F, __VA_ARGS__)
#define ATH_UNPAREN_(...) __VA_ARGS__
#define ATH_EACH(n, F, params) ATH_EACH_(n, F, ATH_UNPAREN_ params)

#define ATH_IMPORT_PARAMS_0(F, params) void
#define ATH_IMPORT_PARAMS_1(F, params) ATH_EACH(1, F, params)
#define ATH_IMPORT_PARAMS_2(F, params) ATH_EACH(2, F, params)
#define ATH_IMPORT_PARAMS_3(F, params) ATH_EACH(3, F, params)
#define ATH_IMPORT_PARAMS_4(F, params) ATH_EACH(4, F, params)
#define ATH_IMPORT_PARAMS_5(F, params) ATH_EACH(5, F, params)
#define ATH_IMPORT_PARAMS_6(F, params) ATH_EACH(6, F, params)
#define ATH_IMPORT_PARAMS_7(F, params) ATH_EACH(7, F, params)
#define ATH_IMPORT_PARAMS(n, F, params) ATH_IMPORT_PARAMS_##n(F, params)

#define ATH_IMPORT_PARAMS_AFTER_0(F, params)
#define ATH_IMPORT_PARAMS_AFTER_1(F, params) , ATH_EACH(1, F, params)
#define ATH_IMPORT_PARAMS_AFTER_2(F, params) , ATH_EACH(2, F, params)
#define ATH_IMPORT_PARAMS_AFTER_3(F, params) , ATH_EACH(3, F, params)
#define ATH_IMPORT_PARAMS_AFTER_4(F, params) , ATH_EACH(4, F, params)
#define ATH_IMPORT_PARAMS_AFTER_5(F, params) , ATH_EACH(5, F, params)
#define ATH_IMPORT_PARAMS_AFTER_6(F, params) , ATH_EACH(6, F, params)
#define ATH_IMPORT_PARAMS_AFTER_7(F, params) , ATH_EACH(7, F, params)
#define ATH_IMPORT_PARAMS_AFTER(n, F, params) ATH_IMPORT_PARAMS_AFTER_##n(F, params)

/* The C types a component sees. */
#define ATH_CT_I32 int32_t
#define ATH_CT_I64 int64_t
#define ATH_CT_U32 uint32_t
#define ATH_CT_U64 uint64_t
#define ATH_CT_PTR(T) T *
#define ATH_CT_CPTR(T) const T *
/* The types the kernel's definitions have: what wasm2c makes of the wasm
 * types (u32 and u64; a pointer is an offset into linear memory). */
#define ATH_KT_I32 uint32_t
#define ATH_KT_I64 uint64_t
#define ATH_KT_U32 uint32_t
#define ATH_KT_U64 uint64_t
#define ATH_KT_PTR(T) uint32_t
#define ATH_KT_CPTR(T) uint32_t

#endif
