#!/bin/sh
# Make sure the Debian packages the build needs are installed.
# As root: installs the missing ones with apt-get. Otherwise: prints the exact
# apt-get line to run and fails. Usage: tools/deps.sh pkg...
set -eu
missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "azoth: missing Debian packages:$missing" >&2
    echo "azoth: install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "azoth: installing missing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them on failure.
if ! apt-get install -y --no-install-recommends $missing >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends $missing >&2
fi
