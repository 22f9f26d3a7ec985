#!/usr/bin/env bash
# Runs the fuzz tests (docs/robustness.md). Bounded by default (the counts the tests use in CI);
# --long runs 25 times as many inputs. FUZZ_SEED=<n|0xhex> replays a run a test printed;
# FUZZ_ITERATIONS=<n> sets the count directly (2000 = the default scale). BPF and the live
# control-socket test need root; without it they skip with the reason printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
if [[ "${1:-}" == "--long" ]]; then
    export FUZZ_ITERATIONS="${FUZZ_ITERATIONS:-50000}"
fi
if [[ -z "${FUZZ_SEED:-}" && "${1:-}" == "--long" ]]; then
    export FUZZ_SEED="$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')"
fi
echo "fuzz: FUZZ_ITERATIONS=${FUZZ_ITERATIONS:-default} FUZZ_SEED=${FUZZ_SEED:-default}"
swift build --build-tests
export LOOPSENTRY_BIN="$(swift build --show-bin-path)/loopsentry"
swift test --skip-build --no-parallel --filter 'FuzzTests'
