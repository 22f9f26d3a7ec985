"""Helper of bench/capture.sh.
record LABEL RATE SETTING PREFIX RX_PACKETS RX_DROPPED BACKLOG_DROPS VLAN: one step's files -> one JSON line on stdout.
report RESULTS PLOT STEP_S MAX_FRAMES BUFFER_KIB KERNEL: Markdown on stdout, the plot to PLOT."""
import json
import re
import sys


def record(label, rate, setting, prefix, rx_packets, rx_dropped, backlog_drops, vlan):
    lines = [l for l in open(prefix + ".mon").read().splitlines() if l.strip()]
    last = json.loads(lines[-1])
    ebpf = sum(v["frames_total"] for v in last["vlans"] if v["vlan"] == int(vlan))
    pcap = dict(kv.split("=") for kv in open(prefix + ".pcap").read().split())
    send = open(prefix + ".send").read()
    m = re.search(r"sent (\d+) frames in ([0-9.]+) s", send)
    if not m:
        sys.exit(f"capture.py: no 'sent N frames' in {prefix}.send: {send!r}")
    print(json.dumps({
        "label": label, "rate": int(rate), "setting": setting,
        "sent": int(m.group(1)), "seconds": float(m.group(2)), "ebpf": ebpf,
        "pcap_delivered": int(pcap["delivered"]), "pcap_recv": int(pcap["recv"]),
        "pcap_drop": int(pcap["drop"]), "pcap_ifdrop": int(pcap["ifdrop"]),
        "rx_packets": int(rx_packets), "rx_dropped": int(rx_dropped), "backlog_drops": int(backlog_drops),
    }))


def report(results, plot, step_s, max_frames, buffer_kib, kernel):
    rows = [json.loads(l) for l in open(results) if l.strip()]
    main = [r for r in rows if r["setting"] == "pass"]
    check = [r for r in rows if r["setting"] == "drop"]
    out = print
    out("## Capture: eBPF sensor vs libpcap under 100-byte broadcast floods (the paper's experiment)")
    out()
    out(f"Command: `bench/capture.sh` (STEP_S={step_s}, MAX_FRAMES={max_frames}, PCAP_BUFFER_KIB={buffer_kib}), "
        "release build.")
    out("One veth pair between two private namespaces; `loopsentry lab send` floods 100-byte 802.1Q broadcast "
        f"frames on VLAN 20 from one end for {step_s} s per paced step (`--rate`; `max` = `--rate 0`, "
        f"{max_frames} frames). At the other end, at the same time: the eBPF sensor (`loopsentry monitor --json "
        "--interval 200`, tagged frames **passed** to the stack) and a libpcap counter (`bench/pcapcount.c`: "
        f"pcap_create/pcap_loop with tcpdump's defaults — snaplen 262144, promiscuous, 1000 ms timeout, "
        f"TPACKET_V3 ring of {buffer_kib} KiB, libpcap's Linux default that tcpdump keeps without `-B`; "
        "no filter). Sender, receiver stack, sensor and pcap share the machine's cores.")
    out()
    out("| target rate (pps) | sender rate (kpps) | frames sent | eBPF counted | eBPF / sent | pcap delivered "
        "| pcap / sent | pcap_stats recv | pcap_stats drop | backlog drops |")
    out("|---|---|---|---|---|---|---|---|---|---|")
    for r in main:
        target = "max" if r["rate"] == 0 else str(r["rate"])
        out(f"| {target} | {r['sent'] / r['seconds'] / 1000:.1f} | {r['sent']} | {r['ebpf']} | "
            f"{r['ebpf'] / r['sent']:.4f} | {r['pcap_delivered']} | {r['pcap_delivered'] / r['sent']:.4f} | "
            f"{r['pcap_recv']} | {r['pcap_drop']} | {r['backlog_drops']} |")
    out()
    for r in check:
        out(f"Order check (same flood as `max`, tagged frames **dropped** by the tc program after counting): "
            f"sent {r['sent']}, eBPF counted {r['ebpf']}, pcap delivered {r['pcap_delivered']} "
            f"(pcap_stats recv {r['pcap_recv']}, drop {r['pcap_drop']}).")
        seen = (r["pcap_delivered"] + r["pcap_drop"]) / r["sent"] if r["sent"] else 0
        if seen > 0.9:
            out(f"On this kernel ({kernel}) the AF_PACKET taps run before tc ingress (in "
                "`__netif_receive_skb_core` the `ptype_all` taps come before `sch_handle_ingress`): pcap still saw "
                f"{seen:.4f} of the frames (delivered + ring drops) although the sensor dropped them. Dropping "
                "therefore hides nothing from pcap; the table uses `pass`, where the receiving stack does its usual "
                "work (it discards VLAN frames it has no interface for), so neither counter is given an advantage.")
        else:
            out(f"On this kernel ({kernel}) pcap saw only {seen:.4f} of the frames the sensor dropped: tc ingress "
                "runs before the AF_PACKET taps here, so only `pass` (the table) is a fair comparison.")
    out()
    out("pcap delivered: frames the program's callback received. pcap_stats recv counts frames that reached the "
        "socket including ring drops; drop: frames the kernel discarded because the ring was full. "
        "backlog drops: frames the kernel discarded at a full per-CPU input queue (`/proc/net/softnet_stat`, "
        "second column, host-wide, over the step) — before either counter could see them.")
    out()
    out("![capture ratio per rate](bench/capture.png)")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("capture.py: matplotlib is missing (Debian: python3-matplotlib, run with /usr/bin/python3)")
    labels = ["max" if r["rate"] == 0 else f"{r['rate'] // 1000}k" for r in main]
    xs = range(len(main))
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xs, [r["ebpf"] / r["sent"] for r in main], "o-", label="eBPF sensor (tc) / sent")
    ax.plot(xs, [r["pcap_delivered"] / r["sent"] for r in main], "s-", label="libpcap delivered / sent")
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{l}\n({r['sent'] / r['seconds'] / 1000:.0f} kpps)" for l, r in zip(labels, main)])
    ax.set_xlabel("target rate (achieved sender rate)")
    ax.set_ylabel("frames counted / frames sent")
    ax.set_ylim(0, 1.05)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title("100-byte 802.1Q broadcast flood over veth")
    fig.tight_layout()
    fig.savefig(plot, dpi=100)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "record":
        record(*args)
    elif cmd == "report":
        report(*args)
    else:
        sys.exit(f"capture.py: unknown command {cmd}")
