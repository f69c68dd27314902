;; featdrop: a load whose value is never used still traps when it is out of
;; bounds (the WebAssembly semantics that tools/wasm2kernel.sh keeps with
;; gcc's -fnon-call-exceptions instead of an asm barrier per load), and so
;; do the SIMD accesses wasm2c leaves to the guard region like any other
;; load (lanes, splats, zero-extending loads; tools/wasm2kernel.sh). The
;; number of arguments picks what is tried, at the address 0xfffffff0 plus
;; the offset 8: none i32.load, 1 i64.load8_s, 2 f64.load, 3 v128.load,
;; 4 memory.fill of 16 bytes there, 5 v128.load8_lane, 6 v128.store32_lane,
;; 7 v128.load32_splat, 8 v128.load64_zero. Before it, the same kinds of
;; accesses in bounds must not trap. Exits 0 only if nothing trapped: the
;; test (kernel/ktest/test_wasm.c) expects an out-of-bounds trap instead.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $what i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $what (i32.sub (i32.load (i32.const 0)) (i32.const 1)))
    ;; In bounds, dropped: fine.
    (drop (i32.load offset=8 (i32.const 100)))
    (drop (i64.load8_s offset=8 (i32.const 100)))
    (drop (f64.load offset=8 (i32.const 100)))
    (drop (v128.load offset=8 (i32.const 100)))
    (drop (v128.load8_lane offset=8 3 (i32.const 100) (v128.const i64x2 0 0)))
    (v128.store32_lane offset=8 1 (i32.const 100) (v128.const i64x2 0 0))
    (drop (v128.load32_splat offset=8 (i32.const 100)))
    (drop (v128.load64_zero offset=8 (i32.const 100)))
    (block $done
      (block $zero
        (block $splat
          (block $store_lane
            (block $load_lane
              (block $fill
                (block $v128
                  (block $f64
                    (block $i64
                      (block $i32
                        (br_table $i32 $i64 $f64 $v128 $fill $load_lane $store_lane $splat $zero $done
                                  (local.get $what)))
                      (drop (i32.load offset=8 (i32.const 0xfffffff0)))
                      (br $done))
                    (drop (i64.load8_s offset=8 (i32.const 0xfffffff0)))
                    (br $done))
                  (drop (f64.load offset=8 (i32.const 0xfffffff0)))
                  (br $done))
                (drop (v128.load offset=8 (i32.const 0xfffffff0)))
                (br $done))
              (memory.fill (i32.const 0xfffffff8) (i32.const 0) (i32.const 16))
              (br $done))
            (drop (v128.load8_lane offset=8 3 (i32.const 0xfffffff0) (v128.const i64x2 0 0)))
            (br $done))
          (v128.store32_lane offset=8 1 (i32.const 0xfffffff0) (v128.const i64x2 0 0))
          (br $done))
        (drop (v128.load32_splat offset=8 (i32.const 0xfffffff0)))
        (br $done))
      (drop (v128.load64_zero offset=8 (i32.const 0xfffffff0))))
    (call $proc_exit (i32.const 0)))
)
