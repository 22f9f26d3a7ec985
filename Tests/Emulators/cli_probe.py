#!/usr/bin/python3
"""Test client for the IOS emulator: logs in with paramiko (host key from a known_hosts file),
sends each argument as one line and prints everything received, with \\r removed.

    cli_probe.py KNOWN_HOSTS PORT USER PASSWORD LINE...
"""
import sys
import time

import paramiko

known_hosts, port, user, password, lines = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
client = paramiko.SSHClient()
client.load_host_keys(known_hosts)
client.set_missing_host_key_policy(paramiko.RejectPolicy())
client.connect("127.0.0.1", port=port, username=user, password=password, look_for_keys=False, allow_agent=False)
shell = client.invoke_shell()
received = b""


def read_until(suffixes, start=0):
    """Reads until what arrived after `start` ends with a prompt (or a question)."""
    global received
    deadline = time.monotonic() + 10
    while len(received) == start or not any(received.endswith(s) for s in suffixes):
        if time.monotonic() > deadline:
            sys.exit("timeout waiting for a prompt after: %r" % received[-200:])
        received += shell.recv(65536)


read_until([b">", b"#"])
for line in lines:
    start = len(received)
    shell.send(line.encode() + b"\r")
    if line == "exit":
        while shell.recv(4096):  # the switch closes the session
            pass
        break
    read_until([b">", b"#", b"? ", b": "], start)
shell.close()
client.close()
sys.stdout.write(received.decode().replace("\r", ""))
