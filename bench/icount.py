# Instructions per IPC null call, counted exactly: gdb single-steps one call
# of the ipc benchmark (azoth.bench=ipc) from the client's host call into
# the kernel (w2c_athanor_call_ret, the SDK's ath_call) to its return, after 3000 calls of warm-up,
# three times. A timing on a shared virtual machine moves by 10-30 % from
# one process to the next; this number does not (bench/compare.sh).
# Usage: gdb -batch -x bench/icount.py build/hosted/azoth-test (the test image: the
# benchmarks and their components, mk/images.mk)
import gdb

gdb.execute("set pagination off")
for sig in ("SIGALRM", "SIGUSR1", "SIGUSR2", "SIGSEGV"):
    gdb.execute("handle %s nostop noprint pass" % sig)  # the hosted kernel's interrupts and faults
gdb.execute("break w2c_athanor_call_ret")
gdb.execute("run azoth.bench=ipc < /dev/null > /dev/null 2>&1")
gdb.execute("ignore 1 3000")
gdb.execute("continue")
counts = []
for sample in range(3):
    sp0 = int(gdb.parse_and_eval("$sp"))
    ret = int(gdb.parse_and_eval("*(unsigned long *)$sp"))
    n = 0
    while n < 100000:
        gdb.execute("stepi", to_string=True)
        n += 1
        if int(gdb.parse_and_eval("$pc")) == ret and int(gdb.parse_and_eval("$sp")) > sp0:
            break
    counts.append(n)
    gdb.execute("ignore 1 100")
    gdb.execute("continue")
# a timer signal during one sample adds its handler: the least is the call
print("icount: ipc-null-call %d instructions (samples %s)" % (min(counts), " ".join(map(str, counts))))
gdb.execute("kill")
