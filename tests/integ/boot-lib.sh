# SPDX-License-Identifier: AGPL-3.0-or-later
# Helpers for the proxmox-boot-tool tests: a sandbox root with kernels and
# dpkg status, and GPT disk images on loop devices. Source after lib.sh.
#
# This machine has no udev: partitions are added with partx and their nodes
# made with mknod; everything is removed on exit.

export MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null

ESP_GUID=c12a7328-f81f-11d2-ba4b-00a0c93ec93b

boot_need_tools() {
        need_root
        local t
        for t in losetup partx sgdisk mkfs.vfat mcopy mdir; do need_cmd "$t"; done
        losetup -f >/dev/null 2>&1 || skip_all "no free loop device"
}

# boot_sandbox [efi|bios]: PVE_ROOT with /etc/pve and systemd-boot's EFI
# binary, PVE_SYSROOT with the firmware directory and a running kernel.
boot_sandbox() {
        setup_root
        PVE_SYSROOT="$PVE_ROOT/.sysroot"
        export PVE_SYSROOT
        mkdir -p "$PVE_ROOT"/{boot,var/lib/dpkg,etc/kernel,usr/lib/systemd/boot/efi} "$PVE_SYSROOT/proc/sys/kernel"
        touch "$PVE_ROOT/var/lib/dpkg/status"
        if [ -f /usr/lib/systemd/boot/efi/systemd-bootx64.efi ]; then
                cp /usr/lib/systemd/boot/efi/systemd-bootx64.efi "$PVE_ROOT/usr/lib/systemd/boot/efi/"
        else
                printf 'MZ stand-in for systemd-bootx64.efi\n' > "$PVE_ROOT/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
        fi
        [ "${1:-efi}" = efi ] && mkdir -p "$PVE_SYSROOT/sys/firmware/efi/efivars"
        echo "6.1.0-99-amd64" > "$PVE_SYSROOT/proc/sys/kernel/osrelease"
        echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro initrd=/initrd.img quiet" > "$PVE_SYSROOT/proc/cmdline"
        echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs" > "$PVE_ROOT/etc/kernel/cmdline"
}

# add_kernel VERSION [KIB]: /boot files of random content and an installed package.
add_kernel() {
        local v=$1 kib=${2:-256}
        head -c $((kib * 1024)) /dev/urandom > "$PVE_ROOT/boot/vmlinuz-$v"
        head -c $((kib * 3 * 1024)) /dev/urandom > "$PVE_ROOT/boot/initrd.img-$v"
        mkdir -p "$PVE_ROOT/lib/modules/$v"
        add_package "proxmox-kernel-$v-signed"
}

add_package() {
        printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n' "$1" >> "$PVE_ROOT/var/lib/dpkg/status"
}

# remove_kernel VERSION: package gone from dpkg, files from /boot.
remove_kernel() {
        local v=$1
        python3 - "$PVE_ROOT/var/lib/dpkg/status" "proxmox-kernel-$v-signed" <<'PY'
import sys
path, pkg = sys.argv[1], sys.argv[2]
paras = open(path).read().split("\n\n")
open(path, "w").write("\n\n".join(p for p in paras if ("Package: " + pkg + "\n") not in p + "\n"))
PY
        rm -rf "$PVE_ROOT/boot/vmlinuz-$v" "$PVE_ROOT/boot/initrd.img-$v" "$PVE_ROOT/lib/modules/$v"
}

# make_disk VAR NAME SIZE_MIB SGDISK_PARTITION_ARGS...: a GPT disk image on
# a loop device with partition nodes, all removed on exit; stores the loop
# device in VAR (locals are prefixed so that no VAR is shadowed). Not usable
# as $(make_disk ...): the exit hooks would be registered in the subshell and
# lost, leaking the loop device.
make_disk() {
        local _md_var=$1 _md_name=$2 _md_size=$3 _md_img _md_loop _md_dev _md_part _md_n; shift 3
        _md_img="$PVE_ROOT/../$(basename "$PVE_ROOT")-$_md_name.img"
        truncate -s "${_md_size}M" "$_md_img"
        on_exit "rm -f '$_md_img'"
        sgdisk -o "$@" "$_md_img" >/dev/null || return 1
        _md_loop=$(losetup -f --show "$_md_img") || return 1
        on_exit "losetup -d '$_md_loop'"
        partx -a "$_md_loop" 2>/dev/null || true
        _md_dev=${_md_loop#/dev/}
        for _md_part in /sys/block/"$_md_dev"/"$_md_dev"p*; do
                [ -e "$_md_part" ] || continue
                _md_n=$(basename "$_md_part")
                on_exit "partx -d --nr ${_md_n##*p} '$_md_loop'; rm -f '/dev/$_md_n'"
                rm -f "/dev/$_md_n"   # a node left from an earlier loop device may carry another dev_t
                mknod "/dev/$_md_n" b $(tr : ' ' < "$_md_part/dev")
        done
        printf -v "$_md_var" '%s' "$_md_loop"
}

disk_image() { losetup -n -O BACK-FILE "$1"; }

# upstream_sync DEV...: upstream's zz-proxmox-boot on systemd-boot ESPs,
# re-enacted with mtools as its mount-based script cannot run without a vfat
# driver: copy every selected kernel and initrd (timestamps kept), rewrite
# every entry and loader.conf.
upstream_sync() {
        local d v entry
        for d in "$@"; do
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

# esp_cat DEV PATH: a file's content, read back with mtools.
esp_cat() { mtype -i "$1" "::/$2" 2>/dev/null; }
esp_ls() { mdir -i "$1" -b -/ ::/ 2>/dev/null | sed 's|^::/||' | sort; }
esp_same() { mcopy -n -i "$1" "::/$2" - 2>/dev/null | cmp -s - "$3"; }
esp_uuid() { blkid -p -s UUID -o value "$1"; }
