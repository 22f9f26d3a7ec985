#!/usr/bin/env bash
# Sensor benchmarks: the tc program's cost per frame (BPF test_run, repeat), and
# frames counted / frames sent under the fastest flood `loopsentry lab send` reaches over veth.
# Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"

FRAMES=${FRAMES:-2000000}
RUNS=${RUNS:-3}

echo "## Sensor: cost per frame and counted/sent under a veth flood"
echo
echo "Command: \`bench/sensor.sh\` (FRAMES=$FRAMES, RUNS=$RUNS), release build."
echo
echo "### tc program cost per frame (\`loopsentry bench-bpf --repeat 1000000 --samples 5\`, kernel test_run)"
echo
echo "The floor row is an empty tc program (bpf/loopsentry_floor.bpf.c) run the same way: what test_run itself"
echo "costs per run, included in every row."
echo
echo "| frame | setting | ns/frame (median of 5) | min | max |"
echo "|---|---|---|---|---|"
"$BIN" bench-bpf --repeat 1000000 --samples 5 | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("| %s | %s | %d | %d | %d |" % (r["case"], r["setting"], r["ns_per_frame_median"], r["ns_per_frame_min"], r["ns_per_frame_max"]))
'
echo
echo "### Flood over veth: 100-byte 802.1Q broadcast frames on VLAN 20, as fast as the raw-socket sender goes"
echo
echo "| setting | run | frames sent | sender rate (kpps) | counted by the sensor | counted / sent | receiver rx_dropped |"
echo "|---|---|---|---|---|---|---|"
bench_veth lsbenchA lsbenchB lsb0 lsb1
for setting in pass drop; do
  extra=(); [[ $setting == drop ]] && extra=(--drop-tagged)
  for run in $(seq 1 "$RUNS"); do
    out=$(mktemp)
    "$BIN" monitor --netns lsbenchB --interface lsb1 --json --interval 200 --top 4 "${extra[@]}" > "$out" 2>/dev/null &
    mon=$!
    for _ in $(seq 100); do [[ -s $out ]] && break; sleep 0.05; done
    drop0=$(ip netns exec lsbenchB cat /sys/class/net/lsb1/statistics/rx_dropped)
    sent_line=$("$BIN" lab send --netns lsbenchA --interface lsb0 --vlan 20 --count "$FRAMES" --length 100 2>&1)
    sleep 1
    kill -TERM $mon; wait $mon || true
    drop1=$(ip netns exec lsbenchB cat /sys/class/net/lsb1/statistics/rx_dropped)
    python3 - "$out" "$sent_line" "$FRAMES" "$setting" "$run" "$((drop1 - drop0))" <<'PY'
import json, sys, re
path, sent_line, frames, setting, run, dropped = sys.argv[1:]
last = json.loads(open(path).read().strip().splitlines()[-1])
counted = sum(v["frames_total"] for v in last["vlans"] if v["vlan"] == 20)
m = re.search(r"sent (\d+) frames in ([0-9.]+) s", sent_line)
sent, secs = int(m.group(1)), float(m.group(2))
print(f"| {setting} | {run} | {sent} | {sent/secs/1000:.0f} | {counted} | {counted/sent:.6f} | {dropped} |")
PY
    rm -f "$out"
  done
done
echo
echo "rx_dropped counts frames the receiving host discarded: with \`pass\` the stack drops every frame of"
echo "a VLAN it has no interface for (after tc saw it); a veth backlog overflow would also land here, before"
echo "tc. With \`drop\` the sensor drops tagged frames itself, so the stack never sees them."
