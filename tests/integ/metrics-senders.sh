#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# pvestatd against real servers on loopback: carbon-cache (Graphite, TCP and
# UDP, read back with whisper-fetch), influxd 1.x (UDP listener, read back
# through its query API), a recording HTTP(S) server for InfluxDB's v2 write
# API and OTLP/HTTP, and promtool for /metrics. Also: a disabled server gets
# nothing, a hung server delays nobody and is logged once, RSS stays flat.
. "$(dirname "$0")/lib.sh"

need_cmd carbon-cache
need_cmd whisper-fetch
need_cmd influxd
need_cmd promtool
need_cmd curl
need_cmd rrdtool
need_cmd openssl
plan 29

setup_root pve1
W=$PVE_ROOT/work
mkdir -p "$W"
base=$((30000 + RANDOM % 20000))
P_CARBON_TCP=$base P_CARBON_UDP=$((base + 1)) P_CARBON_PICKLE=$((base + 2)) P_CARBON_QUERY=$((base + 3))
P_INFLUX_HTTP=$((base + 4)) P_INFLUX_BIND=$((base + 5)) P_INFLUX_UDP=$((base + 6))
P_REC=$((base + 7)) P_REC_TLS=$((base + 8)) P_DISABLED=$((base + 9)) P_HUNG=$((base + 10)) P_PROM=$((base + 11))

wait_port() { # PORT
        for _ in $(seq 100); do
                (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
                sleep 0.1
        done
        return 1
}
start_bg() { # LOG CMD... : runs CMD in the background, killed on exit
        local log=$1; shift
        "$@" >"$log" 2>&1 &
        on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
}

# ---- servers -----------------------------------------------------------------
. "$(dirname "$0")/carbon-config.sh"
carbon_config "$W/carbon" $P_CARBON_TCP $P_CARBON_UDP $P_CARBON_PICKLE $P_CARBON_QUERY
start_bg "$W/carbon.log" carbon-cache --config="$W/carbon/carbon.conf" --nodaemon start

mkdir -p "$W/influx"
cat >"$W/influx/influx.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$P_INFLUX_BIND"
[meta]
  dir = "$W/influx/meta"
[data]
  dir = "$W/influx/data"
  wal-dir = "$W/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$P_INFLUX_HTTP"
  log-enabled = false
[[udp]]
  enabled = true
  bind-address = "127.0.0.1:$P_INFLUX_UDP"
  database = "proxmox"
  batch-size = 10
  batch-timeout = "100ms"
CONF
start_bg "$W/influx.log" influxd -config "$W/influx/influx.conf"

REC=$PVEHOST_SRC/tests/integ/metrics-recorder.py
start_bg "$W/rec.log" python3 "$REC" "$P_REC" "$W/rec.jsonl"
start_bg "$W/disabled.log" python3 "$REC" "$P_DISABLED" "$W/disabled.jsonl"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$W/key.pem" -out "$W/cert.pem" \
        >/dev/null 2>&1
start_bg "$W/rec-tls.log" python3 "$REC" "$P_REC_TLS" "$W/tls.jsonl" "$W/cert.pem" "$W/key.pem"
# A hung server: its accept queue is full, so connections never complete.
start_bg "$W/hung.log" python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $P_HUNG)); s.listen(0)
fill = []
for _ in range(8):
    c = socket.socket(); c.setblocking(False); c.connect_ex(('127.0.0.1', $P_HUNG)); fill.append(c)
time.sleep(0.5)
print('ready', flush=True)
time.sleep(3600)"

for _ in $(seq 50); do grep -q ready "$W/hung.log" && break; sleep 0.1; done
for p in $P_CARBON_TCP $P_INFLUX_HTTP $P_REC $P_REC_TLS $P_DISABLED; do
        wait_port "$p" || { echo "# server on $p did not start" >&2; cat "$W"/*.log >&2; }
done
curl -s -XPOST "http://127.0.0.1:$P_INFLUX_HTTP/query" --data-urlencode 'q=CREATE DATABASE proxmox' >/dev/null
ATTRS=$(printf '{"deployment.environment":"test"}' | base64 -w0)
HDRS=$(printf '{"X-Scope":"pve"}' | base64 -w0)

# ---- configuration through the API --------------------------------------------
pvesh create /cluster/metrics/server/carbontcp --type graphite --server 127.0.0.1 --port $P_CARBON_TCP \
        --proto tcp --path tcp.test >/dev/null
pvesh create /cluster/metrics/server/carbonudp --type graphite --server 127.0.0.1 --port $P_CARBON_UDP \
        --path udp.test >/dev/null
pvesh create /cluster/metrics/server/influxudp --type influxdb --server 127.0.0.1 --port $P_INFLUX_UDP >/dev/null
pvesh create /cluster/metrics/server/influxv2 --type influxdb --server 127.0.0.1 --port $P_REC \
        --influxdbproto http --organization 'my org' --bucket b1 --token 's3cr3t' --api-path-prefix //influx/x/ \
        --max-body-size 1000 >/dev/null
pvesh create /cluster/metrics/server/notoken --type influxdb --server 127.0.0.1 --port $P_REC \
        --influxdbproto http --api-path-prefix notoken >/dev/null
pvesh create /cluster/metrics/server/otel --type opentelemetry --server 127.0.0.1 --port $P_REC \
        --otel-protocol http --otel-resource-attributes "$ATTRS" --otel-headers "$HDRS" >/dev/null
pvesh create /cluster/metrics/server/otelplain --type opentelemetry --server 127.0.0.1 --port $P_REC \
        --otel-protocol http --otel-path /plain/metrics --otel-compression none >/dev/null
pvesh create /cluster/metrics/server/selfsigned --type influxdb --server 127.0.0.1 --port $P_REC_TLS \
        --influxdbproto https --api-path-prefix strict --timeout 5 >/dev/null
pvesh create /cluster/metrics/server/insecure --type influxdb --server 127.0.0.1 --port $P_REC_TLS \
        --influxdbproto https --verify-certificate 0 --api-path-prefix insecure --timeout 5 >/dev/null
pvesh create /cluster/metrics/server/off --type graphite --server 127.0.0.1 --port $P_DISABLED --proto tcp \
        --disable 1 >/dev/null
pvesh create /cluster/metrics/server/hung --type graphite --server 127.0.0.1 --port $P_HUNG --proto tcp \
        --timeout 1 >/dev/null
is "$(pvesh get /cluster/metrics/server --output-format json | jq length)" 11 "eleven servers configured"

# ---- one run --------------------------------------------------------------------
start=$(date +%s.%N)
pvestatd start --foreground --interval 0.2 --cycles 6 --prometheus-listen 127.0.0.1:$P_PROM \
        >"$W/pvestatd.log" 2>&1 &
pid=$!
wait_port $P_PROM
sleep 0.5
curl -s "http://127.0.0.1:$P_PROM/metrics" >"$W/metrics.txt"
ctype=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$P_PROM/metrics")
wait $pid
rc=$?
end=$(date +%s.%N)
is "$rc" 0 "pvestatd --cycles 6 exits 0"
elapsed=$(echo "$end - $start" | bc)
# 6 cycles at 0.2 s, plus at most the hung server's timeout twice while draining.
like "$elapsed" '^[0-3]\.' "a hung server delays nobody (run took ${elapsed}s)"
is "$(grep "metric server 'hung'" "$W/pvestatd.log" | grep -vc "sending to")" 1 "the hung server's outage is logged once"
like "$(grep "metric server 'selfsigned':" "$W/pvestatd.log" | tail -1)" "certificate|SSL|TLS" \
        "a self-signed server is refused and logged by id"
sleep 2

# ---- Graphite -------------------------------------------------------------------
memtotal=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024))
cpus=$(grep -c '^processor' /proc/cpuinfo)
last_value() { whisper-fetch --from=$(($(date +%s) - 120)) "$1" 2>/dev/null | awk '$2 != "None" {v = $2} END {print v}'; }
wsp=$W/carbon/whisper
is "$(last_value "$wsp/tcp/test/nodes/pve1/memory/memtotal.wsp" | cut -d. -f1)" "$memtotal" \
        "graphite TCP: memory.memtotal is MemTotal in bytes"
is "$(last_value "$wsp/tcp/test/nodes/pve1/cpustat/cpus.wsp" | cut -d. -f1)" "$cpus" "graphite TCP: cpustat.cpus"
up=$(last_value "$wsp/udp/test/nodes/pve1/uptime.wsp" | cut -d. -f1)
real_up=$(cut -d. -f1 /proc/uptime)
ok "graphite UDP: uptime close to /proc/uptime ($up vs $real_up)" test $((real_up - up)) -ge 0 -a $((real_up - up)) -lt 30
ok "graphite: nics.lo.receive present" test -f "$wsp/tcp/test/nodes/pve1/nics/lo/receive.wsp"
cpu=$(last_value "$wsp/tcp/test/nodes/pve1/cpustat/cpu.wsp")
ok "graphite: cpustat.cpu is a fraction ($cpu)" awk -v c="$cpu" 'BEGIN {exit !(c != "" && c >= 0 && c <= 1)}'

# ---- InfluxDB UDP ---------------------------------------------------------------
q() { curl -s -G "http://127.0.0.1:$P_INFLUX_HTTP/query" --data-urlencode db=proxmox --data-urlencode "q=$1"; }
is "$(q "SELECT last(memtotal) FROM memory WHERE host='pve1' AND object='nodes'" | jq '.results[0].series[0].values[0][1]')" \
        "$memtotal" "influxdb UDP: memory,object=nodes,host=pve1 memtotal"
like "$(q "SHOW TAG VALUES FROM nics WITH KEY = instance" | jq -r '.results[0].series[0].values[][1]' | tr '\n' ' ')" \
        '(^| )lo( |$)' "influxdb UDP: nics lines tagged instance=<if>"
like "$(q "SELECT last(uptime) FROM system WHERE host='pve1'" | jq '.results[0].series[0].values[0][1]')" '^[0-9]+$' \
        "influxdb UDP: system measurement has the uptime"

# ---- InfluxDB v2 HTTP -----------------------------------------------------------
v2=$(jq -c 'select(.path == "/influx/x/api/v2/write")' "$W/rec.jsonl")
first=$(echo "$v2" | head -1)
is "$(echo "$first" | jq -r '.method + " " + .query.org[0] + "/" + .query.bucket[0]')" "POST my org/b1" \
        "influxdb v2: POST to <prefix>api/v2/write?org=..&bucket=.. (prefix cleaned up)"
is "$(echo "$first" | jq -r '.headers.authorization')" "Token s3cr3t" "influxdb v2: Authorization: Token <token>"
is "$(echo "$v2" | jq -s 'map(.raw_length <= 1000) | all')" true "influxdb v2: bodies split at max-body-size"
is "$(echo "$first" | jq -r .body | awk 'NF { print length($NF) }' | sort -u)" 19 "influxdb v2: timestamps in nanoseconds"
nt=$(jq -c 'select(.path == "/notoken/api/v2/write")' "$W/rec.jsonl" | head -1)
is "$(echo "$nt" | jq -r '.headers.authorization // "none"')" none "influxdb v2: no Authorization without a token"
ok "influxdb https with verify-certificate 0 accepts a self-signed server" \
        test "$(jq -c 'select(.path == "/insecure/api/v2/write")' "$W/tls.jsonl" | wc -l)" -ge 1
is "$(jq -c 'select(.path == "/strict/api/v2/write")' "$W/tls.jsonl" | wc -l)" 0 "verify-certificate 1 refuses it"

# ---- OpenTelemetry --------------------------------------------------------------
otel=$(jq -c 'select(.path == "/v1/metrics")' "$W/rec.jsonl" | tail -1)
is "$(echo "$otel" | jq -r '.headers["content-type"] + " " + .headers["content-encoding"] + " " + .headers["x-scope"]')" \
        "application/json gzip pve" "otlp: JSON, gzip, custom headers"
res=$(echo "$otel" | jq -r '.body | fromjson | .resourceMetrics[0].resource.attributes | map(.key + "=" + .value.stringValue) | join(" ")')
like "$res" 'service.name=proxmox-ve.*proxmox.node=pve1.*deployment.environment=test' "otlp: resource attributes"
is "$(echo "$otel" | jq '.body | fromjson | .resourceMetrics[0].scopeMetrics[0].metrics[] | select(.name == "proxmox_node_memory_memtotal") | .gauge.dataPoints[0].asInt')" \
        "$memtotal" "otlp: proxmox_node_memory_memtotal in bytes"
is "$(echo "$otel" | jq -r '.body | fromjson | .resourceMetrics[0].scopeMetrics[0].metrics[] | select(.name == "proxmox_node_network_receive_total") | .sum.isMonotonic' | sort -u)" \
        true "otlp: network counters are monotonic sums"
plain=$(jq -c 'select(.path == "/plain/metrics")' "$W/rec.jsonl" | tail -1)
is "$(echo "$plain" | jq -r '.headers["content-encoding"] // "none"')" none "otlp: otel-compression none"

# ---- the rest ---------------------------------------------------------------------
is "$(wc -c <"$W/disabled.jsonl" 2>/dev/null || echo 0)" 0 "a disabled server receives nothing"
is "$ctype" "text/plain; version=0.0.4; charset=utf-8" "/metrics is text/plain"
ok "/metrics passes promtool check metrics" bash -c "promtool check metrics <'$W/metrics.txt'"
ok "/metrics has NIC samples labelled with the interface" grep -q 'pve_node_network_receive_bytes_total{node="pve1",interface="lo"' "$W/metrics.txt"
done_testing
