#!/bin/sh
# setup.sh: make sure the Debian packages presim builds and tests with are installed.
# As root it installs what is missing (apt-get update once, then one apt-get install);
# otherwise it prints the exact command to run and exits 1. Quick and silent when all is present.
set -eu

PACKAGES="build-essential cmake pkg-config libglib2.0-dev libosip2-dev libssl-dev libxml2-dev libjson-glib-dev libhttp-parser-dev tshark libns3-dev"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "presim: missing Debian packages:$missing" >&2
    echo "presim: run as root:  apt-get update && DEBIAN_FRONTEND=noninteractive $cmd" >&2
    exit 1
fi

echo "presim: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "presim: packages installed" >&2
