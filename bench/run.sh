#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md at the top of the repository. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --product loopsentry >/dev/null
export LOOPSENTRY_BENCH_BIN="$(swift build -c release --show-bin-path)/loopsentry"
source bench/lib.sh
tmp=$(mktemp)
{
  echo "# LoopSentry benchmarks"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d); every figure below comes from that run."
  echo "Machine: $(machine_line)."
  echo
  for section in bench/sensor.sh bench/capture.sh bench/cpu.sh bench/detection.sh bench/remediation.sh \
                 bench/snmp.sh bench/notifications.sh bench/memory.sh; do
    bash "$section"
    echo
  done
} > "$tmp"
mv "$tmp" BENCHMARKS.md
echo "wrote BENCHMARKS.md"
