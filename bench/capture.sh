#!/usr/bin/env bash
# The paper's capture experiment, where its claim can hold: floods of 100-byte 802.1Q broadcast
# frames on VLAN 20 over a veth pair at increasing rates; the sender pinned to CPU 0, the whole
# receiving side — the kernel's receive path (steered there with RPS), the eBPF sensor
# (`loopsentry monitor --json`) and one user-space capture — confined to CPU 1, as on a small
# sensor box. Each flood runs once per user-space capture:
#   pcap      bench/pcapcount.c count: libpcap with tcpdump's defaults, counting only;
#   classify  bench/pcapcount.c classify: libpcap plus what a pcap-based per-VLAN sensor must do
#             per frame (decode the tags, count per VLAN and kind);
#   tcpdump   `tcpdump -e -n` decoding and printing every frame (to /dev/null);
#   none      the eBPF sensor alone (its own cost, for comparison).
# Records per step: frames sent (the sender's count), counted by eBPF, delivered to the capture,
# the capture process's CPU and CPU 1's softirq time, per frame. Writes bench/capture.png and
# prints a Markdown section on stdout.
# Env: RATES (pps, "max" = as fast as the sender goes), STEP_S (seconds per paced step),
# MAX_FRAMES (frames of the "max" step), PCAP_BUFFER_KIB, CAPTURES.
source "$(dirname "$0")/lib.sh"

RATES=${RATES:-"10000 50000 100000 200000 400000 max"}
STEP_S=${STEP_S:-5}
MAX_FRAMES=${MAX_FRAMES:-2000000}
PCAP_BUFFER_KIB=${PCAP_BUFFER_KIB:-2048}
CAPTURES=${CAPTURES:-"none pcap classify tcpdump"}
PLOT=${CAPTURE_PLOT:-$ROOT/bench/capture.png}
VLAN=20
SEND_CPU=0 SENSOR_CPU=1

work=$(mktemp -d)
NSA=lscapA$$ NSB=lscapB$$
trap 'bench_cleanup; rm -rf "$work"' EXIT INT TERM
(( $(nproc) >= 2 )) || { echo "bench/capture.sh: needs 2 CPUs (sender and sensor on one each)" >&2; exit 1; }
gcc -O2 -Wall -o "$work/pcapcount" "$ROOT/bench/pcapcount.c" -lpcap
bench_veth "$NSA" "$NSB" lscap0 lscap1
# RPS: the receiving interface's backlog processing (tc ingress with the sensor, the AF_PACKET
# taps, the stack) runs on the sensor's CPU instead of the sending CPU that veth would use.
printf '%x' $((1 << SENSOR_CPU)) | ip netns exec "$NSB" tee /sys/class/net/lscap1/queues/rx-0/rps_cpus >/dev/null

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "bench/capture.sh: timed out waiting for '$2' in $1" >&2; return 1
}
# Frames the kernel dropped at a full per-CPU backlog queue (netdev_max_backlog), host-wide.
backlog_drops() { local s=0 d; while read -r _ d _; do s=$((s + 16#$d)); done < /proc/net/softnet_stat; echo "$s"; }
# utime+stime of PID, in clock ticks.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# CPU N's softirq ticks (/proc/stat).
softirq_ticks() { awk -v c="cpu$1" '$1 == c { print $8 }' /proc/stat; }

# step LABEL RATE COUNT CAPTURE SETTING: one flood; appends a JSON line to results.
step() {
  local label=$1 rate=$2 count=$3 capture=$4 setting=$5 extra=()
  [[ $setting == drop ]] && extra=(--drop-tagged)
  local p="$work/$label-$capture-$setting" cap=""
  : > "$p.cap"; : > "$p.cap.err"
  case $capture in
    pcap|classify)
      local mode=count; [[ $capture == classify ]] && mode=classify
      taskset -c "$SENSOR_CPU" ip netns exec "$NSB" "$work/pcapcount" lscap1 "$PCAP_BUFFER_KIB" "$mode" > "$p.cap" 2> "$p.cap.err" &
      cap=$!; wait_for "$p.cap.err" ready ;;
    tcpdump)
      taskset -c "$SENSOR_CPU" ip netns exec "$NSB" tcpdump -e -n -i lscap1 -B "$PCAP_BUFFER_KIB" > /dev/null 2> "$p.cap.err" &
      cap=$!; wait_for "$p.cap.err" "listening on" ;;
  esac
  taskset -c "$SENSOR_CPU" "$BIN" monitor --netns "$NSB" --interface lscap1 --json --interval 200 --top 4 "${extra[@]}" \
    > "$p.mon" 2> "$p.mon.err" &
  local mon=$!
  wait_for "$p.mon" frames_total
  local bl0 c0=0 s0 m0
  bl0=$(backlog_drops); s0=$(softirq_ticks "$SENSOR_CPU"); m0=$(proc_ticks "$mon")
  [[ -n $cap ]] && c0=$(proc_ticks "$cap")
  taskset -c "$SEND_CPU" "$BIN" lab send --netns "$NSA" --interface lscap0 --vlan "$VLAN" --count "$count" --rate "$rate" \
    --length 100 2> "$p.send"
  sleep 1.5   # the receiver's backlog and the capture ring drain; the monitor polls every 200 ms
  local bl1 c1=0 s1 m1
  bl1=$(backlog_drops); s1=$(softirq_ticks "$SENSOR_CPU"); m1=$(proc_ticks "$mon")
  [[ -n $cap ]] && c1=$(proc_ticks "$cap")
  kill -TERM "$mon"; wait "$mon" || true
  if [[ -n $cap ]]; then kill -TERM "$cap"; wait "$cap" || true; fi
  python3 "$ROOT/bench/capture.py" record "$label" "$rate" "$capture" "$setting" "$p" $((bl1 - bl0)) "$VLAN" \
    $((c1 - c0)) $((s1 - s0)) $((m1 - m0)) >> "$work/results.jsonl"
}

for r in $RATES; do
  for c in $CAPTURES; do
    if [[ $r == max ]]; then step max 0 "$MAX_FRAMES" "$c" pass
    else step "$r" "$r" $((r * STEP_S)) "$c" pass; fi
  done
done
# Order check: with tagged frames dropped by the tc program, does pcap still see them?
step max 0 "$MAX_FRAMES" pcap drop

# Debian's python3-matplotlib draws the plot: the system interpreter, not one earlier on PATH.
PLOT_PYTHON=/usr/bin/python3; [[ -x $PLOT_PYTHON ]] || PLOT_PYTHON=python3
"$PLOT_PYTHON" "$ROOT/bench/capture.py" report "$work/results.jsonl" "$PLOT" "$STEP_S" "$MAX_FRAMES" "$PCAP_BUFFER_KIB" \
  "$(uname -r)" "$(getconf CLK_TCK)"
