#!/bin/bash
# Network apply in a network namespace of its own (veth + bridge): only what
# differs changes, untouched links see no netlink event, confirm-or-rollback,
# a failing hook rolls back at once (issue 4).
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip
plan 59

setup_root pve1
new_netns ns apply || skip_all "cannot create a network namespace"
N=/etc/network
in_ns() { ip netns exec "$ns" "$@"; }
apply() { in_ns pvesh set /nodes/pve1/network "$@"; }
ifindex() { ip -n "$ns" -o link show "$1" | cut -d: -f1; }
link_attr() { ip -n "$ns" -j -d link show "$1" | jq -r ".[0].$2"; }

# Two NICs (a veth pair) and a link the configuration never mentions.
ip -n "$ns" link add eth0 type veth peer name eth1
ip -n "$ns" link add other0 type veth peer name other1
ip -n "$ns" addr add 192.0.2.99/24 dev other0
ip -n "$ns" link set other0 up

mkdir -p "$PVE_ROOT$N"
cat >"$PVE_ROOT$N/interfaces" <<'EOF'
auto lo
iface lo inet loopback

iface eth0 inet manual

auto eth1
iface eth1 inet manual

auto vmbr0
iface vmbr0 inet static
	address 10.0.0.2/24
	gateway 10.0.0.1
	bridge-ports eth0
	bridge-stp off
	bridge-fd 0
	post-up echo "$IFACE $PHASE $IF_ADDRESS" >>"$PVE_ROOT/hooks.log"
EOF

ok "apply from scratch" apply
is "$(link_attr vmbr0 linkinfo.info_kind)" "bridge" "vmbr0 is a bridge"
is "$(link_attr eth0 master)" "vmbr0" "eth0 is a port of vmbr0"
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" \
        "10.0.0.2/24" "vmbr0 has its address"
is "$(ip -n "$ns" -j route show default | jq -r '.[0].gateway + " " + .[0].dev')" "10.0.0.1 vmbr0" "default route"
is "$(ip -n "$ns" -j link show eth1 | jq -r '.[0].flags | index("UP") != null')" "true" "auto eth1 is up"
is "$(cat "$PVE_ROOT/hooks.log")" "vmbr0 post-up 10.0.0.2/24" "post-up ran with ifupdown's environment"
is "$(link_attr vmbr0 linkinfo.info_data.forward_delay)" "0" "bridge-fd 0"

# Applying the same configuration again changes nothing.
out=$(apply 2>&1)
like "$out" "TASK OK" "second apply succeeds"
is "$(printf '%s\n' "$out" | grep -c -E '^(vmbr0|eth0|eth1):')" "0" "second apply sends no change"

# Change only the address: nothing else of the bridge, nor its ports, nor other links moves.
br_index=$(ifindex vmbr0) br_mac=$(link_attr vmbr0 address) eth0_index=$(ifindex eth0)
ok "stage an address change" in_ns pvesh set /nodes/pve1/network/vmbr0 --type bridge --cidr 10.0.0.3/24
# IPv6 link-local addresses appear a moment after carrier; wait until the links have settled.
for _ in $(seq 50); do [ -z "$(ip -n "$ns" -6 addr show tentative)" ] && break; sleep 0.1; done
mon=$(mktemp); ip -n "$ns" monitor link address >"$mon" 2>&1 & monpid=$!
on_exit "kill $monpid; rm -f '$mon'"
sleep 0.3
ok "apply the address change" apply
sleep 0.3
kill $monpid
is "$(ifindex vmbr0) $(link_attr vmbr0 address) $(link_attr vmbr0 mtu)" "$br_index $br_mac 1500" \
        "vmbr0 keeps ifindex, MAC and MTU"
is "$(ifindex eth0) $(link_attr eth0 master)" "$eth0_index vmbr0" "port kept"
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '[.[0].addr_info[] | select(.family=="inet") | .local] | join(",")')" \
        "10.0.0.3" "only the new address"
is "$(grep -cE '^(Deleted )?[0-9]+: [^ ]+: <' "$mon")" "0" "no link event at all"
is "$(grep -cE 'eth0|eth1|other0' "$mon")" "0" "no event for ports and unrelated links"
grep -E 'eth0|eth1|other0' "$mon" | sed 's/^/# /'
like "$(cat "$mon")" "Deleted [0-9]+: vmbr0 +inet 10.0.0.2/24" "the old address went away"
is "$(ip -n "$ns" -j addr show other0 | jq -r '.[0].addr_info[0].local')" "192.0.2.99" "unrelated link untouched"
is "$(tail -1 "$PVE_ROOT/hooks.log")" "vmbr0 post-up 10.0.0.3/24" "changed stanza runs its hooks"
ok "no pending file after apply" test ! -e "$PVE_ROOT$N/interfaces.new"

# Gateway and MTU.
ok "stage gateway" in_ns pvesh set /nodes/pve1/network/vmbr0 --type bridge --gateway 10.0.0.254
sed -i 's/^iface eth0 inet manual$/iface eth0 inet manual\n\tmtu 9000/' "$PVE_ROOT$N/interfaces.new"
ok "stage bridge mtu" in_ns pvesh set /nodes/pve1/network/vmbr0 --type bridge --mtu 9000
ok "apply gateway and MTU" apply
is "$(ip -n "$ns" -j route show default | jq -r 'map(.gateway) | join(",")')" "10.0.0.254" "gateway replaced"
is "$(link_attr eth0 mtu) $(link_attr vmbr0 mtu)" "9000 9000" "MTU of port and bridge"
is "$(ifindex vmbr0)" "$br_index" "bridge not recreated"

# A failing hook fails the apply and restores file and kernel at once.
cp "$PVE_ROOT$N/interfaces" "$PVE_ROOT/before"
sed -e 's|^\tpost-up .*|\tpost-up exit 1|' -e 's|10.0.0.3/24|10.0.0.4/24|' "$PVE_ROOT$N/interfaces" >"$PVE_ROOT$N/interfaces.new"
cp "$PVE_ROOT$N/interfaces.new" "$PVE_ROOT/pending"
out=$(apply 2>&1); rc=$?
ok "failed apply exits non-zero" test "$rc" -ne 0
like "$out" "post-up command 'exit 1' failed" "the output names the failing hook"
like "$out" "rolled back" "the output says it rolled back"
ok "live file restored" cmp "$PVE_ROOT$N/interfaces" "$PVE_ROOT/before"
ok "pending file restored" cmp "$PVE_ROOT$N/interfaces.new" "$PVE_ROOT/pending"
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '[.[0].addr_info[] | select(.family=="inet") | .local] | join(",")')" \
        "10.0.0.3" "kernel address restored"
ok "revert the failed change" in_ns pvesh delete /nodes/pve1/network

# Rollback unless confirmed.
ok "stage another address" in_ns pvesh set /nodes/pve1/network/vmbr0 --type bridge --cidr 10.0.0.5/24
ok "apply with a rollback timeout" apply --rollback-timeout 2
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '[.[0].addr_info[] | select(.family=="inet") | .local] | join(",")')" \
        "10.0.0.5" "new state at once"
sleep 4
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '[.[0].addr_info[] | select(.family=="inet") | .local] | join(",")')" \
        "10.0.0.3" "address rolled back after the timeout"
ok "file rolled back" cmp "$PVE_ROOT$N/interfaces" "$PVE_ROOT/before"
like "$(cat "$PVE_ROOT"/var/log/pve/tasks/*/*netconfirm* 2>/dev/null)" "rolled back" "task log says rolled back"

# Confirmed in time: kept.
ok "apply again with a rollback timeout" apply --rollback-timeout 3
ok "confirm" in_ns pvesh create /nodes/pve1/network/confirm
sleep 4
is "$(ip -n "$ns" -j addr show vmbr0 | jq -r '[.[0].addr_info[] | select(.family=="inet") | .local] | join(",")')" \
        "10.0.0.5" "confirmed change kept"
fails "nothing left to confirm" in_ns pvesh create /nodes/pve1/network/confirm

# Removing the bridge releases its port.
ok "delete vmbr0" in_ns pvesh delete /nodes/pve1/network/vmbr0
ok "apply the removal" apply
ok "vmbr0 is gone" test -z "$(ip -n "$ns" -o link show vmbr0 2>/dev/null)"
is "$(link_attr eth0 master)" "null" "eth0 released"

stage_and_apply() { # STANZAS...
        printf 'auto lo\niface lo inet loopback\n\n%s\n' "$*" >"$PVE_ROOT$N/interfaces.new" && apply >/dev/null
}

# inet dhcp: the system's DHCP client, found by PATH (a stand-in records its calls).
mkdir -p "$PVE_ROOT/bin"
printf '#!/bin/sh\necho "$*" >>"%s/dhclient.calls"\n' "$PVE_ROOT" >"$PVE_ROOT/bin/dhclient"
chmod +x "$PVE_ROOT/bin/dhclient"
PATH="$PVE_ROOT/bin:$PATH" stage_and_apply $'auto eth1\niface eth1 inet dhcp\n'
is "$(cat "$PVE_ROOT/dhclient.calls")" \
        "-4 -nw -pf $PVE_ROOT/run/dhclient.eth1.pid -lf $PVE_ROOT/var/lib/dhcp/dhclient.eth1.leases eth1" \
        "dhclient started for inet dhcp"
PATH="$PVE_ROOT/bin:$PATH" stage_and_apply $'auto eth1\niface eth1 inet manual\n'
is "$(tail -1 "$PVE_ROOT/dhclient.calls")" \
        "-4 -r -pf $PVE_ROOT/run/dhclient.eth1.pid -lf $PVE_ROOT/var/lib/dhcp/dhclient.eth1.leases eth1" \
        "lease released when the stanza goes manual"

# Open vSwitch through ovs-vsctl found by PATH (a stand-in records its calls).
printf '#!/bin/sh\necho "$*" >>"%s/ovs.calls"\n' "$PVE_ROOT" >"$PVE_ROOT/bin/ovs-vsctl"
chmod +x "$PVE_ROOT/bin/ovs-vsctl"
PATH="$PVE_ROOT/bin:$PATH" stage_and_apply $'auto vmbr5\niface vmbr5 inet manual\n\tovs_type OVSBridge\n\tovs_ports eth1\n' \
        $'\nauto eth1\niface eth1 inet manual\n\tovs_type OVSPort\n\tovs_bridge vmbr5\n\tovs_options tag=10\n'
is "$(cat "$PVE_ROOT/ovs.calls")" $'-- --may-exist add-br vmbr5\n-- --may-exist add-port vmbr5 eth1 tag=10' \
        "OVS bridge and port made with ovs-vsctl"
PATH="$PVE_ROOT/bin:$PATH" stage_and_apply $'auto eth1\niface eth1 inet manual\n'
is "$(tail -2 "$PVE_ROOT/ovs.calls")" $'--if-exists del-port eth1\n--if-exists del-br vmbr5' "and removed"

# The kernel refuses a step (a multicast MAC address): the apply rolls back at once.
cp "$PVE_ROOT$N/interfaces" "$PVE_ROOT/before"
eth1_mac=$(link_attr eth1 address)
printf 'auto lo\niface lo inet loopback\n\nauto eth1\niface eth1 inet static\n\taddress 10.9.0.1/24\n\thwaddress ether 01:00:5e:00:00:01\n' \
        >"$PVE_ROOT$N/interfaces.new"
out=$(apply 2>&1); rc=$?
ok "refused step fails the apply" test "$rc" -ne 0
like "$out" "eth1: hardware address changed failed: .* - rolled back" "the output names the refused step"
ok "file restored" cmp "$PVE_ROOT$N/interfaces" "$PVE_ROOT/before"
is "$(link_attr eth1 address) $(ip -n "$ns" -j addr show eth1 | jq -r '[.[0].addr_info[] | select(.family=="inet")] | length')" \
        "$eth1_mac 0" "kernel restored (MAC, no address)"
rm -f "$PVE_ROOT$N/interfaces.new"

# VLANs, bonds and VLAN-aware bridges where the kernel has them (their netlink
# requests are checked byte for byte in the netlink unit test).
if ip -n "$ns" link add link eth1 name probe.5 type vlan id 5 2>/dev/null; then
        ip -n "$ns" link del probe.5
        stage_and_apply $'auto eth1.30\niface eth1.30 inet static\n\taddress 10.30.0.2/24\n'
        is "$(link_attr eth1.30 linkinfo.info_data.id)" "30" "VLAN eth1.30 created"
else
        skip "VLAN: this kernel lacks 802.1Q support"
fi
if ip -n "$ns" link add probe0 type bond 2>/dev/null; then
        ip -n "$ns" link del probe0
        stage_and_apply $'auto bond0\niface bond0 inet manual\n\tbond-slaves eth0\n\tbond-miimon 100\n\tbond-mode active-backup\n'
        is "$(link_attr eth0 master)" "bond0" "bond0 with its slave"
else
        skip "bond: this kernel lacks bonding support"
fi
if ip -n "$ns" link add probebr type bridge vlan_filtering 1 2>/dev/null; then
        ip -n "$ns" link del probebr
        stage_and_apply $'iface eth0 inet manual\n\nauto vmbr2\niface vmbr2 inet manual\n\tbridge-ports eth0\n\tbridge-stp off\n\tbridge-fd 0\n\tbridge-vlan-aware yes\n\tbridge-vids 10 20-22\n'
        is "$(bridge -n "$ns" -j vlan show dev eth0 | jq -c '[.[0].vlans[] | [.vlan, (.vlanEnd // .vlan)]]')" \
                "[[1,1],[10,10],[20,22]]" "VLAN-aware bridge port VLANs"
else
        skip "VLAN-aware bridge: this kernel lacks bridge VLAN filtering"
fi

done_testing
