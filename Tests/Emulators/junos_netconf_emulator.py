#!/usr/bin/python3
"""A Junos (EX/QFX) NETCONF server over SSH, for tests of the Junos playbook through ncclient.

    junos_netconf_emulator.py --user U --password P --config FILE --state-dir DIR
                              [--port 0] [--base10-only] [--ready-file F] [--known-hosts-out F]

SSH subsystem "netconf"; hello with Junos capabilities (so ncclient picks the junos handler),
NETCONF 1.0 `]]>]]>` framing, or 1.1 chunked framing when both sides offer base:1.1 (not with
--base10-only). Keeps a committed and a candidate configuration as `display set` lines (FILE
holds the initial `set` lines) and answers get-software-information, lock/unlock (and
lock-configuration/unlock-configuration), load-configuration (action=set format=text, or xml
with operation="delete"), get-configuration (format text/set/xml, compare=rollback),
command (show configuration ... [| display set]), validate, commit-configuration (log comment),
discard-changes, close-session; anything else is an rpc-error.

In DIR: rpc.log (one line per RPC), events.log (logins), committed.conf, candidate.conf and
state.json ({"committed": {"IF unit U": {"members": [...], "vlans": "10,40-49"}}, "commits": [...]}).
"""
import json
import os
import re
import sys
import threading
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junos_config_store as store  # noqa: E402
import ssh_emulator  # noqa: E402

BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
CAPABILITIES = ["urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:capability:candidate:1.0",
                "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
                "urn:ietf:params:netconf:capability:validate:1.0",
                "urn:ietf:params:xml:ns:netconf:base:1.0", "http://xml.juniper.net/netconf/junos/1.0",
                "http://xml.juniper.net/dmi/system/1.0"]
SOFTWARE = ("<software-information><host-name>{host}</host-name><product-model>qfx5100-48s-6q</product-model>"
            "<product-name>qfx5100-48s-6q</product-name><junos-version>18.4R3-S4</junos-version>"
            "</software-information>")


class Device:
    def __init__(self, lines, state_dir):
        self.lock, self.dir = threading.RLock(), state_dir
        self.committed, self.candidate, self.commits, self.owner = list(lines), list(lines), [], None
        self.persist()

    def persist(self):
        path = lambda n: os.path.join(self.dir, n)  # noqa: E731
        ssh_emulator.write_atomically(path("committed.conf"), "\n".join(self.committed) + "\n")
        ssh_emulator.write_atomically(path("candidate.conf"), "\n".join(self.candidate) + "\n")
        raw, ids = store.members(self.committed)
        ssh_emulator.write_atomically(path("state.json"), json.dumps({
            "committed": {k: {"members": raw[k], "vlans": store.compact(ids.get(k, []))} for k in raw},
            "commits": self.commits}, indent=1, sort_keys=True) + "\n")


def text(element):
    return (element.text or "").strip() if element is not None else ""


def local(element):
    return element.tag.split("}")[-1]


def child(element, name):
    """The first child called `name`, whatever its namespace (ncclient sends the base one)."""
    return next((c for c in element if local(c) == name), None)


class Session:
    def __init__(self, device, channel, base11):
        self.device, self.channel, self.offer11, self.chunked, self.buffer = device, channel, base11, False, b""

    def log(self, line):
        ssh_emulator.append_line(os.path.join(self.device.dir, "rpc.log"), line)

    def send(self, xml):
        data = xml.encode()
        if self.chunked:
            self.channel.sendall(b"\n#%d\n" % len(data) + data + b"\n##\n")
        else:
            self.channel.sendall(data + b"]]>]]>")

    def receive(self):
        while True:
            if self.chunked:
                message = self._chunked_message()
                if message is not None:
                    return message
            elif b"]]>]]>" in self.buffer:
                message, _, self.buffer = self.buffer.partition(b"]]>]]>")
                return message.decode()
            data = self.channel.recv(65536)
            if not data:
                return None
            self.buffer += data

    def _chunked_message(self):
        parts, rest = [], self.buffer
        while True:
            m = re.match(rb"\s*\n#(\d+)\n", rest)
            if m:
                size = int(m.group(1))
                if len(rest) < m.end() + size:
                    return None
                parts.append(rest[m.end():m.end() + size])
                rest = rest[m.end() + size:]
                continue
            m = re.match(rb"\s*\n##\n", rest)
            if m:
                self.buffer = rest[m.end():]
                return b"".join(parts).decode()
            return None

    def run(self):
        caps = CAPABILITIES + (["urn:ietf:params:netconf:base:1.1"] if self.offer11 else [])
        self.send('<hello xmlns="%s"><capabilities>%s</capabilities><session-id>%d</session-id></hello>'
                  % (BASE, "".join("<capability>%s</capability>" % c for c in caps), threading.get_ident() % 65536))
        hello = self.receive()
        if hello is None:
            return
        self.chunked = self.offer11 and "urn:ietf:params:netconf:base:1.1" in hello
        self.log("hello framing=%s" % ("1.1-chunked" if self.chunked else "1.0-eom"))
        try:
            while True:
                message = self.receive()
                if message is None:
                    return
                rpc = ET.fromstring(message)
                with self.device.lock:
                    body, close = self.answer(list(rpc)[0])
                self.send('<rpc-reply xmlns="%s" xmlns:junos="http://xml.juniper.net/junos/18.4R3/junos" '
                          'message-id="%s">%s</rpc-reply>' % (BASE, rpc.get("message-id", ""), body))
                if close:
                    return
        finally:
            with self.device.lock:
                if self.device.owner is self:
                    self.device.owner = None

    def answer(self, op):
        name = local(op)
        device = self.device
        if name == "get-software-information":
            self.log(name)
            return SOFTWARE.format(host="qfx1"), False
        if name in ("lock", "lock-configuration", "unlock", "unlock-configuration"):
            self.log(name)
            if name.startswith("lock"):
                if device.owner not in (None, self):
                    return error("configuration database locked by another session"), False
                device.owner = self
            elif device.owner is self:
                device.owner = None
            return "<ok/>", False
        if name == "load-configuration":
            return self.load(op), False
        if name == "get-configuration":
            return self.get_configuration(op), False
        if name == "command":
            return self.command(op), False
        if name == "validate":
            self.log(name)
            return "<ok/>", False
        if name == "commit-configuration":
            comment = text(child(op, "log"))
            self.log("commit-configuration log=%s" % comment)
            device.committed = list(device.candidate)
            device.commits.append(comment)
            device.persist()
            return ("<commit-results><routing-engine><name>re0</name><commit-success/></routing-engine>"
                    "</commit-results>"), False
        if name == "discard-changes":
            self.log(name)
            device.candidate = list(device.committed)
            device.persist()
            return "<ok/>", False
        if name == "close-session":
            self.log(name)
            return "<ok/>", True
        self.log("unknown %s" % name)
        return error("syntax error, expecting <rpc> method: %s" % name), False

    def load(self, op):
        action, fmt = op.get("action", "merge"), op.get("format", "xml")
        if fmt == "text" and action == "set":
            statements = text(child(op, "configuration-set")).splitlines()
        elif fmt == "xml" and child(op, "configuration") is not None:
            statements = store.from_xml(child(op, "configuration"))
        else:
            self.log("load-configuration action=%s format=%s: unsupported" % (action, fmt))
            return error("unsupported load action=%s format=%s" % (action, fmt))
        self.log("load-configuration action=%s format=%s: %s" % (action, fmt, " | ".join(s.strip() for s in statements if s.strip())))
        try:
            self.device.candidate, warnings = store.apply(self.device.candidate, statements)
        except ValueError as e:
            return "<load-configuration-results>%s</load-configuration-results>" % error(str(e))
        self.device.persist()
        return "<load-configuration-results>%s<load-success/></load-configuration-results>" % "".join(
            error(w, "warning") for w in warnings)

    def get_configuration(self, op):
        fmt, compare = op.get("format", "xml"), op.get("compare")
        self.log("get-configuration format=%s%s" % (fmt, " compare=%s rollback=%s" % (compare, op.get("rollback", "0")) if compare else ""))
        if compare == "rollback":
            return ("<configuration-information><configuration-output>\n%s\n</configuration-output>"
                    "</configuration-information>" % escape(store.diff(self.device.committed, self.device.candidate)))
        lines = self.device.candidate if op.get("database") != "committed" else self.device.committed
        if fmt == "set":
            return "<configuration-set>\n%s\n</configuration-set>" % escape("\n".join(lines))
        if fmt == "text":
            return "<configuration-text>\n%s\n</configuration-text>" % escape("\n".join(lines))
        return "<configuration/>"

    def command(self, op):
        command, fmt = text(op), op.get("format", "xml")
        self.log("command format=%s: %s" % (fmt, command))
        words = command.split("|")[0].split()
        if words[:2] != ["show", "configuration"]:
            return error("syntax error: %s" % command)
        prefix = "set " + " ".join(words[2:])
        lines = [l for l in self.device.committed if l == prefix.strip() or l.startswith(prefix.rstrip() + " ")]
        body = escape("\n".join(lines))
        if fmt == "set" or "display set" in command:
            return "<configuration-set>\n%s\n</configuration-set>" % body
        return "<configuration-output>\n%s\n</configuration-output>" % body


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def error(message, severity="error"):
    return ("<rpc-error><error-type>protocol</error-type><error-tag>operation-failed</error-tag>"
            "<error-severity>%s</error-severity><error-message>%s</error-message></rpc-error>"
            % (severity, escape(message)))


def main():
    parser = ssh_emulator.OneLineArgumentParser(prog="junos_netconf_emulator.py", description=__doc__.split("\n")[0])
    ssh_emulator.add_common_arguments(parser)
    parser.add_argument("--config", required=True, help="initial configuration: `set` lines")
    parser.add_argument("--base10-only", action="store_true", help="do not offer NETCONF 1.1 chunked framing")
    args = parser.parse_args()
    ssh_emulator.check_common_arguments(parser, args)
    try:
        with open(args.config, encoding="utf-8") as f:
            lines, _ = store.apply([], f.read().splitlines())
    except OSError as e:
        parser.error("--config %s: %s" % (args.config, e.strerror))
    except ValueError as e:
        parser.error("--config %s: %s" % (args.config, e))
    device = Device(lines, args.state_dir)
    ssh_emulator.serve(args, lambda channel, _: Session(device, channel, not args.base10_only).run(),
                       subsystems=("netconf",))


if __name__ == "__main__":
    main()
