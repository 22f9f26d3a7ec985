#!/usr/bin/env bash
# SNMP benchmarks: a private snmpd as AgentX master, the subagent serving 4094 rows;
# times snmpbulkwalk of one column and of the whole table, snmptable (all columns per
# request), and 1000 sequential GETs. Release build. Needs root (snmpd). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
out=$(mktemp)
trap 'rm -f "$out"' EXIT
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
LOOPSENTRY_SNMP_BENCH="$out" swift test -c release -Xswiftc -enable-testing --skip-build \
  --filter SubagentBenchmark >/dev/null 2>&1 || { echo "bench/snmp.sh: benchmark failed" >&2; exit 1; }

echo "## NOCBridge: AgentX subagent under snmpbulkwalk and GET"
echo
echo "Command: \`bench/snmp.sh\`, release build. A private snmpd (AgentX master, Unix socket) and the"
echo "subagent serving 4094 rows (one interface, VLANs 1–4094), v2c over loopback UDP."
echo
cat "$out"
echo
echo "Net-SNMP's master turns a GETBULK into one AgentX GetNext per repetition, so a walk costs one"
echo "AgentX round trip (master ⇄ subagent, two processes, two context switches each way) per"
echo "repetition. The subagent's own work per varbind is a binary search over the sorted rows."
