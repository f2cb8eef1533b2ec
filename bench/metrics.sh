#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# pvestatd against Debian's collectd (cpu, memory, load, interface, swap,
# uptime; write_graphite) feeding the same carbon-cache, measured in the same
# run: CPU time per cycle and resident memory. pvestatd sends to 3 servers,
# one of them down (graphite TCP to carbon, influxdb UDP, graphite TCP to a
# closed port), and keeps its RRD and export history as in production.
set -eu
: "${PVEHOST_BIN:?}"
for c in carbon-cache collectd; do
        command -v $c >/dev/null || { echo "skip: $c not installed"; exit 0; }
done
CYCLES=${CYCLES:-200}
INTERVAL=0.05
W=$(mktemp -d /tmp/pvehost-bench-metrics.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
base=$((30000 + RANDOM % 20000))
mkdir -p "$W/root/etc/pve"
. "$PVEHOST_SRC/tests/integ/carbon-config.sh"
carbon_config "$W/carbon" $base "" $((base + 1)) $((base + 2))
carbon-cache --config="$W/carbon/carbon.conf" --nodaemon start >"$W/carbon.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$base") 2>/dev/null && break; sleep 0.1; done

# ---- pvestatd ----------------------------------------------------------------
cat >"$W/root/etc/pve/status.cfg" <<CFG
graphite: carbon
	server 127.0.0.1
	port $base
	proto tcp

influxdb: influx
	server 127.0.0.1
	port $((base + 5))

graphite: down
	server 127.0.0.1
	port $((base + 6))
	proto tcp
CFG
export PVE_ROOT=$W/root PVE_NODENAME=bench
/usr/bin/time -f "%U %S %M %e" -o "$W/pvestatd.time" "$PVEHOST_BIN/pvestatd" start --foreground \
        --interval $INTERVAL --cycles $((CYCLES + 1)) >"$W/pvestatd.log" 2>&1
read -r pu ps prss pwall <"$W/pvestatd.time"
# The same run again, to read the resident set of the daemon and of its RRD
# writer child (librrd) apart: GNU time reports the larger of the two.
"$PVEHOST_BIN/pvestatd" start --foreground --interval $INTERVAL --cycles $((CYCLES + 1)) >/dev/null 2>&1 &
spid=$!
pids+=($spid)
sleep "$(awk -v n=$CYCLES -v i=$INTERVAL 'BEGIN {print n * i * 0.9}')"
drss=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
wrss=0
for c in $(cat "/proc/$spid/task/"*/children 2>/dev/null); do
        wrss=$(awk '/VmHWM/ {print $2}' "/proc/$c/status")
done
wait "$spid" || true
# One full cycle with the three servers: the wall time of a 2-cycle run, less one interval.
/usr/bin/time -f "%e" -o "$W/one.time" "$PVEHOST_BIN/pvestatd" start --foreground --interval $INTERVAL --cycles 2 \
        >/dev/null 2>&1
one=$(awk -v i=$INTERVAL '{printf "%.1f", ($1 - i) * 1000}' "$W/one.time")

# ---- collectd ------------------------------------------------------------------
cat >"$W/collectd.conf" <<CONF
Hostname "bench"
FQDNLookup false
Interval $INTERVAL
BaseDir "$W"
PIDFile "$W/collectd.pid"
PluginDir "/usr/lib/collectd"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin load
LoadPlugin interface
LoadPlugin swap
LoadPlugin uptime
LoadPlugin write_graphite
<Plugin write_graphite>
  <Node "carbon">
    Host "127.0.0.1"
    Port "$base"
    Protocol "tcp"
    Prefix "collectd."
  </Node>
</Plugin>
CONF
collectd -f -C "$W/collectd.conf" >"$W/collectd.log" 2>&1 &
cpid=$!
pids+=($cpid)
sleep 1
read -r cu0 cs0 < <(awk '{print $14, $15}' "/proc/$cpid/stat")
run=$(awk -v n=$CYCLES -v i=$INTERVAL 'BEGIN {print n * i}')
sleep "$run"
read -r cu1 cs1 < <(awk '{print $14, $15}' "/proc/$cpid/stat")
crss=$(awk '/VmHWM/ {print $2}' "/proc/$cpid/status")
hz=$(getconf CLK_TCK)

awk -v pu="$pu" -v ps="$ps" -v prss="$prss" -v n=$CYCLES -v cu=$((cu1 - cu0)) -v cs=$((cs1 - cs0)) -v hz="$hz" \
    -v crss="$crss" -v one="$one" -v drss="$drss" -v wrss="$wrss" 'BEGIN {
        p = (pu + ps) * 1000 / (n + 1); c = (cu + cs) * 1000 / hz / n
        printf "cycles: %d at %.2f s, pvestatd with 3 servers (1 down), collectd with 6 plugins + write_graphite\n", n, '"$INTERVAL"'
        printf "CPU per cycle:   pvestatd %.3f ms   collectd %.3f ms   ratio %.2f\n", p, c, (c > 0 ? p / c : 0)
        printf "peak RSS:        pvestatd %.1f MiB   collectd %.1f MiB   ratio %.2f\n", drss / 1024, crss / 1024, drss / crss
        printf "                 (pvestatd RRD writer child with librrd: %.1f MiB; collectd writes no RRD here)\n", wrss / 1024
        printf "one full cycle (3 servers, 1 down): %s ms wall\n", one
}'
