#!/usr/bin/env bash
# Remediation latency on the lab (issue 6): policy auto on VLAN 20, the Linux playbook cutting
# it from switch 1's trunk. Per run: loop opens → storm detected → cut playbook finished
# (cut applied) → storm verified stopped (cutApplied notification); then the loop is closed and
# the VLAN restored for the next run. Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans 10,20,30 --traffic-rate 20 >/dev/null
python3 "$(dirname "$0")/remediation.py" "$BIN" "$RUNS" "$ROOT"
