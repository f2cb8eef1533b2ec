# SPDX-License-Identifier: AGPL-3.0-or-later
# Boot verification: an ESP written by proxmox-boot-tool boots in QEMU with
# OVMF (TCG): systemd-boot loads a real Debian kernel and a tiny busybox
# initramfs from the entry, which prints a marker on the serial console.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/boot-lib.sh"

boot_need_tools
for t in qemu-system-x86_64 cpio dpkg-deb apt-get timeout; do need_cmd "$t"; done
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -f "$OVMF" ] && [ -f "$VARS" ] || skip_all "OVMF firmware not installed (package ovmf)"
[ -x /bin/busybox ] || skip_all "busybox-static not installed"
[ -f /usr/lib/systemd/boot/efi/systemd-bootx64.efi ] || skip_all "systemd-boot-efi not installed"

# A real Debian kernel: the package the cloud kernel meta package points at,
# downloaded once (not installed) and unpacked with dpkg-deb.
cache=${PVEHOST_CACHE:-/var/cache/pvehost-test}
mkdir -p "$cache"
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || skip_all "no linux-image-cloud-amd64 in the APT lists (apt-get update?)"
deb=$(ls "$cache/${pkg}_"*.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
        (cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1) || skip_all "cannot download $pkg"
        deb=$(ls "$cache/${pkg}_"*.deb | head -n1)
fi
plan 5

boot_sandbox efi
work=$(mktemp -d); on_exit "rm -rf '$work'"
dpkg-deb -x "$deb" "$work/deb"
vmlinuz=$(ls "$work"/deb/boot/vmlinuz-* | head -n1)
kver=${vmlinuz##*/vmlinuz-}
cp "$vmlinuz" "$PVE_ROOT/boot/vmlinuz-$kver"

# The initramfs: busybox and an init that prints the marker and powers off.
mkdir -p "$work/initrd"/{bin,dev,proc}
cp /bin/busybox "$work/initrd/bin/busybox"
mknod "$work/initrd/dev/console" c 5 1
cat > "$work/initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "PVEHOST-BOOT-MARKER $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
INIT
chmod +x "$work/initrd/init"
(cd "$work/initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$PVE_ROOT/boot/initrd.img-$kver"
echo "root=/dev/ram0 console=ttyS0 pvehost.check=1" > "$PVE_ROOT/etc/kernel/cmdline"

make_disk D qemu 400 -n1:1M:+300M -t1:ef00 || { echo "Bail out! disk"; exit 1; }
mkfs.vfat -F 32 "${D}p1" >/dev/null
ok "init the ESP" proxmox-boot-tool init "${D}p1"
ok "kernel add $kver" proxmox-boot-tool kernel add "$kver"
ok "refresh" proxmox-boot-tool refresh
sync

cp "$VARS" "$work/vars.fd"
timeout 170 qemu-system-x86_64 -machine q35,accel=tcg -m 512 -smp 1 -display none -no-reboot \
        -drive if=pflash,format=raw,readonly=on,file="$OVMF" \
        -drive if=pflash,format=raw,file="$work/vars.fd" \
        -drive file="$(disk_image "$D")",format=raw,if=none,id=esp,snapshot=on \
        -device virtio-blk-pci,drive=esp \
        -serial file:"$work/serial.log" >/dev/null 2>&1
rc=$?
out=$(tr -d '\r' < "$work/serial.log")
like "$out" "PVEHOST-BOOT-MARKER .*pvehost.check=1" "the ESP boots the kernel with the entry's command line"
is "$rc" 0 "QEMU powered off in time"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
done_testing
