// Gives npm's wasm2c a bigger stack: wabt.js is built with Emscripten's
// 64 KiB stack, and wasm2c recurses once per nested block, so a function
// with a big switch (SQLite's parser: 271 nested blocks) overflows it
// ("memory access out of bounds"). wasm2c itself is fine; only its stack
// is too small.
// Usage: node tools/wabt/stack.js <npm wasm2c script> <output .js> <MiB>
// The module's layout (Emscripten, data first): data and bss, then the
// stack growing down from __stack_pointer's start value, then the heap
// from the same address (sbrk's start, stored in the data). Moving both
// up by <MiB> leaves data and bss where the code expects them and makes
// the stack <MiB> larger. Every fact is checked before anything is changed:
// another wabt.js build fails here with the reason, never silently.
'use strict';
const fs = require('fs');
const path = require('path');
const [src, out, mib] = process.argv.slice(2);
function fail(why) {
    console.error(`tools/wabt/stack.js: ${src}: ${why}; the wabt package changed, see this file`);
    process.exit(1);
}
if (!src || !out || !(mib > 0)) {
    console.error('usage: node tools/wabt/stack.js <npm wasm2c script> <output .js> <MiB>');
    process.exit(2);
}
const js = fs.readFileSync(src, 'utf8');

// The module is embedded as a string literal, one character per byte.
const key = "return binaryDecode('";
const start = js.indexOf(key);
if (start < 0 || js.indexOf(key, start + 1) >= 0) fail('no single embedded module');
let end = start + key.length;
while (js[end] !== "'") end += js[end] === '\\' ? 2 : 1;
// Read as JavaScript reads it (escapes included): this is the package's own code.
const lit = Function(`return '${js.slice(start + key.length, end)}'`)();
const wasm = Buffer.alloc(lit.length);
for (let i = 0; i < lit.length; i++) {
    const c = lit.charCodeAt(i);
    wasm[i] = ~c >> 8 & c; // the glue's own decoding (binaryDecode)
}
if (wasm.readUInt32LE(0) !== 0x6d736100) fail('the embedded string is not a wasm module');

function uleb(buf, p) {
    let v = 0, shift = 0, b;
    do { b = buf[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return [v, p];
}
function sleb(buf, p) {
    let v = 0, shift = 0, b;
    do { b = buf[p++]; v |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    if (shift < 32 && (b & 0x40)) v |= -1 << shift;
    return [v, p];
}
function encUleb(v) {
    const o = [];
    do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; o.push(b); } while (v);
    return Buffer.from(o);
}
function encSleb(v) {
    const o = [];
    for (;;) {
        const b = v & 0x7f;
        v >>= 7;
        if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { o.push(b); break; }
        o.push(b | 0x80);
    }
    return Buffer.from(o);
}

// The sections, by id.
const sections = [];
for (let p = 8; p < wasm.length;) {
    const id = wasm[p];
    const [size, q] = uleb(wasm, p + 1);
    sections.push({ id, body: wasm.subarray(q, q + size) });
    p = q + size;
}
const one = id => {
    const s = sections.filter(x => x.id === id);
    if (s.length !== 1) fail(`${s.length} sections of id ${id}`);
    return s[0];
};

// Global section: one global, the stack pointer: mutable i32 = i32.const SP.
const globals = one(6);
let [count, p] = uleb(globals.body, 0);
if (count !== 1 || globals.body[p] !== 0x7f || globals.body[p + 1] !== 1 || globals.body[p + 2] !== 0x41)
    fail('the global section is not just the stack pointer');
const [sp, pend] = sleb(globals.body, p + 3);
if (globals.body[pend] !== 0x0b || pend + 1 !== globals.body.length) fail('unexpected stack pointer initializer');
const grow = mib * 1024 * 1024;
const newSp = sp + grow;
if (sp % 16 || newSp >= 2 ** 24) fail(`stack pointer ${sp} not as expected`);
globals.body = Buffer.concat([globals.body.subarray(0, p + 3), encSleb(newSp), Buffer.from([0x0b])]);

// Data: sbrk's start is SP, stored little-endian in the last active segment
// whose bytes end with it (Emscripten trims trailing zeros: 3 bytes here).
const data = one(11);
const spBytes = Buffer.from([sp & 0xff, (sp >> 8) & 0xff, (sp >> 16) & 0xff]);
let hits = 0;
for (let i = 0; i + 3 <= data.body.length; i++)
    if (data.body.subarray(i, i + 3).equals(spBytes)) hits++;
if (hits !== 1) fail(`the heap start ${sp} is in the data ${hits} times, not once`);
const at = data.body.indexOf(spBytes);
data.body = Buffer.from(data.body);
data.body[at] = newSp & 0xff;
data.body[at + 1] = (newSp >> 8) & 0xff;
data.body[at + 2] = (newSp >> 16) & 0xff;

// Memory: one memory, with a maximum; its initial size must hold the new heap start.
const memory = one(5);
[count, p] = uleb(memory.body, 0);
if (count !== 1 || memory.body[p] !== 1) fail('not one memory with a maximum');
let [initial, q] = uleb(memory.body, p + 1);
const [maximum, r] = uleb(memory.body, q);
if (r !== memory.body.length) fail('unexpected memory section');
initial = Math.max(initial, Math.ceil(newSp / 65536) + 1);
if (initial > maximum) fail('the memory maximum is too small');
memory.body = Buffer.concat([Buffer.from([1, 1]), encUleb(initial), encUleb(maximum)]);

const outWasm = Buffer.concat([wasm.subarray(0, 8),
    ...sections.flatMap(s => [Buffer.from([s.id]), encUleb(s.body.length), s.body])]);
const wasmName = path.basename(out).replace(/\.js$/, '') + '.wasm';
fs.writeFileSync(path.join(path.dirname(out), wasmName), outWasm);
// The glue reads the module from the file beside it instead of the string.
fs.writeFileSync(out, js.slice(0, start) +
    `return require("fs").readFileSync(__dirname + "/${wasmName}")` + js.slice(end + 2));
console.log(`  (wasm2c: stack ${mib} MiB larger, from ${sp} to ${newSp})`);
