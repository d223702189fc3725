#!/usr/bin/env python3
"""A fake Dynatrace tenant for the --verify tests: a real HTTP server on 127.0.0.1 that implements
POST [/e/<id>]/api/v2/apiTokens/lookup from a table of known tokens and records every request.

  fake_tenant.py --table TABLE.json --log LOG.jsonl --port-file PORT_FILE [--tls-cert PEM --tls-key PEM]

With --tls-cert and --tls-key it speaks https (Python's ssl module) with that certificate chain.

TABLE maps a token to {"label": NAME, "behaviour": B, "scopes": [...]}; B is one of
  active         200 with the lookup fields (id, name, enabled, owner, scopes, expirationDate)
  revoked        401
  forbidden      403 (a valid token without the lookup permission)
  ratelimit-once 429 with Retry-After: 1 the first time, then as active
  ratelimit      429 with Retry-After: 1, always
  slow           answers 200 after 3 seconds (beyond the test's --verify-timeout)
  error          500
A token not in the table gets 404. Each request appends one JSON line to LOG: method, path, the label of
the Authorization token ("?" when unknown, "-" when absent), whether the body token equals it, the
Content-Type and the time it arrived ("t", seconds), after a {"event": "connect"} line per connection
(logged before any TLS handshake). The log never holds a token. The chosen port is written to PORT_FILE once listening."""
import argparse
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOKUP = "/api/v2/apiTokens/lookup"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    with open(args.table) as f:
        table = json.load(f)
    lock = threading.Lock()
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):  # no access log on stderr
            pass

        def record(self, **entry):
            with lock:
                with open(args.log, "a") as log:
                    log.write(json.dumps(entry, sort_keys=True) + "\n")

        def answer(self, status, body=None, headers=()):
            data = json.dumps(body if body is not None else {"error": {"code": status}}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout)

        def do_GET(self):
            self.record(method="GET", path=self.path, label="-", body_matches=False, content_type="")
            self.answer(405)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            auth = self.headers.get("Authorization") or ""
            token = auth[len("Api-Token "):] if auth.startswith("Api-Token ") else None
            try:
                body_token = json.loads(raw).get("token")
            except (ValueError, AttributeError):
                body_token = None
            entry = table.get(token) if token else None
            label = entry["label"] if entry else ("?" if token else "-")
            self.record(method="POST", path=self.path, label=label, body_matches=token is not None and body_token == token,
                        content_type=self.headers.get("Content-Type") or "", t=time.time())
            if not self.path.endswith(LOOKUP):
                return self.answer(404)
            if entry is None:
                return self.answer(404 if token else 401)
            behaviour = entry["behaviour"]
            with lock:
                count = seen.get(token, 0) + 1
                seen[token] = count
            if behaviour == "revoked":
                return self.answer(401)
            if behaviour == "forbidden":
                return self.answer(403)
            if behaviour == "error":
                return self.answer(500)
            if behaviour == "ratelimit" or (behaviour == "ratelimit-once" and count == 1):
                return self.answer(429, headers=[("Retry-After", "1")])
            if behaviour == "slow":
                time.sleep(3)
            body = {"id": token.split(".")[0] + "." + token.split(".")[1] if token.count(".") == 2 else "legacy",
                    "name": "fake " + entry["label"], "enabled": True, "owner": "owner-" + entry["label"],
                    "personalAccessToken": False, "creationDate": "2026-01-01T00:00:00.000Z",
                    "scopes": entry.get("scopes", [])}
            if "expires" in entry:
                body["expirationDate"] = entry["expires"]
            self.answer(200, body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self):
            # Every connection is logged, even one that never becomes a valid HTTP request (a TLS
            # handshake the client gives up). A failed handshake raises OSError: the server drops it.
            sock, addr = self.socket.accept()
            with lock:
                with open(args.log, "a") as log:
                    log.write(json.dumps({"event": "connect"}) + "\n")
            if tls is None:
                return sock, addr
            sock.settimeout(5)
            try:
                sock = tls.wrap_socket(sock, server_side=True)
            except (OSError, socket.timeout):
                sock.close()
                raise
            sock.settimeout(None)
            return sock, addr

    server = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
