"""Cut latency per driver on the lab: one looping VLAN (`single`) or many at once (`many`)."""
import json, os, statistics, subprocess, sys, tempfile, time

from report import high, pct_label, verdict

mode, binary, runs, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
playbooks = os.path.join(root, "playbooks")

# (label, remediation mapping) per driver; the fast Linux playbook only where it exists.
DRIVERS = [
    ("nftables (in-process)", "{ driver: nftables, playbook: linux-bridge-vlan.yml, host: lsl-sw1, port: trunk, netns: lsl-sw1 }"),
    ("ansible linux-bridge-vlan.yml", "{ playbook: linux-bridge-vlan.yml, host: lsl-sw1, port: trunk, netns: lsl-sw1 }"),
]
if os.path.exists(os.path.join(playbooks, "linux-bridge-vlan-fast.yml")):
    DRIVERS.append(("ansible linux-bridge-vlan-fast.yml",
                    "{ playbook: linux-bridge-vlan-fast.yml, host: lsl-sw1, port: trunk, netns: lsl-sw1 }"))
# BENCH_LAB=ovs (bench/ovs.sh): switch 1 is an Open vSwitch (`lab up --ovs`); the ovs driver and its playbook.
OVS = os.environ.get("BENCH_LAB") == "ovs"
if OVS:
    OVS_TARGET = "host: lsl-sw1, port: trunk, netns: lsl-sw1, ovs: { database: unix:/run/loopsentry-lab/lsl-ovs/db.sock }"
    DRIVERS = [("ovs (OVSDB transaction in-process)", f"{{ driver: ovs, playbook: ovs-trunk-vlan.yml, {OVS_TARGET} }}"),
               ("ansible ovs-trunk-vlan.yml", f"{{ playbook: ovs-trunk-vlan.yml, {OVS_TARGET} }}")]
# BENCH_DRIVERS=nftables,fast keeps only the drivers whose label contains one of the words.
if os.environ.get("BENCH_DRIVERS"):
    words = os.environ["BENCH_DRIVERS"].split(",")
    DRIVERS = [d for d in DRIVERS if any(w in d[0] for w in words)]


class Daemon:
    """`loopsentry run` with one tenant on `vlans`, events read from its stdout (JSON lines)."""

    def __init__(self, vlans, remediation, detection, probes):
        self.work = tempfile.mkdtemp(prefix="loopsentry-bench-remediation-")
        config = os.path.join(self.work, "loopsentry.yaml")
        probe_line = f'\n    probe_vlans: "{probes}"' if probes else ""
        open(config, "w").write(f"""
interfaces:
  - name: trunk0
    netns: lsl-sensor{probe_line}
    detection: {detection}
tenants:
  - name: org-b
    policy: auto
    vlans: [{{ interface: trunk0, vlans: "{vlans}" }}]
    remediation: {remediation}
remediation: {{ playbook_dir: {playbooks}, verify_window_ms: 3000, max_concurrent_playbooks: 2 }}
journal: {{ path: {self.work}/journal.sqlite }}
control: {{ socket: {self.work}/control.sock }}
""")
        self.log = open(os.path.join(self.work, "events.jsonl"), "w+")
        self.proc = subprocess.Popen([binary, "run", "--config", config], stdout=self.log, stderr=subprocess.STDOUT)
        self.offset, self.seen = 0, []
        if not self.wait_for(lambda e: e["event"] == "started", 15):
            raise SystemExit("the daemon did not start: " + open(self.log.name).read()[-500:])
        time.sleep(1)

    def events(self):
        self.log.flush()
        with open(self.log.name) as f:
            f.seek(self.offset)
            data = f.read()
        cut = data.rfind("\n") + 1
        self.offset += len(data[:cut].encode())
        for line in data[:cut].splitlines():
            try:
                self.seen.append(json.loads(line))
            except ValueError:
                pass
        return self.seen

    def wait_for(self, pred, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            hit = [e for e in self.events() if pred(e)]
            if hit:
                return hit[0]
            time.sleep(0.02)
        return None

    def notified(self, kind, since):
        return {e["vlan"]: e["monotonic_ns"] for e in self.events()
                if e["event"] == "notification" and e.get("detail", "").startswith(kind) and e["monotonic_ns"] > since}

    def restore(self, vlans):
        for v in vlans:
            subprocess.run([binary, "restore", "--interface", "trunk0", "--vlan", str(v), "--socket",
                            f"{self.work}/control.sock"], capture_output=True)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def lab(verb, vlans):
    out = subprocess.run([binary, "lab", verb, vlans], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1])


def fmt(xs):
    return f"{statistics.median(xs):.0f} / {high(xs):.0f} ({min(xs):.0f}–{max(xs):.0f})" if xs else "–"


def single():
    rows, medians = [], {}
    for label, remediation in DRIVERS:
        d = Daemon("20", remediation, "{ rising: 1000, falling: 500, sustain_ms: 300, clear_ms: 2000 }", "10,20,30")
        detect, finished, verified, missed = [], [], [], 0
        try:
            for _ in range(runs):
                opened = lab("loop", "20")
                det = d.wait_for(lambda e: e["event"] in ("stormDetected", "loopConfirmed") and e["monotonic_ns"] > opened, 10)
                fin = d.wait_for(lambda e: e["event"] == "cutFinished" and e["monotonic_ns"] > opened, 60)
                ver = d.wait_for(lambda e: e["event"] == "notification" and e.get("detail", "").startswith("cutApplied")
                                 and e["monotonic_ns"] > opened, 60)
                lab("unloop", "20")
                if det and fin and ver:
                    detect.append((det["monotonic_ns"] - opened) / 1e6)
                    finished.append((fin["monotonic_ns"] - opened) / 1e6)
                    verified.append((ver["monotonic_ns"] - opened) / 1e6)
                else:
                    missed += 1
                d.restore([20])
                d.wait_for(lambda e: e["event"] == "notification" and e.get("detail", "").startswith("vlanRestored")
                           and e["monotonic_ns"] > opened, 60)
                time.sleep(1)
        finally:
            d.stop()
        medians[label] = statistics.median(verified) if verified else None
        rows.append((label, detect, finished, verified, missed))
    if OVS:
        print("## Open vSwitch: one looping VLAN cut on an OVS switch, native driver and playbook")
        print()
        print(f"Command: `bench/ovs.sh` (RUNS={runs}); `loopsentry lab up --ovs`: lsl-sw1 is a private Open vSwitch "
              "(ovsdb-server + ovs-vswitchd, userspace datapath, bridge datapath_type=netdev); the cut removes VLAN 20 "
              "from the `trunks` of its port `trunk` (driver ovs: one OVSDB transaction over db.sock, then waits for "
              "ovs-vswitchd's cur_cfg; ansible: ovs-trunk-vlan.yml); ", end="")
    else:
        print("## Remediation latency on the lab: one looping VLAN, each driver")
        print()
        print(f"Command: `bench/remediation.sh` (RUNS={runs}); ", end="")
    print("policy auto on VLAN 20, the cut on lsl-sw1's trunk port; "
          "verification waits for the sensor's own VLAN 20 rate to fall to the falling threshold (500/s). "
          f"Times from the loop opening, in ms: median / {pct_label(runs)} (min–max)"
          + ("; p95 is the nearest rank of the runs." if runs >= 20 else
             f"; with {runs} runs (fewer than 20) no p95 is claimed: the second figure is the largest."))
    print()
    print("| driver | runs | storm detected | cut finished | cut verified (cutApplied) | missed |")
    print("|---|---|---|---|---|---|")
    for label, detect, finished, verified, missed in rows:
        print(f"| {label} | {len(verified)} | {fmt(detect)} | {fmt(finished)} | {fmt(verified)} | {missed} |")
    print()
    base = medians.get(DRIVERS[1][0])
    for label, m in medians.items():
        if m and base:
            print(f"- {label}: median loop-opened → verified {m:.0f} ms, {base / m:.1f}× faster than the Ansible playbook"
                  if label != DRIVERS[1][0] else f"- {label}: median loop-opened → verified {m:.0f} ms")
    print()
    if OVS:
        return
    verified = {label: v for label, _, _, v, _ in rows}
    nft, ansible = verified.get(DRIVERS[0][0]), verified.get(DRIVERS[1][0])
    print("| goal | result |")
    print("|---|---|")
    if nft:
        print(f"| {DRIVERS[0][0]}: median loop-opened → verified < 500 ms (detection, ≈250 ms, is the floor) | "
              f"{verdict(statistics.median(nft), 500, ' ms')} |")
        print(f"| {DRIVERS[0][0]}: {pct_label(len(nft))} loop-opened → verified < 800 ms | {verdict(high(nft), 800, ' ms')} |")
    if ansible:
        print(f"| {DRIVERS[1][0]}: median loop-opened → verified < 1500 ms | {verdict(statistics.median(ansible), 1500, ' ms')} |")
    print()


def many():
    print("## Many VLANs looping at once (one loop link passing them all), each driver")
    print()
    print("Command: `bench/remediation.sh`; lab VLANs 101–200 with 5 frames/s of tenant traffic each, thresholds "
          "rising 100/s, falling 40/s, sustain 300 ms (the loop link's 8 Mbit/s is shared by every looping VLAN); "
          "`max_concurrent_playbooks: 2`. Per run: every VLAN's cut verified (cutApplied); times in ms from each "
          "VLAN's own detection, and from the first detection to the last verification.")
    print()
    print("| driver | looping VLANs | verified | cutFailed | detection → verified, per VLAN: median / max | "
          "first detection → last verified | driver batches |")
    print("|---|---|---|---|---|---|---|")
    goal_rows = []
    for label, remediation in DRIVERS:
        for n in (20, 100):
            vlans = f"101-{100 + n}"
            d = Daemon("101-200", remediation, "{ rising: 100, falling: 40, sustain_ms: 300, clear_ms: 2000 }", "")
            try:
                opened = lab("loop", vlans)
                end = time.monotonic() + 90
                while time.monotonic() < end and len(d.notified("cutApplied", opened)) + len(d.notified("cutFailed", opened)) < n:
                    time.sleep(0.1)
                lab("unloop", vlans)
                detected = d.notified("stormDetected", opened)
                applied = d.notified("cutApplied", opened)
                failed = d.notified("cutFailed", opened)
                batches = len({e["monotonic_ns"] for e in d.events() if e["event"] == "cutStarted" and e["monotonic_ns"] > opened})
                per = [(applied[v] - detected[v]) / 1e6 for v in applied if v in detected]
                span = (max(applied.values()) - min(detected.values())) / 1e6 if applied and detected else float("nan")
                goal_rows.append((label, n, max(per) if per else float("inf"), len(failed), len(applied)))
                print(f"| {label} | {n} | {len(applied)} | {len(failed)} | "
                      f"{statistics.median(per):.0f} / {max(per):.0f} | {span:.0f} | {batches} |" if per else
                      f"| {label} | {n} | {len(applied)} | {len(failed)} | – | – | {batches} |")
                d.restore(range(101, 101 + n))
                end = time.monotonic() + 90
                while time.monotonic() < end and len(d.notified("vlanRestored", opened)) < len(applied):
                    time.sleep(0.1)
            finally:
                d.stop()
            time.sleep(2)
    print()
    print("Goal: 20 and 100 VLANs all cut and verified within 1 s of detection with nftables, within 3 s with "
          "Ansible; zero cutFailed. Per row:")
    print()
    for label, n, worst, failed, verified in goal_rows:
        limit = 1000 if label == DRIVERS[0][0] else 3000
        print(f"- {label}, {n} VLANs: slowest detection → verified {verdict(worst, limit, ' ms')}; "
              f"{verified} of {n} verified, {failed} cutFailed ({'met' if verified == n and failed == 0 else 'missed'})")
    print()


single() if mode == "single" else many()
