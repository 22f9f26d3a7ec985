#!/usr/bin/env bash
# Prints the path of a cached minimal Debian 12 root (debootstrap --variant=minbase, then
# `apt-get update` inside it) that the package installation test copies and installs the .deb
# into. Made once (a few minutes, needs deb.debian.org); later runs print the cached path at once.
# LOOPSENTRY_TEST_ROOT_CACHE overrides the cache folder. Needs root.
set -euo pipefail
cache="${LOOPSENTRY_TEST_ROOT_CACHE:-/var/cache/loopsentry-test}"
root="$cache/bookworm-minbase"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [[ -f "$root/.complete" ]]; then echo "$root"; exit 0; fi
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -f "$root/.complete" ]]; then echo "$root"; exit 0; fi
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "test-root: debootstrap --variant=minbase bookworm into $root (once)" >&2
debootstrap --variant=minbase bookworm "$work" "$mirror" >&2
cp /etc/resolv.conf "$work/etc/resolv.conf"
chroot "$work" apt-get update -qq >&2
chroot "$work" apt-get clean
touch "$work/.complete"
rm -rf "$root"
mv "$work" "$root"
trap - EXIT
echo "$root"
