"""The measurements of bench/snmp.sh: LoopSentry's VLAN table and the minimal C subagent's, both behind one snmpd,
read alternately; prints the Markdown section.
Usage: snmp.py TABLEWALK AGENT IFINDEX DAEMON_PID MINIMAL_PID ROUNDS"""
import os, statistics, subprocess, sys, time

from report import verdict

tablewalk, agent, ifindex, daemon, minimal, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6])
ROWS, COLUMNS, REPS, GETS = 4094, 17, 20, 1000
PLAYPEN = ".1.3.6.1.4.1.8072.9999.9999"
SUBJECTS = [("minimal C subagent", f"{PLAYPEN}.2.1.2.1", minimal), ("LoopSentry", f"{PLAYPEN}.1.1.2.1", daemon)]
ENV = dict(os.environ, MIBS="")


def cpu(pid):
    """utime + stime of PID, in seconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args):
    r = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=300)
    if r.returncode != 0:
        sys.exit(f"bench/snmp.sh: {' '.join(args[:2])} … failed: {r.stderr.strip()[:300]}")
    return r.stdout


def bulkwalk(oid):
    return len(run(["snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-On", "-Oq", "-Cr100", "-t", "30", "-r", "0",
                    agent, oid]).splitlines())


def table_read(entry, mode):
    out = run([tablewalk, agent, "public", entry, "3", "19", mode, str(REPS)])
    return int(dict(kv.split("=") for kv in out.split())["varbinds"])


MEASUREMENTS = [
    ("whole table, column by column: `snmpbulkwalk -Cr100` of the entry (one varbind per request; what `snmptable` "
     "without `-CB` does too)", ROWS * COLUMNS, 1.2, None, lambda e: bulkwalk(e)),
    (f"all columns per request, GETBULK: 17 varbinds, max-repetitions {REPS} (`bench/tablewalk.c bulk`)",
     ROWS * COLUMNS, 1.3, 0.7, lambda e: table_read(e, "bulk")),
    ("all columns per request, GETNEXT: 17 varbinds, one row per request (what `snmptable -CB` sends; "
     "`bench/tablewalk.c next`)", ROWS * COLUMNS, 1.3, None, lambda e: table_read(e, "next")),
    ("one column: `snmpbulkwalk -Cr100` of loopSentryVlanState", ROWS, None, None, lambda e: bulkwalk(e + ".15")),
]

# Both tables complete before measuring (the daemon publishes its rows within a second of starting).
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        if all(bulkwalk(entry + ".15") == ROWS for _, entry, _ in SUBJECTS):
            break
    except (SystemExit, subprocess.TimeoutExpired):
        pass
    time.sleep(0.5)
else:
    sys.exit("bench/snmp.sh: the two tables never both had 4094 rows")

times = [[[] for _ in SUBJECTS] for _ in MEASUREMENTS]
cpus = [[[] for _ in SUBJECTS] for _ in MEASUREMENTS]
gets = [[] for _ in SUBJECTS]
for rnd in range(rounds):
    for s in ([0, 1] if rnd % 2 == 0 else [1, 0]):
        _, entry, pid = SUBJECTS[s]
        for m, (label, varbinds, _, _, read) in enumerate(MEASUREMENTS):
            c0, t0 = cpu(pid), time.monotonic()
            got = read(entry)
            times[m][s].append(time.monotonic() - t0)
            cpus[m][s].append(cpu(pid) - c0)
            if got != varbinds:
                sys.exit(f"bench/snmp.sh: {SUBJECTS[s][0]}: {label}: {got} varbinds, expected {varbinds}")
        gets[s] += [float(x) / 1000 for x in run([tablewalk, agent, "public", entry, "8", str(ROWS), "get", str(GETS),
                                                  ifindex]).split()]

print("| measurement | varbinds | minimal C subagent: median s | LoopSentry: median s | LoopSentry / minimal | "
      "goal: ratio | goal: LoopSentry's time | subagent process CPU s per read: minimal / LoopSentry |")
print("|---|---|---|---|---|---|---|---|")
for m, (label, varbinds, goal, limit, _) in enumerate(MEASUREMENTS):
    a, b = statistics.median(times[m][0]), statistics.median(times[m][1])
    g = f"≤ {goal:.1f}×: " + verdict(b / a, goal, "×", ".2f") if goal else "–"
    lim = f"< {limit:.1f} s: " + verdict(b * 1000, limit * 1000, " ms") if limit else "–"
    print(f"| {label} | {varbinds} | {a:.3f} | {b:.3f} | {b / a:.2f}× | {g} | {lim} | "
          f"{statistics.median(cpus[m][0]):.2f} / {statistics.median(cpus[m][1]):.2f} |")
print()
print(f"| GET of one varbind, {rounds} × {GETS} sequential requests per subagent (UDP v2c via snmpd + AgentX; "
      "`bench/tablewalk.c get`) | minimal C subagent (ms) | LoopSentry (ms) | LoopSentry / minimal |")
print("|---|---|---|---|")


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


for name, p in (("median", 0.5), ("p99", 0.99), ("max", 1.0)):
    a, b = q(gets[0], p), q(gets[1], p)
    print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f}× |")
