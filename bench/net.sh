#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Network configuration, against Debian's ifupdown2 (downloaded and unpacked
# with dpkg-deb, not installed), measured in the same run:
#   1. parse and list a 1000-interface file: "pvesh get /nodes/{node}/network"
#      against "ifquery -a" on the same file;
#   2. one address change on a network namespace with 200 bridges (each with
#      a veth port): the whole "pvesh set /nodes/{node}/network" against
#      "ifreload -a", and how many links each changed that had nothing to
#      change (link events from "ip monitor link").
set -eu
: "${PVEHOST_BIN:?}"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 0; }
for c in ip hyperfine python3 dpkg-deb apt-get jq; do
        command -v $c >/dev/null || { echo "skip: $c not installed"; exit 0; }
done
RUNS=${RUNS:-3}
BRIDGES=${BRIDGES:-200}
W=$(mktemp -d /tmp/pvehost-bench-net.XXXXXX)
ns=pvehost-bench-net-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
export PATH="$PVEHOST_BIN:$PATH" PVE_NODENAME=bench PVE_ROOT=$W/root
mkdir -p "$PVE_ROOT/etc/network" "$PVE_ROOT/etc/pve/nodes/bench"

# ---- ifupdown2, unpacked ------------------------------------------------------------
(cd "$W" && apt-get download ifupdown2 >/dev/null 2>&1) || { echo "skip: cannot download ifupdown2"; exit 0; }
dpkg-deb -x "$W"/ifupdown2_*.deb "$W/ifupdown2"
I=$W/ifupdown2/usr/share/ifupdown2
chmod +x "$I/__main__.py"
mkdir -p "$W/bin" "$W/run/network" "$W/state" "$I/etc/network"
ln -s "$I/__main__.py" "$W/bin/ifquery"
ln -s "$I/__main__.py" "$W/bin/ifreload"
# Without /etc/network/ifupdown2 it reads its configuration below the package (its pip layout).
cp -r "$W/ifupdown2/etc/network/ifupdown2" "$I/etc/network/"
sed -i -e "s|^default_interfaces_configfile=.*|default_interfaces_configfile=$W/ifupdown2.interfaces|" \
        -e "s|^state_dir=.*|state_dir=$W/state/|" "$I/etc/network/ifupdown2/ifupdown2.conf"
# Its lock and state live in /run/network: a private /run in the namespace's mount namespace.
ifupdown2() { # CMD ARGS...
        local cmd=$1; shift
        ip netns exec "$ns" sh -c 'run=$0 py=$1 cmd=$2; shift 2; mount --bind "$run" /run && PYTHONPATH="$py" exec "$cmd" "$@"' \
                "$W/run" "$W/ifupdown2/usr/share" "$W/bin/$cmd" "$@"
}

# ---- 1: list 1000 interfaces ----------------------------------------------------------
python3 - >"$W/list.interfaces" <<'EOF'
print("auto lo\niface lo inet loopback\n")
for i in range(250):
    print(f"iface eth{i} inet manual\n")
for i in range(250):
    print(f"auto vmbr{i}\niface vmbr{i} inet static\n\taddress 10.{i // 250}.{i % 250}.1/24\n"
          f"\tbridge-ports eth{i}\n\tbridge-stp off\n\tbridge-fd 0\n")
for i in range(500):
    print(f"auto vmbr{i % 250}.{100 + i}\niface vmbr{i % 250}.{100 + i} inet manual\n")
EOF
cp "$W/list.interfaces" "$PVE_ROOT/etc/network/interfaces"
n=$(pvesh get /nodes/bench/network --output-format json | jq length)
ip netns add "$ns"
hyperfine -N --warmup 2 --runs 10 --export-json "$W/list-pvesh.json" \
        "$PVEHOST_BIN/pvesh get /nodes/bench/network --output-format json" >/dev/null 2>&1
hyperfine --warmup 1 --runs "$RUNS" --export-json "$W/list-ifquery.json" \
        "ip netns exec $ns sh -c 'mount --bind $W/run /run && PYTHONPATH=$W/ifupdown2/usr/share exec $W/bin/ifquery -a -i $W/list.interfaces'" \
        >/dev/null 2>&1
stats() { jq -r '.results[0] | "\(.median * 1000) \((.user + .system) * 1000)"' "$1"; }
read -r lp_wall lp_cpu < <(stats "$W/list-pvesh.json")
read -r lq_wall lq_cpu < <(stats "$W/list-ifquery.json")
echo "list a file of 1000 interfaces ($n listed): median wall, CPU (user+system)"
awk -v a="$lp_wall" -v b="$lp_cpu" -v c="$lq_wall" -v d="$lq_cpu" 'BEGIN {
        printf "  pvesh get:   %8.1f ms  %8.1f ms\n", a, b
        printf "  ifquery -a:  %8.1f ms  %8.1f ms\n", c, d
        printf "  ifquery / pvesh: wall %.1fx, CPU %.1fx (goal 100x)\n", c / a, d / b
}'

# ---- 2: one address change on 200 bridges ------------------------------------------------
for i in $(seq 0 $((BRIDGES - 1))); do echo "link add eth$i type veth peer name peer$i"; done | ip -n "$ns" -batch -
ip -n "$ns" link set lo up
config() { # ADDRESS-OF-vmbr0
        echo "auto lo"; echo "iface lo inet loopback"; echo
        for i in $(seq 0 $((BRIDGES - 1))); do
                printf 'iface eth%d inet manual\n\n' "$i"
                printf 'auto vmbr%d\niface vmbr%d inet static\n\taddress %s\n\tbridge-ports eth%d\n\tbridge-stp off\n\tbridge-fd 0\n\n' \
                        "$i" "$i" "$([ "$i" -eq 0 ] && echo "$1" || echo "10.$((i / 250)).$((i % 250)).1/24")" "$i"
        done
}
config 10.0.0.1/24 >"$W/a.interfaces"
config 10.0.0.9/24 >"$W/b.interfaces"
cp "$W/a.interfaces" "$PVE_ROOT/etc/network/interfaces"
ip netns exec "$ns" pvesh set /nodes/bench/network >/dev/null
# Links that changed without a reason: link events for anything (vmbr0's change is an address event).
# The kernel reports carrier and qdisc changes of many links in batches, up to seconds later: each
# measurement starts when no link event came for a second.
settle() {
        for _ in $(seq 60); do
                [ -z "$(timeout 1 ip -n "$ns" monitor link 2>/dev/null)" ] && return
        done
}
monitored() { # OUT CMD...: runs CMD while "ip monitor link" records into OUT; prints the wall time in ms
        local out=$1 mon t0 t1; shift
        settle
        ip -n "$ns" monitor link >"$out" 2>&1 & mon=$!
        sleep 0.3
        t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
        sleep 0.3; kill $mon; wait $mon 2>/dev/null || true
        echo $(((t1 - t0) / 1000000))
}
changed_links() { grep -oE '^(Deleted )?[0-9]+: [^:@ ]+' "$1" | awk '{ print $NF }' | sort -u | wc -l; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

pt=() pc=0
for r in $(seq "$RUNS"); do
        cp "$W/b.interfaces" "$PVE_ROOT/etc/network/interfaces.new"
        pt+=($(monitored "$W/p$r.mon" ip netns exec "$ns" pvesh set /nodes/bench/network))
        pc=$(($(changed_links "$W/p$r.mon") > pc ? $(changed_links "$W/p$r.mon") : pc))
        cp "$W/a.interfaces" "$PVE_ROOT/etc/network/interfaces.new"
        ip netns exec "$ns" pvesh set /nodes/bench/network >/dev/null
done
[ "$(ip -n "$ns" -j addr show vmbr0 | jq -r '.[0].addr_info[0].local')" = 10.0.0.1 ] || echo "warning: pvesh left an unexpected state"

cp "$W/a.interfaces" "$W/ifupdown2.interfaces"
ifupdown2 ifreload -a >/dev/null 2>&1 || true
it=() ic=0
for r in $(seq "$RUNS"); do
        cp "$W/b.interfaces" "$W/ifupdown2.interfaces"
        it+=($(monitored "$W/i$r.mon" ifupdown2 ifreload -a))
        ic=$(($(changed_links "$W/i$r.mon") > ic ? $(changed_links "$W/i$r.mon") : ic))
        cp "$W/a.interfaces" "$W/ifupdown2.interfaces"
        ifupdown2 ifreload -a >/dev/null 2>&1 || true
done
ptm=$(printf '%s\n' "${pt[@]}" | median)
itm=$(printf '%s\n' "${it[@]}" | median)
echo
echo "one address change, $BRIDGES bridges with a veth port each, $RUNS runs: median wall"
echo "  pvesh set /nodes/{node}/network: $ptm ms, links changed without need: $pc"
echo "  ifreload -a:                     $itm ms, links changed without need: $ic"
awk -v a="$ptm" -v b="$itm" 'BEGIN { printf "  ifreload / pvesh: %.1fx (goal 20x; goal 0 links changed)\n", b / a }'
