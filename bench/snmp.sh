#!/usr/bin/env bash
# SNMP benchmarks: one private snmpd as AgentX master with two subagents behind it at once —
# `loopsentry run` (one tenant over VLANs 1-4094, so its table has 4094 rows) and the yardstick
# bench/minimal-subagent.c (the same table shape and row count, one arc aside) — read alternately
# in the ways an NMS reads a table (bench/snmp.py), SNMP_ROUNDS rounds (default 5). Release build.
# Needs root (snmpd, a namespace for the daemon's interface). Prints Markdown.
source "$(dirname "$0")/lib.sh"
ROUNDS=${SNMP_ROUNDS:-5}
work=$(mktemp -d)
NSA=lssnmpA$$ NSB=lssnmpB$$
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  bench_cleanup
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
gcc -O2 -Wall -o "$work/minimal-subagent" "$ROOT/bench/minimal-subagent.c" $(net-snmp-config --agent-libs)
gcc -O2 -Wall -o "$work/tablewalk" "$ROOT/bench/tablewalk.c" $(net-snmp-config --libs)
bench_veth "$NSA" "$NSB" lssnmp0 lssnmp1
ifindex=$(ip netns exec "$NSB" cat /sys/class/net/lssnmp1/ifindex)

bench_snmpd "$work"
port=$SNMP_PORT
PIDS+=("$SNMPD_PID")

cat > "$work/loopsentry.yaml" <<EOF
interfaces:
  - name: lssnmp1
    netns: $NSB
tenants:
  - name: everyone
    policy: alarm
    vlans: [{ interface: lssnmp1, vlans: "1-4094" }]
snmp: { enabled: true, agentx_socket: $work/agentx.sock, ping_interval_s: 1 }
journal: { path: $work/journal.sqlite }
control: { socket: $work/control.sock }
EOF
"$BIN" run --config "$work/loopsentry.yaml" > "$work/events.jsonl" 2> "$work/daemon.log" &
daemon=$!
PIDS+=("$daemon")
"$work/minimal-subagent" "$work/agentx.sock" 2 4094 "$ifindex" 2> "$work/minimal.log" &
minimal=$!
PIDS+=("$minimal")

cat <<EOF
## NOCBridge: the AgentX subagent against a minimal C subagent, under the same snmpd

Command: \`bench/snmp.sh\` (SNMP_ROUNDS=$ROUNDS), release build. One private snmpd (AgentX master on a Unix
socket, v2c over loopback UDP) with two subagents connected at once: \`loopsentry run\` (one tenant over VLANs
1–4094 on one interface, so its table has 4094 rows) and the yardstick \`bench/minimal-subagent.c\` — one raw
libnetsnmpagent node handler over a sorted array of 4094 rows, the same 17 columns with the same types and the
same ifIndex, registered one arc aside (\`netSnmpPlaypen.9999.9999.2\` instead of \`.1\`, so every OID has the
same length). Each measurement runs once per subagent per round, the order alternating between rounds; the
ratio is of the medians. The machine was shared with other jobs while this ran: absolute seconds are noisy,
the ratios (measured alternately, in the same run) are the robust figures. The daemon's CPU includes its
sensor polling (about 0.2 % of a core).

EOF
python3 "$ROOT/bench/snmp.py" "$work/tablewalk" "127.0.0.1:$port" "$ifindex" "$daemon" "$minimal" "$ROUNDS" \
  || { tail -5 "$work/daemon.log" "$work/minimal.log" "$work/snmpd.log" >&2; exit 1; }
cat <<'EOF'

Why the access pattern matters more than the subagent: Net-SNMP's master (agentx/master.c) turns every
GETBULK repetition into one AgentX GetNext to the subagent, carrying that repetition's varbinds. A request
with one varbind therefore costs one AgentX round trip (master ⇄ subagent: two processes, two context
switches each way) per *cell* — 69,598 for this table, whatever the subagent does — while a request with
one varbind per column costs one round trip per *row* (4094). `snmptable` without `-CB` walks column by
column (one varbind per GETBULK), as slow as the whole-table walk; `snmptable -CB` sends all columns per
request, but as GETNEXT, one row per UDP request. docs/snmp.md says which requests an NMS should send.
EOF
