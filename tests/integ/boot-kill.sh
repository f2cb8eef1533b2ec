# SPDX-License-Identifier: AGPL-3.0-or-later
# Fault injection: proxmox-boot-tool refresh killed (SIGKILL) at random points
# must leave every ESP bootable: each loader entry names files that are
# complete (the old or the new content), and the next refresh completes,
# leaving manifests that tell the truth (a full read-back finds nothing to do).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/boot-lib.sh"

boot_need_tools
boot_sandbox efi
ROUNDS=8
plan $((ROUNDS * 3 + 2))

make_disk A a 400 -n1:1M:+300M -t1:ef00 || { echo "Bail out! disk"; exit 1; }
make_disk B b 400 -n1:1M:+300M -t1:ef00 || { echo "Bail out! disk"; exit 1; }
for d in "${A}p1" "${B}p1"; do mkfs.vfat -F 32 "$d" >/dev/null; proxmox-boot-tool init "$d" >/dev/null 2>&1; done
add_kernel 6.8.12-1-pve 2048
ok "initial refresh" proxmox-boot-tool refresh

# Every content a file ever had is a complete version of it.
known=$(mktemp); on_exit "rm -f '$known'"
record() { sha1sum "$PVE_ROOT"/boot/* | cut -d' ' -f1 >> "$known"; }
record

# bootable DEV: every entry's linux and initrd are complete known files.
bootable() {
        local dev=$1 entry f n=0
        for entry in $(mdir -i "$dev" -b ::/loader/entries 2>/dev/null | grep '\.conf$'); do
                case "$entry" in *memtest*) continue ;; esac
                for f in $(mtype -i "$dev" "$entry" | awk '$1 == "linux" || $1 == "initrd" { print $2 }'); do
                        grep -qx "$(mcopy -n -i "$dev" "::$f" - 2>/dev/null | sha1sum | cut -d' ' -f1)" "$known" ||
                                { echo "# $dev: $entry names incomplete $f"; return 1; }
                done
                n=$((n + 1))
        done
        [ "$n" -gt 0 ] || { echo "# $dev: no loader entry"; return 1; }
}

v=1
for round in $(seq 1 $ROUNDS); do
        # A kernel update, a rebuilt initrd and a new command line per round.
        v=$((v + 1))
        add_kernel "6.8.12-$v-pve" 2048
        head -c 3000000 /dev/urandom > "$PVE_ROOT/boot/initrd.img-6.8.12-$((v - 1))-pve"
        echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs round=$round" > "$PVE_ROOT/etc/kernel/cmdline"
        record
        proxmox-boot-tool refresh >/dev/null 2>&1 &
        pid=$!
        sleep "0.$(shuf -i 0-999 -n 1 | xargs printf '%03d')"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        ok "round $round: both ESPs bootable after SIGKILL" sh -c "$(declare -f bootable); known='$known'; bootable '${A}p1' && bootable '${B}p1'"
        proxmox-boot-tool refresh >/dev/null 2>&1
        is "$(proxmox-boot-tool status --output-format json | jq -r '[.esps[] | ."in-sync"] | all')" true "round $round: next refresh completes"
        sums=$(sha1sum "$(disk_image "$A")" "$(disk_image "$B")")
        proxmox-boot-tool refresh --verify >/dev/null 2>&1
        is "$(sha1sum "$(disk_image "$A")" "$(disk_image "$B")")" "$sums" "round $round: refresh --verify finds nothing to rewrite"
done
is "$(esp_ls "${A}p1")" "$(esp_ls "${B}p1")" "ESPs identical at the end"
done_testing
