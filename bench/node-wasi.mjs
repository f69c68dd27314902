// Run a WASI command (.wasm) under Node's own WASI (node:wasi), for the
// workload benchmarks' V8 baseline: `node bench/node-wasi.mjs prog.wasm args...`.
// The program times itself (benchrun.h: clock_gettime, which node:wasi serves
// from its monotonic clock), so Node's start-up and the module's compilation
// are outside every number it prints. Written for Node 18 (Debian 12's
// nodejs) and later: the import object is built by hand (getImportObject is
// newer), and `version` is given because Node 20 requires it.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
if (!file) {
    console.error('usage: node bench/node-wasi.mjs PROGRAM.wasm [ARGS...]');
    process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
