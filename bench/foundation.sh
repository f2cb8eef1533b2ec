#!/bin/bash
# Foundation figures (issue 3): CLI latency of `pvenode config get` against
# /bin/true, and section-config parse throughput on a 10,000-section file.
set -eu
command -v hyperfine >/dev/null || { echo "skip: hyperfine not installed"; exit 0; }

root=$(mktemp -d /tmp/pvehost-bench.XXXXXX)
trap 'rm -rf "$root"' EXIT
export PVE_ROOT=$root PVE_NODENAME=pve1
mkdir -p "$root/etc/pve/nodes/pve1"
"$PVEHOST_BIN/pvenode" config set --description "bench node" --startall-onboot-delay 10 \
        --wakeonlan 52:54:00:12:34:56

median() { jq -r '.results[0].median * 1000' "$1"; }

hyperfine -N --warmup 20 --runs 100 --export-json "$root/cli.json" "$PVEHOST_BIN/pvenode config get" >/dev/null 2>&1
hyperfine -N --warmup 20 --runs 100 --export-json "$root/true.json" /bin/true >/dev/null 2>&1
cli=$(median "$root/cli.json")
tru=$(median "$root/true.json")
printf 'pvenode config get: median %.2f ms over 100 runs; /bin/true %.2f ms; ratio %.1fx (goal < 5 ms, < 10x)\n' \
        "$cli" "$tru" "$(echo "$cli / $tru" | bc -l)"

# 10,000 sections of a status.cfg-like file.
for i in $(seq 1 10000); do
        printf 'graphite: server%d\n\tserver graphite%d.example.com\n\tport 2003\n\tpath proxmox.%d\n\tproto udp\n\n' \
                "$i" "$i" "$i"
done >"$root/sections.cfg"
"$PVEHOST_BUILD/bench/bench-sectioncfg" "$root/sections.cfg" 20
