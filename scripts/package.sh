#!/usr/bin/env bash
# Builds the Debian package: a release binary with the Swift runtime linked in
# (--static-swift-stdlib), the playbooks, the MIB, the example configuration (a conffile), the
# systemd unit and a postinst that creates the `loopsentry` system user. Depends is computed from
# the binary's NEEDED libraries (the Debian packages that hold them, at the versions installed
# here). Prints the .deb's path on stdout. Needs dpkg-deb; runs as any user.
#   scripts/package.sh [OUTPUT_DIR]    (default .build/deb)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
out="${1:-.build/deb}"
mkdir -p "$out"

# Full RELRO (-z now) like Debian's hardening flags; no RPATH (the libraries are system ones).
# A build folder of its own: SwiftPM locks .build while `swift test` runs, and the package test
# may build the package from inside a test run.
flags=(-c release --scratch-path .build-deb --static-swift-stdlib --disable-local-rpath -Xlinker -z -Xlinker now)
swift build "${flags[@]}" --product loopsentry >&2
bin="$(swift build "${flags[@]}" --show-bin-path)/loopsentry"
version="$(sed -n 's/.*version: "\([0-9][0-9.]*\)".*/\1/p' Sources/loopsentry/LoopSentryCommand.swift)"
arch="$(dpkg --print-architecture)"
# The Maintainer field and changelog signature: set DEB_MAINTAINER to the team's real address.
maintainer="${DEB_MAINTAINER:-LoopSentry maintainers <loopsentry@example.org>}"
[[ -n $version ]] || { echo "package: no version in LoopSentryCommand.swift" >&2; exit 1; }

# The Swift runtime must be inside the binary, not a library the target lacks.
if objdump -p "$bin" | awk '/NEEDED/ {print $2}' | grep -E '^lib(swift|Foundation|dispatch|BlocksRuntime)'; then
    echo "package: the binary still needs Swift runtime libraries (above)" >&2; exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$bin" "$root/usr/bin/loopsentry"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/loopsentry"
install -d "$root/usr/share/loopsentry/playbooks" "$root/usr/share/loopsentry/mibs"
cp -r playbooks/. "$root/usr/share/loopsentry/playbooks/"
# The fleet's Prometheus rules (with their promtool tests) and the Alertmanager example.
install -d "$root/usr/share/loopsentry/deploy"
cp -r deploy/. "$root/usr/share/loopsentry/deploy/"
install -D -m 0644 mibs/LOOPSENTRY-MIB.txt "$root/usr/share/snmp/mibs/LOOPSENTRY-MIB.txt"
# `loopsentry lab`/`snmp-vacm` find their shared files as /usr/share/loopsentry/{mibs,playbooks}.
ln -s ../../snmp/mibs/LOOPSENTRY-MIB.txt "$root/usr/share/loopsentry/mibs/LOOPSENTRY-MIB.txt"
install -D -m 0644 config/loopsentry.service "$root/lib/systemd/system/loopsentry.service"
example="$root/etc/loopsentry/loopsentry.example.yaml"
install -D -m 0644 config/loopsentry.example.yaml "$example"
sed -i 's|^\(  playbook_dir:\) \.\./playbooks .*$|\1 /usr/share/loopsentry/playbooks|' "$example"
grep -q '^  playbook_dir: /usr/share/loopsentry/playbooks$' "$example" \
    || { echo "package: playbook_dir of the example not rewritten" >&2; exit 1; }
doc="$root/usr/share/doc/loopsentry"
install -D -m 0644 packaging/copyright "$doc/copyright"
install -m 0644 README.md "$doc/README.md" && gzip -9n "$doc/README.md"
printf 'loopsentry (%s) unstable; urgency=medium\n\n  * Package built from source by scripts/package.sh.\n\n -- %s  %s\n' \
    "$version" "$maintainer" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
    | gzip -9n > "$doc/changelog.gz"
install -D -m 0644 packaging/loopsentry.1 "$root/usr/share/man/man1/loopsentry.1" && gzip -9n "$root/usr/share/man/man1/loopsentry.1"
[[ -s packaging/lintian-overrides ]] && install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/loopsentry"
find "$root" -type d -exec chmod 0755 {} +

# Depends: dpkg-shlibdeps maps each NEEDED library to its package and the lowest version whose
# symbols the binary uses (the packages' symbols files); it wants a debian/control beside it.
mkdir -p "$root.src/debian"
printf 'Source: loopsentry\n\nPackage: loopsentry\nArchitecture: any\n' > "$root.src/debian/control"
shlibs="$(cd "$root.src" && dpkg-shlibdeps -O -e "$root/usr/bin/loopsentry" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
rm -rf "$root.src"
[[ -n $shlibs ]] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
depends="adduser, $shlibs"

install -d "$root/DEBIAN"
install -m 0755 packaging/postinst packaging/postrm "$root/DEBIAN/"
echo /etc/loopsentry/loopsentry.example.yaml > "$root/DEBIAN/conffiles"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: loopsentry
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Recommends: ansible, snmpd
Suggests: rsyslog
Section: net
Priority: optional
Description: per-VLAN loop and broadcast-storm sensor (eBPF at tc ingress)
 LoopSentry counts broadcast, multicast and unknown frames per VLAN on trunk
 interfaces with an eBPF program at tc ingress, detects loops and storms,
 notifies a NOC over SNMP (AgentX subagent) and syslog, keeps a journal, and
 cuts the looping VLAN through an in-process driver or an Ansible playbook.
 The service runs as the unprivileged user loopsentry with CAP_BPF,
 CAP_PERFMON, CAP_NET_ADMIN and CAP_NET_RAW only.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
deb="$out/loopsentry_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
