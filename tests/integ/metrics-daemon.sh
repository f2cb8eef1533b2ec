#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# status.cfg through the API (tokens, comments, bad input), pvestatd's
# start/status/stop, rrddata against rrdtool fetch, the export, and a
# flat resident set over many cycles with a server down.
. "$(dirname "$0")/lib.sh"

need_cmd rrdtool
need_cmd jq
plan 24

setup_root pve1
CFG=$PVE_ROOT/etc/pve/status.cfg

# ---- configuration --------------------------------------------------------------
printf '# metric servers\n\ngraphite: g1\n\t# the carbon box\n\tserver 127.0.0.1\n\tport 2003\n' >"$CFG"
ok "set a graphite option" pvesh set /cluster/metrics/server/g1 --proto tcp
like "$(cat "$CFG")" '# the carbon box' "comments survive a set"
ok "create influxdb with a token" pvesh create /cluster/metrics/server/influx1 --type influxdb --server 127.0.0.1 \
        --port 8089 --influxdbproto http --token 'user:pass'
is "$(cat "$PVE_ROOT/etc/pve/priv/metricserver/influx1.pw")" "user:pass" "the token file holds exactly the token"
ok "status.cfg does not hold the token" bash -c "! grep -q pass '$CFG'"
ok "get does not return the token" bash -c "! pvesh get /cluster/metrics/server/influx1 --output-format json | grep -q pass"
is "$(pvesh get /cluster/metrics/server --output-format json | jq -c 'map(.id + ":" + .type + ":" + (.disable|tostring))')" \
        '["g1:graphite:0","influx1:influxdb:0"]' "list entries carry id, type, disable"
before=$(sha1sum <"$CFG")
fails "port 65536 is refused" pvesh create /cluster/metrics/server/x --type graphite --server 1.2.3.4 --port 65536
fails "port 0 is refused" pvesh create /cluster/metrics/server/x --type graphite --server 1.2.3.4 --port 0
fails "unknown type is refused" pvesh create /cluster/metrics/server/x --type statsd --server 1.2.3.4
fails "missing server is refused" pvesh create /cluster/metrics/server/x --type graphite --port 2003
fails "a token with a newline is refused" pvesh set /cluster/metrics/server/influx1 --token "$(printf 'a\nb')"
is "$(sha1sum <"$CFG")" "$before" "bad input changes nothing"
ok "delete removes the token file" bash -c "pvesh delete /cluster/metrics/server/influx1 &&
        ! test -e '$PVE_ROOT/etc/pve/priv/metricserver/influx1.pw'"
printf 'graphite: g1\n\tserver 127.0.0.1\n\tbogus 1\n' >"$CFG"
like "$(pvesh get /cluster/metrics/server 2>&1)" 'status.cfg:3' "a corrupt file names status.cfg:<line>"

# ---- daemon control ----------------------------------------------------------------
printf 'graphite: down\n\tserver 127.0.0.1\n\tport 9\n\tproto tcp\n' >"$CFG"
is "$(pvestatd status)" stopped "status: stopped"
ok "start detaches" timeout 10 pvestatd start --interval 0.05
is "$(pvestatd status)" running "status: running"
pid=$(cat "$PVE_ROOT/var/run/pvestatd.pid")
on_exit "kill $pid"
sleep 1
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
sleep 8
rss2=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
if ldd "$(command -v pvestatd)" | grep -q libasan; then
        skip "RSS under AddressSanitizer (its quarantine holds freed memory)"
else
        ok "RSS flat over many cycles with a server down (${rss1} -> ${rss2} kB)" test $((rss2 - rss1)) -lt 256
fi
fails "a second start is refused" pvestatd start
ok "stop" pvestatd stop
is "$(pvestatd status)" stopped "status: stopped after stop"

# ---- RRD and export ------------------------------------------------------------------
rrd=$PVE_ROOT/var/lib/rrdcached/db/pve2-node/pve1
is "$(rrdtool info "$rrd" | grep -c '^ds\[.*\]\.type')" 12 "the RRD has 12 data sources"
now=$(date +%s)
ctime=$((60 * (now / 60)))
expected=$(rrdtool fetch "$rrd" AVERAGE -s $((ctime - 3600)) -e $((ctime - 1)) -r 60 |
        awk 'NR > 2 { sub(":", "", $1); printf "%s", $1; for (i = 2; i <= NF; i++) printf " %s", ($i ~ /nan/ ? "-" : $i + 0); print "" }')
got=$(pvesh get /nodes/pve1/rrddata --timeframe hour --output-format json |
        jq -r '.[] | [.time, (.loadavg // "-"), (.maxcpu // "-"), (.cpu // "-"), (.iowait // "-"), (.memtotal // "-"),
                (.memused // "-"), (.swaptotal // "-"), (.swapused // "-"), (.roottotal // "-"), (.rootused // "-"),
                (.netin // "-"), (.netout // "-")] | map(tostring) | join(" ")')
is "$(echo "$got" | awk '{print $1, $3, $6}')" "$(echo "$expected" | awk '{print $1, $3, $6}')" \
        "rrddata equals rrdtool fetch (time, maxcpu, memtotal), every row"
done_testing
