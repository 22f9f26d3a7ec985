"""The configuration a Junos emulator keeps, as `display set` lines (pure, no I/O).

A configuration is an ordered list of unique `set ...` lines. `set X` adds the line; `delete X`
removes the line `set X` and every line under it. `diff` writes `show | compare` style output;
`members` resolves an interface's `vlan members` (numbers, ranges `a-b`, or names defined by
`set vlans NAME vlan-id N`) to VLAN IDs.
"""
import re
import xml.etree.ElementTree as ET

MEMBERS = re.compile(r"^set interfaces (\S+) unit (\d+) family ethernet-switching vlan members (\S+)$")
VLAN_ID = re.compile(r"^set vlans (\S+) vlan-id (\d+)$")


def apply(lines, statements):
    """Applies set/delete statements; returns (new lines, warnings)."""
    lines, warnings = list(lines), []
    for raw in statements:
        statement = " ".join(raw.split())
        if not statement or statement.startswith("#"):
            continue
        verb, _, path = statement.partition(" ")
        if verb == "set" and path:
            if "set " + path not in lines:
                lines.append("set " + path)
        elif verb == "delete" and path:
            kept = [l for l in lines if l != "set " + path and not l.startswith("set " + path + " ")]
            if len(kept) == len(lines):
                warnings.append("statement not found: " + path)
            lines = kept
        else:
            raise ValueError("syntax error: " + statement)
    return lines, warnings


def from_xml(element, prefix=(), parent=""):
    """set/delete statements from a <configuration> element (`operation="delete"` deletes).

    A list entry (an element with a <name>) adds its name to the path, and its tag too unless it
    is the singular of its container (<interfaces><interface><name>xe-0/0/1 -> interfaces xe-0/0/1,
    <unit><name>0 -> unit 0), as `display set` writes it."""
    def tag(e):
        return e.tag.split("}")[-1]
    if tag(element) == "configuration" and len(element) == 1 and tag(element[0]) == "configuration":
        return from_xml(element[0])
    statements = []
    for child in element:
        name_element = next((c for c in child if tag(c) == "name"), None)
        if tag(child) == "name":
            continue
        if name_element is not None:
            path = prefix + (() if parent == tag(child) + "s" else (tag(child),)) + (name_element.text.strip(),)
        else:
            path = prefix + (tag(child),)
        leaves = [c for c in child if tag(c) != "name"]
        text = (child.text or "").strip()
        if child.get("operation") == "delete":
            statements.append("delete " + " ".join(path + ((text,) if text else ())))
        elif leaves:
            statements += from_xml(child, path, tag(child))
        elif text or name_element is None:
            statements.append("set " + " ".join(path + ((text,) if text else ())))
    return statements


def diff(committed, candidate):
    """`show | compare` output: [edit PATH] headers, then -/+ lines."""
    out, section = [], None
    removed = [("-", l) for l in committed if l not in candidate]
    added = [("+", l) for l in candidate if l not in committed]
    for sign, line in removed + added:
        words = line.split()[1:]
        parent, leaf = " ".join(words[:-2]), " ".join(words[-2:])
        if parent != section:
            out.append("[edit %s]" % parent)
            section = parent
        out.append("%s   %s;" % (sign, leaf))
    return "\n".join(out)


def members(lines):
    """{INTERFACE unit U: [member as configured, ...]} and {INTERFACE unit U: sorted VLAN IDs}."""
    names = {m.group(1): int(m.group(2)) for m in map(VLAN_ID.match, lines) if m}
    raw, ids = {}, {}
    for m in filter(None, map(MEMBERS.match, lines)):
        key = "%s unit %s" % (m.group(1), m.group(2))
        raw.setdefault(key, []).append(m.group(3))
        value = m.group(3)
        if re.match(r"^\d+-\d+$", value):
            low, high = map(int, value.split("-"))
            vlan_ids = range(low, high + 1)
        elif value.isdigit():
            vlan_ids = [int(value)]
        else:
            vlan_ids = [names[value]] if value in names else []
        ids.setdefault(key, set()).update(vlan_ids)
    return raw, {k: sorted(v) for k, v in ids.items()}


def compact(ids):
    """[40, 41, 42, 45] -> '40-42,45'."""
    out, start = [], None
    for i, v in enumerate(ids):
        if start is None:
            start = v
        if i + 1 == len(ids) or ids[i + 1] != v + 1:
            out.append(str(start) if start == v else "%d-%d" % (start, v))
            start = None
    return ",".join(out)


def parse_xml(text):
    return ET.fromstring(text)
