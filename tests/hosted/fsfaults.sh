# Faults during writes on the hosted platform, under ASan and UBSan: the
# same as tests/qemu/fsfaults.sh, on the virtio-blk double.
. tests/lib.sh
dir=$LOGDIR/fsfaults
fsfaults_image "$dir"
expect_status hosted/fsfaults-setup $? 0 "$dir/mke2fs.log"
log=$dir/faults.log
fsfaults_script | AZOTH_DISK="$dir/disk.img" timeout 240 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/fsfaults-status $? 0 "$log"
expect_fsfaults "$log" hosted "$dir"
