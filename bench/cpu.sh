#!/usr/bin/env bash
# The sensor host's CPU during a flood: 100-byte 802.1Q broadcast frames on VLAN 20 over a
# veth pair for DURATION seconds, with the sensor (`loopsentry monitor`) dropping tagged frames after
# counting and with it passing them to the stack. Measures, over the flood: the host's CPU time by
# kind (/proc/stat deltas, all CPUs; the receive path of veth runs in softirq context on the
# sending CPU, so it cannot be told apart per namespace), the monitor process's own CPU
# (/proc/PID/stat utime+stime), the sender's rate and the frames the sensor counted.
# Env: DURATION (s, default 60), CPU_RATES (pps per flood; "max" = as fast as the sender goes).
# Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-60}
CPU_RATES=${CPU_RATES:-"100000 max"}
VLAN=20
work=$(mktemp -d)
NSA=lscpuA$$ NSB=lscpuB$$
trap 'bench_cleanup; rm -rf "$work"' EXIT INT TERM
bench_veth "$NSA" "$NSB" lscpu0 lscpu1

wait_for() {
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "bench/cpu.sh: timed out waiting for '$2' in $1" >&2; return 1
}
# utime+stime of PID, in clock ticks.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

run() {
  local rate=$1 setting=$2 extra=()
  [[ $setting == drop ]] && extra=(--drop-tagged)
  local p="$work/$rate-$setting" pps=$rate
  [[ $rate == max ]] && pps=0
  "$BIN" monitor --netns "$NSB" --interface lscpu1 --json --interval 1000 --top 4 "${extra[@]}" > "$p.mon" 2> "$p.mon.err" &
  local mon=$!
  wait_for "$p.mon" frames_total
  # --count: more than the flood can send in DURATION; the flood ends with SIGTERM.
  # "idle": no sender (a baseline of the same length, the monitor attached).
  if [[ $rate == idle ]]; then sleep 0 & else
  "$BIN" lab send --netns "$NSA" --interface lscpu0 --vlan "$VLAN" --count 4000000000 --rate "$pps" \
    --length 100 2> "$p.send" &
  fi
  local snd=$!
  local t0; t0=$(date +%s.%N)
  head -1 /proc/stat > "$p.stat0"
  local m0; m0=$(proc_ticks "$mon")
  sleep "$DURATION"
  head -1 /proc/stat > "$p.stat1"
  local m1; m1=$(proc_ticks "$mon")
  local s1=0; [[ $rate == idle ]] || s1=$(proc_ticks "$snd")
  local t1; t1=$(date +%s.%N)
  kill -TERM "$snd" 2>/dev/null || true; wait "$snd" || true
  sleep 1.5
  kill -TERM "$mon"; wait "$mon" || true
  python3 - "$p" "$rate" "$setting" "$t0" "$t1" "$m0" "$m1" "$s1" "$VLAN" >> "$work/results.jsonl" <<'PY'
import json, re, sys, os
p, rate, setting, t0, t1, m0, m1, s1, vlan = sys.argv[1:]
hz = os.sysconf("SC_CLK_TCK")
names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
a = dict(zip(names, map(int, open(p + ".stat0").read().split()[1:9])))
b = dict(zip(names, map(int, open(p + ".stat1").read().split()[1:9])))
d = {k: (b[k] - a[k]) / hz for k in names}
m = re.search(r"sent (\d+) frames in ([0-9.]+) s", open(p + ".send").read()) if rate != "idle" else None
last = json.loads([l for l in open(p + ".mon").read().splitlines() if l.strip()][-1])
print(json.dumps({"rate": rate, "setting": setting, "wall": float(t1) - float(t0), "cpu": d,
                  "monitor_cpu": (int(m1) - int(m0)) / hz, "sender_cpu": int(s1) / hz,
                  "sent": int(m.group(1)) if m else 0, "send_seconds": float(m.group(2)) if m else 0,
                  "counted": sum(v["frames_total"] for v in last["vlans"] if v["vlan"] == int(vlan))}))
PY
}

run idle drop
for rate in $CPU_RATES; do
  for setting in drop pass; do run "$rate" "$setting"; done
done

python3 - "$work/results.jsonl" "$DURATION" "$(nproc)" <<'PY'
import json, sys
path, duration, ncpu = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(l) for l in open(path) if l.strip()]
print("## Sensor host CPU during a flood: tagged frames dropped after counting vs passed")
print()
print(f"Command: `bench/cpu.sh` (DURATION={duration}), release build. 100-byte 802.1Q broadcast frames on VLAN 20 "
      "from `loopsentry lab send` over a veth pair between two private namespaces; `loopsentry monitor "
      "--interval 1000` on the receiving end with `--drop-tagged` (drop) or without (pass: the receiving stack "
      "gets every frame and discards it, having no interface for VLAN 20). CPU shares are of all "
      f"{ncpu} CPUs over the flood (/proc/stat deltas; 100 % = every CPU busy); veth delivers in softirq "
      "context on the sending CPU, so the receive path shows up as softirq (and as system time of the "
      "sender's sendmsg) and cannot be attributed per namespace.")
print()
print("| flood (pps) | setting | sender rate (kpps) | counted / sent | softirq % | system % | user % | idle % "
      "| softirq+system µs per frame | monitor CPU % of one core | sender CPU % of one core |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    c, w = r["cpu"], r["wall"]
    total = sum(c.values())
    pct = lambda k: 100 * c[k] / total if total else 0
    frames_in_window = r["sent"] / r["send_seconds"] * w if r["send_seconds"] else 0
    per_frame = (c["softirq"] + c["system"]) / frames_in_window * 1e6 if frames_in_window else 0
    if r["rate"] == "idle":
        print(f"| none (baseline) | – | – | – | {pct('softirq'):.1f} | {pct('system'):.1f} | {pct('user'):.1f} | "
              f"{pct('idle'):.1f} | – | {100 * r['monitor_cpu'] / w:.2f} | – |")
        continue
    print(f"| {r['rate']} | {r['setting']} | {r['sent'] / r['send_seconds'] / 1000:.1f} | "
          f"{r['counted'] / r['sent']:.4f} | {pct('softirq'):.1f} | {pct('system'):.1f} | {pct('user'):.1f} | "
          f"{pct('idle'):.1f} | {per_frame:.2f} | {100 * r['monitor_cpu'] / w:.2f} | {100 * r['sender_cpu'] / w:.1f} |")
print()
print("The baseline row is the same measurement without a flood (monitor attached, nothing sent): CPU used by "
      "everything else on the host during the run.")
print("µs per frame: (softirq + system CPU time, all CPUs) / (sender rate × flood time): the kernel's cost of "
      "sending and receiving one frame, sender included. The monitor's own CPU is its polling of the per-CPU maps "
      "and rate computation in user space; the counting itself runs in the tc program, inside the softirq time.")
PY
