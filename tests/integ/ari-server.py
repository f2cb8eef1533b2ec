#!/usr/bin/env python3
# A directory with ACME Renewal Information (RFC 9773) in front of pebble,
# which has none: GET /dir returns pebble's directory plus "renewalInfo";
# GET /ari/<certid> returns the window in WINDOW_FILE ("start end" as
# RFC 3339 times). Everything else goes to pebble directly (the directory's
# URLs point there). Test fixture for tests/integ/acme.sh.
#
#   ari-server.py PORT PEBBLE_DIR_URL CERT KEY CA WINDOW_FILE
import http.server
import json
import ssl
import sys
import urllib.request

port, upstream, cert, key, ca, window_file = sys.argv[1:7]
ctx_up = ssl.create_default_context(cafile=ca)


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/dir":
            with urllib.request.urlopen(upstream, context=ctx_up) as r:
                d = json.load(r)
            d["renewalInfo"] = "https://127.0.0.1:%s/ari/" % port
            self.reply(200, json.dumps(d))
        elif self.path.startswith("/ari/"):
            with open(window_file) as f:
                start, end = f.read().split()
            with open(window_file + ".asked", "a") as f:
                f.write(self.path[5:] + "\n")
            self.reply(200, json.dumps({"suggestedWindow": {"start": start, "end": end}}))
        else:
            self.reply(404, "{}")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", int(port)), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
