# What a user runs is the system, not the test bench (mk/images.mk): the
# user image (build/hosted/azoth, what `make hosted` builds) lists the
# system's and the demo components and none of the test and benchmark ones,
# in the monitor's `ps` and in the shell's (booted as `make run` boots),
# links only their code and has no in-kernel tests; the test image lists
# every component but the workload benchmarks, which only the bench image
# (make bench) has.
. tests/lib.sh
user=$BUILD/hosted/azoth
log=$LOGDIR/image-user.log
printf 'ps\nhalt\n' | timeout 30 "$user" > "$log" 2>&1
expect_status hosted/image-user-status $? 0 "$log"
expect_image_ps "$log" hosted/image-user-ps user

log=$LOGDIR/image-user-shell.log
{ sleep 2; printf 'ps\n'; sleep 1; printf 'halt\n'; sleep 1; } |
    timeout 30 "$user" azoth.shell=1 > "$log" 2>&1
expect_status hosted/image-user-shell-status $? 0 "$log"
expect_image_ps "$log" hosted/image-user-shell-ps user

# The component code linked in is the image's: one comp_image_<name> each.
linked=$(nm --defined-only "$user" | sed -n 's/^[0-9a-f]* [A-Za-z] comp_image_//p' | sort | tr '\n' ' ')
want=$(image_components user | sort | tr '\n' ' ')
if [ -n "$want" ] && [ "$linked" = "$want" ]; then
    result PASS hosted/image-user-links-its-components
else
    result FAIL hosted/image-user-links-its-components "$user links [$linked], want [$want]"
fi

log=$LOGDIR/image-user-no-tests.log
timeout 30 "$user" azoth.test=all < /dev/null > "$log" 2>&1
expect_status hosted/image-user-no-tests-status $? 1 "$log"
expect_in "$log" hosted/image-user-no-tests "no test named 'all' in this image: the tests and benchmarks are in the test image"

log=$LOGDIR/image-test.log
printf 'ps\nhalt\n' | timeout 30 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/image-test-status $? 0 "$log"
expect_image_ps "$log" hosted/image-test-ps test
