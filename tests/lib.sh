# Shared helpers for the shell-driven test layers (hosted and QEMU).
# A test script records each verdict with `result PASS|FAIL name [reason]`;
# verdicts go to $RESULTS (one line each) and to the terminal.

: "${RESULTS:?RESULTS must name the results file}"
: "${LOGDIR:?LOGDIR must name the log directory}"
BUILD=${BUILD:-build}

# The images (mk/images.mk): tools/qemu.sh and build/hosted*/azoth boot the
# user image, what `make run` boots: the system and a few demos. Tests that
# drive test or benchmark components, or run the in-kernel suite, boot the
# test image, which has every component.
TEST_KERNEL=$BUILD/x86_64/azoth-test.bin.elf
TEST_HOSTED=$BUILD/hosted-san/azoth-test

# Helpers use their own variable names (_r_*, _e_*, ...): sh has no local scope
# in POSIX, and the callers' variables must survive.
result() {
    _r_verdict=$1 _r_name=$2
    shift 2
    if [ $# -gt 0 ]; then
        echo "$_r_verdict $_r_name: $*" >> "$RESULTS"
        echo "  $_r_verdict $_r_name: $*"
    else
        echo "$_r_verdict $_r_name" >> "$RESULTS"
        echo "  $_r_verdict $_r_name"
    fi
}

# expect_in LOG NAME PATTERN... : PASS if every extended regex matches a line of LOG.
expect_in() {
    _e_log=$1 _e_name=$2
    shift 2
    for _e_pat in "$@"; do
        if ! tr -d '\r' < "$_e_log" | grep -Eq -- "$_e_pat"; then
            result FAIL "$_e_name" "no line matching '$_e_pat' in $_e_log"
            return 1
        fi
    done
    result PASS "$_e_name"
}

# expect_none LOG NAME PATTERN WHAT : PASS if no line of LOG matches the
# extended regex; the failure says WHAT was found.
expect_none() {
    if tr -d '\r' < "$1" | grep -Eq -- "$3"; then
        result FAIL "$2" "$4: $1"
    else
        result PASS "$2"
    fi
}

# expect_status NAME GOT WANT LOG : PASS if the exit status is the agreed one.
expect_status() {
    if [ "$2" -eq "$3" ]; then
        result PASS "$1"
    else
        result FAIL "$1" "exit status $2, want $3 (log: $4)"
    fi
}

# suite_results TAG PREFIX LOG : one verdict per "TAG: PASS name" or "TAG:
# FAIL name[: why]" line of a suite that runs inside Azoth, and a FAIL if
# the suite did not report its final count with nothing failed.
suite_results() {
    _k_tag=$1 _k_prefix=$2 _k_log=$3
    tr -d '\r' < "$_k_log" | awk -v p="$_k_prefix" -v t="$_k_tag: " '
        index($0, t "PASS ") == 1 { print "PASS " p "/" $3 }
        index($0, t "FAIL ") == 1 { name = $3; sub(/:$/, "", name); rest = substr($0, length(t) + 6 + length($3));
                                    print "FAIL " p "/" name ":" rest }
    ' | tee -a "$RESULTS" | sed 's/^/  /'
    if ! tr -d '\r' < "$_k_log" | grep -Eq "^$_k_tag: [0-9]+ passed, 0 failed"; then
        result FAIL "$_k_prefix/suite-complete" "the suite did not finish cleanly (log: $_k_log)"
    fi
}

# ktest_results PREFIX LOG : the in-kernel suite's verdicts ("ktest: ...").
ktest_results() { suite_results ktest "$1" "$2"; }

# The scripted monitor session both platforms run, and what it must answer.
MONITOR_SCRIPT='help\nmem\nthreads\nuptime\nxyzzy 1 2\nmem extra\nhalt\n'
expect_monitor_session() {
    expect_in "$1" "$2" \
        '^azoth> ' \
        '^  threads +kernel threads' \
        '^frames: [0-9]+ total, [0-9]+ used, [0-9]+ free' \
        '^heap: +[0-9]+ KiB arena' \
        ' monitor +(running|ready) ' \
        '^up 0 days, [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}, idle [0-9]+%' \
        "^unknown command 'xyzzy'; usage: help \\| mem" \
        '^usage: mem$' \
        '^azoth: powering off'
}

# A scripted component session through the monitor, and what it must answer.
COMPONENT_SCRIPT='start crasher oob\nwait crasher\nfaults\nstart hello zeta alpha mu\nwait hello\nstart spinner\ncaps spinner\nkill spinner\ncaps spinner\nps\nstart nosuch\nhalt\n'
# Lines a component prints are not anchored: the script is typed all at once,
# so the monitor's echo of the next command can land in front of them.
expect_component_session() {
    expect_in "$1" "$2" \
        '^started crasher \(generation [0-9]+\)' \
        'crasher: oob' \
        '^fault: crasher \(generation [0-9]+\): out-of-bounds memory access in do_oob\+0x[0-9a-f]+ \(memory offset 0xfffffff0\)' \
        '^crasher faulted: out-of-bounds memory access' \
        'hello from a WebAssembly component: zeta alpha mu' \
        'hello: sorted: alpha mu zeta' \
        '^hello exited with status 0' \
        '^0x[0-9a-f]+ +console +rw--- +0 +\(original\)' \
        '^killed spinner' \
        '^spinner holds no capabilities \(it is not running\)' \
        '^crasher +faulted +1 ' \
        '^hello +exited +1 .*\(status 0\)' \
        '^spinner +stopped +1 ' \
        "^no component named 'nosuch'"
}

# A scripted driver session (docs/drivers.md): the rtc driver set the wall
# clock at boot; run it again probing ports it was not granted, each of which
# must be refused, counted and reported; then once more taking 8 periodic
# interrupts (bare metal; the hosted platform has no interrupt lines). Then
# the supervisor: it restarts a driver made to fault, backs off and gives up
# on a component that keeps faulting, and when it faults itself the kernel
# restarts it and it supervises again.
DRIVER_SCRIPT='wait rtc\ndate\nstart rtc probe\nwait rtc\ncaps rtc\nstart rtc irq\nwait rtc\ninject pci divzero\nsleep 1000\ninject pci teleport\nstart faulty\nsleep 2000\ninject supervisor oob\nsleep 1000\ninject pci overflow\nsleep 1000\nps\nhalt\n'
expect_driver_session() { # LOG NAME hosted|qemu
    expect_in "$1" "$2" \
        'rtc: wall clock set to 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC' \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC \([0-9]+\)$' \
        'rtc: probe: 7 of 7 accesses outside my capabilities refused' \
        '^hardware accesses refused: 7$' \
        '^injected divzero into pci$' \
        '^fault: pci \(generation 1\): integer divide by zero in .* \(injected\)$' \
        "^unknown fault 'teleport'" \
        'supervisor: watching' \
        'supervisor: restarted pci \(generation 2\) after 0 ms backoff' \
        'supervisor: restarted faulty \(generation 2\) after 0 ms backoff' \
        'supervisor: restarted faulty \(generation 3\) after 10 ms backoff' \
        'supervisor: restarted faulty \(generation 4\) after 20 ms backoff' \
        'supervisor: faulty: 3 restarts within 5000 ms; giving up' \
        '^fault: supervisor \(generation 1\): out-of-bounds memory access in .* \(injected\)$' \
        'supervisor: restarted pci \(generation 3\)' \
        '^pci +running +3 +[0-9]+ +[0-9]+/[0-9]+ +[0-9]+ +2 *$' \
        '^supervisor +running +2 +[0-9]+ +[0-9]+/[0-9]+ +[0-9]+ +1 *$' \
        '^faulty +faulted +4 .* 3 +unreachable executed$'
    # the kernel reported each refusal itself
    _d_n=$(tr -d '\r' < "$1" | grep -c 'comp rtc: refused I/O port')
    if [ "$_d_n" -eq 7 ]; then result PASS "$2-refusals-reported"
    else result FAIL "$2-refusals-reported" "$_d_n kernel reports of refused ports, want 7 (log: $1)"; fi
    # the PCI service listed the bus at boot (QEMU's i440FX; hosted: no bus)
    if [ "$3" = qemu ]; then
        expect_in "$1" "$2-pci-scan" 'pci: 00:00\.0 8086:1237 host bridge' 'pci: 00:01\.0 8086:7000 ISA bridge' \
            'pci: 00:01\.1 8086:7010 IDE controller bar4=io:0x[0-9a-f]+\+0x10' 'pci: [4-9] devices'
    else
        expect_in "$1" "$2-pci-scan" 'pci: 0 devices'
    fi
    if [ "$3" = qemu ]; then # 8 Hz asked: 8 interrupts in about a second
        _d_ms=$(tr -d '\r' < "$1" | sed -n 's/.*rtc: irq: 8 periodic interrupts in \([0-9]*\) ms.*/\1/p' | head -n 1)
        if [ -n "$_d_ms" ] && [ "$_d_ms" -ge 500 ] && [ "$_d_ms" -le 3000 ]; then
            result PASS "$2-irq-delivered"
        else
            result FAIL "$2-irq-delivered" "no '8 periodic interrupts in 500-3000 ms' line (got '${_d_ms}') (log: $1)"
        fi
    else
        expect_in "$1" "$2-irq-unsupported" 'rtc: irq: this platform delivers no interrupt lines \(ENOSYS\)'
    fi
    # `date` agrees with the host's clock (the guest's RTC is the host's time)
    _d_t=$(tr -d '\r' < "$1" | sed -n 's/^[0-9-]* [0-9:]* UTC (\([0-9]*\))$/\1/p' | head -n 1)
    _d_now=$(date +%s)
    if [ -n "$_d_t" ] && [ $((_d_now - _d_t)) -ge -5 ] && [ $((_d_now - _d_t)) -le 300 ]; then
        result PASS "$2-date-matches-host"
    else
        result FAIL "$2-date-matches-host" "date said '${_d_t:-nothing}', the host $_d_now (log: $1)"
    fi
}

# numbered_commands N FILE: N unknown commands nosuch1..nosuchN, then halt.
numbered_commands() {
    _n_i=1
    while [ $_n_i -le "$1" ]; do
        echo "nosuch$_n_i"
        _n_i=$((_n_i + 1))
    done > "$2"
    echo halt >> "$2"
}

# flip_byte FILE OFFSET: invert one byte of a file in place, a change
# whatever it held (writing a fixed value is none where the byte had it).
flip_byte() {
    _v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf '%03o' $((255 - _v)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# wait_log LOG PATTERN SECONDS [COUNT] : wait until COUNT (1) lines of LOG
# (being written, e.g. by QEMU) match the pattern, at most SECONDS; a
# script feeding a running machine paces itself by it. Says so on stderr
# if the time ran out (the checks afterwards fail with the reason).
wait_log() {
    _w_i=0
    while [ $_w_i -lt $(($3 * 10)) ]; do
        [ "$(tr -d '\r' < "$1" | grep -c -- "$2")" -ge "${4:-1}" ] && return 0
        sleep 0.1
        _w_i=$((_w_i + 1))
    done
    echo "wait_log: no '$2' in $1 after $3 s" >&2
    return 1
}

# In a { ... } | tools/qemu.sh pipeline that feeds the shell: shell_up LOG
# waits for its first prompt; shell_cmd LOG LINE [SECONDS] types LINE and
# waits (at most SECONDS, 20) for the next prompt, the command done. They
# count the prompts seen (shell_prompts), so a command's own output cannot
# be mistaken for its end.
shell_prompts=0
shell_up() {
    wait_log "$1" 'azoth\$ ' "${2:-20}"
    shell_prompts=1
}
shell_cmd() {
    printf '%s\r' "$2"
    shell_prompts=$((shell_prompts + 1))
    wait_log "$1" 'azoth\$ ' "${3:-20}" "$shell_prompts"
}

# expect_count NAME LOG PATTERN N : PASS if exactly N lines of LOG match.
expect_count() {
    _c_got=$(tr -d '\r' < "$2" | grep -c -- "$3")
    if [ "$_c_got" -eq "$4" ]; then
        result PASS "$1" "$_c_got of $4"
    else
        result FAIL "$1" "$_c_got of $4 lines matching '$3' (log: $2)"
    fi
}

# image_components user|test|bench: the components system.toml puts in that
# image (its image key: the user image has "system" and "demo", the test
# image all but "workload", the bench image all), read from the manifest
# itself rather than from what the build made of it.
image_components() {
    awk -v im="$1" '
        /^\[component\./ { name = $0; sub(/^\[component\./, "", name); sub(/\].*/, "", name) }
        /^image *=/ { r = $0; sub(/^image *= *"/, "", r); sub(/".*/, "", r)
                      if (im == "bench" || (im == "test" && r != "workload") || r == "system" || r == "demo")
                          print name }' system.toml
}

# expect_image_ps LOG NAME user|test|bench : the `ps` in LOG (the monitor's
# or the shell's) lists every component of that image and no other.
expect_image_ps() {
    _i_want=" $(image_components "$3" | tr '\n' ' ') "
    _i_missing="" _i_extra=""
    for _i_c in $(image_components bench); do
        if tr -d '\r' < "$1" | grep -Eq "^$_i_c +(stopped|running|exited|faulted) "; then
            case "$_i_want" in *" $_i_c "*) ;; *) _i_extra="$_i_extra $_i_c" ;; esac
        else
            case "$_i_want" in *" $_i_c "*) _i_missing="$_i_missing $_i_c" ;; esac
        fi
    done
    if [ -n "$_i_missing$_i_extra" ]; then
        result FAIL "$2" "the $3 image's ps misses [$_i_missing ] and lists [$_i_extra ] (log: $1)"
    else
        result PASS "$2"
    fi
}

# The GPS driver's tests (tests/hosted/gps.sh, tests/qemu/gps.sh): the
# receiver's input, and what must come out of it. Usage: gps_feeds DIR
# writes DIR/known.nmea (reference sentences mixed with bad ones) and
# DIR/fuzz.nmea (5000 random and mutated lines, awk's generator with a
# fixed seed).
# gps_script MS: the monitor session: an app reads the receiver through a
# session of MS milliseconds (components/apps/gpsapp.h).
gps_script() { printf 'start gpsapp hold ms=%s\nwait gpsapp 60\nps\nhalt\n' "$1"; }
# gps_receiver: a receiver sending a position ten times a second, forever
# (tools/gps-receiver.sh; the session tests kill it).
gps_receiver() { exec sh tools/gps-receiver.sh; }
# gps_feed_when_open LOG FEED OUT: write FEED to OUT (a FIFO) once LOG shows
# the session started (the driver clears its receiver at the start: a
# receiver's bytes before it are not the session's), then hold OUT open.
gps_feed_when_open() {
    _g_i=0
    while ! grep -q 'privacy: session [0-9]* started' "$1" 2>/dev/null && [ $_g_i -lt 600 ]; do
        sleep 0.1
        _g_i=$((_g_i + 1))
    done
    cat "$2"
    exec sleep 120
}
# gps_session_feed DIR LOG FIFO: a receiver for a session test: DIR gets the
# feeds (gps_feeds), LOG is emptied, and DIR/known.nmea goes into FIFO
# (made here) once LOG shows the session started, from the background
# process $gps_feeder.
gps_session_feed() {
    gps_feeds "$1"
    mkfifo "$3"
    : > "$2"
    (gps_feed_when_open "$2" "$1/known.nmea") > "$3" &
    gps_feeder=$!
}
gps_feeds() {
    {
        printf 'boot banner noise\r\n'
        printf '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n'
        printf '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n'
        printf '$GPGSV,1,1,01,03,03,111,00*49\r\n'
        printf '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48\r\n'  # checksum
        printf '$GPGGA,123519,9107.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,*56\r\n'      # latitude 91
        printf '$GPGGA,%0200d*00\r\n' 0                                                # too long
        printf '$GNGGA,235959,3352.1234,S,15112.5678,W,2,12,1.25,-12.5,M,,M,,*68\n'
    } > "$1/known.nmea"
    awk 'BEGIN {
        srand(20261129)
        a = "$*,.-0123456789ABCDEFGMNPRSVWXYZ \r"
        v[0] = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"
        v[1] = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A"
        for (i = 0; i < 5000; i++) {
            if (i % 2) {
                s = v[int(rand() * 2)]
                for (e = 0; e < 1 + int(rand() * 3); e++) {
                    at = 1 + int(rand() * length(s))
                    k = int(rand() * 3)
                    if (k == 0) s = substr(s, 1, at - 1) substr(a, 1 + int(rand() * length(a)), 1) substr(s, at + 1)
                    else if (k == 1) s = substr(s, 1, at)
                    else s = substr(s, 1, at) substr(s, at - 5 > 0 ? at - 5 : 1)
                }
            } else {
                s = ""
                n = int(rand() * 140)
                for (k = 0; k < n; k++) s = s substr(a, 1 + int(rand() * length(a)), 1)
            }
            print s
        }
    }' > "$1/fuzz.nmea"
}
# expect_gps_known LOG LAYER: exactly the three positions, through a fine
# session to the app, and the driver's exact counts.
expect_gps_known() {
    expect_in "$1" "$2/gps-positions" \
        '^gpsapp: fix 1 481173000 115166666 fine alt 545400 quality 1 satellites 8 hdop 90 date 000000 time 45319000$' \
        '^gpsapp: fix 2 481173000 115166666 fine alt 0 quality 0 satellites 0 hdop 0 date 230394 time 45319000$' \
        '^gpsapp: fix 3 -338687233 -1512094633 fine alt -12500 quality 2 satellites 12 hdop 125 date 000000 time 86399000$'
    expect_in "$1" "$2/gps-counts" \
        '^gps: sentences 4 \(gga 2, rmc 1, other 1\), bad checksum 1, malformed 1, too long 1$'
    if [ "$(tr -d '\r' < "$1" | grep -c '^gpsapp: fix ')" -eq 3 ]; then
        result PASS "$2/gps-nothing-from-bad-input"
    else
        result FAIL "$2/gps-nothing-from-bad-input" "want exactly 3 positions in $1"
    fi
}
# expect_gps_fuzz LOG LAYER: it counted, still runs, never faulted.
expect_gps_fuzz() {
    expect_in "$1" "$2/gps-fuzz-survives" '^gps: sentences [0-9]+ ' '^ *gps +running'
    expect_none "$1" "$2/gps-fuzz-no-fault" 'fault: gps' "the driver faulted on fuzzed input"
}

# The microphone driver's tests (tests/hosted/mic.sh on the platform's
# AC'97 double, tests/qemu/mic.sh on QEMU's AC97). mic_script SECONDS: the
# monitor session: an app records through a microphone session of SECONDS
# and a little more (the driver reports once a second while it captures);
# mic_nodev_script: the app asks, with no controller there.
# expect_mic_capture LOG LAYER PEAK: what the driver and the privacy
# service must have said: the controller found, one line a second whose frames,
# buffers and interrupts all grow, the rate over the run within 5 % of the
# codec's, the newest 4 KiB fetched with a peak matching PEAK (QEMU's none
# backend records silence, the double a ramp), the app's recording with
# that peak, ended by the expiry, the quiesce read back by the service, no
# fault. Its last counts go to LOG.counts (frames of the last line: "last").
mic_script() { printf 'start micapp hold ms=%s\nwait micapp 30\n' "$(($1 * 1000 + 300))"; }
mic_nodev_script() { printf 'start micapp open want=ENOENT\nwait micapp 30\n'; }
expect_mic_capture() {
    _m_log=$1 _m_layer=$2 _m_peak=$3
    expect_in "$_m_log" "$_m_layer/mic-found" \
        "mic: AC'97 mixer at port 0x[0-9a-f]+, bus master at port 0x[0-9a-f]+" \
        'mic: capturing the microphone input at [0-9]+ Hz'
    tr -d '\r' < "$_m_log" | awk -v want="^($_m_peak)\$" '
        # a line may follow the monitor echo of a command typed meanwhile
        { sub(/^.*mic: /, "mic: ") }
        /^mic: capturing the microphone input at / { nominal = $7 }
        /^mic: [0-9]+ Hz, 2 ch, 16 bit: / {
            n++
            f = $8; rate = substr($13, 2); b = $16; ir = $20; nb = $22; pk = $25
            sub(/,/, "", b); sub(/,/, "", ir)
            if (f + 0 <= lf + 0 || b + 0 <= lb + 0 || ir + 0 <= li + 0) grow = grow " second " n ": " f " frames, " b " buffers, " ir " interrupts"
            if (nb != 4096 || pk !~ want) odd = odd " second " n ": " nb " bytes, peak " pk
            lf = f; lb = b; li = ir; last = rate
        }
        END {
            print "seconds " n
            print "grow" (grow == "" ? " ok" : ":" grow)
            print "rate " last " nominal " nominal
            print "fetched" (odd == "" ? " ok" : ":" odd)
            print "last " lf + 0
        }' > "$_m_log.counts"
    if grep -q '^seconds 3$' "$_m_log.counts" && grep -q '^grow ok$' "$_m_log.counts"; then
        result PASS "$_m_layer/mic-counts-grow"
    else
        result FAIL "$_m_layer/mic-counts-grow" "want 3 seconds of growing counts: $(tr '\n' ';' < "$_m_log.counts") (log: $_m_log)"
    fi
    _m_rate=$(sed -n 's/^rate \([0-9]*\) nominal [0-9]*$/\1/p' "$_m_log.counts")
    _m_nominal=$(sed -n 's/^rate [0-9]* nominal \([0-9]*\)$/\1/p' "$_m_log.counts")
    if [ -n "$_m_rate" ] && [ -n "$_m_nominal" ] && [ "$_m_nominal" -gt 0 ] &&
       [ $((_m_rate * 100)) -ge $((_m_nominal * 95)) ] && [ $((_m_rate * 100)) -le $((_m_nominal * 105)) ]; then
        result PASS "$_m_layer/mic-rate" "$_m_rate Hz measured, $_m_nominal Hz nominal"
    else
        result FAIL "$_m_layer/mic-rate" "measured '$_m_rate' Hz, nominal '$_m_nominal' Hz: want within 5 % (log: $_m_log)"
    fi
    if grep -q '^fetched ok$' "$_m_log.counts"; then
        result PASS "$_m_layer/mic-fetch" "peak $_m_peak"
    else
        result FAIL "$_m_layer/mic-fetch" "want 4096 bytes with peak $_m_peak: $(grep '^fetched' "$_m_log.counts") (log: $_m_log)"
    fi
    # What the app got through its session, and the end it saw.
    expect_in "$_m_log" "$_m_layer/mic-session" \
        "micapp: open: OK" \
        "micapp: [1-9][0-9]* bytes, [0-9]+ frames in [0-9]+ ms \\([0-9]+ Hz\\), peak ($_m_peak), then ESTALE, ended signal yes, then reading: ESTALE" \
        'privacy: session [0-9]+ ended: micapp microphone, [1-9][0-9]* delivered, its time ran out' \
        'micapp exited with status 0'
    # Quiesced, as the privacy service read it back after the end: engine
    # halted and still over 50 ms, no interrupt, bus mastering off and INTx
    # disabled.
    expect_in "$_m_log" "$_m_layer/mic-quiesced" \
        'privacy: microphone quiesce done: engine halted, steady \(CIV [0-9]+, PICB [0-9]+, SR 0x[0-9a-f]+, CR 0 over [0-9]+ ms, 0 interrupts\), bus mastering off, interrupts off$'
    expect_none "$_m_log" "$_m_layer/mic-no-fault" 'fault:' "a fault was reported"
}
# expect_mic_nodevice LOG LAYER: without the controller the privacy
# service says so, the app's request finds no microphone, nothing faults.
expect_mic_nodevice() {
    expect_in "$1" "$2/mic-nodevice" "privacy: no microphone: no AC'97 controller \(8086:2415\)" \
        'micapp: open: ENOENT' 'micapp exited with status 0'
    expect_none "$1" "$2/mic-nodevice-no-fault" 'fault:' "a fault was reported"
}

# workloads_check LAYER CMD...: the classicbench check both layers make
# (tests/{hosted,qemu}/workloads.sh): one run of n-body and of fannkuch,
# started from the monitor CMD boots (script on its stdin), must print the
# check values classicbench's native build prints.
workloads_check() {
    _layer=$1
    shift
    _log=$LOGDIR/workloads.log
    _native=$BUILD/test/classicbench-native
    mkdir -p "$BUILD/test"
    cc -O2 -std=c11 -Wall -Wextra -Werror -o "$_native" components/bench/classicbench/classicbench.c -lm \
        > "$LOGDIR/workloads-native.log" 2>&1
    "$_native" runs=1 nbody fannkuch > "$LOGDIR/workloads-native.out" 2>&1
    expect_status "$_layer/workloads-native" $? 0 "$LOGDIR/workloads-native.out"
    printf 'start classicbench runs=1 nbody fannkuch\nwait classicbench 300\nhalt\n' |
        timeout 400 "$@" > "$_log" 2>&1
    expect_status "$_layer/workloads-status" $? 0 "$_log"
    for _w in nbody fannkuch; do
        _check=$(awk -v w="$_w" '$1 == "bench:" && $2 == w { print $NF }' "$LOGDIR/workloads-native.out")
        if [ -z "$_check" ]; then
            result FAIL "$_layer/workloads-$_w-check" "the native build printed no check for $_w"
        else
            expect_in "$_log" "$_layer/workloads-$_w-check" "bench: $_w [0-9]+ ns \\(runs=1\\) $_check\$"
        fi
    done
}

# The filesystem's tests (docs/files.md), the same on both platforms: the
# disk image (mke2fs -d from a folder: a file to read, a read-only folder,
# a secret outside /work and symlinks that point at it), the session (the
# service's protocol through fsclient, the WASI conformance suite wasifs),
# and what must hold after it, on the host too.
files_image() { # DIR -> DIR/ext4.img
    rm -rf "$1"
    mkdir -p "$1/root/docs" "$1/root/work" "$1/root/ro" "$1/root/stress"
    echo "hello from the host" > "$1/root/hello.txt"
    echo "read me!" > "$1/root/ro/readme.txt"
    echo "not for wasifs" > "$1/root/secret.txt"
    ln -s ../secret.txt "$1/root/work/up"
    ln -s /secret.txt "$1/root/work/abs"
    cp docs/ipc.md "$1/root/docs/"
    mke2fs -q -t ext4 -d "$1/root" "$1/ext4.img" 32M > "$1/mke2fs.log" 2>&1
}
# fsstress writes in /stress all the while: two components with files open
# at once, one of them syncing hundreds of times under the other.
FILES_SCRIPT='sleep 1000\nstart fsclient\nwait fsclient\nstart fsstress 0 150\nstart wasifs\nwait wasifs 120\nwait fsstress 120\nps\nhalt\n'
# What the clients must see, whichever backend serves them (LOG PREFIX
# STATFS-PATTERN).
expect_files_clients() {
    # A component with the service's endpoint speaks its protocol (fsclient).
    expect_in "$1" "$2/files-protocol" "$3" \
        '^fsclient: /hello\.txt: hello from the host$' \
        '^fsclient: at its end: 0 bytes$' \
        '^fsclient: /missing: No such file or directory$' \
        '^fsclient: a handle it was not given: Bad file descriptor$' \
        '^fsclient: a short block: Invalid argument$' \
        '^fsclient exited with status 0$'
    # Every WASI file call, its successes and its errno values.
    suite_results wasifs "$2/wasi" "$1"
    expect_in "$1" "$2/files-wasifs-exit" '^wasifs exited with status 0$'
    expect_in "$1" "$2/files-beside-a-writer" '^fsstress: done$' '^fsstress exited with status 0$'
    expect_none "$1" "$2/files-no-kernel-fault" 'KERNEL PANIC|kernel fault|kpanic' 'a kernel fault'
}
expect_files_session() { # LOG PREFIX DIR
    expect_in "$1" "$2/files-mount" \
        'fs: mounted read-write: 32768 blocks of 1024 bytes, 8192 inodes, [0-9]+ blocks free' \
        '^fs: serving'
    expect_files_clients "$1" "$2" '^fsclient: 32768 blocks of 1024 bytes, [0-9]+ free, read-write$'
    # What Azoth wrote, read on the host with the format's own tools.
    debugfs -R 'cat /work/from-azoth.txt' "$3/ext4.img" > "$3/from-azoth.txt" 2> "$3/debugfs.log"
    if [ "$(cat "$3/from-azoth.txt")" = "made by wasifs" ]; then
        result PASS "$2/files-read-on-host"
    else
        result FAIL "$2/files-read-on-host" "debugfs read '$(head -c 80 "$3/from-azoth.txt")' (log: $3/debugfs.log)"
    fi
    debugfs -R 'cat /work/kept.txt' "$3/ext4.img" > "$3/kept.txt" 2>> "$3/debugfs.log"
    expect_in "$3/kept.txt" "$2/files-libc-on-host" '^written in Azoth: 42$'
    # The image checks clean: the service synced and marked it so.
    e2fsck -fn "$3/ext4.img" > "$3/fsck.log" 2>&1
    expect_status "$2/files-image-clean" $? 0 "$3/fsck.log"
}
# A disk with no filesystem: a clear refusal, and the system goes on.
FILES_EMPTY_SCRIPT='sleep 1000\nps\nhalt\n'
expect_files_refused() { # LOG PREFIX
    expect_in "$1" "$2/files-empty-refused" \
        'fs: the disk holds no ext2/3/4 filesystem this service can mount: Bad magic number in super-block' \
        '^fs +exited .*exited \(status 1\)'
}

# Faults during writes (docs/files.md, "Crash safety"), on both platforms:
# an image with /stress, fsstress writing, renaming, removing and syncing
# there while traps are injected into the virtio-blk driver, the block
# service and the filesystem service, each twice; afterwards the disk
# checks clean and every file fsstress reported synced is there whole.
fsfaults_image() { # DIR -> DIR/disk.img, DIR/fscheck
    rm -rf "$1"
    mkdir -p "$1/root/stress"
    mke2fs -q -t ext4 -d "$1/root" "$1/disk.img" 64M > "$1/mke2fs.log" 2>&1 &&
        cc -O2 -o "$1/fscheck" tests/tools/fscheck.c
}
fsfaults_script() {
    printf 'start fsstress 0 600\nsleep 400\n'
    for _f_fault in unreachable oob; do
        printf 'inject virtio_blk %s\nsleep 300\ninject block %s\nsleep 300\ninject fs %s\nsleep 500\n' \
            "$_f_fault" "$_f_fault" "$_f_fault"
    done
    printf 'wait fsstress 120\nps\nhalt\n'
}
expect_fsfaults() { # LOG PREFIX DIR
    expect_in "$1" "$2/fsfaults-injected" \
        '^fault: virtio_blk \(generation [0-9]+\): .*\(injected\)$' \
        '^fault: block \(generation [0-9]+\): .*\(injected\)$' \
        '^fault: fs \(generation [0-9]+\): .*\(injected\)$'
    expect_in "$1" "$2/fsfaults-fs-replayed" '^fs: replayed the journal$'
    expect_in "$1" "$2/fsfaults-workload-done" '^fsstress: done$' '^fsstress exited with status 0$'
    expect_none "$1" "$2/fsfaults-no-kernel-fault" 'KERNEL PANIC|kernel fault|kpanic' 'a kernel fault'
    e2fsck -fn "$3/disk.img" > "$3/fsck.log" 2>&1
    expect_status "$2/fsfaults-clean" $? 0 "$3/fsck.log"
    mkdir -p "$3/dump"
    debugfs -R "rdump /stress $3/dump" "$3/disk.img" > /dev/null 2>&1
    tr -d '\r' < "$1" > "$3/console.log"
    "$3/fscheck" "$3/console.log" "$3/dump/stress" > "$3/check.log" 2>&1
    expect_status "$2/fsfaults-synced-intact" $? 0 "$3/check.log"
}
