;; CRC-64/XZ ("CRC-64/ECMA-182" of COS and OSS): reflected polynomial 0xC96C5795D7870F42,
;; init and xorout all ones. See protocols.md §4.
;;
;; Source of src/integrity/crc64-wasm-bytes.ts: after editing, run
;;   node packages/core/scripts/build-crc64-wasm.mjs
;; and commit both files.
;;
;; Linear memory (5 pages, fixed: it never grows, so JS views over it stay valid):
;;   0      .. 49151   tables Z1..Z24, 256 x i64 each. Z_m[n] is the CRC register after
;;                     the value n (0..255) is shifted through m zero bytes, i.e.
;;                     Z1 is the classic byte table and Z_{m+1}[n] = (Z_m[n] >> 8) ^ Z1[Z_m[n] & 0xff].
;;                     Table Z_m starts at byte (m - 1) * 2048.
;;   65536  .. 327679  scratch: JS copies input here (at most 256 KiB per call).
;; The tables are filled by the start function, once, when the module is instantiated.
;;
;; update(prev, at, length) -> crc continues the final CRC `prev` over `length` bytes at `at`
;; (the same contract as Go's crc64.Update: pre- and post-inversion are done here).
;;
;; Technique: "braid" (zlib's crc32.c, by Mark Adler) with 3 lanes of 8-byte words. The input
;; is cut into 24-byte blocks; lane i owns word i of every block and keeps its own register c_i,
;; which is XORed into its next word and pushed through the other 16 bytes of the block by
;; slicing-by-8 over tables Z24..Z17 (byte k of a word needs 24 - k zero bytes of shifting).
;; The three lanes have no data dependency on each other, so the CPU runs them in parallel.
;; The last whole block is processed word by word (slicing-by-8 over Z8..Z1) with c1 and c2
;; folded into its words 1 and 2; the remaining words go through a slicing-by-8 loop, then the
;; last 0..7 bytes through a byte loop. (Reusing the word loop for the last block, with the lane
;; registers shifted in, measured ~8% slower.)
;; Measured (Node 20, 2 vCPU AMD EPYC, noisy host): the kernel alone ~2,200-2,500 MiB/s, and
;; ~1,800-2,100 MiB/s including the copy into scratch, vs ~1,400 MiB/s for plain slicing-by-8;
;; 2 lanes ~1,850, 4 lanes no faster than 3, unrolling the block loop was slower, and so was
;; indexing with (byte & 0xff) << 3 instead of the pre-shifted masks below.
(module
  (memory (export "memory") 5 5)

  ;; Where JS writes input, and how much fits.
  (global (export "scratch") i32 (i32.const 65536))
  (global (export "scratchSize") i32 (i32.const 262144))

  (start $init)

  ;; Fills Z1 bit by bit, then Z2..Z24 from it.
  (func $init (local $n i32) (local $bit i32) (local $c i64) (local $at i32)
    (loop $byte
      (local.set $c (i64.extend_i32_u (local.get $n)))
      (local.set $bit (i32.const 8))
      (loop $shift
        ;; c = (c >> 1) ^ (c & 1 ? POLY : 0)
        (local.set $c
          (i64.xor (i64.shr_u (local.get $c) (i64.const 1))
                   (i64.and (i64.const 0xC96C5795D7870F42)
                            (i64.sub (i64.const 0) (i64.and (local.get $c) (i64.const 1))))))
        (br_if $shift (local.tee $bit (i32.sub (local.get $bit) (i32.const 1)))))
      (i64.store (i32.shl (local.get $n) (i32.const 3)) (local.get $c))
      (br_if $byte (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 256))))
    ;; Each entry of Z2..Z24 is derived from the entry 2048 bytes (one table) before it.
    (local.set $at (i32.const 2048))
    (loop $entry
      (local.set $c (i64.load (i32.sub (local.get $at) (i32.const 2048))))
      (i64.store (local.get $at)
        (i64.xor (i64.shr_u (local.get $c) (i64.const 8))
                 (i64.load (i32.shl (i32.wrap_i64 (i64.and (local.get $c) (i64.const 0xff))) (i32.const 3)))))
      (br_if $entry (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 8))) (i32.const 49152)))))

  ;; Table lookups below index with (byte << 3) computed straight from the word's 32-bit halves:
  ;; byte 0 is (lo << 3) & 0x7f8, byte 1 is (lo >> 5) & 0x7f8, byte 2 (lo >> 13) & 0x7f8, ...
  ;; and the table is chosen by the load's offset.
  (func (export "update") (param $prev i64) (param $p i32) (param $n i32) (result i64)
    (local $crc i64) (local $blocks i32)
    (local $c0 i64) (local $c1 i64) (local $c2 i64)
    (local $w0 i64) (local $w1 i64) (local $w2 i64)
    (local $lo0 i32) (local $hi0 i32) (local $lo1 i32) (local $hi1 i32) (local $lo2 i32) (local $hi2 i32)
    (local.set $crc (i64.xor (local.get $prev) (i64.const -1)))
    (local.set $blocks (i32.div_u (local.get $n) (i32.const 24)))

    ;; Braid every whole block but the last (only with two or more blocks; shorter inputs go
    ;; straight to the word loop).
    (if (i32.ge_u (local.get $blocks) (i32.const 2))
      (then
        (local.set $c0 (local.get $crc))
        (local.set $n (i32.sub (local.get $n) (i32.mul (i32.sub (local.get $blocks) (i32.const 1)) (i32.const 24))))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (loop $block
          (local.set $w0 (i64.xor (local.get $c0) (i64.load offset=0 (local.get $p))))
          (local.set $w1 (i64.xor (local.get $c1) (i64.load offset=8 (local.get $p))))
          (local.set $w2 (i64.xor (local.get $c2) (i64.load offset=16 (local.get $p))))
          (local.set $lo0 (i32.wrap_i64 (local.get $w0)))
          (local.set $hi0 (i32.wrap_i64 (i64.shr_u (local.get $w0) (i64.const 32))))
          (local.set $lo1 (i32.wrap_i64 (local.get $w1)))
          (local.set $hi1 (i32.wrap_i64 (i64.shr_u (local.get $w1) (i64.const 32))))
          (local.set $lo2 (i32.wrap_i64 (local.get $w2)))
          (local.set $hi2 (i32.wrap_i64 (i64.shr_u (local.get $w2) (i64.const 32))))
          ;; c_i = Z24[byte 0] ^ Z23[byte 1] ^ ... ^ Z17[byte 7] of w_i
          (local.set $c0
            (i64.xor
              (i64.xor
                (i64.xor (i64.load offset=47104 (i32.and (i32.shl (local.get $lo0) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=45056 (i32.and (i32.shr_u (local.get $lo0) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=43008 (i32.and (i32.shr_u (local.get $lo0) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=40960 (i32.and (i32.shr_u (local.get $lo0) (i32.const 21)) (i32.const 0x7f8)))))
              (i64.xor
                (i64.xor (i64.load offset=38912 (i32.and (i32.shl (local.get $hi0) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=36864 (i32.and (i32.shr_u (local.get $hi0) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=34816 (i32.and (i32.shr_u (local.get $hi0) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=32768 (i32.and (i32.shr_u (local.get $hi0) (i32.const 21)) (i32.const 0x7f8)))))))
          (local.set $c1
            (i64.xor
              (i64.xor
                (i64.xor (i64.load offset=47104 (i32.and (i32.shl (local.get $lo1) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=45056 (i32.and (i32.shr_u (local.get $lo1) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=43008 (i32.and (i32.shr_u (local.get $lo1) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=40960 (i32.and (i32.shr_u (local.get $lo1) (i32.const 21)) (i32.const 0x7f8)))))
              (i64.xor
                (i64.xor (i64.load offset=38912 (i32.and (i32.shl (local.get $hi1) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=36864 (i32.and (i32.shr_u (local.get $hi1) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=34816 (i32.and (i32.shr_u (local.get $hi1) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=32768 (i32.and (i32.shr_u (local.get $hi1) (i32.const 21)) (i32.const 0x7f8)))))))
          (local.set $c2
            (i64.xor
              (i64.xor
                (i64.xor (i64.load offset=47104 (i32.and (i32.shl (local.get $lo2) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=45056 (i32.and (i32.shr_u (local.get $lo2) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=43008 (i32.and (i32.shr_u (local.get $lo2) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=40960 (i32.and (i32.shr_u (local.get $lo2) (i32.const 21)) (i32.const 0x7f8)))))
              (i64.xor
                (i64.xor (i64.load offset=38912 (i32.and (i32.shl (local.get $hi2) (i32.const 3)) (i32.const 0x7f8)))
                         (i64.load offset=36864 (i32.and (i32.shr_u (local.get $hi2) (i32.const 5)) (i32.const 0x7f8))))
                (i64.xor (i64.load offset=34816 (i32.and (i32.shr_u (local.get $hi2) (i32.const 13)) (i32.const 0x7f8)))
                         (i64.load offset=32768 (i32.and (i32.shr_u (local.get $hi2) (i32.const 21)) (i32.const 0x7f8)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 24)))
          (br_if $block (local.tee $blocks (i32.sub (local.get $blocks) (i32.const 1)))))
        ;; The last whole block, word by word (slicing-by-8 over Z8..Z1): the register starts
        ;; as c0, and c1 and c2 are folded into words 1 and 2.
        (local.set $crc (local.get $c0))
        (local.set $w0 (i64.xor (local.get $crc) (i64.load offset=0 (local.get $p))))
        (local.set $lo0 (i32.wrap_i64 (local.get $w0)))
        (local.set $hi0 (i32.wrap_i64 (i64.shr_u (local.get $w0) (i64.const 32))))
        (local.set $crc
          (i64.xor
            (i64.xor
              (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $lo0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=12288 (i32.and (i32.shr_u (local.get $lo0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $lo0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=8192 (i32.and (i32.shr_u (local.get $lo0) (i32.const 21)) (i32.const 0x7f8)))))
            (i64.xor
              (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $hi0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=4096 (i32.and (i32.shr_u (local.get $hi0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $hi0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=0 (i32.and (i32.shr_u (local.get $hi0) (i32.const 21)) (i32.const 0x7f8)))))))
        (local.set $w0 (i64.xor (i64.xor (local.get $crc) (local.get $c1)) (i64.load offset=8 (local.get $p))))
        (local.set $lo0 (i32.wrap_i64 (local.get $w0)))
        (local.set $hi0 (i32.wrap_i64 (i64.shr_u (local.get $w0) (i64.const 32))))
        (local.set $crc
          (i64.xor
            (i64.xor
              (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $lo0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=12288 (i32.and (i32.shr_u (local.get $lo0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $lo0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=8192 (i32.and (i32.shr_u (local.get $lo0) (i32.const 21)) (i32.const 0x7f8)))))
            (i64.xor
              (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $hi0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=4096 (i32.and (i32.shr_u (local.get $hi0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $hi0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=0 (i32.and (i32.shr_u (local.get $hi0) (i32.const 21)) (i32.const 0x7f8)))))))
        (local.set $w0 (i64.xor (i64.xor (local.get $crc) (local.get $c2)) (i64.load offset=16 (local.get $p))))
        (local.set $lo0 (i32.wrap_i64 (local.get $w0)))
        (local.set $hi0 (i32.wrap_i64 (i64.shr_u (local.get $w0) (i64.const 32))))
        (local.set $crc
          (i64.xor
            (i64.xor
              (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $lo0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=12288 (i32.and (i32.shr_u (local.get $lo0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $lo0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=8192 (i32.and (i32.shr_u (local.get $lo0) (i32.const 21)) (i32.const 0x7f8)))))
            (i64.xor
              (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $hi0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=4096 (i32.and (i32.shr_u (local.get $hi0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $hi0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=0 (i32.and (i32.shr_u (local.get $hi0) (i32.const 21)) (i32.const 0x7f8)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 24)))
        (local.set $n (i32.sub (local.get $n) (i32.const 24)))))

    ;; Slicing-by-8: whole words.
    (block $words-done
      (loop $word
        (br_if $words-done (i32.lt_u (local.get $n) (i32.const 8)))
        (local.set $w0 (i64.xor (local.get $crc) (i64.load (local.get $p))))
        (local.set $lo0 (i32.wrap_i64 (local.get $w0)))
        (local.set $hi0 (i32.wrap_i64 (i64.shr_u (local.get $w0) (i64.const 32))))
        ;; crc = Z8[byte 0] ^ Z7[byte 1] ^ ... ^ Z1[byte 7] of w0
        (local.set $crc
          (i64.xor
            (i64.xor
              (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $lo0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=12288 (i32.and (i32.shr_u (local.get $lo0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $lo0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=8192 (i32.and (i32.shr_u (local.get $lo0) (i32.const 21)) (i32.const 0x7f8)))))
            (i64.xor
              (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $hi0) (i32.const 3)) (i32.const 0x7f8)))
                       (i64.load offset=4096 (i32.and (i32.shr_u (local.get $hi0) (i32.const 5)) (i32.const 0x7f8))))
              (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $hi0) (i32.const 13)) (i32.const 0x7f8)))
                       (i64.load offset=0 (i32.and (i32.shr_u (local.get $hi0) (i32.const 21)) (i32.const 0x7f8)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 8)))
        (br $word)))

    ;; The last 0..7 bytes, one at a time.
    (block $bytes-done
      (loop $byte
        (br_if $bytes-done (i32.eqz (local.get $n)))
        (local.set $crc
          (i64.xor (i64.shr_u (local.get $crc) (i64.const 8))
                   (i64.load (i32.shl (i32.and (i32.xor (i32.wrap_i64 (local.get $crc)) (i32.load8_u (local.get $p)))
                                               (i32.const 0xff))
                                      (i32.const 3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $byte)))

    (i64.xor (local.get $crc) (i64.const -1))))
