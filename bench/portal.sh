#!/usr/bin/env bash
# The tenant portal under load while a storm runs: `loopsentry run` on the lab with the portal on,
# a loop open on VLAN 20 the whole time (policy alarm, so it keeps storming), and an open-loop
# load generator (bench/portal.py) sending GET /api/v1/vlans at fixed rates with a NOC token and
# with a tenant token: latency p50/p99/max per rate, and the daemon's RSS before and after.
# Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RATE=${SECONDS_PER_RATE:-10}
RATES=${RATES:-100,300,500}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans 10,20,30 --traffic-rate 20 >/dev/null
python3 "$(dirname "$0")/portal.py" "$BIN" "$RATES" "$SECONDS_PER_RATE"
"$BIN" lab down >/dev/null
