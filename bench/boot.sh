# SPDX-License-Identifier: AGPL-3.0-or-later
# proxmox-boot-tool refresh of 2 ESPs x 4 kernels on loop-device disk images:
# time and bytes written for a refresh with nothing changed, against
# upstream's logic (every refresh copies every kernel and rewrites every
# entry; re-enacted with mtools, as its mount-based script cannot run
# without a vfat driver). Also shown: refresh --verify, which reads every
# file back instead of trusting the ESPs' manifests.
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
make_disk A a 600 -n1:1M:+512M -t1:ef00 && make_disk B b 600 -n1:1M:+512M -t1:ef00 || { echo "disk setup failed"; exit 1; }
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

echo "2 ESPs x 4 kernels (8 MiB vmlinuz + 24 MiB initrd each), $RUNS runs, median"
measure pvehost_nochange proxmox-boot-tool refresh
measure upstream_nochange upstream_sync "${A}p1" "${B}p1"
# After the baseline rewrote everything (same content, new names): still nothing to write.
measure pvehost_after_upstream proxmox-boot-tool refresh
measure pvehost_verify proxmox-boot-tool refresh --verify
echo
awk -v a="$pvehost_nochange_ms" -v b="$upstream_nochange_ms" -v c="$pvehost_verify_ms" \
        'BEGIN { printf "no-change refresh time: pvehost / upstream logic = %.2f (with --verify: %.2f)\n", a / b, c / b }'
echo "no-change refresh bytes written: pvehost $pvehost_nochange_bytes, upstream logic $upstream_nochange_bytes (goal 0)"
