"""Opens and closes a loop on VLAN 20 RUNS times with the sensor running; prints the latencies."""
import json, statistics, subprocess, sys, time

from report import high, pct_label, verdict

binary, runs = sys.argv[1], int(sys.argv[2])
out = open("/tmp/loopsentry-bench-detection.jsonl", "w+")
sensor = subprocess.Popen([binary, "monitor", "--netns", "lsl-sensor", "--interface", "trunk0", "--json",
                           "--drop-tagged", "--probe", "10,20,30"], stdout=out, stderr=subprocess.DEVNULL)

def events():
    out.flush()
    with open(out.name) as f:
        return [e for line in f if line.strip() for e in json.loads(line)["events"]]

def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [e for e in events() if pred(e)]
        if found:
            return found[0]
        time.sleep(0.02)
    return None

def lab(verb):
    line = subprocess.run([binary, "lab", verb, "20"], check=True, capture_output=True, text=True).stdout
    return int(line.split()[-1])

time.sleep(2)
storm, loop, clear, missed = [], [], [], 0
try:
    for run in range(runs):
        seen = len(events())
        opened = lab("loop")
        s = wait_for(lambda e: e["event"] == "stormDetected" and e["monotonic_ns"] > opened, 5)
        l = wait_for(lambda e: e["event"] == "loopConfirmed" and e["monotonic_ns"] > opened, 5)
        closed = lab("unloop")
        c = wait_for(lambda e: e["event"] == "stormCleared" and e["monotonic_ns"] > closed, 8)
        if not (s and l and c):
            missed += 1
            print(f"run {run}: missing " + ", ".join(n for n, x in [("stormDetected", s), ("loopConfirmed", l), ("stormCleared", c)] if not x),
                  file=sys.stderr)
            time.sleep(3)
            continue
        storm.append((s["monotonic_ns"] - opened) / 1e6)
        loop.append((l["monotonic_ns"] - opened) / 1e6)
        clear.append((c["monotonic_ns"] - closed) / 1e6)
        time.sleep(0.5)
finally:
    sensor.terminate()
    sensor.wait()


print("## Detection latency on the lab (loop on VLAN 20)")
print()
print(f"Command: `bench/detection.sh` (RUNS={runs}); default settings: poll 100 ms, sustain 300 ms, "
      "rising 1000 / falling 500 broadcast frames/s, clear 2 s, probes every 1 s on VLANs 10,20,30 "
      "plus an immediate probe when a VLAN's rate rises.")
print()
print(f"| from → to | runs | median (ms) | {pct_label(runs)} (ms) | min (ms) | max (ms) |")
print("|---|---|---|---|---|---|")
for name, xs in [("loop opens → storm detected", storm), ("loop opens → loop confirmed by returned probe", loop),
                 ("loop closed → storm cleared", clear)]:
    if xs:
        print(f"| {name} | {len(xs)} | {statistics.median(xs):.0f} | {high(xs):.0f} | {min(xs):.0f} | {max(xs):.0f} |")
print()
print(f"Runs with an event missing: {missed}.")
print()
if storm:
    print("| goal | result |")
    print("|---|---|")
    print(f"| loop opens → storm detected, median < 500 ms | {verdict(statistics.median(storm), 500, ' ms')} |")
    print(f"| loop opens → storm detected, {pct_label(len(storm))} < 500 ms | {verdict(high(storm), 500, ' ms')} |")
