#!/usr/bin/env bash
# Installs every Debian package LoopSentry needs, then builds it. Idempotent: a second run
# installs nothing and only rebuilds what changed. Needs root (apt-get) on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build: libbpf, libelf, Net-SNMP agent library, libpcap (benchmark counter)
  libbpf-dev libelf-dev zlib1g-dev libsnmp-dev libpcap-dev
  # the in-process nftables cut driver
  libnftables-dev
  # the journal: SQLite for GRDB, and the sqlite3 tool the tests read it with
  libsqlite3-dev sqlite3
  # lab and sensor tooling
  iproute2 nftables tcpdump bpftool ethtool util-linux
  # NOC side: snmpd (AgentX master), snmptrapd, snmp tools, MIB checker, base MIBs as text
  snmpd snmptrapd snmp smitools erlang-snmp
  # syslog: OpenSSL for the RFC 5425 TLS client (also https webhooks); collector for tests, with TLS
  # (certtool); the openssl tool makes the test certificates of the portal and webhook TLS tests
  libssl-dev rsyslog rsyslog-gnutls gnutls-bin openssl
  # remediation: ansible-playbook, and Debian's collections (cisco.ios, junipernetworks.junos,
  # ansible.netcommon) for the switch playbooks; no Ansible Galaxy download needed
  ansible-core ansible
  # switch transports for network_cli (paramiko) and netconf (ncclient); the test switch
  # emulators (Tests/Emulators) run on python3-paramiko too
  python3-paramiko python3-ncclient
  # timing the playbooks (docs/playbooks.md)
  hyperfine
  # benchmarks: plots
  python3-matplotlib
  # SNMP cut driver tests: a venv (.venv) with the SNMP simulator snmpsim (and schemathesis, below)
  python3-venv
  # the portal's browser test (Tests/Browser/portal_lab.py): headless Chromium driven by Selenium;
  # curl for the portal's HTTP tests and the lab demo's API call
  chromium chromium-driver python3-selenium curl
  # the Debian package (scripts/package.sh) and its tests: dpkg-shlibdeps (dpkg-dev) for Depends,
  # objdump for the binary's NEEDED libraries, lintian, debootstrap for a fresh Debian 12 root to install into, and
  # systemd-analyze (package systemd) to verify the unit; setpriv (util-linux, above) runs the
  # binary as the unprivileged service user
  dpkg-dev binutils lintian debootstrap systemd
  # the webhook client (Foundation's URLSession) links libcurl statically into the package's binary
  libcurl4-openssl-dev
  # the fleet: Prometheus (promtool) and Alertmanager (amtool) check the shipped rules and
  # routing and run in the fleet lab test, on loopback ports, started by the test
  prometheus prometheus-alertmanager
  # Open vSwitch (userspace datapath, no kernel module) as a lab switch, and its Ansible collection
  openvswitch-switch
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [[ $EUID -ne 0 ]]; then
    echo "setup: installing packages needs root (run with sudo)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Do not let package scripts start system daemons we only use privately in tests.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
  trap 'if [[ $created_policy == 1 ]]; then rm -f "$policy"; fi' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The SNMP simulator for the SNMP cut driver's tests (Debian's Python, so the venv does not
# depend on a user's interpreter). Idempotent: reinstalls only when the pins changed.
requirements=scripts/snmpsim-requirements.txt
if [[ ! -x .venv/bin/snmpsim-command-responder ]] || ! cmp -s "$requirements" .venv/requirements.txt; then
  echo "setup: installing snmpsim into .venv" >&2
  /usr/bin/python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" .venv/requirements.txt
fi

# schemathesis for the portal's OpenAPI conformance test, into the same .venv.
requirements=scripts/schemathesis-requirements.txt
if [[ ! -x .venv/bin/st ]] || ! cmp -s "$requirements" .venv/schemathesis-requirements.txt; then
  echo "setup: installing schemathesis into .venv" >&2
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" .venv/schemathesis-requirements.txt
fi

export PATH=/opt/swift/usr/bin:$PATH
swift build
