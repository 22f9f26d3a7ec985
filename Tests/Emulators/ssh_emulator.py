"""Shared SSH server plumbing for the switch emulators (paramiko).

Password authentication for one configured user, a host key generated for each run (ECDSA P-256),
a listener on 127.0.0.1 (port 0 picks a free one), a ready file written once the port accepts
connections ("PORT" on one line) and, optionally, the known_hosts line of the generated key.
Each accepted connection runs in a thread; the handler gets the opened channel and what the client
asked for: "shell" or "subsystem:NAME".
"""
import argparse
import os
import signal
import socket
import sys
import threading

import paramiko


class OneLineArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line and exit status 2."""

    def error(self, message):
        sys.stderr.write("%s: error: %s\n" % (self.prog, message))
        sys.exit(2)


def add_common_arguments(parser):
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--state-dir", required=True, help="directory for logs and configuration state")
    parser.add_argument("--ready-file", help="written with the port number once listening")
    parser.add_argument("--known-hosts-out", help="written with the known_hosts line of the host key")


def check_common_arguments(parser, args):
    if not 0 <= args.port <= 65535:
        parser.error("--port %d: must be 0-65535" % args.port)
    if not os.path.isdir(args.state_dir):
        parser.error("--state-dir %s: no such directory" % args.state_dir)


def append_line(path, text):
    """Appends one line to a log file (flushed at once, so a test reads it right after)."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(text + "\n")


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class _Server(paramiko.ServerInterface):
    def __init__(self, user, password, subsystems, events_log):
        self.user, self.password, self.subsystems, self.events_log = user, password, subsystems, events_log
        self.request = None
        self.ready = threading.Event()

    def get_allowed_auths(self, username):
        return "password"

    def check_auth_password(self, username, password):
        if username == self.user and password == self.password:
            append_line(self.events_log, "auth-ok %s" % username)
            return paramiko.AUTH_SUCCESSFUL
        append_line(self.events_log, "auth-failed %s" % username)
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args):
        return True

    def check_channel_window_change_request(self, *args):
        return True

    def check_channel_shell_request(self, channel):
        self.request = "shell"
        self.ready.set()
        return True

    def check_channel_subsystem_request(self, channel, name):
        if name not in self.subsystems:
            return False
        self.request = "subsystem:" + name
        self.ready.set()
        return True


def serve(args, handler, subsystems=()):
    """Listens until SIGTERM/SIGINT; runs handler(channel, request) for each session."""
    # A parent may start us with signals blocked (posix_spawn keeps the mask): unblock them,
    # or SIGTERM would never stop the emulator.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    host_key = paramiko.ECDSAKey.generate(bits=256)
    events_log = os.path.join(args.state_dir, "events.log")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", args.port))
    except OSError as e:
        sys.stderr.write("%s: error: cannot listen on 127.0.0.1:%d: %s\n" % (os.path.basename(sys.argv[0]), args.port, e.strerror))
        sys.exit(1)
    listener.listen(16)
    port = listener.getsockname()[1]
    if args.known_hosts_out:
        write_atomically(args.known_hosts_out, "[127.0.0.1]:%d %s %s\n" % (port, host_key.get_name(), host_key.get_base64()))
    if args.ready_file:
        write_atomically(args.ready_file, "%d\n" % port)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    def session(sock):
        transport = paramiko.Transport(sock)
        transport.add_server_key(host_key)
        server = _Server(args.user, args.password, subsystems, events_log)
        try:
            transport.start_server(server=server)
            channel = transport.accept(30)
            if channel is None or not server.ready.wait(10):
                return
            handler(channel, server.request)
        except (paramiko.SSHException, EOFError, OSError):
            pass
        finally:
            transport.close()

    # Exit with the test process that started us, even when it was killed and could not stop us.
    parent = os.getppid()
    listener.settimeout(1)
    try:
        while os.getppid() == parent:
            try:
                sock, _ = listener.accept()
            except socket.timeout:
                continue
            sock.settimeout(None)
            threading.Thread(target=session, args=(sock,), daemon=True).start()
    except KeyboardInterrupt:
        pass
    os._exit(0)
