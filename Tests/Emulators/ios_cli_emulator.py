#!/usr/bin/python3
"""A Cisco IOS switch CLI over SSH, for tests of the IOS playbook through Ansible's network_cli.

    ios_cli_emulator.py --user U --password P --config FILE --state-dir DIR
                        [--port 0] [--hostname sw1] [--enable-password S]
                        [--ready-file F] [--known-hosts-out F]

Keeps a running and a startup configuration (both start from FILE), answers the commands
cisco.ios's terminal and cliconf plugins send (terminal length/width, show privilege, enable,
show version, show vlan, show running-config [interface X] [| include|section RE],
show startup-config, configure terminal, interface, switchport ..., end, exit,
copy running-config startup-config with its destination prompt, write memory) with IOS prompts
and `% Invalid input detected at '^' marker.` for anything else.

In DIR it writes: commands.log (every command line received, in order; never a password),
events.log (logins), running-config.txt and startup-config.txt (as `show` prints them) and
state.json ({"running"|"startup": {INTERFACE: {mode, allowed, flows}}}) after every change.
Reload hook: create DIR/reload and the next login finds the running config reset to startup.
"""
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ios_config  # noqa: E402
import ssh_emulator  # noqa: E402

SHOW_VERSION = """Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2021 by Cisco Systems, Inc.

ROM: Bootstrap program is C2960X boot loader
{host} uptime is 1 hour, 4 minutes
System returned to ROM by power-on
System image file is "flash:c2960x-universalk9-mz.152-7.E4.bin"

cisco WS-C2960X-48TS-L (APM86XXX) processor (revision B0) with 524288K bytes of memory.
Processor board ID FOC0000X0XX
48 Gigabit Ethernet interfaces
Configuration register is 0xF"""


class Device:
    """Running and startup configuration shared by the sessions, and the state files."""

    def __init__(self, config, state_dir):
        self.lock = threading.RLock()
        self.running, self.startup, self.dir = config, config.clone(), state_dir
        self.persist()

    def path(self, name):
        return os.path.join(self.dir, name)

    def persist(self):
        ssh_emulator.write_atomically(self.path("running-config.txt"), "\n".join(self.running.text()) + "\n")
        ssh_emulator.write_atomically(self.path("startup-config.txt"), "\n".join(self.startup.text()) + "\n")
        ssh_emulator.write_atomically(self.path("state.json"), json.dumps(
            {"running": self.running.state(), "startup": self.startup.state()}, indent=1, sort_keys=True) + "\n")

    def reload_if_asked(self):
        with self.lock:
            if os.path.exists(self.path("reload")):
                os.remove(self.path("reload"))
                self.running = self.startup.clone()
                ssh_emulator.append_line(self.path("events.log"), "reload")
                self.persist()

    def save(self):
        with self.lock:
            self.startup = self.running.clone()
            self.persist()


class Session:
    """One CLI session: reads lines, echoes them, answers, prints the prompt."""

    def __init__(self, device, channel, enable_password):
        self.device, self.channel, self.enable_password = device, channel, enable_password
        self.mode, self.interface, self.buffer = "user", None, b""

    def prompt(self):
        host = self.device.running.hostname
        return {"user": host + ">", "enable": host + "#", "config": host + "(config)#",
                "config-if": host + "(config-if)#"}[self.mode]

    def send(self, text):
        self.channel.sendall(text.replace("\n", "\r\n").encode())

    def read_line(self, echo=True):
        while True:
            for i, byte in enumerate(self.buffer):
                if byte in (10, 13):
                    line, rest = self.buffer[:i], self.buffer[i + 1:]
                    if byte == 13 and rest[:1] == b"\n":
                        rest = rest[1:]
                    self.buffer = rest
                    text = line.decode(errors="replace")
                    if echo:
                        self.send(text)
                    self.send("\n")
                    return text
            data = self.channel.recv(4096)
            if not data:
                return None
            self.buffer += data

    def run(self):
        self.device.reload_if_asked()
        self.send("\n" + self.prompt())
        while True:
            line = self.read_line()
            if line is None:
                return
            if line.strip():
                ssh_emulator.append_line(self.device.path("commands.log"), line)
                with self.device.lock:
                    if self.execute(line.strip()) == "exit":
                        return
            self.send(self.prompt())

    def invalid(self, line, word_index=0):
        """IOS's error with '^' under the first word it could not parse (after a known verb)."""
        words = line.split()
        if word_index == 0 and len(words) > 1 and words[0] in ("show", "terminal", "copy", "write", "configure"):
            word_index = 1
        column = line.find(words[min(word_index, len(words) - 1)]) if words else 0
        self.send(" " * (len(self.prompt()) + column) + "^\n% Invalid input detected at '^' marker.\n\n")

    def execute(self, line):
        words = line.split()
        if self.mode in ("config", "config-if"):
            return self.configure(line, words)
        if words[0] == "enable":
            return self.enable()
        if words[0] == "disable":
            self.mode = "user"
        elif words[0] in ("exit", "logout", "quit"):
            return "exit"
        elif words[:2] == ["terminal", "length"] or words[:2] == ["terminal", "width"]:
            if len(words) != 3 or not words[2].isdigit() or int(words[2]) > 512:
                self.invalid(line, 2)
        elif words[:2] == ["show", "privilege"]:
            self.send("Current privilege level is %d\n" % (15 if self.mode == "enable" else 1))
        elif words[:2] == ["show", "version"]:
            self.send(SHOW_VERSION.format(host=self.device.running.hostname) + "\n")
        elif words[:2] == ["show", "vlan"] or words[:3] == ["show", "vlan", "brief"]:
            self.send("VLAN Name                             Status    Ports\n"
                      "---- -------------------------------- --------- -------------------------------\n"
                      "1    default                          active    \n")
        elif self.mode != "enable":
            self.invalid(line)
        elif words[0] == "show" and len(words) >= 2 and words[1] in ("running-config", "startup-config"):
            self.show_config(line)
        elif words[0] in ("configure", "config", "conf") and words[1:] in (["terminal"], ["t"]):
            self.send("Enter configuration commands, one per line.  End with CNTL/Z.\n")
            self.mode = "config"
        elif words == ["copy", "running-config", "startup-config"]:
            self.send("Destination filename [startup-config]? ")
            answer = self.read_line()
            if answer is None or answer.strip() not in ("", "startup-config"):
                self.send("%Error opening nvram:/%s (Invalid argument)\n" % (answer or "").strip())
            else:
                self.device.save()
                self.send("Building configuration...\n[OK]\n")
        elif words in (["write"], ["write", "memory"]):
            self.device.save()
            self.send("Building configuration...\n[OK]\n")
        else:
            self.invalid(line)
        return None

    def enable(self):
        if self.enable_password:
            self.send("Password: ")
            if self.read_line(echo=False) != self.enable_password:
                self.send("% Access denied\n\n")
                return None
        self.mode = "enable"
        return None

    def show_config(self, line):
        command, _, pipe = line.partition("|")
        words = command.split()
        config = self.device.running if words[1] == "running-config" else self.device.startup
        if len(words) == 4 and words[2] == "interface":
            interface = config.find(words[3])
            if interface is None:
                return self.invalid(line, 3)
            body = interface.lines() + ["end"]
        elif len(words) == 2:
            body = config.text()
        else:
            return self.invalid(line, 2)
        size = sum(len(b) + 1 for b in body)
        header = (["Building configuration...", "", "Current configuration : %d bytes" % size]
                  if words[1] == "running-config" else ["Using %d out of 1048576 bytes" % size])
        lines = header + body
        if pipe:
            lines = self.filter(lines, pipe.split())
            if lines is None:
                return self.invalid(line, len(words))
        self.send("\n".join(lines) + "\n")
        return None

    @staticmethod
    def filter(lines, words):
        if len(words) < 2 or words[0] not in ("include", "section", "i", "s"):
            return None
        pattern = re.compile(" ".join(words[1:]))
        if words[0] in ("include", "i"):
            return [l for l in lines if pattern.search(l)]
        out, keep = [], False
        for l in lines:
            if not l.startswith(" "):
                keep = bool(pattern.search(l))
            elif not keep and pattern.search(l):
                out.append(l)
                continue
            if keep:
                out.append(l)
        return out

    def configure(self, line, words):
        config = self.device.running
        if words[0] == "end":
            self.mode, self.interface = "enable", None
        elif words[0] == "exit":
            self.mode, self.interface = ("config", None) if self.mode == "config-if" else ("enable", None)
        elif words[0] == "interface" and len(words) >= 2:
            interface = config.find("".join(words[1:]))
            if interface is None:
                return self.invalid(line, 1)
            self.mode, self.interface = "config-if", interface
        elif words[0] == "hostname" and len(words) == 2 and self.mode == "config":
            config.hostname = words[1]
            self.device.persist()
        elif self.mode == "config-if" and self.interface.configure(line):
            self.device.persist()
        else:
            self.invalid(line)
        return None


def main():
    parser = ssh_emulator.OneLineArgumentParser(prog="ios_cli_emulator.py", description=__doc__.split("\n")[0])
    ssh_emulator.add_common_arguments(parser)
    parser.add_argument("--config", required=True, help="initial running and startup configuration (IOS text)")
    parser.add_argument("--hostname", help="overrides the configuration's hostname")
    parser.add_argument("--enable-password", help="enable secret (default: enable asks for none)")
    args = parser.parse_args()
    ssh_emulator.check_common_arguments(parser, args)
    try:
        with open(args.config, encoding="utf-8") as f:
            config = ios_config.load(f.read())
    except OSError as e:
        parser.error("--config %s: %s" % (args.config, e.strerror))
    except ValueError as e:
        parser.error("--config %s: %s" % (args.config, e))
    if args.hostname:
        config.hostname = args.hostname
    device = Device(config, args.state_dir)
    ssh_emulator.serve(args, lambda channel, _: Session(device, channel, args.enable_password).run())


if __name__ == "__main__":
    main()
