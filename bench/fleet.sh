#!/usr/bin/env bash
# A fleet on the lab through Prometheus and Alertmanager: two `loopsentry run` sensors (edge-1 on
# switch 1's trunk0, edge-2 on switch 2's trunk1, `lab up --second-sensor`), a real Prometheus
# with deploy/prometheus/loopsentry.rules.yml and a real Alertmanager with
# deploy/alertmanager/alertmanager.yml (receivers pointed at a local webhook receiver). Each run
# opens a loop on a VLAN of its own (a new alert group) and measures the time from the loop
# opening to the tenant's webhook. Prints a Markdown section on stdout.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-6}
INTERVAL=${INTERVAL:-1}      # Prometheus scrape_interval and evaluation_interval, seconds
GROUP_WAIT=${GROUP_WAIT:-5}  # Alertmanager group_wait, seconds
vlans=$(seq -s, 21 $((20 + RUNS)))
"$BIN" lab down >/dev/null 2>&1 || true
trap '"$BIN" lab down >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM
"$BIN" lab up --vlans "$vlans" --traffic-rate 20 --second-sensor >/dev/null
python3 "$(dirname "$0")/fleet.py" "$BIN" "$vlans" "$INTERVAL" "$GROUP_WAIT"
"$BIN" lab down >/dev/null
