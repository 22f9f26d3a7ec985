#!/usr/bin/env bash
# Runs every test: setup (packages + build), the Debian package, then `swift test`. Tests that need root or a
# kernel feature print why they skip; run as root (CI does) to run them all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
export LOOPSENTRY_BIN="$(swift build --show-bin-path)/loopsentry"
# The Debian package, built once for PackageInstallTests (a release build: ~3 minutes when cold).
export LOOPSENTRY_DEB="${LOOPSENTRY_DEB:-$(scripts/package.sh)}"
# One test at a time, so that on a small machine the lab storms, playbooks and daemons of one suite
# do not compete with another's for the CPU. (A plain `swift test` runs them in parallel too: each
# lab suite has its own namespace prefix, each daemon its own sockets, ports and folders.)
swift test --no-parallel "$@"
