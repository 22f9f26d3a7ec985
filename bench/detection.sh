#!/usr/bin/env bash
# Detection latency on the lab: from the moment a loop opens on VLAN 20 (the lab
# stamps it just before the loop link's second end comes up) to the storm-detected and the
# loop-confirmed events, over RUNS loops, at the default settings (poll 100 ms, sustain 300 ms,
# rising 1000 broadcast frames/s, probes every 1 s plus an immediate probe when a rate rises).
# Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-20}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans 10,20,30 --traffic-rate 20 >/dev/null
python3 "$(dirname "$0")/detection.py" "$BIN" "$RUNS"
