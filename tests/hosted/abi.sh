# The component ABI is one definition (abi/athanor/): its headers compile
# and assert their layouts on wasm32 and x86-64, docs/abi.md is what
# tools/abidoc writes from them, components cannot reach kernel headers,
# and a component whose imports the kernel does not provide, or provides
# with another signature, does not build.
. tests/lib.sh
dir=$LOGDIR/abi
rm -rf "$dir"
mkdir -p "$dir"
WASM="clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Isdk -Iabi"

if cmp -s "$BUILD/gen/abi.md" docs/abi.md; then
    result PASS hosted/abi-doc-current
else
    diff "$BUILD/gen/abi.md" docs/abi.md > "$dir/abi-doc.diff" 2>&1
    result FAIL hosted/abi-doc-current "docs/abi.md differs from what tools/abidoc writes: run make abi-doc ($dir/abi-doc.diff)"
fi

printf '#include <athanor/abi.h>\n#include <athanor.h>\nint main(void) { return ATH_ERR_COUNT; }\n' > "$dir/both.c"
$WASM -c -o "$dir/both.o" "$dir/both.c" > "$dir/wasm32.log" 2>&1
expect_status hosted/abi-headers-wasm32 $? 0 "$dir/wasm32.log"
gcc -std=c11 -Wall -Wextra -Werror -Isdk -Iabi -fsyntax-only "$dir/both.c" > "$dir/x86_64.log" 2>&1
expect_status hosted/abi-headers-x86_64 $? 0 "$dir/x86_64.log"

printf '#include <athanor/component.h>\nint main(void) { return 0; }\n' > "$dir/kernel.c"
$WASM -c -o "$dir/kernel.o" "$dir/kernel.c" > "$dir/kernel.log" 2>&1
expect_status hosted/abi-no-kernel-headers-for-components $? 1 "$dir/kernel.log"
expect_in "$dir/kernel.log" hosted/abi-no-kernel-headers-message 'athanor/component.h. file not found'

cat > "$dir/bogus.c" <<'C'
#include <athanor.h>
__attribute__((import_module("athanor"), import_name("bogus"))) int32_t bogus(uint32_t);
int main(void) { return bogus(1); }
C
$WASM -o "$dir/bogus.wasm" "$dir/bogus.c" &&
    tools/wasm2kernel.sh bogus "$dir/bogus.wasm" "$dir/out" > "$dir/bogus.log" 2>&1
expect_status hosted/abi-unknown-import-rejected $? 1 "$dir/bogus.log"
expect_in "$dir/bogus.log" hosted/abi-unknown-import-message \
    'component bogus: imports athanor.bogus, which the kernel does not provide'

# A known name with another signature: wasm2kernel accepts it, the glue
# (compiled like every component's) does not.
cat > "$dir/wrongsig.c" <<'C'
#include <athanor.h>
__attribute__((import_module("athanor"), import_name("cap_revoke"))) int32_t revoke64(uint64_t h);
int main(void) { return revoke64(1); }
C
$WASM -o "$dir/wrongsig.wasm" "$dir/wrongsig.c" &&
    tools/wasm2kernel.sh wrongsig "$dir/wrongsig.wasm" "$dir/out" > "$dir/wrongsig.log" 2>&1
expect_status hosted/abi-wrong-signature-translates $? 0 "$dir/wrongsig.log"
gcc -std=c11 -fsyntax-only -w -Ikernel/include -Iabi -Iplatform/hosted -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 \
    -DWASM_RT_USE_STACK_DEPTH_COUNT=0 -DATH_STACK_RESERVE=16384 -I"$dir/out" "$dir/out/wrongsig.glue.c" \
    > "$dir/wrongsig-glue.log" 2>&1
expect_status hosted/abi-wrong-signature-rejected $? 1 "$dir/wrongsig-glue.log"
expect_in "$dir/wrongsig-glue.log" hosted/abi-wrong-signature-message \
    "conflicting types for .w2c_athanor_cap_revoke."
