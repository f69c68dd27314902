# The filesystem service's second backend (docs/files.md, "A host folder"):
# on the hosted platform, AZOTH_HOSTDIR names a folder of the host, the
# host-folder double (platform/hosted/hostdir.c) executes the service's
# protocol on it, and the service forwards every request there instead of
# mounting a disk. The same clients as on a disk image (tests/hosted/files.sh):
# the protocol through fsclient, the WASI conformance suite beside a writer,
# and on the host, the files Azoth wrote, in the folder itself.
. tests/lib.sh
dir=$LOGDIR/hostdir
files_image "$dir"
expect_status hosted/hostdir-setup $? 0 "$dir/mke2fs.log"
log=$dir/wasi.log
printf "$FILES_SCRIPT" | AZOTH_HOSTDIR="$dir/root" timeout 240 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/hostdir-status $? 0 "$log"
expect_in "$log" hosted/hostdir-double 'pci: 00:05\.0 1af4:10fe' '^fs: serving the host folder \(AZOTH_HOSTDIR\)$'
expect_files_clients "$log" hosted/hostdir '^fsclient: [0-9]+ blocks of [0-9]+ bytes, [0-9]+ free, read-write$'
expect_in "$dir/root/work/from-azoth.txt" hosted/hostdir-read-on-host '^made by wasifs$'
expect_in "$dir/root/work/kept.txt" hosted/hostdir-libc-on-host '^written in Azoth: 42$'
# Nothing outside the folder was touched: the secret is as it was.
expect_in "$dir/root/secret.txt" hosted/hostdir-outside-untouched '^not for wasifs$'
