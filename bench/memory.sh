#!/usr/bin/env bash
# The daemon's resident memory with 4094 active VLANs. A veth pair between two private
# namespaces; `loopsentry lab send` sends 100-byte broadcast frames round-robin over VLANs 1-4094
# (MEM_RATE frames/s in total, so every VLAN has a rate); `loopsentry run` watches the receiving end
# with one alarm-policy tenant covering 1-4094 (thresholds far above the traffic: no storm), probes
# on all 4094 VLANs, and the SNMP subagent publishing its table to a private snmpd. Samples VmRSS
# every second for MEM_SECONDS and reads VmHWM at the end. Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"

MEM_SECONDS=${MEM_SECONDS:-20}
MEM_RATE=${MEM_RATE:-20000}
MEM_PROBE_VLANS=${MEM_PROBE_VLANS-1-4094}
work=$(mktemp -d)
NSA=lsmemA$$ NSB=lsmemB$$
SNMPD_PID=
cleanup() {
  [[ -n $SNMPD_PID ]] && kill -TERM "$SNMPD_PID" 2>/dev/null
  bench_cleanup
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
bench_veth "$NSA" "$NSB" lsmem0 lsmem1

# A private snmpd as AgentX master (the daemon's subagent registers with it and serves 4094 rows).
bench_snmpd "$work"
snmp_port=$SNMP_PORT

cat > "$work/loopsentry.yaml" <<EOF
sensor: { poll_interval_ms: 100, drop_tagged: true }
interfaces:
  - name: lsmem1
    netns: $NSB
    detection: { rising: 10000000, falling: 5000000 }
$([[ -n $MEM_PROBE_VLANS ]] && echo "    probe_vlans: \"$MEM_PROBE_VLANS\"")
tenants:
  - name: everyone
    policy: alarm
    vlans: [{ interface: lsmem1, vlans: "1-4094" }]
snmp: { enabled: true, agentx_socket: $work/agentx.sock, ping_interval_s: 1 }
journal: { path: $work/journal.sqlite }
control: { socket: $work/control.sock }
EOF

"$BIN" lab send --netns "$NSA" --interface lsmem0 --vlan $(seq 1 4094) --count 0 --rate "$MEM_RATE" \
  --length 100 2> "$work/send.log" &
sender=$!
"$BIN" run --config "$work/loopsentry.yaml" > "$work/events.jsonl" 2> "$work/daemon.log" &
daemon=$!

status_field() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$daemon/status"; }
samples=() hwm=0 rss=0 threads=0 alive=0
for _ in $(seq 1 "$MEM_SECONDS"); do
  sleep 1
  # A daemon that died is reported in the section (with its crash reason), not hidden.
  kill -0 "$daemon" 2>/dev/null || break
  r=$(status_field VmRSS) h=$(status_field VmHWM) t=$(status_field Threads)
  [[ -n $r ]] || break
  samples+=("$r") rss=$r hwm=$h threads=$t alive=$((alive + 1))
done
"$BIN" status --socket "$work/control.sock" --json > "$work/status.json" 2> "$work/status.err" || true
# loopSentryVlanBroadcastFrames (LOOPSENTRY-MIB column 4) through snmpd: rows, and rows with frames counted.
SNMP_PERSISTENT_DIR="$work/persist" MIBS="" timeout 60 snmpbulkwalk -v2c -c public -On -Oq -Cr100 -t 10 \
  "127.0.0.1:$snmp_port" .1.3.6.1.4.1.8072.9999.9999.1.1.2.1.4 > "$work/walk.txt" 2>/dev/null || true
walk="$(grep -c . "$work/walk.txt" || true)/$(awk '$2 > 0' "$work/walk.txt" | grep -c . || true)"
kill -TERM "$sender"; wait "$sender" || true
crashed=0
if kill -0 "$daemon" 2>/dev/null; then kill -TERM "$daemon"; wait "$daemon" || true
else wait "$daemon" || true; crashed=1; fi
# The crash reason and the crashed thread's first frame with a source location.
{ grep -m1 -E "runtime failure|Fatal error" "$work/daemon.log" || true
  sed -n '/crashed:/,$p' "$work/daemon.log" | grep -m1 -oE "[A-Za-z0-9_.]+\(\)[^/]* at /[^ ]+\.swift:[0-9]+" || true
} > "$work/crash.txt"
storms=$(grep -c '"storm' "$work/events.jsonl" || true)

python3 - "$rss" "$hwm" "$threads" "$MEM_SECONDS" "$MEM_RATE" "$walk" "$storms" "$work/send.log" "$work/status.json" \
  "$crashed" "$alive" "$work/crash.txt" "$MEM_PROBE_VLANS" "${samples[@]}" <<'PY'
import json, re, sys
rss, hwm, threads, seconds, rate, walk, storms, send_log, status_path, crashed, alive, crash_path, probes, *samples = sys.argv[1:]
samples = [int(s) for s in samples if s]
status = open(status_path).read()
active = None
try:
    doc = json.loads(status)
    rows = doc if isinstance(doc, list) else next(v for v in doc.values() if isinstance(v, list))
    active = sum(1 for r in rows if r.get("broadcastPerSecond", 0) > 0)
    total_rows = len(rows)
except Exception:
    total_rows = None
m = re.search(r"sent (\d+) frames in ([0-9.]+) s", open(send_log).read())
mib = lambda kib: f"{int(kib) / 1024:.1f} MiB"
print("## Daemon resident memory with 4094 active VLANs")
print()
print(f"Command: `bench/memory.sh` (MEM_SECONDS={seconds}, MEM_RATE={rate}), release build. `loopsentry run` on one "
      f"end of a veth pair (drop_tagged, poll 100 ms, self-probes on VLANs {probes or 'none'}, one alarm-policy tenant over "
      "1-4094 with thresholds no VLAN reaches, the SNMP subagent connected to a private snmpd, journal in a "
      f"temporary directory); `loopsentry lab send` sends 100-byte broadcast frames round-robin over VLANs 1-4094 "
      f"at {rate} frames/s in total (about {int(rate) / 4094:.1f} per VLAN per second).")
print()
print("| measurement | value |")
print("|---|---|")
print(f"| VmRSS after {seconds} s | {mib(rss)} |")
print(f"| VmHWM (peak resident) | {mib(hwm)} |")
if samples:
    print(f"| VmRSS per-second samples: min / max | {mib(min(samples))} / {mib(max(samples))} |")
print(f"| threads | {threads} |")
if total_rows is not None:
    print(f"| VLAN rows in `loopsentry status` / with a broadcast rate above 0 at that moment | {total_rows} / {active} |")
rows, counted = walk.split("/")
print(f"| rows of loopSentryVlanBroadcastFrames (snmpbulkwalk through snmpd) / with frames counted | {rows} / {counted} |")
print(f"| storm events during the run | {storms} |")
if m:
    print(f"| frames sent (sender's count) / seconds | {m.group(1)} / {m.group(2)} |")
print()
if crashed == "1":
    crash = " ".join(l.strip() for l in open(crash_path).read().splitlines())
    print(f"**The daemon died after about {alive} s** (figures above are from before that): {crash}")
    print()
verdict = "meets" if int(hwm) < 64 * 1024 else "misses"
if crashed == "1":
    print(f"Goal: under 64 MiB resident. Not established: the daemon did not run for the whole {seconds} s "
          f"(peak before it died: {mib(hwm)}).")
else:
    print(f"Goal: under 64 MiB resident. The peak resident size ({mib(hwm)}) {verdict} it: "
          f"{'**met**' if verdict == 'meets' else '**missed**'}, {int(hwm) / (64 * 1024):.2f}× the limit.")
PY
