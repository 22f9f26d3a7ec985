#!/usr/bin/env bash
# Remediation latency on the lab, each cut driver side by side in one run (policy auto):
#  1. one VLAN (20) looped RUNS times per driver: loop opened → storm detected → cut finished →
#     storm verified stopped (cutApplied), then unloop and restore;
#  2. many VLANs looping at once (a downstream switch patched back into itself): 20 and 100 VLANs
#     on one loop link, every VLAN's cut verified, per driver;
#  3. the SNMP SET cost against snmpsim (bench/snmp-set.sh), when snmpsim is installed.
# Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-20}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans 10,20,30 --traffic-rate 20 >/dev/null
python3 "$(dirname "$0")/remediation.py" single "$BIN" "$RUNS" "$ROOT"
"$BIN" lab down >/dev/null
"$BIN" lab up --vlans 101-200 --traffic-rate 5 >/dev/null
python3 "$(dirname "$0")/remediation.py" many "$BIN" "$RUNS" "$ROOT"
"$BIN" lab down >/dev/null
echo "## SNMP cut driver: the cost of one cut against snmpsim"
echo
echo "Command: \`bench/snmp-set.sh\` (CYCLES=100, VERSION=2c and 3); \`loopsentry cut-snmp --cycles N --json\` cuts and"
echo "restores VLAN 10 on a CISCO-VTP-MIB trunk bitmap served by snmpsim on 127.0.0.1."
echo
echo "| what | SETs | SET round trip | whole driver call |"
echo "|---|---|---|---|"
VERSION=2c "$(dirname "$0")/snmp-set.sh"
VERSION=3 "$(dirname "$0")/snmp-set.sh"
echo
