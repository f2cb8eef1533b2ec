#!/bin/bash
# Wake-on-LAN: a real magic packet received by a UDP listener in a network namespace.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip
need_cmd python3
plan 7
setup_root pve1
mkdir -p "$PVE_ROOT/etc/pve/nodes/pve2"

new_netns ns wol
ip -n "$ns" link add veth0 type veth peer name veth1 || skip_all "cannot create veth"
ip -n "$ns" addr add 10.99.0.1/24 dev veth0
ip -n "$ns" addr add 10.99.0.2/24 dev veth1
ip -n "$ns" link set veth0 up
ip -n "$ns" link set veth1 up

out=$(pvenode wakeonlan pve1 2>&1)
like "$out" "'pve1' is local node" "waking the local node is refused"
out=$(pvenode wakeonlan pve2 2>&1)
like "$out" "No wake on LAN MAC address defined for 'pve2'" "target without MAC is refused"
fails "unknown node is refused" pvenode wakeonlan nosuchnode

printf 'wakeonlan: 52:54:00:aa:bb:cc\n' >"$PVE_ROOT/etc/pve/nodes/pve2/config"
printf 'wakeonlan: 52:54:00:00:00:01,bind-interface=veth0,broadcast-address=10.99.0.255\n' \
        >"$PVE_ROOT/etc/pve/nodes/pve1/config"

cap=$(mktemp); ready=$cap.ready; on_exit "rm -f '$cap' '$ready'"
ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9))
open(sys.argv[1], "w").close()
s.settimeout(10)
data, addr = s.recvfrom(4096)
sys.stdout.write(data.hex())
' "$ready" >"$cap" &
listener=$!
on_exit "kill $listener"
for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.05; done

out=$(ip netns exec "$ns" env PATH="$PATH" pvenode wakeonlan pve2 2>&1)
is "$out" "Wake on LAN packet send for '52:54:00:aa:bb:cc'" "prints the MAC"
wait "$listener"
payload=$(cat "$cap")
is "${#payload}" "204" "packet is 102 bytes"
expected=ffffffffffff$(for i in $(seq 16); do printf '525400aabbcc'; done)
is "$payload" "$expected" "6 x 0xff followed by the MAC 16 times"

# Bound to an interface that does not exist: the error names it.
printf 'wakeonlan: 52:54:00:00:00:01,bind-interface=nosuch0\n' >"$PVE_ROOT/etc/pve/nodes/pve1/config"
out=$(ip netns exec "$ns" env PATH="$PATH" pvenode wakeonlan pve2 2>&1)
like "$out" "Unable to bind socket to interface 'nosuch0'" "bind failure names the interface"

done_testing
