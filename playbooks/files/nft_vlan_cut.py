"""Cut or restore VLANs on one Linux bridge port with nftables, in one `nft -f -` transaction.

Run by linux-bridge-vlan-fast.yml as `python3 -c THIS_FILE VARS_JSON` (no shell). VARS_JSON holds
the playbook variables: action cut|restore, vlans (list) or vlan, port, netns, incident_id,
tenant, check. Every value is validated here before use. The rules are exactly those of
linux-bridge-vlan.yml (table bridge loopsentry, chain cut, hook forward priority -200):
    iifname "PORT" vlan id N counter drop comment "loopsentry port=PORT vlan=N dir=in incident=I tenant=T"
and the oifname/dir=out twin, so either playbook sees the other's cut. Only missing rules are
added (cut) and only present ones deleted (restore). Prints {"changed": bool, "script": [lines]}.
"""
import json
import re
import subprocess
import sys


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def main():
    v = json.loads(sys.argv[1])
    vlans = v.get("vlans") if v.get("vlans") is not None else [v.get("vlan")]
    ok = (v.get("action") in ("cut", "restore") and isinstance(vlans, list) and vlans
          and all(re.fullmatch(r"[0-9]{1,4}", str(x)) and 1 <= int(x) <= 4094 for x in vlans)
          and (v.get("vlan") is None or v.get("vlans") is None or str(v["vlan"]) in map(str, v["vlans"]))
          and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}", str(v.get("port", "")))
          and re.fullmatch(r"[A-Za-z0-9_.:/-]{1,64}", str(v.get("incident_id") or "manual"))
          and re.fullmatch(r"[A-Za-z0-9_.-]{0,64}", str(v.get("netns") or "")))
    if not ok:
        fail("bad variables: need action cut|restore, vlans a list of VLAN IDs 1-4094 (or vlan), port an "
             "interface name, incident_id [A-Za-z0-9_.:/-]{1,64}, netns a namespace name")
    port, ids = v["port"], sorted({int(x) for x in vlans})
    incident = v.get("incident_id") or "manual"
    tenant = re.sub(r"[^A-Za-z0-9_.-]", "_", str(v.get("tenant") or "-"))[:32]
    ns = ["ip", "netns", "exec", v["netns"]] if v.get("netns") else []

    link = subprocess.run(ns + ["ip", "-d", "-j", "link", "show", "dev", port], capture_output=True, text=True)
    if link.returncode != 0 or json.loads(link.stdout)[0].get("linkinfo", {}).get("info_slave_kind") != "bridge":
        where = " (netns %s)" % v["netns"] if ns else ""
        fail("%s is not a bridge port%s: %s" % (port, where, link.stderr.strip() or "not enslaved to a bridge"))

    listed = subprocess.run(ns + ["nft", "-j", "-a", "list", "chain", "bridge", "loopsentry", "cut"],
                            capture_output=True, text=True)
    rules = [item["rule"] for item in json.loads(listed.stdout)["nftables"] if "rule" in item] if listed.returncode == 0 else []
    script = []
    for vlan in ids:
        key = "loopsentry port=%s vlan=%d " % (port, vlan)
        ours = [r for r in rules if r.get("comment", "").startswith(key)]
        if v["action"] == "cut":
            have = {m.group(1) for r in ours for m in [re.search(r"dir=(in|out)", r["comment"])] if m}
            for direction in ("in", "out"):
                if direction not in have:
                    script.append('add rule bridge loopsentry cut %s "%s" vlan id %d counter drop comment "%sdir=%s incident=%s tenant=%s"'
                                  % ("iifname" if direction == "in" else "oifname", port, vlan, key, direction, incident, tenant))
        else:
            script += ["delete rule bridge loopsentry cut handle %d" % r["handle"] for r in ours]
    if script and v["action"] == "cut" and listed.returncode != 0:
        script[:0] = ["add table bridge loopsentry",
                      "add chain bridge loopsentry cut { type filter hook forward priority -200; policy accept; }"]
    if script:
        check = ["--check"] if v.get("check") else []
        applied = subprocess.run(ns + ["nft"] + check + ["-f", "-"], input="\n".join(script) + "\n",
                                 capture_output=True, text=True)
        if applied.returncode != 0:
            fail("nft -f - failed: " + applied.stderr.strip())
    print(json.dumps({"changed": bool(script), "script": script}))


main()
