# The shell's file commands on the disk `make run` boots with (docs/files.md):
# an ext4 image made by tools/disk.sh from disk/ and docs/, one file put in
# from the host with debugfs, then ls, cat, write, mkdir, mv, rm, df, lsblk
# and sync in the shell, booted as make run boots (the user image, the
# filesystem service autostarted); afterwards the host reads what the shell
# wrote and checks the image.
. tests/lib.sh
dir=$LOGDIR/shellfiles
rm -rf "$dir"
mkdir -p "$dir"
img=$dir/disk.img
tools/disk.sh make "$img" 64 > "$dir/make.log" 2>&1
expect_status qemu/shellfiles-disk $? 0 "$dir/make.log"
echo "put in by the host" > "$dir/from-host.txt"
tools/disk.sh put "$img" "$dir/from-host.txt" /from-host.txt > "$dir/put.log" 2>&1
expect_status qemu/shellfiles-put $? 0 "$dir/put.log"
log=$dir/shell.log
: > "$log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    shell_up "$log"
    shell_cmd "$log" 'ls'
    shell_cmd "$log" 'cat /from-host.txt'
    shell_cmd "$log" 'write /notes.txt hello from Azoth'
    shell_cmd "$log" 'mkdir /mine'
    shell_cmd "$log" 'mv /notes.txt /mine/notes.txt'
    shell_cmd "$log" 'ls /mine'
    shell_cmd "$log" 'cat /missing'
    shell_cmd "$log" 'rm /mine'
    shell_cmd "$log" 'write /tmp.txt x'
    shell_cmd "$log" 'rm /tmp.txt'
    shell_cmd "$log" 'cat /tmp.txt'
    shell_cmd "$log" 'mv /a'
    shell_cmd "$log" 'df'
    shell_cmd "$log" 'lsblk'
    shell_cmd "$log" 'sync'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 120 tools/qemu.sh --disk "$img" > "$log" 2>&1
expect_status qemu/shellfiles-status $? 0 "$log"
expect_in "$log" qemu/shellfiles-ls \
    '^ +[0-9.]+K? +README\.txt$' '^ +[0-9.]+K +docs/$' '^ +19 +from-host\.txt$'
expect_in "$log" qemu/shellfiles-cat '^put in by the host$'
expect_in "$log" qemu/shellfiles-write-mv '^ +17 +notes\.txt$'
expect_in "$log" qemu/shellfiles-errors \
    '^cat: /missing: No such file or directory$' \
    '^rm: /mine: Directory not empty$' \
    '^cat: /tmp\.txt: No such file or directory$' \
    '^usage: ls \[path\] \| cat file'
expect_in "$log" qemu/shellfiles-df \
    '^Filesystem +Size +Used +Avail Use% +Inodes +IFree +Mounted on$' \
    '^disk0 \(ext4\) +64\.0M +[0-9.]+M +[0-9.]+M +[0-9]+% +16384 +[0-9]+ +/ \(read-write\)$'
expect_in "$log" qemu/shellfiles-lsblk \
    '^disk0  131072 sectors  65536 KiB' \
    '^  fs     ext4, 65536 blocks of 1024 bytes, [0-9]+ free, mounted on / read-write$'
# On the host: what the shell wrote, and a clean image.
got=$(tools/disk.sh get "$img" /mine/notes.txt 2> "$dir/get.log")
if [ "$got" = "hello from Azoth" ]; then
    result PASS qemu/shellfiles-on-host
else
    result FAIL qemu/shellfiles-on-host "read '$got' (log: $dir/get.log)"
fi
tools/disk.sh check "$img" > "$dir/fsck.log" 2>&1
expect_status qemu/shellfiles-clean $? 0 "$dir/fsck.log"
