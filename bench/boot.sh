# SPDX-License-Identifier: AGPL-3.0-or-later
# proxmox-boot-tool refresh of 2 ESPs x 4 kernels on loop-device disk images:
# time and bytes written for a refresh with nothing changed, against
# upstream's logic (every refresh copies every kernel and rewrites every
# entry; re-enacted with mtools, as its mount-based script cannot run
# without a vfat driver).
set -u
TESTS="$PVEHOST_SRC/tests/integ"
. "$TESTS/lib.sh" >/dev/null
. "$TESTS/boot-lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 0; }
for t in losetup partx sgdisk mkfs.vfat mcopy; do command -v $t >/dev/null || { echo "skip: $t missing"; exit 0; }; done

RUNS=${RUNS:-3}
boot_sandbox efi
for v in 6.8.12-4-pve 6.8.12-9-pve 6.5.13-6-pve 6.2.16-20-pve; do
        add_kernel "$v" 8192   # 8 MiB image, 24 MiB initrd
done
echo 6.2.16-20-pve > "$PVE_ROOT/etc/kernel/proxmox-boot-manual-kernels"
A=$(make_disk a 600 -n1:1M:+512M -t1:ef00) && B=$(make_disk b 600 -n1:1M:+512M -t1:ef00) || { echo "disk setup failed"; exit 1; }
# init ends with a refresh: both ESPs hold the 4 kernels afterwards.
for d in "${A}p1" "${B}p1"; do mkfs.vfat -F 32 "$d" >/dev/null; proxmox-boot-tool init "$d" >/dev/null 2>&1; done

written() { # bytes written to both disks so far
        local s=0 d
        for d in "$A" "$B"; do s=$((s + $(awk '{ print $7 }' "/sys/block/${d#/dev/}/stat") * 512)); done
        echo "$s"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# measure NAME CMD...: median wall time (ms) and bytes written per run, over RUNS runs.
measure() {
        local name=$1 t0 t1 w0 w1 times=() bytes; shift
        sync
        w0=$(written)
        for _ in $(seq "$RUNS"); do
                t0=$(now_ms); "$@" >/dev/null 2>&1 || { echo "$name failed"; exit 1; }; sync; t1=$(now_ms)
                times+=($((t1 - t0)))
        done
        w1=$(written)
        bytes=$(((w1 - w0) / RUNS))
        IFS=$'\n' median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
        eval "${name}_ms=$median ${name}_bytes=$bytes"
        printf '%-34s %8s ms %14s bytes written\n' "$name" "$median" "$bytes"
}

# Upstream's zz-proxmox-boot per ESP: copy every kernel and initrd, rewrite every entry and loader.conf.
upstream_refresh() {
        local d v entry
        for d in "${A}p1" "${B}p1"; do
                for v in $(proxmox-boot-tool kernel list | grep -- '-pve$'); do
                        mmd -i "$d" "::/EFI/proxmox/$v" 2>/dev/null
                        mcopy -o -m -i "$d" "$PVE_ROOT/boot/vmlinuz-$v" "$PVE_ROOT/boot/initrd.img-$v" "::/EFI/proxmox/$v/" || return 1
                        entry=$(printf 'title    Proxmox Virtual Environment\nversion  %s\noptions  %s\nlinux    /EFI/proxmox/%s/vmlinuz-%s\ninitrd   /EFI/proxmox/%s/initrd.img-%s\n' \
                                "$v" "$(head -n1 "$PVE_ROOT/etc/kernel/cmdline")" "$v" "$v" "$v" "$v")
                        printf '%s\n' "$entry" | mcopy -o -i "$d" /dev/stdin "::/loader/entries/proxmox-$v.conf" || return 1
                done
                printf 'timeout 3\ndefault proxmox-*\n' | mcopy -o -i "$d" /dev/stdin ::/loader/loader.conf || return 1
        done
}

echo "2 ESPs x 4 kernels (8 MiB vmlinuz + 24 MiB initrd each), $RUNS runs, median"
measure pvehost_nochange proxmox-boot-tool refresh
measure upstream_nochange upstream_refresh
# After the baseline rewrote everything (same content, new names): still nothing to write.
measure pvehost_after_upstream proxmox-boot-tool refresh
echo
awk -v a="$pvehost_nochange_ms" -v b="$upstream_nochange_ms" 'BEGIN { printf "no-change refresh time: pvehost / upstream logic = %.2f\n", a / b }'
echo "no-change refresh bytes written: pvehost $pvehost_nochange_bytes, upstream logic $upstream_nochange_bytes (goal 0)"
