#!/usr/bin/env bash
# SNMP notifications per second sustained without loss: a subagent with its rate limiter
# raised out of the way raises stormDetected notifications at increasing rates through a private
# snmpd (AgentX master) to a private snmptrapd; traps logged vs raised, per rate (a test gated by
# LOOPSENTRY_NOTIFY_BENCH: Tests/NOCBridgeTests/NotificationBenchmark.swift). Release build; needs
# root. Env: NOTIFY_RATES (notifications/s, ascending), NOTIFY_STEP_S (seconds per rate).
# Prints a Markdown section on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
NOTIFY_RATES=${NOTIFY_RATES:-"50 100 200 500 1000 2000 5000 10000"}
NOTIFY_STEP_S=${NOTIFY_STEP_S:-5}
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
LOOPSENTRY_NOTIFY_BENCH="$out" LOOPSENTRY_NOTIFY_RATES="$NOTIFY_RATES" LOOPSENTRY_NOTIFY_STEP_S="$NOTIFY_STEP_S" \
  timeout 900 swift test -c release -Xswiftc -enable-testing --skip-build --filter NotificationBenchmark > "$log" 2>&1 \
  || { echo "bench/notifications.sh: benchmark failed" >&2; tail -30 "$log" >&2; exit 1; }
[[ -s $out ]] || { echo "bench/notifications.sh: the benchmark wrote nothing (skipped?)" >&2; tail -30 "$log" >&2; exit 1; }

echo "## NOCBridge: SNMP notifications per second without loss"
echo
echo "Command: \`bench/notifications.sh\` (NOTIFY_RATES=\"$NOTIFY_RATES\", NOTIFY_STEP_S=$NOTIFY_STEP_S), release build."
echo "The subagent (its notification rate limits raised to 10 million/s, outage queue 1,000,000) raises"
echo "loopSentryStormDetected (5 varbinds) at each rate for NOTIFY_STEP_S seconds, round-robin over VLANs"
echo "1–4094, through a private snmpd (AgentX master over a Unix socket, \`trap2sink\` v2c over loopback UDP)"
echo "to a private snmptrapd that decodes each trap with LOOPSENTRY-MIB and logs it to a file (\`-Lf\`)."
echo "Logged: trap lines of that step in snmptrapd's log once it stopped growing; lost = raised − logged."
echo "The rate limiter's defaults (120/min globally, 12/min per VLAN) are far below any of these rates."
echo
cat "$out"
