#!/usr/bin/env bash
# VXLAN benchmarks: the tc program's cost per VXLAN packet counted per VNI (BPF test_run, repeat),
# and inner frames counted per VNI / packets sent under the fastest VXLAN flood `loopsentry lab send`
# reaches over veth (IPv4 and IPv6 outer headers). Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"

FRAMES=${FRAMES:-2000000}
RUNS=${RUNS:-3}

echo "## VXLAN: cost per packet and per-VNI counted/sent under a veth flood"
echo
echo "Command: \`bench/vxlan.sh\` (FRAMES=$FRAMES, RUNS=$RUNS), release build. Goal: at most 45 ns per VXLAN packet."
echo
echo "### tc program cost per VXLAN packet (\`loopsentry bench-bpf --vxlan --repeat 1000000 --samples 5\`, kernel test_run)"
echo
echo "VNIs 5000 and 5001 watched; the inner frame is a 60-byte broadcast. The setting (pass/drop) applies to tagged"
echo "frames only: VXLAN packets on an untagged underlay pass whatever the setting. The floor row is an empty tc program"
echo "(bpf/loopsentry_floor.bpf.c) run the same way: what test_run itself costs per run, included in every row."
echo
echo "| packet | setting | ns/packet (median of 5) | min | max |"
echo "|---|---|---|---|---|"
"$BIN" bench-bpf --vxlan --repeat 1000000 --samples 5 | PYTHONPATH=bench python3 -c '
import json, sys
from report import verdict
rows = [json.loads(line) for line in sys.stdin]
for r in rows:
    print("| %s | %s | %d | %d | %d |" % (r["case"], r["setting"], r["ns_per_frame_median"], r["ns_per_frame_min"], r["ns_per_frame_max"]))
print()
print("| goal (setting pass) | result |")
print("|---|---|")
base = next(r["ns_per_frame_median"] for r in rows if r["setting"] == "pass" and r["case"].startswith("baseline"))
floor = next(r["ns_per_frame_median"] for r in rows if r["case"].startswith("floor"))
for r in rows:
    if r["setting"] == "pass" and r["case"].startswith("VXLAN"):
        print("| %s: ≤ 45 ns | %s; in this run the untagged baseline: %d ns, the empty-program floor: %d ns |"
              % (r["case"], verdict(r["ns_per_frame_median"], 45, " ns"), base, floor))
'
echo
echo "### Flood over veth: VXLAN packets (VNI 5000, 60-byte inner broadcast), as fast as the raw-socket sender goes"
echo
echo "| outer | run | packets sent | sender rate (kpps) | counted on VNI 5000 | counted / sent |"
echo "|---|---|---|---|---|---|"
bench_veth lsbenchVA lsbenchVB lsbv0 lsbv1
for outer in ipv4 ipv6; do
  extra=(); [[ $outer == ipv6 ]] && extra=(--ipv6)
  for run in $(seq 1 "$RUNS"); do
    out=$(mktemp)
    "$BIN" monitor --netns lsbenchVB --interface lsbv1 --json --interval 200 --top 4 --vni 5000 > "$out" 2>/dev/null &
    mon=$!
    for _ in $(seq 100); do [[ -s $out ]] && break; sleep 0.05; done
    before=$(python3 -c 'import json,sys; l=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(sum(v["frames_total"] for v in l["vnis"] if v["vni"] == 5000))' "$out")
    sent_line=$("$BIN" lab send --netns lsbenchVA --interface lsbv0 --vni 5000 "${extra[@]}" --count "$FRAMES" 2>&1)
    sleep 1
    kill -TERM $mon; wait $mon || true
    python3 - "$out" "$sent_line" "$outer" "$run" "$before" <<'PY'
import json, sys, re
path, sent_line, outer, run, before = sys.argv[1:]
last = json.loads(open(path).read().strip().splitlines()[-1])
counted = sum(v["frames_total"] for v in last["vnis"] if v["vni"] == 5000) - int(before)
m = re.search(r"sent (\d+) frames in ([0-9.]+) s", sent_line)
sent, secs = int(m.group(1)), float(m.group(2))
print(f"| {outer} | {run} | {sent} | {sent/secs/1000:.0f} | {counted} | {counted/sent:.6f} |")
PY
    rm -f "$out"
  done
done
