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

machine_line() {
  echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r), $(swift --version 2>&1 | head -1)"
}
