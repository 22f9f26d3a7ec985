#!/usr/bin/env bash
# The paper's capture experiment: floods of 100-byte 802.1Q broadcast frames on VLAN 20
# over a veth pair, at increasing rates, each frame counted at the receiving end at the same time by
#   (a) the eBPF sensor (`loopsentry monitor --json`, tagged frames passed on to the stack),
#   (b) libpcap (bench/pcapcount.c, configured like tcpdump's defaults, buffer stated below),
#   (c) the sender (`loopsentry lab send`, its own count of frames sent).
# Writes bench/capture.png and prints a Markdown section on stdout.
# Env: RATES (pps, "max" = as fast as the sender goes), STEP_S (seconds per paced step),
# MAX_FRAMES (frames of the "max" step), PCAP_BUFFER_KIB.
source "$(dirname "$0")/lib.sh"

RATES=${RATES:-"10000 50000 100000 200000 400000 max"}
STEP_S=${STEP_S:-5}
MAX_FRAMES=${MAX_FRAMES:-2000000}
PCAP_BUFFER_KIB=${PCAP_BUFFER_KIB:-2048}
PLOT=${CAPTURE_PLOT:-$ROOT/bench/capture.png}
VLAN=20

work=$(mktemp -d)
NSA=lscapA$$ NSB=lscapB$$
trap 'bench_cleanup; rm -rf "$work"' EXIT INT TERM
gcc -O2 -Wall -o "$work/pcapcount" "$ROOT/bench/pcapcount.c" -lpcap
bench_veth "$NSA" "$NSB" lscap0 lscap1

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "bench/capture.sh: timed out waiting for '$2' in $1" >&2; return 1
}

# Frames the kernel dropped at a full per-CPU backlog queue (netdev_max_backlog), host-wide.
backlog_drops() { local s=0 d; while read -r _ d _; do s=$((s + 16#$d)); done < /proc/net/softnet_stat; echo "$s"; }

# step LABEL RATE COUNT SETTING: one flood, counted by all three; appends a JSON line to results.
step() {
  local label=$1 rate=$2 count=$3 setting=$4 extra=()
  [[ $setting == drop ]] && extra=(--drop-tagged)
  local p="$work/$label-$setting"
  ip netns exec "$NSB" "$work/pcapcount" lscap1 "$PCAP_BUFFER_KIB" > "$p.pcap" 2> "$p.pcap.err" &
  local pcap=$!
  wait_for "$p.pcap.err" ready
  "$BIN" monitor --netns "$NSB" --interface lscap1 --json --interval 200 --top 4 "${extra[@]}" > "$p.mon" 2> "$p.mon.err" &
  local mon=$!
  wait_for "$p.mon" frames_total
  local drop0; drop0=$(ip netns exec "$NSB" cat /sys/class/net/lscap1/statistics/rx_dropped)
  local rx0; rx0=$(ip netns exec "$NSB" cat /sys/class/net/lscap1/statistics/rx_packets)
  local bl0; bl0=$(backlog_drops)
  "$BIN" lab send --netns "$NSA" --interface lscap0 --vlan "$VLAN" --count "$count" --rate "$rate" \
    --length 100 2> "$p.send"
  sleep 1.5   # the receiver's backlog and the pcap ring drain; the monitor polls every 200 ms
  kill -TERM "$mon"; wait "$mon" || true
  kill -TERM "$pcap"; wait "$pcap" || true
  local drop1; drop1=$(ip netns exec "$NSB" cat /sys/class/net/lscap1/statistics/rx_dropped)
  local rx1; rx1=$(ip netns exec "$NSB" cat /sys/class/net/lscap1/statistics/rx_packets)
  local bl1; bl1=$(backlog_drops)
  python3 "$ROOT/bench/capture.py" record "$label" "$rate" "$setting" "$p" $((rx1 - rx0)) $((drop1 - drop0)) \
    $((bl1 - bl0)) "$VLAN" >> "$work/results.jsonl"
}

for r in $RATES; do
  if [[ $r == max ]]; then step max 0 "$MAX_FRAMES" pass
  else step "$r" "$r" $((r * STEP_S)) pass; fi
done
# Order check: with tagged frames dropped by the tc program, does pcap still see them?
step max 0 "$MAX_FRAMES" drop

# Debian's python3-matplotlib draws the plot: the system interpreter, not one earlier on PATH.
PLOT_PYTHON=/usr/bin/python3; [[ -x $PLOT_PYTHON ]] || PLOT_PYTHON=python3
"$PLOT_PYTHON" "$ROOT/bench/capture.py" report "$work/results.jsonl" "$PLOT" "$STEP_S" "$MAX_FRAMES" "$PCAP_BUFFER_KIB" \
  "$(uname -r)"
