#!/bin/bash
# pve-network-interface-pinning: .link files, renames staged in
# interfaces.new, idempotence, errors; the guide's IPv6 and naming-scheme
# settings (issue 4).
. "$(dirname "$0")/lib.sh"

need_cmd jq
plan 37

setup_root pve1
export PVE_SYSROOT=$PVE_ROOT/sysroot
N=$PVE_ROOT/etc/network
L=$PVE_ROOT/usr/local/lib/systemd/network
mkdir -p "$N"

# nic NAME IFINDEX MAC [physical|vf|bridge|slave:PERM]
nic() {
        local d=$PVE_SYSROOT/sys/class/net/$1
        mkdir -p "$d"
        echo 1 >"$d/type"; echo "$2" >"$d/ifindex"; echo "$3" >"$d/address"; echo 0x1003 >"$d/flags"; echo 1500 >"$d/mtu"
        case ${4:-} in
        physical) mkdir -p "$d/device" ;;
        vf) mkdir -p "$d/device/physfn" ;;
        bridge) mkdir -p "$d/bridge" ;;
        slave:*) mkdir -p "$d/device" "$d/bonding_slave"; echo "${4#slave:}" >"$d/bonding_slave/perm_hwaddr" ;;
        esac
}
nic eth1 3 52:54:00:00:00:11 physical
nic eth0 2 52:54:00:00:00:10 physical
nic eth2 4 52:54:00:00:00:12 vf
nic eth3 5 52:54:00:00:00:aa slave:52:54:00:00:00:13
nic vmbr0 6 52:54:00:00:00:10 bridge
nic bond0 7 52:54:00:00:00:aa

cat >"$N/interfaces" <<'EOF'
auto lo
iface lo inet loopback

iface eth0 inet manual

iface eth1 inet manual

auto eth1.30
iface eth1.30 inet static
	address 10.30.0.2/24

auto bond0
iface bond0 inet manual
	bond-slaves eth3
	bond-miimon 100
	bond-mode active-backup
	bond-primary eth3

auto vmbr0
iface vmbr0 inet static
	address 10.0.0.2/24
	bridge-ports eth0
	bridge-stp off
	bridge-fd 0
EOF
cp "$N/interfaces" "$PVE_ROOT/live"

out=$(pve-network-interface-pinning generate </dev/null 2>&1); rc=$?
is "$rc" "0" "generate without a terminal does not ask"
like "$out" "Name for link 'eth0' will change to 'nic0'" "eth0 -> nic0 (lowest ifindex)"
like "$out" "Name for link 'eth1' will change to 'nic1'" "eth1 -> nic1"
like "$out" "Name for link 'eth3' will change to 'nic2'" "eth3 -> nic2, the VF skipped"
is "$(cat "$L/50-pmx-nic0.link")" $'[Match]\nMACAddress=52:54:00:00:00:10\nType=ether\n\n[Link]\nName=nic0' \
        "link file content"
is "$(grep MACAddress "$L/50-pmx-nic2.link")" "MACAddress=52:54:00:00:00:13" "bond member pinned by its permanent MAC"
is "$(ls "$L" | tr '\n' ' ')" "50-pmx-nic0.link 50-pmx-nic1.link 50-pmx-nic2.link " "one file per NIC, none for VF or bridge"
new=$(cat "$N/interfaces.new")
like "$new" $'iface nic0 inet manual\n\niface nic1 inet manual\n\nauto nic1.30\niface nic1.30 inet static\n\taddress 10.30.0.2/24' \
        "NICs and the VLAN renamed in place"
like "$new" $'\tbridge-ports nic0' "bridge port renamed"
like "$new" $'\tbond-slaves nic2\n\tbond-miimon 100\n\tbond-mode active-backup\n\tbond-primary nic2' "bond slave and primary renamed"
ok "nothing applied: live file unchanged" cmp "$N/interfaces" "$PVE_ROOT/live"
ok "no trace of the old names" sh -c "! grep -qE 'eth[013]' '$N/interfaces.new'"

# A second run: everything is pinned.
sum=$(cat "$N/interfaces.new" "$L"/* | md5sum)
out=$(pve-network-interface-pinning generate </dev/null 2>&1); rc=$?
is "$rc" "0" "second run succeeds"
like "$out" "Nothing to do, aborting." "second run has nothing to do"
is "$(cat "$N/interfaces.new" "$L"/* | md5sum)" "$sum" "second run changes nothing"

# Errors.
out=$(pve-network-interface-pinning generate --interface nosuch9 </dev/null 2>&1); rc=$?
is "$rc" "255" "unknown interface fails"
like "$out" "Could not find link with name 'nosuch9'" "... naming it"
out=$(pve-network-interface-pinning generate --interface eth0 </dev/null 2>&1)
like "$out" "There already exists a pin for NIC 'eth0' - aborting." "pinned NIC refused"
out=$(pve-network-interface-pinning generate --target-name wan0 </dev/null 2>&1); rc=$?
like "$out" "interface: missing property required by 'target-name'" "--target-name needs --interface"
out=$(pve-network-interface-pinning generate --prefix 9x </dev/null 2>&1); rc=$?
is "$rc" "255" "bad prefix refused"

# A new NIC with a name of our choice; a legacy pin file counts as a pin.
nic eth4 8 52:54:00:00:00:14 physical
nic eth5 9 52:54:00:00:00:15 physical
printf '# pinned by hand\n[Match]\nMACAddress=52:54:00:00:00:15\nType=ether\n\n[Link]\nName=lan5\n' >"$L/50-pve-lan5.link"
out=$(pve-network-interface-pinning generate --interface eth4 --target-name lan5 </dev/null 2>&1); rc=$?
like "$out" "target-name already exists as link or pin!" "target name taken by a legacy pin"
ok "pin eth4 as uplink" pve-network-interface-pinning generate --interface eth4 --target-name uplink </dev/null
is "$(grep Name= "$L/50-pmx-uplink.link")" "Name=uplink" "target name used"
like "$(cat "$N/interfaces.new")" $'iface uplink inet manual' "uplink staged"
ok "legacy pin left alone" test -e "$L/50-pve-lan5.link"
out=$(pve-network-interface-pinning generate </dev/null 2>&1)
like "$out" "Nothing to do, aborting." "legacy pin resolved by MAC: nothing left"
printf 'garbage\n' >"$L/50-pmx-broken.link"
out=$(pve-network-interface-pinning generate </dev/null 2>&1); rc=$?
like "$out" "unrecognized line: garbage" "malformed link file refused"
rm "$L/50-pmx-broken.link"

# A configuration the renames cannot be staged into is refused before any file is written.
nic eth6 10 52:54:00:00:00:16 physical
cp "$N/interfaces.new" "$PVE_ROOT/interfaces.saved"
printf '\nauto eth6.40\niface eth6.40 inet static\n\taddress 10.40.0.2/24\n\nauto vmbr6\niface vmbr6 inet manual\n\tbridge-ports eth6.40\n' >>"$N/interfaces.new"
links_before=$(ls "$L")
out=$(pve-network-interface-pinning generate --interface eth6 </dev/null 2>&1); rc=$?
is "$rc" 255 "a configuration that cannot be staged is refused"
like "$out" "can't be set on interface if bridged" "... saying why"
is "$(ls "$L")" "$links_before" "... before any link file is written"
mv "$PVE_ROOT/interfaces.saved" "$N/interfaces.new"

# ---- naming scheme ----------------------------------------------------------------
mkdir -p "$PVE_ROOT/etc/kernel" "$PVE_ROOT/etc/default" "$PVE_ROOT/bin"
echo 'root=ZFS=rpool/ROOT/pve-1 boot=zfs net.naming-scheme=v247 quiet' >"$PVE_ROOT/etc/kernel/cmdline"
printf 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n# keep me\n' >"$PVE_ROOT/etc/default/grub"
printf '#!/bin/sh\necho 252\n' >"$PVE_ROOT/bin/udevadm"; chmod +x "$PVE_ROOT/bin/udevadm"
ok "pin the naming scheme" env PATH="$PVE_ROOT/bin:$PATH" pve-network-interface-pinning naming-scheme
is "$(cat "$PVE_ROOT/etc/kernel/cmdline")" "root=ZFS=rpool/ROOT/pve-1 boot=zfs net.naming-scheme=v252 quiet" \
        "kernel cmdline: value replaced in place"
is "$(cat "$PVE_ROOT/etc/default/grub")" $'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="net.naming-scheme=v252"\n# keep me' \
        "grub: GRUB_CMDLINE_LINUX only"
ok "explicit scheme" pve-network-interface-pinning naming-scheme --scheme v253
is "$(cat "$PVE_ROOT/etc/kernel/cmdline")" "root=ZFS=rpool/ROOT/pve-1 boot=zfs net.naming-scheme=v253 quiet" "v253"

# ---- IPv6 off and on, in a namespace of its own -------------------------------------------
if [ "$(id -u)" -eq 0 ] && new_netns ns pin 2>/dev/null; then
        ok "disable IPv6" ip netns exec "$ns" env PVE_SYSROOT=/ pve-network-interface-pinning disable-ipv6
        is "$(cat "$PVE_ROOT/etc/sysctl.d/disable-ipv6.conf"; ip netns exec "$ns" sysctl -n net.ipv6.conf.all.disable_ipv6)" \
                $'net.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n1' "sysctl.d file and running value"
else
        skip "no network namespace"; skip "no network namespace"
fi

done_testing
