"""How Cisco IOS keeps and writes a trunk's allowed VLAN list (pure, no I/O).

A list is a set of VLAN IDs 1-4094. IOS writes no line when every VLAN is allowed, `none` when
none is, and otherwise ranges of three or more consecutive VLANs as `a-b` (two as `a,b`). A list
too long for one line continues on `switchport trunk allowed vlan add ...` lines; no line is
longer than LINE_WIDTH characters.
"""
ALL = frozenset(range(1, 4095))
LINE_WIDTH = 80
FIRST = " switchport trunk allowed vlan "
NEXT = " switchport trunk allowed vlan add "


def parse_list(text):
    """'10,15-25' -> set; None when the text is not a valid VLAN list."""
    result = set()
    for item in text.split(","):
        bounds = item.split("-")
        if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
            return None
        low, high = int(bounds[0]), int(bounds[-1])
        if not 1 <= low <= high <= 4094:
            return None
        result.update(range(low, high + 1))
    return result


def items(vlans):
    """Sorted list items as IOS writes them: ranges of 3+ as a-b."""
    out, run = [], []
    for v in sorted(vlans):
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        out.extend(_flush(run))
        run = [v]
    out.extend(_flush(run))
    return out


def _flush(run):
    if not run:
        return []
    if len(run) >= 3:
        return ["%d-%d" % (run[0], run[-1])]
    return [str(v) for v in run]


def render(vlans):
    """The configuration lines for an allowed set (empty when all VLANs are allowed)."""
    if vlans == ALL:
        return []
    if not vlans:
        return [FIRST + "none"]
    lines, current, prefix = [], "", FIRST
    for item in items(vlans):
        candidate = item if not current else current + "," + item
        if current and len(prefix) + len(candidate) > LINE_WIDTH:
            lines.append(prefix + current)
            prefix, candidate = NEXT, item
        current = candidate
    lines.append(prefix + current)
    return lines


def apply(allowed, words):
    """Applies `switchport trunk allowed vlan WORDS...` to a set; None when the words are invalid."""
    if words == ["all"]:
        return set(ALL)
    if words == ["none"]:
        return set()
    if len(words) == 1:
        return parse_list(words[0])
    if len(words) != 2:
        return None
    verb, listed = words[0], parse_list(words[1])
    if listed is None:
        return None
    if verb == "add":
        return set(allowed) | listed
    if verb == "remove":
        return set(allowed) - listed
    if verb == "except":
        return set(ALL) - listed
    return None


def compact(vlans):
    """A set as one comma list ('' for none), for state files."""
    return ",".join(items(vlans))
