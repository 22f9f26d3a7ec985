"""Loop opened → tenant webhook through Prometheus and Alertmanager on the lab (see bench/fleet.sh)."""
import json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

from report import free_port

binary, vlans, interval, group_wait = sys.argv[1], [int(v) for v in sys.argv[2].split(",")], int(sys.argv[3]), int(sys.argv[4])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="loopsentry-bench-fleet-")
procs = []


def start(name, args, **kw):
    p = subprocess.Popen(args, stdout=open(os.path.join(work, name + ".out"), "w"), stderr=subprocess.STDOUT, **kw)
    procs.append(p)
    return p


def wait(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"bench/fleet: {what} did not happen within {timeout} s")


def ready(port):
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=2).status == 200
    except OSError:
        return False


def detected(vlan, opened_mono):
    """Seconds from the loop opening to the first sensor's stormDetected on `vlan`."""
    times = []
    for name in ("edge-1", "edge-2"):
        for line in open(os.path.join(work, name + ".out")):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("event") == "stormDetected" and r.get("vlan") == vlan:
                times.append(r["monotonic_ns"] / 1e9 - opened_mono)
    return min(times) if times else float("nan")


def requests():
    path = os.path.join(work, "requests.jsonl")
    if not os.path.exists(path):
        return []
    text = open(path).read()
    return [json.loads(line) for line in text[:text.rfind("\n") + 1].splitlines()]


try:
    # The webhook receiver (unsigned: Alertmanager signs nothing).
    open(os.path.join(work, "mode"), "w").write("ok")
    start("receiver", ["python3", os.path.join(root, "Tests/Emulators/webhook_receiver.py"), "--unsigned",
                       "--port-file", os.path.join(work, "port"), "--mode-file", os.path.join(work, "mode"),
                       "--log", os.path.join(work, "requests.jsonl")])
    wait("the webhook receiver", lambda: os.path.exists(os.path.join(work, "port")), 10)
    hook = f"http://127.0.0.1:{open(os.path.join(work, 'port')).read().strip()}"

    # Two sensors, one per switch; org-b owns every looped VLAN (policy alarm: no cut).
    targets = []
    for name, iface, pid in [("edge-1", "trunk0", 1), ("edge-2", "trunk1", 2)]:
        port = free_port()
        targets.append(f"127.0.0.1:{port}")
        config = os.path.join(work, name + ".yaml")
        open(config, "w").write(f"""
sensor: {{ name: {name}, sensor_id: {pid} }}
interfaces:
  - {{ name: {iface}, netns: lsl-sensor }}
tenants:
  - {{ name: org-b, policy: alarm, vlans: [{{ interface: {iface}, vlans: "{sys.argv[2]}" }}] }}
metrics: {{ listen: "127.0.0.1:{port}" }}
journal: {{ path: {work}/{name}.sqlite }}
control: {{ socket: {work}/{name}.sock }}
""")
        start(name, [binary, "run", "--config", config])
        wait(f"{name} start", lambda n=name: '"started"' in open(os.path.join(work, n + ".out")).read(), 30)

    # Alertmanager: the shipped example, receivers pointed here, group_wait as stated.
    am_port, prom_port = free_port(), free_port()
    am = open(os.path.join(root, "deploy/alertmanager/alertmanager.yml")).read()
    for old, new in [("https://hooks.org-a.example/alertmanager", hook + "/tenant-org-a"),
                     ("https://hooks.org-b.example/alertmanager", hook + "/tenant-org-b"),
                     ('    email_configs:\n      - to: "noc@example.net"\n', f'    webhook_configs:\n      - url: "{hook}/noc"\n'),
                     ("  group_wait: 10s ", f"  group_wait: {group_wait}s ")]:
        if old not in am:
            raise SystemExit(f"bench/fleet: the shipped alertmanager.yml no longer contains {old!r}")
        am = am.replace(old, new)
    open(os.path.join(work, "alertmanager.yml"), "w").write(am)
    start("alertmanager", ["prometheus-alertmanager", f"--config.file={work}/alertmanager.yml", f"--storage.path={work}/am",
                           f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="])
    open(os.path.join(work, "prometheus.yml"), "w").write(f"""
global: {{ scrape_interval: {interval}s, evaluation_interval: {interval}s }}
rule_files: ["{root}/deploy/prometheus/loopsentry.rules.yml"]
alerting: {{ alertmanagers: [{{ static_configs: [{{ targets: ["127.0.0.1:{am_port}"] }}] }}] }}
scrape_configs:
  - {{ job_name: loopsentry, static_configs: [{{ targets: {json.dumps(targets)} }}] }}
""")
    start("prometheus", ["prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/tsdb",
                         f"--web.listen-address=127.0.0.1:{prom_port}"])
    wait("Alertmanager and Prometheus ready", lambda: ready(am_port) and ready(prom_port), 60)
    time.sleep(3 * interval + 1)  # both sensors scraped a few times

    latencies, detections, both = [], [], 0
    for vlan in vlans:
        out = subprocess.run([binary, "lab", "loop", str(vlan)], capture_output=True, text=True, check=True).stdout
        opened_mono = int(out.split()[-1]) / 1e9
        opened_wall = time.time() - (time.monotonic() - opened_mono)

        def arrived():
            return [r for r in requests() if r.get("path") == "/tenant-org-b"
                    and (r.get("body") or {}).get("groupLabels", {}).get("vlan") == str(vlan)]
        wait(f"org-b's webhook for VLAN {vlan}", lambda: arrived(), 120)
        first = arrived()[0]
        latencies.append(first["at"] - opened_wall)
        detections.append(detected(vlan, opened_mono))
        sensors = {a["labels"].get("sensor") for a in first["body"]["alerts"] if a["labels"].get("alertname") == "LoopSentryStorm"}
        both += sensors == {"edge-1", "edge-2"}
        subprocess.run([binary, "lab", "unloop", str(vlan)], capture_output=True, check=True)
        time.sleep(4)  # the storm clears before the next loop

    print("## Fleet: loop to tenant webhook through Prometheus and Alertmanager")
    print()
    print("`bench/fleet.sh`: the lab with a sensor on each switch (`lab up --second-sensor`), two `loopsentry run` "
          "daemons (edge-1 on trunk0, edge-2 on trunk1), Prometheus scraping both with the shipped rules, Alertmanager "
          "with the shipped example routing org-b's alerts to a local webhook receiver. Each run opens a loop on a VLAN "
          "of its own (a new alert group) and times loop opened → first POST to org-b's receiver.")
    print()
    print(f"Intervals: Prometheus scrape_interval {interval} s and evaluation_interval {interval} s, "
          f"Alertmanager group_wait {group_wait} s; the sensors poll every 100 ms and need 300 ms above the "
          "threshold (defaults).")
    print()
    print("| loop opened → | runs | min | median | max |")
    print("|---|---|---|---|---|")
    for what, xs in [("first sensor's stormDetected", detections), ("org-b's webhook (Prometheus + Alertmanager)", latencies)]:
        print(f"| {what} | {len(xs)} | {min(xs):.2f} s | {statistics.median(xs):.2f} s | {max(xs):.2f} s |")
    print()
    print(f"Notifications naming both sensors: {both} of {len(latencies)}. "
          "Webhook per run (s): " + ", ".join(f"{x:.2f}" for x in latencies) + ". Most of it is group_wait, which gives "
          "the second sensor's alert time to join the first one's notification; the rest is detection, up to one "
          "scrape and one evaluation interval, and Alertmanager's dispatch.")
finally:
    for p in reversed(procs):
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(work, ignore_errors=True)
