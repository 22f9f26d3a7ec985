"""The soak of bench/soak.sh: runs the daemon on the lab (already up) with a private snmpd, storms, walks and
scrapes on schedule, samples RSS / fds / threads, prints Markdown and draws the plot.
Usage: soak.py BINARY ROOT SECONDS STORM_EVERY SAMPLE_S PLOT"""
import http.client, json, os, socket, subprocess, sys, tempfile, threading, time

from report import free_port, pyplot

binary, root, seconds, storm_every, sample_s, plot = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5]), sys.argv[6]
ENTRY = ".1.3.6.1.4.1.8072.9999.9999.1.1.2.1"


def status_of(pid):
    """VmRSS (KiB), open fds and threads of PID."""
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        fields[k] = v.split()
    return int(fields["VmRSS"][0]), len(os.listdir(f"/proc/{pid}/fd")), int(fields["Threads"][0])


work = tempfile.mkdtemp(prefix="loopsentry-bench-soak-")
out = subprocess.run([binary, "token", "--noc", "--name", "soak-noc"], capture_output=True, text=True, check=True)
noc, noc_line = out.stdout.splitlines()[1].strip(), out.stdout.splitlines()[3].strip()
snmp_port, portal_port = free_port(socket.SOCK_DGRAM), free_port()
os.makedirs(f"{work}/persist")
open(f"{work}/snmpd.conf", "w").write(f"master agentx\nagentXSocket {work}/agentx.sock\nagentXPerms 0600 0700\n"
                                      "rocommunity public 127.0.0.1\n")
snmp_env = dict(os.environ, SNMP_PERSISTENT_DIR=f"{work}/persist", SNMPCONFPATH=work, MIBS="")
snmpd = subprocess.Popen(["/usr/sbin/snmpd", "-f", "-Lf", f"{work}/snmpd.log", "-C", "-c", f"{work}/snmpd.conf", "-I",
                          "-smux", f"udp:127.0.0.1:{snmp_port}"], env=snmp_env)
config = f"{work}/loopsentry.yaml"
open(config, "w").write(f"""
interfaces:
  - name: trunk0
    netns: lsl-sensor
    probe_vlans: "20"
tenants:
  - {{ name: org-a, policy: auto, vlans: [{{ interface: trunk0, vlans: "1-4094" }}],
      remediation: {{ driver: nftables, playbook: linux-bridge-vlan.yml, host: lsl-sw1, port: trunk, netns: lsl-sw1 }} }}
remediation: {{ playbook_dir: {root}/playbooks, verify_window_ms: 3000 }}
snmp: {{ enabled: true, agentx_socket: {work}/agentx.sock, ping_interval_s: 1 }}
portal:
  listen: "127.0.0.1:{portal_port}"
  requests_per_minute: 60000
  burst: 10000
  tokens:
    {noc_line}
journal: {{ path: {work}/journal.sqlite }}
control: {{ socket: {work}/control.sock }}
""")
events_path = f"{work}/events.jsonl"
log = open(events_path, "w")
daemon = subprocess.Popen([binary, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT)
stop = threading.Event()
counts = {"walks": 0, "walk_rows_bad": 0, "api": 0, "metrics": 0, "http_errors": 0, "storms": 0, "cut": 0,
          "restored": 0, "cycle_failures": 0}
lock = threading.Lock()


def bump(key, n=1):
    with lock:
        counts[key] += n


def events(kind, vlan=20):
    n = 0
    for line in open(events_path):
        if f'"notification":"{kind}"' in line.replace(" ", "") and f'"vlan":{vlan}' in line.replace(" ", ""):
            n += 1
    return n


def wait_until(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set():
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def lab(*args):
    return subprocess.run([binary, "lab", *args], capture_output=True, text=True)


def storms():
    """Every storm_every s: open a loop on VLAN 20, wait for the cut, close it, restore by the control socket."""
    next_at = time.monotonic() + min(60, storm_every / 2)
    while not stop.wait(max(0, next_at - time.monotonic())):
        next_at += storm_every
        cut0, restored0 = events("cutApplied"), events("vlanRestored")
        bump("storms")
        lab("loop", "20")
        cut = wait_until(lambda: events("cutApplied") > cut0, 60)
        lab("unloop", "20")
        if cut:
            bump("cut")
            subprocess.run([binary, "restore", "--interface", "trunk0", "--vlan", "20", "--by", "soak",
                            "--socket", f"{work}/control.sock"], capture_output=True)
            if wait_until(lambda: events("vlanRestored") > restored0, 60):
                bump("restored")
                continue
        bump("cycle_failures")


def walks():
    while not stop.wait(30):
        r = subprocess.run(["snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oq", "-Cr100", "-t", "10", "-m", "",
                            f"127.0.0.1:{snmp_port}", ENTRY + ".15"], capture_output=True, text=True, env=snmp_env)
        bump("walks")
        if len(r.stdout.splitlines()) != 4094:
            bump("walk_rows_bad")


def scrapes():
    while not stop.wait(5):
        for path, key in (("/api/v1/vlans", "api"), ("/metrics", "metrics")):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", portal_port, timeout=10)
                conn.request("GET", path, headers={"Authorization": f"Bearer {noc}"})
                resp = conn.getresponse()
                resp.read()
                conn.close()
                bump(key)
                if resp.status != 200:
                    bump("http_errors")
            except OSError:
                bump("http_errors")


samples = []
try:
    if not wait_until(lambda: '"started"' in open(events_path).read() or daemon.poll() is not None, 30) \
            or daemon.poll() is not None:
        sys.exit("bench/soak.sh: the daemon did not start: " + open(events_path).read()[-800:])
    threads = [threading.Thread(target=f, daemon=True) for f in (storms, walks, scrapes)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds and daemon.poll() is None:
        samples.append((time.monotonic() - t0, *status_of(daemon.pid)))
        time.sleep(sample_s)
    if daemon.poll() is None:
        samples.append((time.monotonic() - t0, *status_of(daemon.pid)))
    stop.set()
    for t in threads:
        t.join(timeout=90)
finally:
    stop.set()
    crashed = daemon.poll() is not None
    daemon.terminate()
    daemon.wait(timeout=30)
    snmpd.terminate()
    snmpd.wait(timeout=10)
    lab("unloop", "20")

mib = lambda kib: f"{kib / 1024:.1f} MiB"
if not samples:
    sys.exit("bench/soak.sh: no sample of the daemon was taken")
elapsed = samples[-1][0]


def slope(points):
    """Least-squares slope of (t, y) per hour."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / den * 3600 if den else 0.0


# After the first storm cycle the daemon's working set is established; judge the rest.
settle = min(storm_every + 60, elapsed / 3)
late = [s for s in samples if s[0] >= settle]
rss_slope = slope([(t, r) for t, r, _, _ in late])
first, last = late[0] if late else samples[0], samples[-1]
print("## Soak: the daemon for a long run with 4094 VLANs, storms cut and restored, walks and scrapes")
print()
print(f"Command: `bench/soak.sh` (SOAK_SECONDS={seconds:.0f}, SOAK_STORM_EVERY={storm_every:.0f}, "
      f"SOAK_SAMPLE_S={sample_s:.0f}), release build. "
      + ("This committed run is **shorter than the default hour**: "
         f"{seconds / 60:.0f} minutes. " if seconds < 3600 else "")
      + "The lab (VLANs 10, 20, 30 on the trunk) with traffic on all 4094 VLANs at the sensor (host lsl-hb on the "
      "sensor's switch broadcasts 1 frame/s on each of VLANs 1–4094); `loopsentry run` with one tenant over 1–4094 (policy auto, nftables cut on lsl-sw1's trunk "
      f"port), the SNMP subagent on a private snmpd and the portal with a NOC token. Every {storm_every:.0f} s a "
      "loop opens on VLAN 20, the daemon cuts it, the loop closes and `loopsentry restore` puts VLAN 20 back; "
      "every 30 s an `snmpbulkwalk` of loopSentryVlanState (4094 rows); every 5 s `GET /api/v1/vlans` and "
      f"`GET /metrics`. RSS, open file descriptors and threads sampled every {sample_s:.0f} s. The machine was "
      "shared with other jobs while this ran.")
print()
print("| measurement | value |")
print("|---|---|")
print(f"| ran for | {elapsed:.0f} s{' — **the daemon died**' if crashed else ''} |")
print(f"| storms opened / cut / restored / cycles failed | {counts['storms']} / {counts['cut']} / {counts['restored']} / "
      f"{counts['cycle_failures']} |")
print(f"| SNMP walks / with a row count other than 4094 | {counts['walks']} / {counts['walk_rows_bad']} |")
print(f"| API scrapes / /metrics scrapes / HTTP errors | {counts['api']} / {counts['metrics']} / {counts['http_errors']} |")
print(f"| RSS at {first[0]:.0f} s (after the first storm cycle) → end | {mib(first[1])} → {mib(last[1])} |")
print(f"| RSS min / max over the run | {mib(min(s[1] for s in samples))} / {mib(max(s[1] for s in samples))} |")
print(f"| RSS trend after {settle:.0f} s (least squares) | {rss_slope / 1024:+.2f} MiB per hour |")
print(f"| open fds: start / min / max / end | {samples[0][2]} / {min(s[2] for s in samples)} / "
      f"{max(s[2] for s in samples)} / {last[2]} |")
print(f"| threads: start / min / max / end | {samples[0][3]} / {min(s[3] for s in samples)} / "
      f"{max(s[3] for s in samples)} / {last[3]} |")
print()
fds_flat = last[2] <= first[2] + 2
threads_flat = last[3] <= first[3] + 1
# A leak of the working set shows as a steady climb: more than 1 MiB/h would be 24 MiB a day.
rss_flat = rss_slope / 1024 <= 1.0
verdict = "flat" if (fds_flat and threads_flat and rss_flat) else "**not flat**"
print(f"Goal: flat — RSS trend ≤ 1 MiB per hour after the first cycle, fds and threads back to where they were. "
      f"Result: {verdict}. RSS trend {rss_slope / 1024:+.2f} MiB/h: {'**met**' if rss_flat else '**missed**'}, "
      f"{max(0.0, rss_slope / 1024):.2f}× the limit (1 MiB/h); fds {first[2]} → {last[2]} "
      f"({'met' if fds_flat else 'missed'}); threads {first[3]} → {last[3]} ({'met' if threads_flat else 'missed'}).")
print()
print("![soak: RSS, fds and threads over time](bench/soak.png)")
plt = pyplot("soak.py")
fig, (a, b) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
ts = [s[0] / 60 for s in samples]
a.plot(ts, [s[1] / 1024 for s in samples], "-", label="RSS (MiB)")
a.set_ylabel("RSS (MiB)")
a.set_ylim(0, max(s[1] for s in samples) / 1024 * 1.2)
b.plot(ts, [s[2] for s in samples], "-", label="open fds")
b.plot(ts, [s[3] for s in samples], "-", label="threads")
b.set_ylabel("count")
b.set_xlabel("minutes")
for ax in (a, b):
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
a.set_title("loopsentry run: 4094 VLANs, a storm cut and restored every %.0f s" % storm_every)
fig.tight_layout()
fig.savefig(plot, dpi=100)
