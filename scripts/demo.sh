#!/usr/bin/env bash
# The main job, on a fresh machine: setup (packages + build), then a live demonstration in
# private network namespaces. Needs root. Everything it creates is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
BIN="$(swift build --show-bin-path)/loopsentry"
exec "$BIN" lab demo "$@"
