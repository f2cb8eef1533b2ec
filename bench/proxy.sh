#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# pveproxy against Debian's nginx, same machine, same run: authenticated
# GET /api2/json/version (ticket cookie, keep-alive, TLS) versus nginx
# serving the same JSON as a static file over TLS with the same certificate.
# Prints requests/s of both, their ratio, and pveproxy's peak RSS under load.
set -eu
: "${PVEHOST_BIN:?}"
for c in wrk nginx curl jq; do
        command -v $c >/dev/null || { echo "skip: $c not installed (deps/bench.txt)"; exit 0; }
done
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
W=$(mktemp -d /tmp/pvehost-bench-proxy.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export PVE_ROOT=$W/root PVE_NODENAME=bench PVE_LOG_LEVEL=warning
mkdir -p "$PVE_ROOT/etc/pve/nodes/bench"
"$PVEHOST_BIN/pvesh" create /access/users --userid bench@pve --password benchpass1 >/dev/null
"$PVEHOST_BIN/pvesh" set /access/acl --path / --roles PVEAuditor --users bench@pve
pp=$(port)
"$PVEHOST_BIN/pveproxy" start --foreground --listen "127.0.0.1:$pp" >"$W/pveproxy.log" 2>&1 &
proxy=$!
pids+=($proxy)
for _ in $(seq 600); do curl -sk -o /dev/null "https://127.0.0.1:$pp/" && break; sleep 0.1; done
ticket=$(curl -sk "https://127.0.0.1:$pp/api2/json/access/ticket" -d username=bench@pve -d password=benchpass1 |
        jq -r .data.ticket)
body=$(curl -sk -b "PVEAuthCookie=$ticket" "https://127.0.0.1:$pp/api2/json/version")

np=$(port)
mkdir -p "$W/nginx/www"
printf '%s' "$body" >"$W/nginx/www/version.json"
cat >"$W/nginx/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
        access_log off;
        keepalive_requests 1000000;
        default_type application/json;
        client_body_temp_path $W/nginx;
        proxy_temp_path $W/nginx;
        fastcgi_temp_path $W/nginx;
        uwsgi_temp_path $W/nginx;
        scgi_temp_path $W/nginx;
        server {
                listen 127.0.0.1:$np ssl;
                ssl_certificate $PVE_ROOT/etc/pve/local/pve-ssl.pem;
                ssl_certificate_key $PVE_ROOT/etc/pve/local/pve-ssl.key;
                ssl_protocols TLSv1.2 TLSv1.3;
                root $W/nginx/www;
        }
}
CONF
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$np/version.json" && break; sleep 0.1; done

rate() { awk '/^Requests\/sec:/ { print int($2) }' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ { print }' "$1"; }

peak=0
( while kill -0 $proxy 2>/dev/null; do awk '/^VmRSS/ { print $2 }' /proc/$proxy/status; sleep 0.2; done ) >"$W/rss" &
sampler=$!
pids+=($sampler)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: PVEAuthCookie=$ticket" \
        "https://127.0.0.1:$pp/api2/json/version" >"$W/wrk-pveproxy.txt"
kill $sampler 2>/dev/null || true
peak=$(sort -n "$W/rss" | tail -n1)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "https://127.0.0.1:$np/version.json" >"$W/wrk-nginx.txt"

p=$(rate "$W/wrk-pveproxy.txt")
n=$(rate "$W/wrk-nginx.txt")
echo "GET /api2/json/version, authenticated, TLS keep-alive, $CONNECTIONS connections, $DURATION (wrk):"
echo "  pveproxy: $p requests/s $(errors "$W/wrk-pveproxy.txt")"
echo "  nginx (static file, $(nproc) workers): $n requests/s $(errors "$W/wrk-nginx.txt")"
echo "  ratio pveproxy/nginx: $(awk -v a="$p" -v b="$n" 'BEGIN { printf "%.2f", b ? a / b : 0 }') (goal >= 1.00)"
echo "  pveproxy peak RSS under load: $(awk -v k="${peak:-0}" 'BEGIN { printf "%.1f", k / 1024 }') MiB (goal < 20 MiB)"
