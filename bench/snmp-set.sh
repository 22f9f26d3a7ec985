#!/usr/bin/env bash
# SNMP cut driver: SET latency over N cut/restore cycles of one VLAN on CISCO-VTP-MIB, against
# a private snmpsim (from .venv, scripts/setup.sh) on 127.0.0.1. Runs
# `loopsentry cut-snmp --cycles N --json` (each cycle: GET serialNo+chunk, SET serialNo+chunk,
# GET to verify, for the cut and again for the restore) and prints one Markdown line with the
# median and p95 of the SET round trips (send → response) and of the whole driver call. CYCLES (default 100), VERSION
# (2c or 3, default 2c). Sourced helpers: bench/lib.sh (release build of loopsentry).
source "$(dirname "$0")/lib.sh"
CYCLES=${CYCLES:-100}
VERSION=${VERSION:-2c}
SIM="$ROOT/.venv/bin/snmpsim-command-responder"
[[ -x $SIM ]] || { echo "bench/snmp-set.sh: $SIM missing (run scripts/setup.sh)" >&2; exit 1; }

dir=$(mktemp -d)
sim_pid=""
stop_sim() {
  local rc=$?
  if [[ -n $sim_pid ]]; then
    kill "$sim_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.02; done
    kill -9 "$sim_pid" 2>/dev/null || true  # snmpsim may ignore SIGTERM inside its I/O loop
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  bench_cleanup
  exit "$rc"
}
trap stop_sim EXIT INT TERM
mkdir -p "$dir/data" "$dir/cache"
chunk=$(python3 -c "print('ff' * 128)")
cat > "$dir/data/public.snmprec" <<REC
1.3.6.1.2.1.1.1.0|4|loopsentry bench switch
1.3.6.1.4.1.9.9.46.1.6.1.1.4.10101|4x:writecache|hexvalue=$chunk
1.3.6.1.4.1.9.9.46.1.6.2.0|2:writecache|value=1
REC
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SNMPSIM_ALLOW_ROOT=true "$SIM" --data-dir="$dir/data" --cache-dir="$dir/cache" --agent-udpv4-endpoint=127.0.0.1:$port \
  --log-level=error --v3-user=bench --v3-auth-key=bench-auth-1 --v3-auth-proto=SHA256 \
  --v3-priv-key=bench-priv-1 --v3-priv-proto=AES >"$dir/snmpsim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 200); do
  snmpget -v2c -c public -t 0.2 -r 0 127.0.0.1:$port 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && break
  sleep 0.05
done
if [[ $VERSION == 3 ]]; then
  printf 'version: 3\nuser: bench\nauth_protocol: SHA-256\nauth_passphrase: bench-auth-1\npriv_protocol: AES\npriv_passphrase: bench-priv-1\ncontext: public\n' > "$dir/creds"
else
  printf 'version: 2c\ncommunity: public\n' > "$dir/creds"
fi
chmod 600 "$dir/creds"
# The bench switch's serial number is a plain writable integer (writecache): it does not
# increment, so every SET carries the value read, as with a TestAndIncr nobody else writes.
out=$("$BIN" cut-snmp --address udp:127.0.0.1:$port --credentials "$dir/creds" --mib cisco-vtp --port-index 10101 \
  --vlan 10 --cycles "$CYCLES" --json)
python3 - "$out" "$CYCLES" "$VERSION" <<'PY'
import json, statistics, sys
r = json.loads(sys.argv[1]); v = sorted(r["set_latencies_ms"]); d = sorted(r["apply_durations_ms"])
if not r["succeeded"] or not v: sys.exit("bench/snmp-set.sh: cut-snmp failed: %s" % r["detail"])
p95 = lambda xs: xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
print("| SNMP SET (cisco-vtp, v%s, snmpsim on loopback) | %d SETs over %s cut/restore cycles | SET median %.2f ms, "
      "p95 %.2f ms | whole cut (GET+SET+verify GET, session open) median %.2f ms, p95 %.2f ms |"
      % (sys.argv[3], len(v), sys.argv[2], statistics.median(v), p95(v), statistics.median(d), p95(d)))
PY
