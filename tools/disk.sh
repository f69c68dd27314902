#!/bin/sh
# Azoth's disk image from the host, with ext4's own tools (Debian's
# e2fsprogs: mke2fs, debugfs, e2fsck). docs/files.md, "The disk".
#   tools/disk.sh make IMAGE [MiB [PKG...]]  a new image from disk/ and docs/ (-> /docs),
#                                      with the packages PKG... in /apps
#   tools/disk.sh ls IMAGE [PATH]      list a directory
#   tools/disk.sh get IMAGE PATH [OUT] copy a file out (to OUT, or stdout)
#   tools/disk.sh put IMAGE FILE PATH  copy a file in
#   tools/disk.sh check IMAGE          e2fsck -fn: exit status 0 if clean
set -e
PATH=$PATH:/sbin:/usr/sbin
usage() { sed -n '4,9s/^# //p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 img=$2
shift 2
case $cmd in
make)
    mib=${1:-64}
    [ $# -gt 0 ] && shift
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    cp -a disk/. "$root/"
    mkdir -p "$root/docs" "$root/apps"
    cp docs/*.md "$root/docs/"
    for p in "$@"; do
        cp "$p" "$root/apps/$(basename "$p")"
    done
    rm -f "$img"
    mke2fs -q -t ext4 -L azoth -d "$root" "$img" "${mib}M"
    ;;
ls)  debugfs -R "ls -l ${1:-/}" "$img" 2>/dev/null ;;
get)
    [ $# -ge 1 ] || usage
    if [ -n "$2" ]; then debugfs -R "dump $1 $2" "$img" 2>/dev/null; test -f "$2"
    else debugfs -R "cat $1" "$img" 2>/dev/null; fi
    ;;
put)
    [ $# -eq 2 ] || usage
    debugfs -w -R "write $1 $2" "$img" >/dev/null
    ;;
check) e2fsck -fn "$img" ;;
*) usage ;;
esac
