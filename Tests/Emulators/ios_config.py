"""The configuration an IOS emulator keeps: hostname and interfaces (pure, no I/O).

Only what a trunk VLAN cut touches is modelled: per interface the switchport mode, the access VLAN
and the trunk's allowed list (ios_vlans); every other interface line is kept verbatim. `flows`
says which VLANs the port forwards: a trunk its allowed list, an access port its access VLAN
(the allowed list of an access port is stored but does nothing, as on IOS).
"""
import copy
import re

import ios_vlans

PREFIXES = [("GigabitEthernet", "gi"), ("TenGigabitEthernet", "te"), ("FastEthernet", "fa"),
            ("Port-channel", "po"), ("Vlan", "vl")]


class Interface:
    def __init__(self, name):
        self.name = name
        self.mode = None            # None (dynamic), "trunk" or "access"
        self.access_vlan = 1
        self.allowed = set(ios_vlans.ALL)
        self.other = []             # other lines, verbatim without the leading space

    def lines(self):
        out = ["interface " + self.name]
        out += [" " + line for line in self.other if line.startswith("description")]
        if self.access_vlan != 1:
            out.append(" switchport access vlan %d" % self.access_vlan)
        out += ios_vlans.render(self.allowed)
        if self.mode:
            out.append(" switchport mode " + self.mode)
        out += [" " + line for line in self.other if not line.startswith("description")]
        return out

    def flows(self):
        return set(self.allowed) if self.mode == "trunk" else {self.access_vlan}

    def configure(self, line):
        """Applies one interface-mode line; False when IOS would reject it."""
        words = line.split()
        if words[:4] == ["switchport", "trunk", "allowed", "vlan"]:
            result = ios_vlans.apply(self.allowed, words[4:])
            if result is None:
                return False
            self.allowed = result
        elif words[:2] == ["switchport", "mode"] and len(words) == 3 and words[2] in ("trunk", "access"):
            self.mode = words[2]
        elif words[:3] == ["switchport", "access", "vlan"] and len(words) == 4:
            vlan = ios_vlans.parse_list(words[3])
            if not vlan or len(vlan) != 1:
                return False
            self.access_vlan = vlan.pop()
        elif words[0] in ("description", "shutdown", "no", "speed", "duplex", "spanning-tree"):
            if line not in self.other:
                self.other.append(line)
        else:
            return False
        return True


class Config:
    def __init__(self):
        self.hostname = "Switch"
        self.interfaces = []
        self.other = []

    def clone(self):
        return copy.deepcopy(self)

    def find(self, name):
        """The interface a (possibly abbreviated, any case) name means, or None."""
        full = normalize(name)
        return next((i for i in self.interfaces if full and i.name.lower() == full.lower()), None)

    def text(self):
        out = ["!", "version 15.2", "hostname " + self.hostname, "!"]
        out += self.other + (["!"] if self.other else [])
        for interface in self.interfaces:
            out += interface.lines() + ["!"]
        return out + ["end"]

    def state(self):
        return {i.name: {"mode": i.mode or "dynamic", "allowed": ios_vlans.compact(i.allowed),
                         "flows": ios_vlans.compact(i.flows())} for i in self.interfaces}


def normalize(name):
    """Gi1/0/1 -> GigabitEthernet1/0/1; None when the name is no interface name."""
    m = re.match(r"^([A-Za-z-]+)\s*([0-9][0-9/.:]*)$", name)
    if not m:
        return None
    word = m.group(1).lower()
    for full, short in PREFIXES:
        if len(word) >= 2 and full.lower().startswith(word) and word.startswith(short):
            return full + m.group(2)
    return None


def load(text):
    """Builds a Config from IOS configuration text (as `show running-config` writes it)."""
    config, current = Config(), None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.strip().startswith("!") or line.strip() in ("end", "version 15.2"):
            current = None if not line.startswith(" ") else current
            continue
        if line.startswith(" ") and current is not None:
            if not current.configure(line.strip()):
                raise ValueError("unsupported interface line: %r" % line.strip())
        elif line.startswith("hostname "):
            config.hostname, current = line.split()[1], None
        elif line.startswith("interface "):
            name = normalize(line[len("interface "):])
            if name is None:
                raise ValueError("bad interface name: %r" % line)
            current = Interface(name)
            config.interfaces.append(current)
        else:
            config.other.append(line)
            current = None
    return config
