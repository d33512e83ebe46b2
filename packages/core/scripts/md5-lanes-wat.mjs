// Generates packages/core/wasm/md5-lanes.wat: MD5 of up to eight independent messages at once,
// with WebAssembly SIMD (one i32x4 vector holds the same state word of four messages).
//
// MD5 is a chain: each of a block's 64 steps needs the one before, so one message can't go faster
// than the chain's latency. Independent messages (the parts of one multipart upload) can share the
// chain: four per vector, and two vectors whose steps are interleaved so the CPU overlaps them.
// On Node 20 (x86-64) that is ~1,450 MiB/s with four messages and ~2,500 MiB/s with eight, against
// ~630 MiB/s for node:crypto's MD5 of one (packages/core/bench/md5-lanes.bench.mjs).
//
// The 64 steps are unrolled, so the text is written by this program rather than by hand.
// Memory layout (bytes; every number is exported as a global):
//   0     state: group g's a, b, c, d vectors at 64·g + 0, 16, 32, 48 (lane j of a group is message 4·g + j)
//   128   mask: group g's vector at 128 + 16·g; lane all-ones = that message is active, 0 = keep its state
//   256   K: the 64 step constants, each splatted to a vector
//   1280  W: per group, the current block transposed into 16 word vectors (256 bytes per group)
//   4096  data: message j's next bytes at 4096 + j·LANE_SIZE, a whole number of 64-byte blocks
//
// Exports: blocks4(n) runs n blocks of messages 0-3, blocks8(n) of messages 0-7; messages whose
// mask is 0 keep their state. Padding and digests are the caller's (src/integrity/md5-lanes.ts).
//
//   node packages/core/scripts/build-wasm.mjs   writes the .wat and assembles both modules

const LANE_SIZE = 32 * 1024;
const STATE = 0;
const MASK = 128;
const K_AT = 256;
const W_AT = 1280;
const DATA = 4096;
const LANES = 8;
const PAGES = Math.ceil((DATA + LANES * LANE_SIZE) / 65536);

/** Per-round left-rotation amounts (RFC 1321). */
const SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
];
/** K[i] = floor(|sin(i + 1)| · 2^32) (RFC 1321). */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** The message word step i reads. */
function wordIndex(i) {
  const round = i >> 4;
  if (round === 0) return i;
  if (round === 1) return (5 * i + 1) % 16;
  if (round === 2) return (3 * i + 5) % 16;
  return (7 * i) % 16;
}

/** The round function of step i over vectors b, c, d, with the newest value (b) used last. */
function roundFunction(i, b, c, d) {
  switch (i >> 4) {
    case 0: // (b & c) | (~b & d)
      return `(v128.bitselect (local.get ${c}) (local.get ${d}) (local.get ${b}))`;
    case 1: // (b & d) | (c & ~d)
      return `(v128.bitselect (local.get ${b}) (local.get ${c}) (local.get ${d}))`;
    case 2: // b ^ c ^ d
      return `(v128.xor (v128.xor (local.get ${c}) (local.get ${d})) (local.get ${b}))`;
    default: // c ^ (b | ~d)
      return `(v128.xor (local.get ${c}) (v128.or (local.get ${b}) (v128.not (local.get ${d}))))`;
  }
}

const LOW_HALVES = "0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23";
const HIGH_HALVES = "8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31";
const LOW_WORDS = "0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23";
const HIGH_WORDS = "8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31";

/** Loads group g's current block from its four messages and stores it transposed at W. */
function transpose(g) {
  const out = [];
  const w = (word) => W_AT + 256 * g + 16 * word;
  for (let k = 0; k < 4; k++) {
    for (let j = 0; j < 4; j++) {
      out.push(`(local.set $v${j} (v128.load offset=${DATA + (4 * g + j) * LANE_SIZE + 16 * k} (local.get $at)))`);
    }
    out.push(`(local.set $t0 (i8x16.shuffle ${LOW_WORDS} (local.get $v0) (local.get $v1)))`);
    out.push(`(local.set $t1 (i8x16.shuffle ${HIGH_WORDS} (local.get $v0) (local.get $v1)))`);
    out.push(`(local.set $t2 (i8x16.shuffle ${LOW_WORDS} (local.get $v2) (local.get $v3)))`);
    out.push(`(local.set $t3 (i8x16.shuffle ${HIGH_WORDS} (local.get $v2) (local.get $v3)))`);
    out.push(`(v128.store offset=${w(4 * k)} (i32.const 0) (i8x16.shuffle ${LOW_HALVES} (local.get $t0) (local.get $t2)))`);
    out.push(`(v128.store offset=${w(4 * k + 1)} (i32.const 0) (i8x16.shuffle ${HIGH_HALVES} (local.get $t0) (local.get $t2)))`);
    out.push(`(v128.store offset=${w(4 * k + 2)} (i32.const 0) (i8x16.shuffle ${LOW_HALVES} (local.get $t1) (local.get $t3)))`);
    out.push(`(v128.store offset=${w(4 * k + 3)} (i32.const 0) (i8x16.shuffle ${HIGH_HALVES} (local.get $t1) (local.get $t3)))`);
  }
  return out;
}

/**
 * One step for group g: a = b + rotl(a + K[i] + W[g(i)] + F(b, c, d), s). The sum of the
 * values known early comes first, so only one add waits for F.
 */
function step(i, g, [a, b, c, d]) {
  const s = SHIFTS[i >> 4][i % 4];
  const k = `(v128.load offset=${K_AT + 16 * i} (i32.const 0))`;
  const word = `(v128.load offset=${W_AT + 256 * g + 16 * wordIndex(i)} (i32.const 0))`;
  return [
    `(local.set $s${g} (i32x4.add (i32x4.add (local.get ${a}) (i32x4.add ${k} ${word})) ${roundFunction(i, b, c, d)}))`,
    `(local.set ${a} (i32x4.add (local.get ${b}) (v128.or (i32x4.shl (local.get $s${g}) (i32.const ${s})) (i32x4.shr_u (local.get $s${g}) (i32.const ${32 - s})))))`,
  ];
}

/** `blocks<4·groups>(n)`: n blocks of messages 0 .. 4·groups - 1, the groups' steps interleaved. */
function blocksFunction(groups) {
  const vars = Array.from({ length: groups }, (_, g) => [`$a${g}`, `$b${g}`, `$c${g}`, `$d${g}`]);
  const locals = ["(local $at i32)", "(local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)", "(local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)"];
  for (let g = 0; g < groups; g++) locals.push(`(local $a${g} v128) (local $b${g} v128) (local $c${g} v128) (local $d${g} v128) (local $s${g} v128)`);
  const body = [];
  for (let g = 0; g < groups; g++) {
    vars[g].forEach((v, q) => body.push(`(local.set ${v} (v128.load offset=${STATE + 64 * g + 16 * q} (i32.const 0)))`));
  }
  body.push("(block $done (loop $block");
  body.push("  (br_if $done (i32.eqz (local.get $n)))");
  for (let g = 0; g < groups; g++) body.push(...transpose(g).map((l) => `  ${l}`));
  const live = vars.map((v) => [...v]);
  for (let i = 0; i < 64; i++) {
    for (let g = 0; g < groups; g++) {
      body.push(...step(i, g, live[g]).map((l) => `  ${l}`));
      const [a, b, c, d] = live[g];
      live[g] = [d, a, b, c];
    }
  }
  // After 64 steps the names are back in place: add the block's input state, where the mask allows.
  for (let g = 0; g < groups; g++) {
    vars[g].forEach((v, q) => {
      const saved = `(v128.load offset=${STATE + 64 * g + 16 * q} (i32.const 0))`;
      body.push(`  (local.set ${v} (v128.bitselect (i32x4.add (local.get ${v}) ${saved}) ${saved} (v128.load offset=${MASK + 16 * g} (i32.const 0))))`);
      body.push(`  (v128.store offset=${STATE + 64 * g + 16 * q} (i32.const 0) (local.get ${v}))`);
    });
  }
  body.push("  (local.set $at (i32.add (local.get $at) (i32.const 64)))");
  body.push("  (local.set $n (i32.sub (local.get $n) (i32.const 1)))");
  body.push("  (br $block)))");
  return [`(func (export "blocks${4 * groups}") (param $n i32)`, ...locals.map((l) => `  ${l}`), ...body.map((l) => `  ${l}`), ")"];
}

/** The K table as a data segment of 64 splatted little-endian vectors. */
function kData() {
  let text = "";
  for (const k of K) {
    const bytes = [0, 1, 2, 3].map((b) => "\\" + ((k >>> (8 * b)) & 255).toString(16).padStart(2, "0")).join("");
    text += bytes.repeat(4);
  }
  return text;
}

/** The module's text. Deterministic: the same program gives the same text. */
export function md5LanesWat() {
  const lines = [
    ";; GENERATED by packages/core/scripts/md5-lanes-wat.mjs; edit that, then run",
    ";;   node packages/core/scripts/build-wasm.mjs",
    ";; MD5 of up to 8 messages at once with WebAssembly SIMD. Layout and contract: see the generator.",
    "(module",
    `  (memory (export "memory") ${PAGES} ${PAGES})`,
    `  (global (export "lanes") i32 (i32.const ${LANES}))`,
    `  (global (export "laneSize") i32 (i32.const ${LANE_SIZE}))`,
    `  (global (export "dataAt") i32 (i32.const ${DATA}))`,
    `  (global (export "stateAt") i32 (i32.const ${STATE}))`,
    `  (global (export "maskAt") i32 (i32.const ${MASK}))`,
    `  (data (i32.const ${K_AT}) "${kData()}")`,
    ...blocksFunction(1).map((l) => `  ${l}`),
    ...blocksFunction(2).map((l) => `  ${l}`),
    ")",
  ];
  return `${lines.join("\n")}\n`;
}
