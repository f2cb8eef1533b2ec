# SPDX-License-Identifier: AGPL-3.0-or-later
# proxmox-boot-tool in GRUB mode: "init <partition> grub" on EFI and ESPs of
# legacy-BIOS systems. Kernels go to the ESP root; grub/grub.cfg is written
# by the tool itself with the same kernels and command line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/boot-lib.sh"

boot_need_tools
need_cmd grub-mkimage
[ -d /usr/lib/grub/x86_64-efi ] || skip_all "grub-efi-amd64-bin not installed"
plan 14

boot_sandbox efi
mkdir -p "$PVE_ROOT/usr/lib/grub"
cp -r /usr/lib/grub/x86_64-efi "$PVE_ROOT/usr/lib/grub/"
printf 'GRUB_TIMEOUT=7\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n' > "$PVE_ROOT/etc/default-grub"
mkdir -p "$PVE_ROOT/etc/default" && mv "$PVE_ROOT/etc/default-grub" "$PVE_ROOT/etc/default/grub"
K1=6.8.12-4-pve K2=6.8.12-9-pve
add_kernel $K1; add_kernel $K2

make_disk D g 700 -n1:1M:+300M -t1:ef00 -n2:0:+300M -t2:ef00 || { echo "Bail out! disk"; exit 1; }
mkfs.vfat -F 32 "${D}p1" >/dev/null; mkfs.vfat -F 32 "${D}p2" >/dev/null

ok "init grub (EFI)" proxmox-boot-tool init "${D}p1" grub
ok "GRUB EFI image installed" sh -c "mcopy -n -i ${D}p1 ::/EFI/proxmox/grubx64.efi - 2>/dev/null | head -c 2 | grep -q MZ"
ok "removable GRUB EFI image installed" esp_same "${D}p1" EFI/BOOT/BOOTX64.EFI <(mcopy -n -i "${D}p1" ::/EFI/proxmox/grubx64.efi - 2>/dev/null)
ok "kernel in the ESP root" esp_same "${D}p1" "vmlinuz-$K2" "$PVE_ROOT/boot/vmlinuz-$K2"
cfg=$(esp_cat "${D}p1" grub/grub.cfg)
like "$cfg" "linux /vmlinuz-$K2 root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet" "grub.cfg: kernel with the command line and GRUB_CMDLINE_LINUX_DEFAULT"
like "$cfg" "initrd /initrd.img-$K1" "grub.cfg: initrd"
like "$cfg" "set timeout=7" "grub.cfg: GRUB_TIMEOUT"
like "$(proxmox-boot-tool status)" "is configured with: grub \(versions: $K1, $K2\)" "status: grub versions"
proxmox-boot-tool kernel pin $K1 >/dev/null
ok "refresh with a pin" proxmox-boot-tool refresh
like "$(esp_cat "${D}p1" grub/grub.cfg)" "set default='gnulinux-$K1'" "grub.cfg: pinned default"
sum=$(sha1sum "$(disk_image "$D")")
ok "second refresh" proxmox-boot-tool refresh
is "$(sha1sum "$(disk_image "$D")")" "$sum" "GRUB mode: refresh with nothing changed writes nothing"

# Legacy BIOS: the ESP gets GRUB's layout.
rm -rf "$PVE_SYSROOT/sys/firmware/efi"
ok "init on a legacy-BIOS system" proxmox-boot-tool init "${D}p2"
like "$(esp_cat "${D}p2" grub/grub.cfg)" "menuentry .*Linux $K2" "legacy BIOS ESP gets grub.cfg"
done_testing
