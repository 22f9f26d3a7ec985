"""Portal API latency under load during a storm, and the daemon's RSS (see bench/portal.sh)."""
import http.client, json, os, socket, statistics, subprocess, sys, tempfile, threading, time

from report import free_port

binary, rates, seconds = sys.argv[1], [int(r) for r in sys.argv[2].split(",")], float(sys.argv[3])


def token(*args):
    out = subprocess.run([binary, "token", *args], capture_output=True, text=True, check=True).stdout.splitlines()
    return out[1].strip(), out[3].strip()


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


noc, noc_line = token("--noc", "--name", "bench-noc")
org_b, org_b_line = token("--tenant", "org-b", "--name", "bench-org-b")
port = free_port()
work = tempfile.mkdtemp(prefix="loopsentry-bench-portal-")
config = os.path.join(work, "loopsentry.yaml")
open(config, "w").write(f"""
interfaces:
  - name: trunk0
    netns: lsl-sensor
    probe_vlans: "10,20,30"
tenants:
  - {{ name: org-a, policy: alarm, vlans: [{{ interface: trunk0, vlans: "10" }}] }}
  - {{ name: org-b, policy: alarm, vlans: [{{ interface: trunk0, vlans: "20,30" }}] }}
portal:
  listen: "127.0.0.1:{port}"
  requests_per_minute: 60000
  burst: 10000
  tokens:
    {noc_line}
    {org_b_line}
journal: {{ path: {work}/journal.sqlite }}
control: {{ socket: {work}/control.sock }}
""")
log = open(os.path.join(work, "events.jsonl"), "w")
daemon = subprocess.Popen([binary, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT)
try:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and '"started"' not in open(log.name).read():
        if daemon.poll() is not None:
            raise SystemExit("the daemon did not start: " + open(log.name).read()[-500:])
        time.sleep(0.1)
    time.sleep(1)
    rss_idle = rss_kib(daemon.pid)
    subprocess.run([binary, "lab", "loop", "20"], check=True, capture_output=True)
    time.sleep(2)
    storm = [r for r in json.loads(subprocess.run([binary, "status", "--json", "--socket", f"{work}/control.sock"],
                                                  capture_output=True, text=True).stdout) if r["vlan"] == 20][0]

    def run(rate, bearer):
        """Open loop: request i is due at start + i/rate; latency counts from when it was due."""
        n = int(rate * seconds)
        threads = max(4, min(64, rate // 10))
        latencies, errors, lock = [], [0], threading.Lock()
        start = time.monotonic() + 0.2

        def worker(k):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for i in range(k, n, threads):
                due = start + i / rate
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    conn.request("GET", "/api/v1/vlans", headers={"Authorization": f"Bearer {bearer}"})
                    r = conn.getresponse()
                    r.read()
                    ok = r.status == 200
                except Exception:
                    ok = False
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                took = time.monotonic() - due
                with lock:
                    if ok:
                        latencies.append(took * 1000)
                    else:
                        errors[0] += 1
        ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        elapsed = time.monotonic() - start
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
        return n, len(latencies) / elapsed, pick(0.5), pick(0.99), latencies[-1] if latencies else float("nan"), errors[0]

    rows = []
    for rate in rates:
        for who, bearer in (("NOC (all rows)", noc), ("tenant org-b", org_b)):
            rows.append((rate, who) + run(rate, bearer))
    rss_after = rss_kib(daemon.pid)
finally:
    subprocess.run([binary, "lab", "unloop", "20"], capture_output=True)
    daemon.terminate()
    daemon.wait(timeout=30)

print("## Tenant portal: API latency during a storm")
print()
print(f"Command: `bench/portal.sh` (RATES={','.join(map(str, rates))}, SECONDS_PER_RATE={seconds:g}); the release binary,")
print("`loopsentry run` on the lab with the portal on 127.0.0.1, VLAN 20 looping the whole time (policy alarm:")
print(f"it keeps storming, {storm['broadcastPerSecond']:.0f} broadcast frames/s at the sensor when the load started). An open-loop")
print("generator (Python threads, keep-alive connections) sends `GET /api/v1/vlans` at a fixed rate; a")
print("request's latency counts from when it was due, so a server that falls behind shows it.")
print()
print("| target rate (/s) | token | requests | achieved (/s) | p50 (ms) | p99 (ms) | max (ms) | errors |")
print("|---|---|---|---|---|---|---|---|")
for rate, who, n, achieved, p50, p99, mx, errors in rows:
    print(f"| {rate} | {who} | {n} | {achieved:.0f} | {p50:.1f} | {p99:.1f} | {mx:.1f} | {errors} |")
print()
print(f"Daemon RSS with the portal on: {rss_idle / 1024:.1f} MiB started and idle, {rss_after / 1024:.1f} MiB after the load "
      f"({len(rows)} runs, {sum(r[2] for r in rows)} requests) during the storm.")
print()
