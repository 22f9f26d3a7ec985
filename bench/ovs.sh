#!/usr/bin/env bash
# Remediation latency on the lab with switch 1 an Open vSwitch (`loopsentry lab up --ovs`): one
# VLAN (20) looped RUNS times through the OVS switch per driver — the native `ovs` driver (OVSDB
# JSON-RPC transaction) and the playbook ovs-trunk-vlan.yml — loop opened → storm detected → cut
# finished → storm verified stopped (cutApplied), then unloop and restore. Prints a Markdown section.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --ovs --vlans 10,20,30 --traffic-rate 20 >/dev/null
BENCH_LAB=ovs python3 "$(dirname "$0")/remediation.py" single "$BIN" "$RUNS" "$ROOT"
"$BIN" lab down >/dev/null
