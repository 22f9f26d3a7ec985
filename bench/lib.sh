# Shared helpers for bench/*.sh: the release binary, lab namespaces with cleanup.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH=/opt/swift/usr/bin:$PATH
BIN="${LOOPSENTRY_BENCH_BIN:-}"
if [[ -z "$BIN" ]]; then
  (cd "$ROOT" && swift build -c release --product loopsentry >/dev/null)
  BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/loopsentry"
fi

# The lab benches measure the default lab (lsl-*, the names bench/*.py use), whatever the caller's
# environment chooses for `loopsentry lab`.
unset LOOPSENTRY_LAB_PREFIX

BENCH_NS=()
bench_cleanup() {
  for ns in "${BENCH_NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  jobs -p | xargs -r kill 2>/dev/null || true
}
trap bench_cleanup EXIT INT TERM

# bench_veth A B IFA IFB: two namespaces joined by veth, IPv6 off.
bench_veth() {
  local a=$1 b=$2 ia=$3 ib=$4
  for ns in "$a" "$b"; do
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"; BENCH_NS+=("$ns")
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b"
  ip -n "$a" link set "$ia" up
  ip -n "$b" link set "$ib" up
}

# bench_snmpd DIR: a private snmpd in the background — AgentX master on DIR/agentx.sock, v2c
# community "public" on a free loopback UDP port — waiting for its socket; sets SNMP_PORT and
# SNMPD_PID (the caller stops it).
bench_snmpd() {
  local dir=$1
  SNMP_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir/persist"
  cat > "$dir/snmpd.conf" <<EOF
master agentx
agentXSocket $dir/agentx.sock
agentXPerms 0600 0700
rocommunity public 127.0.0.1
EOF
  SNMP_PERSISTENT_DIR="$dir/persist" SNMPCONFPATH="$dir" MIBS="" \
    timeout 7200 /usr/sbin/snmpd -f -Lf "$dir/snmpd.log" -C -c "$dir/snmpd.conf" -I -smux "udp:127.0.0.1:$SNMP_PORT" &
  SNMPD_PID=$!
  for _ in $(seq 100); do [[ -S $dir/agentx.sock ]] && return 0; sleep 0.1; done
  echo "bench: snmpd did not open $dir/agentx.sock" >&2; return 1
}

machine_line() {
  echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r), $(swift --version 2>&1 | head -1)"
}
