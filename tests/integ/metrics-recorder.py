#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""A recording HTTP(S) server for the metrics tests.

    metrics-recorder.py PORT LOGFILE [CERT KEY]

Appends one JSON line per request to LOGFILE: method, path, query,
headers, the body (gunzipped when Content-Encoding is gzip; base64 of the
raw bytes too) and answers 204. With CERT and KEY it speaks HTTPS."""

import base64
import gzip
import http.server
import json
import ssl
import sys
import urllib.parse

port, logfile = int(sys.argv[1]), sys.argv[2]


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        url = urllib.parse.urlsplit(self.path)
        entry = {
            "method": self.command,
            "path": url.path,
            "query": urllib.parse.parse_qs(url.query),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "raw_length": len(raw),
        }
        with open(logfile, "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = do_PUT = do_any

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Recorder)
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
