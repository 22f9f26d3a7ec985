#!/usr/bin/env bash
# Soak: `loopsentry run` for SOAK_SECONDS (default 3600) on the lab (VLANs 10, 20, 30 on the trunk)
# with traffic on all 4094 VLANs at the sensor (host P-hb, on the sensor's switch, broadcasts 1
# frame/s on each of VLANs 1-4094; the switch floods them to the sensor's port), a loop on VLAN 20 every SOAK_STORM_EVERY seconds (default
# 300) cut by the daemon (nftables, policy auto) and restored through the control socket once the
# loop is closed, an SNMP walk through a private snmpd every 30 s, and portal API and /metrics
# scrapes every 5 s. Samples the daemon's RSS, open file descriptors and threads every
# SOAK_SAMPLE_S (default 10) seconds. Writes bench/soak.png; prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
SOAK_SECONDS=${SOAK_SECONDS:-3600}
SOAK_STORM_EVERY=${SOAK_STORM_EVERY:-300}
SOAK_SAMPLE_S=${SOAK_SAMPLE_S:-10}
PLOT=${SOAK_PLOT:-$ROOT/bench/soak.png}
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans 10,20,30 --traffic-rate 20 >/dev/null
"$BIN" lab send --netns lsl-hb --interface eth0 --vlan $(seq 1 4094) --count 0 --rate 4094 --length 100 2>/dev/null &
PLOT_PYTHON=/usr/bin/python3; [[ -x $PLOT_PYTHON ]] || PLOT_PYTHON=python3
"$PLOT_PYTHON" "$(dirname "$0")/soak.py" "$BIN" "$ROOT" "$SOAK_SECONDS" "$SOAK_STORM_EVERY" "$SOAK_SAMPLE_S" "$PLOT"
"$BIN" lab down >/dev/null
