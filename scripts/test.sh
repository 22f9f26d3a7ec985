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
# Suites share fixed lab namespaces and private daemons: run them one at a time.
swift test --no-parallel "$@"
