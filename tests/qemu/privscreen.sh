# The privacy indicator on the screen (docs/privacy.md): the test image
# booted into the shell with QEMU's standard VGA and a GPS receiver on COM2,
# checked from the host in screendumps, where the strip (the top 16 pixel
# rows, text row 0 of the dump) is read whole, every cell and colour: empty
# at boot; the location marker while an app's session is open; unchanged
# after stripforge, which is refused the indicator op and writes cursor
# moves, backspaces, scrolls, a clear and marker-like text at it (that text
# lands on the console below); back after the framebuffer driver crashed
# and restarted (the privacy service tells the new instance); both markers
# once a recorder's microphone session is open too (QEMU's AC'97); empty
# again once F12 on the PS/2 keyboard (QEMU's sendkey) revoked both.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/privscreen
log=$dir/screen.log
rm -rf "$dir"
mkdir -p "$dir"
gps_session_feed "$dir" "$log" "$dir/com2.in"
mkfifo "$dir/com2.out"
timeout 120 cat "$dir/com2.out" > /dev/null &
reader=$!
shot() { printf '\001c'; sleep 0.5; printf 'screendump %s\n' "$dir/$1.ppm"; sleep 1; printf '\001c'; sleep 0.5; }
{
    sleep 8; shot boot
    printf 'start gpsapp hold ms=90000\r'
    sleep 4; shot open
    printf 'start stripforge\r'
    sleep 3; shot forged
    printf 'inject fb unreachable\r'
    sleep 4; shot restarted
    printf 'start micapp hold ms=90000\r'
    sleep 4; shot both
    printf '\001c'; sleep 0.5; printf 'sendkey f12\n'; sleep 0.5; printf '\001c'
    sleep 3; shot revoked
    printf 'halt\r'
    sleep 2
} | timeout 120 tools/qemu.sh --interactive --vga --audio --kernel "$TEST_KERNEL" --com2 "$dir/com2" \
    --append azoth.shell=1 > "$log" 2>&1
status=$?
kill $gps_feeder $reader 2>/dev/null
wait $gps_feeder $reader 2>/dev/null
expect_status qemu/privscreen-status $status 0 "$log"
expect_in "$log" qemu/privscreen-session \
    'privacy: session 1 started: gpsapp location fine for 90 s' \
    'gpsapp: fix 3 ' \
    'stripforge: indicator op \(kinds 3\): EPERM' \
    'stripforge: indicator op \(kinds 0\): EPERM' \
    'stripforge: 2 of 2 refused' \
    'fault: fb \(generation 1\): unreachable executed in .* \(injected\)' \
    'privacy: session 1 ended: gpsapp location, 3 delivered, revoked by the user' \
    'privacy: session 2 started: micapp microphone fine for 90 s' \
    'privacy: session 2 ended: micapp microphone, [1-9][0-9]* delivered, revoked by the user' \
    'privacy: F12: revoked every session: 2 ended'
cc -O2 -Wall -Wextra -Werror -I"$BUILD/gen/include" -o "$dir/screencheck" tests/tools/screencheck.c
empty='screencheck: row 0: 100 cells #202020,'
marked='screencheck: row 0: 1 cells #202020, " LOCATION " #000000 on #ffb000, 89 cells #202020,'
strip() { # NAME SHOT WANT
    got=$("$dir/screencheck" -row 0 "$dir/$2.ppm" 2>&1)
    if [ "$got" = "$3" ]; then
        result PASS "qemu/$1"
    else
        result FAIL "qemu/$1" "the strip in $dir/$2.ppm reads '$got', want '$3'"
    fi
}
strip privscreen-empty-at-boot boot "$empty"
strip privscreen-marker open "$marked"
strip privscreen-forge-clipped forged "$marked"
strip privscreen-after-fb-restart restarted "$marked"
strip privscreen-both-markers both \
    'screencheck: row 0: 1 cells #202020, " LOCATION " #000000 on #ffb000, 1 cells #202020, " MIC " #000000 on #ff3030, 83 cells #202020,'
strip privscreen-empty-after-revoke revoked "$empty"
# stripforge's text is on the screen, in the console's rows
"$dir/screencheck" "$dir/forged.ppm" 'stripforge: this is the console, not the strip' > "$dir/forged.check" 2>&1
expect_status qemu/privscreen-forge-on-console $? 0 "$dir/forged.check"
