// asdemo: an AssemblyScript program built for WASI (npm's assemblyscript
// with @assemblyscript/wasi-shim, tools/asc): what it was started with,
// time, random numbers, some arithmetic, stdout and stderr, an exit status.
// Nothing in it knows Azoth.
const args = process.argv;
console.log("asdemo: " + args.length.toString() + " arguments");
for (let i = 1; i < args.length; i++) console.log("asdemo: arg " + i.toString() + " [" + args[i] + "]");
const env = process.env;
console.log("asdemo: GREETING=" + (env.has("GREETING") ? env.get("GREETING") : "(unset)"));
console.log("asdemo: the clock is past 2020: " + (Date.now() > 1577836800000 ? "yes" : "no"));
const bytes = new Uint8Array(16);
crypto.getRandomValues(bytes);
let zeros = 0;
for (let i = 0; i < bytes.length; i++) if (bytes[i] == 0) zeros++;
console.log("asdemo: random bytes all zero: " + (zeros == bytes.length ? "yes" : "no"));
let primes = 0;
for (let n = 2; n < 100000; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) {
    if (n % d == 0) {
      prime = false;
      break;
    }
  }
  if (prime) primes++;
}
console.log("asdemo: primes below 100000: " + primes.toString());
process.stderr.write("asdemo: this goes to stderr\n"); // the shim's console.error writes to stdout
process.exit(args[args.length - 1] == "fail" ? 3 : 0); // "fail" last: status 3
