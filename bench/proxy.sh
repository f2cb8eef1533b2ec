#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# pveproxy against Debian's nginx, same machine, same run: authenticated
# GET /api2/json/version (ticket cookie, keep-alive, TLS) versus nginx
# serving the same JSON as a static file over TLS with the same certificate.
#
# Kept comparable: nginx runs as many worker processes as pveproxy has
# threads (one per core, at most 8), offers the TLS versions pveproxy offers
# and only the TLS 1.3 suite pveproxy negotiates, and sends the same header
# fields (its own Server and Connection fields cannot be turned off). The
# two are measured alternately, ROUNDS times each, so load from elsewhere on
# the machine falls on both. Prints requests/s of each round and of all
# rounds, their ratio, and pveproxy's peak RSS under load; h2load (HTTP/1.1)
# as a second client when installed.
set -eu
: "${PVEHOST_BIN:?}"
for c in wrk nginx curl jq openssl; do
        command -v $c >/dev/null || { echo "skip: $c not installed (deps/bench.txt)"; exit 0; }
done
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
CLIENT_THREADS=${CLIENT_THREADS:-2}
ROUNDS=${ROUNDS:-3}
workers=$(nproc)
[ "$workers" -gt 8 ] && workers=8 # pveproxy's thread count: one per core, at most 8

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
cookie="Cookie: PVEAuthCookie=$ticket"
proxy_url="https://127.0.0.1:$pp/api2/json/version"
body=$(curl -sk -H "$cookie" "$proxy_url")

# The TLS version and suite an OpenSSL client (as wrk and h2load) gets from pveproxy.
tls() { openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null | awk -F'[ ,]+' '/^New, / { print $2, $5 }'; }
read -r proxy_proto proxy_suite <<<"$(tls "$pp")"

np=$(port)
mkdir -p "$W/nginx/www"
printf '%s' "$body" >"$W/nginx/www/version.json"
cat >"$W/nginx/nginx.conf" <<CONF
user root;
worker_processes $workers;
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
                ssl_conf_command Ciphersuites $proxy_suite;
                root $W/nginx/www;
                server_tokens off;
                etag off;
                max_ranges 0;
                add_header Last-Modified "";
                add_header Cache-Control max-age=0;
                add_header X-Content-Type-Options nosniff;
                add_header X-Frame-Options DENY;
                add_header Referrer-Policy same-origin;
                add_header Strict-Transport-Security max-age=31536000;
        }
}
CONF
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
nginx_url="https://127.0.0.1:$np/version.json"
for _ in $(seq 100); do curl -sk -o /dev/null "$nginx_url" && break; sleep 0.1; done
read -r nginx_proto nginx_suite <<<"$(tls "$np")"
size() { curl -sk -o /dev/null -w '%{size_header}+%{size_download}' "$@"; }

rss_sampler() {
        while kill -0 "$proxy" 2>/dev/null; do awk '/^VmRSS/ { print $2 }' "/proc/$proxy/status"; sleep 0.2; done
}
# run_wrk NAME ROUND URL [HEADER]: appends "requests seconds" of the run to $W/NAME.total
run_wrk() {
        local out=$W/wrk-$1-$2.txt
        wrk -t"$CLIENT_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" ${4:+-H "$4"} "$3" >"$out"
        awk '/requests in/ { sub(/s,$/, "", $4); print $1, $4 }' "$out" >>"$W/$1.total"
        grep -E 'Non-2xx|Socket errors' "$out" | sed "s/^/  $1 round $2: /" >&2 || true
}
rate() { awk '/^Requests\/sec:/ { print int($2) }' "$W/wrk-$1-$2.txt"; }
total_rate() { awk '{ r += $1; s += $2 } END { printf "%d", s ? r / s : 0 }' "$W/$1.total"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

rss_sampler >"$W/rss" &
sampler=$!
pids+=($sampler)
for round in $(seq "$ROUNDS"); do
        run_wrk pveproxy "$round" "$proxy_url" "$cookie"
        run_wrk nginx "$round" "$nginx_url"
done
kill $sampler 2>/dev/null || true
peak=$(sort -n "$W/rss" | tail -n1)

echo "GET /api2/json/version, authenticated, TLS keep-alive; wrk $CLIENT_THREADS threads, $CONNECTIONS connections,"
echo "${DURATION} s per run, $ROUNDS alternating rounds; $workers pveproxy threads, $workers nginx workers:"
echo "  TLS: pveproxy $proxy_proto $proxy_suite; nginx $nginx_proto $nginx_suite"
echo "  response bytes (header+body): pveproxy $(size -H "$cookie" "$proxy_url"); nginx $(size "$nginx_url")"
for round in $(seq "$ROUNDS"); do
        echo "  round $round: pveproxy $(rate pveproxy "$round") requests/s, nginx $(rate nginx "$round") requests/s," \
             "ratio $(ratio "$(rate pveproxy "$round")" "$(rate nginx "$round")")"
done
p=$(total_rate pveproxy)
n=$(total_rate nginx)
echo "  all rounds: pveproxy $p requests/s, nginx $n requests/s"
echo "  ratio pveproxy/nginx: $(ratio "$p" "$n") (goal >= 1.00)"
echo "  pveproxy peak RSS under load: $(awk -v k="${peak:-0}" 'BEGIN { printf "%.1f", k / 1024 }') MiB (goal < 20 MiB)"

if command -v h2load >/dev/null; then
        h2() { h2load --h1 -t"$CLIENT_THREADS" -c"$CONNECTIONS" -D"$DURATION" "$@" 2>&1 | awk '/^finished in/ { print int($4) }'; }
        hp=$(h2 -H "$cookie" "$proxy_url")
        hn=$(h2 "$nginx_url")
        echo "  h2load (HTTP/1.1, same settings, one round): pveproxy $hp requests/s, nginx $hn requests/s," \
             "ratio $(ratio "$hp" "$hn")"
fi
