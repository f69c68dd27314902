# Apps at run time on the hosted platform (docs/apps.md): `azoth run` with a
# .wasm (compiled into the cache once) and with a package; what the program
# sees of its start (argv, environment, streams, exit status, stdin); its
# folders; a trap contained; and every way a package is refused: tampered,
# truncated, unsigned, signed with another key, oversized, built for
# another runtime, a field out of range under a good signature, a module
# that is not WebAssembly. Runs the sanitizer build of the user image.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/apps
rm -rf "$dir"
mkdir -p "$dir/cache" "$dir/folder"
AZ=$BUILD/hosted-san/azoth
PKG=$BUILD/apps/runtest.azpkg
WASM=$BUILD/apps/runtest.wasm
PKGTOOL=$BUILD/tools/pkgtool
export AZOTH_CACHE="$dir/cache"
# The sanitizers' runtime reports leaks at exit (the kernel's process ends
# with the program): nothing here is about leaks.
export ASAN_OPTIONS=detect_leaks=0

# run NAME WANT-STATUS [azoth run arguments...]: stdout to NAME.out, stderr
# to NAME.err, a verdict on the exit status.
run() {
    _n=$1 _want=$2
    shift 2
    timeout 120 "$AZ" run "$@" > "$dir/$_n.out" 2> "$dir/$_n.err" < /dev/null
    expect_status "hosted/apps-$_n-status" $? "$_want" "$dir/$_n.err"
}

# A module: compiled on first use, from the cache after.
run wasm-first 0 "$WASM" args
expect_in "$dir/wasm-first.out" hosted/apps-wasm-args "^\[$WASM\]\[args\]$"
ls "$dir/cache"/runtest-*.azpkg > "$dir/cache.list" 2>&1
expect_in "$dir/cache.list" hosted/apps-wasm-cached 'runtest-[0-9a-f]{64}-[0-9a-f]{16}-[0-9a-f]{16}\.azpkg$'
touch -d '2000-01-01' "$dir/cache"/runtest-*.azpkg
run wasm-again 0 "$WASM" args
find "$dir/cache" -name 'runtest-*.azpkg' -newermt '2001-01-01' > "$dir/cache.new"
if [ -s "$dir/cache.new" ]; then
    result FAIL hosted/apps-wasm-cache-used "the second run compiled again"
else
    result PASS hosted/apps-wasm-cache-used
fi

# argv: the file as given, then each argument whole (spaces, quotes).
run args 0 "$PKG" args "two words" 'a"quote' "it's" ''
expect_in "$dir/args.out" hosted/apps-argv "^\[$PKG\]\[args\]\[two words\]\[a\"quote\]\[it's\]\[\]$"
# -- ends azoth's options; what follows is the program's.
run dashdash 0 "$PKG" -- args --dir x
expect_in "$dir/dashdash.out" hosted/apps-argv-dashdash "^\[$PKG\]\[args\]\[--dir\]\[x\]$"

# The environment: what --env set, a host variable passed on by name,
# nothing else.
AZ_TEST_VAR="from the host" run env 0 --env A=1 --env "B=two words" --env AZ_TEST_VAR --env UNSET_VAR_X "$PKG" env
expect_in "$dir/env.out" hosted/apps-env '^env: A=1$' '^env: B=two words$' '^env: AZ_TEST_VAR=from the host$' '^env: 3 variables$'

# stdout and stderr are the process's fd 1 and fd 2.
run streams 0 "$PKG" streams
expect_in "$dir/streams.out" hosted/apps-stdout '^to stdout$'
expect_none "$dir/streams.out" hosted/apps-stdout-only '^to stderr$' "stderr went to stdout"
expect_in "$dir/streams.err" hosted/apps-stderr '^to stderr$'
expect_none "$dir/streams.err" hosted/apps-stderr-only '^to stdout$|Athanor|memory:' "stdout or the kernel's messages went to stderr"

# The exit status is the program's.
run exit 42 "$PKG" exit 42

# stdin: every byte of a large input, none lost.
head -c 3000000 /dev/urandom > "$dir/big.in"
timeout 120 "$AZ" run "$PKG" cat < "$dir/big.in" > "$dir/cat.out" 2> "$dir/cat.err"
expect_status hosted/apps-stdin-status $? 0 "$dir/cat.err"
if cmp -s "$dir/big.in" "$dir/cat.out"; then
    result PASS hosted/apps-stdin-whole
else
    result FAIL hosted/apps-stdin-whole "stdout differs from the 3 MB given on stdin ($dir/cat.out)"
fi
expect_in "$dir/cat.err" hosted/apps-stdin-count '^cat: 3000000 bytes$'

# A folder, under the name the program is given; nothing without one.
echo "already here" > "$dir/folder/old.txt"
run files 0 --dir "$dir/folder::/data" "$PKG" files /data
expect_in "$dir/files.out" hosted/apps-dir 'files: read back: written by runtest' '^files: entry old.txt$' \
    '^files: entry runtest.txt$' '^files: removed$'
run files-none 1 "$PKG" files /data
expect_in "$dir/files-none.out" hosted/apps-dir-none '^files: cannot create /data/runtest.txt'
# HOST alone: the program sees the folder under the name as written.
(cd "$dir" && timeout 120 "$OLDPWD/$AZ" run --dir folder "$OLDPWD/$PKG" files folder > files-rel.out 2>&1)
expect_in "$dir/files-rel.out" hosted/apps-dir-as-written '^files: entry old.txt$'

# Standard programs of the tree, unmodified: C++ (libc++: iostreams, maps,
# algorithms), from its arguments and from stdin; Rust (std::env, std::fs,
# std::time) with an environment and a folder.
run cxx 0 "$BUILD/apps/cxxdemo.wasm" "the cat and the dog" and
expect_in "$dir/cxx.out" hosted/apps-cxx-args '^cxxdemo: 6 words, 4 different$' '^cxxdemo: and 2$' '^cxxdemo: the 2$'
printf 'a b a\nc a\n' | timeout 120 "$AZ" run "$BUILD/apps/cxxdemo.azpkg" > "$dir/cxx-stdin.out" 2>&1
expect_in "$dir/cxx-stdin.out" hosted/apps-cxx-stdin '^cxxdemo: 5 words, 3 different$' '^cxxdemo: a 3$'
run rust 0 --env LANG=C --dir "$dir/folder::/data" "$BUILD/apps/rustdemo.wasm" /data
expect_in "$dir/rust.out" hosted/apps-rust \
    "^rustdemo: 2 arguments: \[\"$BUILD/apps/rustdemo.wasm\", \"/data\"\]$" '^rustdemo: env LANG=C$' \
    '^rustdemo: 1[7-9][0-9]{8} s since 1970$' '^rustdemo: read back: written by Rust$' \
    '^rustdemo: in /data: old\.txt rustdemo\.txt$'
# AssemblyScript (npm's assemblyscript and its WASI shim): arguments, the
# environment, the clock, random, stdout and stderr apart, an exit status.
run as 3 --env GREETING=hi "$BUILD/apps/asdemo.wasm" "two words" fail
expect_in "$dir/as.out" hosted/apps-as '^asdemo: 3 arguments$' '^asdemo: arg 1 \[two words\]$' \
    '^asdemo: GREETING=hi$' '^asdemo: the clock is past 2020: yes$' '^asdemo: random bytes all zero: no$' \
    '^asdemo: primes below 100000: 9592$'
expect_in "$dir/as.err" hosted/apps-as-stderr 'asdemo: this goes to stderr$'
expect_none "$dir/as.out" hosted/apps-as-streams-apart 'stderr' "stderr's line is on stdout"

# A trap is contained: the kernel reports it, the exit status says so.
run trap 134 "$PKG" trap
expect_in "$dir/trap.err" hosted/apps-trap-reported '^azoth: runtest stopped: unreachable executed in main\+0x[0-9a-f]+$'

# ---- refused packages: a clear message, status 126, nothing runs ----
refused() { # NAME FILE PATTERN
    run "refuse-$1" 126 "$2" args
    expect_in "$dir/refuse-$1.err" "hosted/apps-refuse-$1-said" "$3"
    expect_none "$dir/refuse-$1.out" "hosted/apps-refuse-$1-ran" '\[args\]' "the refused package ran"
}
size=$(stat -c %s "$PKG")
# The image's place in the file (image_off, byte 120 of the header,
# abi/athanor/abi/pkg.h): the signature is the 64 bytes before it.
image_off=$(od -An -tu4 -j 120 -N4 "$PKG" | tr -d ' ')
# poke FILE OFFSET HEXBYTES: overwrite bytes in place
poke() {
    for _b in $(echo "$3" | sed 's/../& /g'); do printf "\\$(printf '%03o' "0x$_b")"; done |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# One byte of the code changed, and one of the tables before the signature.
cp "$PKG" "$dir/tampered.azpkg"
flip_byte "$dir/tampered.azpkg" $((image_off + 1000))
refused tampered "$dir/tampered.azpkg" 'changed since it was signed'
cp "$PKG" "$dir/tampered-tables.azpkg"
flip_byte "$dir/tampered-tables.azpkg" $((image_off - 65))
refused tampered-tables "$dir/tampered-tables.azpkg" 'changed since it was signed'

head -c $((size - 100)) "$PKG" > "$dir/truncated.azpkg"
refused truncated "$dir/truncated.azpkg" 'truncated'

cp "$PKG" "$dir/unsigned.azpkg"
poke "$dir/unsigned.azpkg" $((image_off - 64)) "$(printf '%0128d' 0)"
refused unsigned "$dir/unsigned.azpkg" 'not signed'

"$PKGTOOL" keygen "$dir/otherkey" > /dev/null
cp "$PKG" "$dir/otherkey.azpkg"
"$PKGTOOL" sign "$dir/otherkey.azpkg" "$dir/otherkey"
refused otherkey "$dir/otherkey.azpkg" 'signed with a key this kernel does not trust'

cp "$PKG" "$dir/oversized.azpkg"
head -c $((65 << 20)) /dev/zero >> "$dir/oversized.azpkg"
refused oversized "$dir/oversized.azpkg" 'larger than a package may be'

# A package of another format version (byte 8), as an older kernel's
# tools made it: refused as such, before its signature is looked for.
cp "$PKG" "$dir/version.azpkg"
poke "$dir/version.azpkg" 8 03000000
refused version "$dir/version.azpkg" 'format version 3; this kernel reads 4: rebuild it'

# Built for another runtime, properly signed: refused as such. (The
# runtime id is at byte 80 of the header, abi/athanor/abi/pkg.h.)
cp "$PKG" "$dir/runtime.azpkg"
poke "$dir/runtime.azpkg" 80 0000000000000000
"$PKGTOOL" sign "$dir/runtime.azpkg" "$BUILD/keys"
refused runtime "$dir/runtime.azpkg" 'built for another kernel runtime'

# A field out of range under a good signature: nsegs (byte 132) = 99.
cp "$PKG" "$dir/fields.azpkg"
poke "$dir/fields.azpkg" 132 63000000
"$PKGTOOL" sign "$dir/fields.azpkg" "$BUILD/keys"
refused fields "$dir/fields.azpkg" '99 segments'

# A relocation pointing outside the image, signed: refused before mapping
# (the first relocation's offset is at relocs_off, byte 264 of the header).
relocs_off=$(od -An -tu4 -j 264 -N4 "$PKG" | tr -d ' ')
cp "$PKG" "$dir/reloc.azpkg"
poke "$dir/reloc.azpkg" "$relocs_off" ffffff7f
"$PKGTOOL" sign "$dir/reloc.azpkg" "$BUILD/keys"
refused reloc "$dir/reloc.azpkg" 'relocation 0 writes outside'

# Packed relocations (relr_off at byte 296), signed: one that would write
# the code (offset 0: the first segment is code), and a bitmap before any
# address: refused before mapping.
relr_off=$(od -An -tu4 -j 296 -N4 "$PKG" | tr -d ' ')
cp "$PKG" "$dir/relr.azpkg"
poke "$dir/relr.azpkg" "$relr_off" 0000000000000000
"$PKGTOOL" sign "$dir/relr.azpkg" "$BUILD/keys"
refused relr "$dir/relr.azpkg" 'packed relocation 0 writes outside its data \(at 0\)'
cp "$PKG" "$dir/relr-bitmap.azpkg"
poke "$dir/relr-bitmap.azpkg" "$relr_off" 0300000000000000
"$PKGTOOL" sign "$dir/relr-bitmap.azpkg" "$BUILD/keys"
refused relr-bitmap "$dir/relr-bitmap.azpkg" 'packed relocation 0: a bitmap before any address'
# A function name outside the code, signed (syms_off, at byte 304, is in
# the image, which starts at image_off in the file).
syms_off=$(od -An -tu4 -j 304 -N4 "$PKG" | tr -d ' ')
cp "$PKG" "$dir/syms.azpkg"
poke "$dir/syms.azpkg" $((image_off + syms_off)) ffffff7f
"$PKGTOOL" sign "$dir/syms.azpkg" "$BUILD/keys"
refused syms "$dir/syms.azpkg" 'function name 0 \(at 2147483647\) out of order or outside its code'

# Not WebAssembly, not a package.
printf '\0asm\1\0\0\0garbage' > "$dir/bad.wasm"
run badwasm 126 "$dir/bad.wasm"
expect_in "$dir/badwasm.err" hosted/apps-badwasm-said 'not a valid WebAssembly module'
echo "just text" > "$dir/text.txt"
run text 126 "$dir/text.txt"
expect_in "$dir/text.err" hosted/apps-text-said 'neither a WebAssembly module nor a package'
run missing 126 "$dir/no-such-file.wasm"
expect_in "$dir/missing.err" hosted/apps-missing-said 'No such file'
run usage 2 --frobnicate "$PKG"
expect_in "$dir/usage.err" hosted/apps-unknown-option 'unknown option --frobnicate'
