#!/usr/bin/env bash
# Runs the benchmarks and writes BENCHMARKS.md at the top of the repository. Needs root.
#   bench/run.sh                          every section, a new BENCHMARKS.md and plots (bench/*.png);
#                                         the soak runs SOAK_SECONDS (default an hour)
#   bench/run.sh bench/remediation.sh ... only these sections, replaced in place in BENCHMARKS.md
# Each section's output sits between `<!-- section: SCRIPT, DATE -->` markers, so a partial run
# keeps the other sections (and their dates) as they were.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --product loopsentry >/dev/null
export LOOPSENTRY_BENCH_BIN="$(swift build -c release --show-bin-path)/loopsentry"
source bench/lib.sh
ALL=(bench/sensor.sh bench/capture.sh bench/cpu.sh bench/detection.sh bench/remediation.sh
     bench/snmp.sh bench/notifications.sh bench/memory.sh bench/portal.sh bench/fleet.sh bench/vxlan.sh bench/ovs.sh
     bench/soak.sh)
selected=("$@")
((${#selected[@]})) || selected=("${ALL[@]}")
for s in "${selected[@]}"; do
  [[ " ${ALL[*]} " == *" $s "* ]] || { echo "bench/run.sh: unknown section '$s' (one of: ${ALL[*]})" >&2; exit 2; }
done

run_section() {  # prints the marker and the section's output
  echo "<!-- section: $1, $(date -u +%Y-%m-%d) -->"
  bash "$1"
  echo
}

tmp=$(mktemp)
{
  echo "# LoopSentry benchmarks"
  echo
  echo "Written by \`bench/run.sh\`; each section says (in its marker) the day its figures were measured."
  echo "Machine: $(machine_line)."
  echo
  for s in "${ALL[@]}"; do
    if [[ " ${selected[*]} " == *" $s "* ]] || [[ ! -f BENCHMARKS.md ]]; then
      run_section "$s"
    else
      # keep the section from the current file (from its marker to the next one)
      awk -v s="$s" '/^<!-- section: / { keep = index($0, "section: " s ",") > 0 } keep' BENCHMARKS.md
    fi
  done
} > "$tmp"
mv "$tmp" BENCHMARKS.md
echo "wrote BENCHMARKS.md (${selected[*]})"
