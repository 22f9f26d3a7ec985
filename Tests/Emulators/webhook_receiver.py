#!/usr/bin/env python3
"""A webhook receiver for LoopSentry's tests, on a private loopback port.

Verifies every POST's LoopSentry-Signature on its own (Python's hmac and hashlib, not the
daemon's code), answers as the mode file says, and appends one JSON line per request to the log:
{"delivery", "mode", "status", "verified", "skew", "signature", "body", "raw", "path", "at"}; status is null
when no answer was sent. With --unsigned (Alertmanager's webhooks, which sign nothing) every POST
counts as verified and the secret file is not read.

Modes (the mode file's first word, read at each request):
  ok    200
  fail  500
  hang  logs the request on arrival (status null), holds it for --hang seconds, then closes
        without an answer

Usage: webhook_receiver.py --port-file F (--secret-file S | --unsigned) --mode-file M --log L [--hang 30]
                           [--tls-cert CERT.pem --tls-key KEY.pem]
The port it bound (on 127.0.0.1, chosen by the kernel) is written to the port file. With
--tls-cert and --tls-key it serves https (Python's ssl module) with that certificate.
"""
import argparse
import hashlib
import hmac
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300  # seconds: a receiver rejects a signature older or newer than five minutes


def verify(secret: bytes, header: str, body: bytes, now: float):
    """(verified, skew): the documented check, as a receiver would write it."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        t = int(fields["t"])
        expected = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    except (KeyError, ValueError):
        return False, None
    skew = now - t
    return hmac.compare_digest(expected, fields.get("v1", "")) and abs(skew) <= TOLERANCE, skew


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--secret-file")
    p.add_argument("--unsigned", action="store_true")
    p.add_argument("--mode-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--hang", type=float, default=30)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    a = p.parse_args()
    if not a.unsigned and not a.secret_file:
        p.error("--secret-file or --unsigned is required")
    secret = b""
    if not a.unsigned:
        with open(a.secret_file, "rb") as f:
            secret = f.read().strip()
    lock = threading.Lock()

    def record(entry):
        with lock, open(a.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                with open(a.mode_file) as f:
                    mode = (f.read().split() or ["ok"])[0]
            except OSError:
                mode = "ok"
            if a.unsigned:
                verified, skew = True, None
            else:
                verified, skew = verify(secret, self.headers.get("LoopSentry-Signature", ""), body, time.time())
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = body.decode("utf-8", "replace")
            entry = {"delivery": self.headers.get("LoopSentry-Delivery"), "mode": mode, "verified": verified,
                     "skew": skew, "signature": self.headers.get("LoopSentry-Signature"), "body": parsed,
                     "raw": body.decode("utf-8", "replace"), "contentType": self.headers.get("Content-Type"),
                     "path": self.path, "at": time.time(), "status": None}
            if mode == "hang":
                record(entry)
                time.sleep(a.hang)
                self.close_connection = True
                return
            status = 200 if mode == "ok" and verified else 500 if mode == "fail" else 401
            entry["status"] = status
            record(entry)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if a.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.tls_cert, a.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
