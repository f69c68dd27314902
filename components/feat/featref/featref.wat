;; featref: the reference-types proposal, written as WebAssembly text
;; because C cannot express it: funcref and externref tables, ref.null,
;; ref.is_null, ref.func, table.get/set/grow/size/fill/copy, call_indirect
;; into a second table, and typed select. Every check that fails adds one
;; to the exit status; prints "featref: ok" or "featref: FAIL".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "featref: ok\n")
  (data (i32.const 80) "featref: FAIL\n")
  (type $ii (func (param i32) (result i32)))
  (table $other 1 funcref)          ;; table 0, so that $funcs is not the default one
  (table $funcs 4 funcref)
  (table $ext 2 externref)
  (elem declare func $double $inc $neg)
  (global $fails (mut i32) (i32.const 0))

  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))

  (func $check (param i32)
    (if (i32.eqz (local.get 0))
      (then (global.set $fails (i32.add (global.get $fails) (i32.const 1))))))

  (func $say (param $at i32) (param $len i32)
    ;; one iovec at 0: { at, len }; bytes written go to 8
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "_start")
    ;; A new table holds null references.
    (call $check (ref.is_null (table.get $funcs (i32.const 0))))
    (call $check (ref.is_null (table.get $ext (i32.const 1))))
    ;; table.set with ref.func, then call_indirect into table $funcs.
    (table.set $funcs (i32.const 1) (ref.func $double))
    (table.set $funcs (i32.const 2) (ref.func $inc))
    (call $check (i32.eq (call_indirect $funcs (type $ii) (i32.const 21) (i32.const 1)) (i32.const 42)))
    (call $check (i32.eq (call_indirect $funcs (type $ii) (i32.const 41) (i32.const 2)) (i32.const 42)))
    (call $check (i32.eqz (ref.is_null (table.get $funcs (i32.const 2)))))
    ;; table.grow returns the old size and fills the new slots.
    (call $check (i32.eq (table.grow $funcs (ref.func $neg) (i32.const 3)) (i32.const 4)))
    (call $check (i32.eq (table.size $funcs) (i32.const 7)))
    (call $check (i32.eq (call_indirect $funcs (type $ii) (i32.const 9) (i32.const 6)) (i32.const -9)))
    ;; Growing past the maximum fails with -1 (externref table, max none: 2^20 is the runtime's cap).
    (call $check (i32.eq (table.grow $ext (ref.null extern) (i32.const 3)) (i32.const 2)))
    (call $check (i32.eq (table.size $ext) (i32.const 5)))
    (call $check (i32.eq (table.grow $ext (ref.null extern) (i32.const 0x7fffffff)) (i32.const -1)))
    ;; table.fill and table.copy.
    (table.fill $funcs (i32.const 0) (ref.func $double) (i32.const 2))
    (call $check (i32.eq (call_indirect $funcs (type $ii) (i32.const 5) (i32.const 0)) (i32.const 10)))
    (table.copy $funcs $funcs (i32.const 3) (i32.const 2) (i32.const 1))
    (call $check (i32.eq (call_indirect $funcs (type $ii) (i32.const 5) (i32.const 3)) (i32.const 6)))
    ;; Typed select between references.
    (call $check (ref.is_null (select (result funcref) (ref.null func) (ref.func $inc) (i32.const 1))))
    (call $check (i32.eqz (ref.is_null (select (result funcref) (ref.null func) (ref.func $inc) (i32.const 0)))))
    ;; The other table is untouched: still null.
    (call $check (ref.is_null (table.get $other (i32.const 0))))
    (if (global.get $fails)
      (then (call $say (i32.const 80) (i32.const 14)))
      (else (call $say (i32.const 64) (i32.const 12))))
    (call $proc_exit (global.get $fails)))
)
