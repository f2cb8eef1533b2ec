# SPDX-License-Identifier: AGPL-3.0-or-later
# proxmox-boot-tool on real GPT disk images on loop devices with two FAT ESPs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/boot-lib.sh"

boot_need_tools
boot_sandbox efi
plan 134

K1=6.8.12-4-pve K2=6.8.12-9-pve K3=6.5.13-1-pve K4=6.2.16-20-pve
add_kernel $K1; add_kernel $K2; add_kernel $K3; add_kernel $K4
add_package proxmox-kernel-6.8; add_package proxmox-kernel-6.5

# Disk A: ESP-to-be (300 MiB) and a 100 MiB partition; disk B: the mirror ESP.
make_disk A a 512 -n1:1M:+300M -t1:8300 -n2:0:+100M -t2:8300 || { echo "Bail out! disk a"; exit 1; }
make_disk B b 400 -n1:1M:+300M -t1:8300 || { echo "Bail out! disk b"; exit 1; }
IMG_A=$(disk_image "$A") IMG_B=$(disk_image "$B")

# ---- command line basics ----
out=$(proxmox-boot-tool 2>&1); rc=$?
is "$rc" 0 "no arguments: usage, exit 0"
like "$out" "format <partition> \[--force\]" "usage lists format"
proxmox-boot-tool frobnicate >/dev/null 2>&1; is $? 1 "unknown command exits 1"
ok "help exits 0" proxmox-boot-tool help
proxmox-boot-tool format >/dev/null 2>&1; is $? 1 "format without partition exits 1"
proxmox-boot-tool kernel bogus >/dev/null 2>&1; is $? 1 "invalid kernel subcommand exits 1"
proxmox-boot-tool status >/dev/null 2>&1; is $? 2 "status without ESP list exits 2"
proxmox-boot-tool status --quiet; is $? 2 "status --quiet without ESP list exits 2"

# ---- format refusals ----
out=$(proxmox-boot-tool format /dev/does-not-exist 2>&1); is $? 1 "format: missing path refused"
like "$out" "E: '/dev/does-not-exist' does not exist!" "format: missing path message"
out=$(proxmox-boot-tool format "$IMG_A" 2>&1); is $? 1 "format: regular file refused"
like "$out" "is not a block device" "format: non-block-device message"
out=$(proxmox-boot-tool format "$A" 2>&1); is $? 1 "format: whole disk refused"
like "$out" "please provide a partition, not a full disk" "format: whole-disk message"
out=$(proxmox-boot-tool format "${A}p2" 2>&1); is $? 1 "format: partition under 256 MiB refused"
like "$out" "is too small \(<256M\)" "format: too-small message"

# ---- format ----
ok "format disk A partition 1" proxmox-boot-tool format "${A}p1"
ok "format disk B partition 1" proxmox-boot-tool format "${B}p1"
is "$(blkid -p -s PART_ENTRY_TYPE -o value "${A}p1")" "$ESP_GUID" "format sets the ESP partition type"
is "$(blkid -p -s TYPE -o value "${A}p1")" "vfat" "format makes a FAT filesystem"
ok "partition node present after format" test -b "${A}p1"
out=$(proxmox-boot-tool format "${A}p1" 2>&1); is $? 1 "format: existing filesystem refused"
like "$out" "contains a filesystem \('vfat'\) - exiting \(use --force to override\)" "format: filesystem message"
ok "format --force reformats" proxmox-boot-tool format "${A}p1" --force
UA=$(esp_uuid "${A}p1") UB=$(esp_uuid "${B}p1")

# ---- init refusals ----
mkfs.ext4 -q -F "${A}p2" >/dev/null 2>&1
out=$(proxmox-boot-tool init "${A}p2" 2>&1); is $? 1 "init: small non-ESP partition refused"
sgdisk -t1:8300 "$B" >/dev/null 2>&1
out=$(proxmox-boot-tool init "${B}p1" 2>&1); is $? 1 "init: wrong partition type refused"
like "$out" "has wrong partition type" "init: partition type message"
sgdisk -t1:ef00 "$B" >/dev/null 2>&1
[ -b "${B}p1" ] || mknod "${B}p1" b $(tr : ' ' < /sys/block/${B#/dev/}/${B#/dev/}p1/dev)

# ---- init both ESPs ----
ok "init ESP on disk A" proxmox-boot-tool init "${A}p1"
ok "init ESP on disk B" proxmox-boot-tool init "${B}p1"
is "$(cat "$PVE_ROOT/etc/kernel/proxmox-boot-uuids")" "$(printf '%s\n' "$UA" "$UB" | sort)" "both UUIDs listed, sorted"
is "$(esp_cat "${A}p1" loader/loader.conf)" "$(printf 'timeout 3\ndefault proxmox-*')" "loader.conf as upstream"
ok "systemd-boot EFI binary installed" esp_same "${A}p1" EFI/systemd/systemd-bootx64.efi "$PVE_ROOT/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
ok "fallback EFI binary installed" esp_same "${B}p1" EFI/BOOT/BOOTX64.EFI "$PVE_ROOT/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
# Selection: latest two ABI versions, latest of the previous series; not the older 6.2 one.
is "$(esp_ls "${A}p1" | grep -c '^EFI/proxmox/[^/]*/$')" 3 "three kernels selected"
ok "old series kernel not synced" sh -c "! mdir -i ${A}p1 -b ::/EFI/proxmox 2>/dev/null | grep -q $K4"
ok "kernel image copied exactly" esp_same "${B}p1" "EFI/proxmox/$K2/vmlinuz-$K2" "$PVE_ROOT/boot/vmlinuz-$K2"
ok "initrd copied exactly" esp_same "${B}p1" "EFI/proxmox/$K3/initrd.img-$K3" "$PVE_ROOT/boot/initrd.img-$K3"
is "$(esp_cat "${A}p1" loader/entries/proxmox-$K1.conf)" "$(printf 'title    Proxmox Virtual Environment\nversion  %s\noptions  root=ZFS=rpool/ROOT/pve-1 boot=zfs\nlinux    /EFI/proxmox/%s/vmlinuz-%s\ninitrd   /EFI/proxmox/%s/initrd.img-%s' $K1 $K1 $K1 $K1 $K1)" "loader entry as upstream"
is "$(esp_ls "${A}p1")" "$(esp_ls "${B}p1")" "both ESPs hold the same files"

# ---- status ----
out=$(proxmox-boot-tool status 2>&1); is $? 0 "status exits 0"
like "$out" "System currently booted with uefi" "status: boot mode"
like "$out" "$UA is configured with: uefi \(versions: $K3, $K1, $K2\)" "status: ESP line as upstream"
js=$(proxmox-boot-tool status --output-format json)
is "$(echo "$js" | jq -r '[.esps[] | ."in-sync"] | all')" true "status json: every ESP in sync"
is "$(echo "$js" | jq -r '.esps[0].free > 0')" true "status json: free space"

# ---- idempotence ----
sum_before=$(sha1sum "$IMG_A" "$IMG_B")
out=$(proxmox-boot-tool refresh 2>&1); is $? 0 "second refresh"
is "$(sha1sum "$IMG_A" "$IMG_B")" "$sum_before" "refresh with nothing changed leaves both images byte-identical"
fails "refresh with nothing changed reads no file back (manifest)" grep -q "verified by reading" <<<"$out"

# ---- manifest: what refresh compares with instead of reading every file back ----
M=.proxmox-boot-manifest
# manifest_true DEV: every record names a file of that content on the ESP.
manifest_true() {
        local dev=$1 sum size path n=0
        while read -r sum size path; do
                [ "$(mcopy -n -i "$dev" "::/$path" - 2>/dev/null | sha256sum | cut -d' ' -f1)" = "$sum" ] ||
                        { echo "# $dev: $path does not have the recorded content"; return 1; }
                n=$((n + 1))
        done < <(esp_cat "$dev" $M | grep -v '^#')
        [ "$n" -gt 0 ]
}
is "$(esp_cat "${A}p1" $M | head -n1)" "# proxmox-boot-tool ESP manifest 1" "manifest header"
ok "manifest of ESP A is true" manifest_true "${A}p1"
ok "manifest of ESP B is true" manifest_true "${B}p1"
like "$(esp_cat "${A}p1" $M)" " EFI/proxmox/$K1/initrd.img-$K1" "manifest records the kernels"
like "$(esp_cat "${A}p1" $M)" " EFI/BOOT/BOOTX64.EFI" "manifest keeps the records of init's files"
like "$(mattrib -i "${A}p1" ::/$M 2>/dev/null)" "H +::/$M" "manifest is a hidden file"
# Upstream's refresh warns about anything below EFI/proxmox that is not a kernel directory.
is "$(mdir -i "${A}p1" -a -b ::/EFI/proxmox 2>/dev/null | grep -vc '/$')" 0 "only kernel directories below EFI/proxmox"

# Changed behind our back, same size: only a read-back sees it.
head -c $((768 * 1024)) /dev/urandom > "$PVE_ROOT/tampered"
mcopy -o -i "${A}p1" "$PVE_ROOT/tampered" "::/EFI/proxmox/$K1/initrd.img-$K1" 2>/dev/null
sum_b=$(sha1sum "$IMG_B")
out=$(proxmox-boot-tool refresh --verify 2>&1); is $? 0 "refresh --verify"
like "$out" "Writing EFI/proxmox/$K1/initrd.img-$K1" "--verify finds a file changed with the same size"
like "$out" "${A}p1: 10 files verified by reading them back" "--verify reads back every file"
ok "--verify restored the file" esp_same "${A}p1" "EFI/proxmox/$K1/initrd.img-$K1" "$PVE_ROOT/boot/initrd.img-$K1"
is "$(sha1sum "$IMG_B")" "$sum_b" "--verify leaves the intact mirror byte-identical"
ok "manifest true after --verify" manifest_true "${A}p1"
sum_before=$(sha1sum "$IMG_A" "$IMG_B")
ok "second refresh --verify" proxmox-boot-tool refresh --verify
is "$(sha1sum "$IMG_A" "$IMG_B")" "$sum_before" "refresh --verify with nothing changed writes nothing"

# Damage that changes sizes or removes files: a plain refresh sees it in the listing.
printf 'broken' | mcopy -o -i "${B}p1" - "::/EFI/proxmox/$K2/vmlinuz-$K2" 2>/dev/null
mdel -i "${B}p1" "::/loader/entries/proxmox-$K3.conf" 2>/dev/null
out=$(proxmox-boot-tool refresh 2>&1); is $? 0 "refresh after damage"
like "$out" "Writing EFI/proxmox/$K2/vmlinuz-$K2" "truncated kernel rewritten"
like "$out" "Writing loader/entries/proxmox-$K3.conf" "deleted entry rewritten"
ok "kernel restored" esp_same "${B}p1" "EFI/proxmox/$K2/vmlinuz-$K2" "$PVE_ROOT/boot/vmlinuz-$K2"
fails "damage repaired without reading files back" grep -q "verified by reading" <<<"$out"

# No manifest (an ESP written by upstream's tool): every file is read back, none rewritten, the manifest added.
mdel -i "${A}p1" ::/$M 2>/dev/null
out=$(proxmox-boot-tool refresh 2>&1); is $? 0 "refresh without manifest"
like "$out" "${A}p1: 10 files verified by reading them back" "without a manifest every file is read back"
fails "without a manifest no boot file is rewritten" grep -qE "Writing (EFI|loader)/" <<<"$out"
ok "manifest written again" manifest_true "${A}p1"
# An unreadable manifest is ignored the same way, with a warning.
printf 'garbage\n' | mcopy -o -i "${B}p1" - ::/$M 2>/dev/null
out=$(proxmox-boot-tool refresh 2>&1); is $? 0 "refresh with an unreadable manifest"
like "$out" "WARN: ignoring the unreadable manifest" "unreadable manifest: warning"
like "$out" "${B}p1: 10 files verified by reading them back" "unreadable manifest: every file read back"
ok "unreadable manifest replaced" manifest_true "${B}p1"
sum_before=$(sha1sum "$IMG_A" "$IMG_B")
ok "refresh after the manifests were rewritten" proxmox-boot-tool refresh
is "$(sha1sum "$IMG_A" "$IMG_B")" "$sum_before" "then a refresh writes nothing again"

# Upstream's tool managing ESPs we wrote (it copies everything again): nothing for us to do afterwards.
ok "upstream's refresh on our ESPs" upstream_sync "${A}p1" "${B}p1"
sum_before=$(sha1sum "$IMG_A" "$IMG_B")
out=$(proxmox-boot-tool refresh 2>&1); is $? 0 "refresh after upstream's"
is "$(sha1sum "$IMG_A" "$IMG_B")" "$sum_before" "refresh after upstream's writes nothing"
fails "refresh after upstream's reads no file back" grep -q "verified by reading" <<<"$out"

# ---- kernels ----
out=$(proxmox-boot-tool kernel add 9.9.9-9-pve 2>&1); is $? 1 "kernel add: unknown version refused"
like "$out" "no kernel image found in /boot for '9.9.9-9-pve'" "kernel add: message"
ok "kernel add old kernel" proxmox-boot-tool kernel add $K4
is "$(cat "$PVE_ROOT/etc/kernel/proxmox-boot-manual-kernels")" "$K4" "manual kernel list"
out=$(proxmox-boot-tool kernel list)
like "$(echo "$out" | tr '\n' '|')" "^Manually selected kernels:\|$K4\|\|Automatically selected kernels:\|$K3\|$K1\|$K2\|$" "kernel list sections"
ok "kernel pin" proxmox-boot-tool kernel pin $K1
ok "kernel pin --next-boot" proxmox-boot-tool kernel pin $K3 --next-boot
ok "refresh after pin" proxmox-boot-tool refresh
is "$(esp_cat "${B}p1" loader/loader.conf)" "$(printf 'timeout 3\ndefault proxmox-%s.conf' $K3)" "next-boot pin wins in loader.conf"
ok "manual kernel synced" esp_same "${A}p1" "EFI/proxmox/$K4/vmlinuz-$K4" "$PVE_ROOT/boot/vmlinuz-$K4"
ok "kernel unpin" proxmox-boot-tool kernel unpin
ok "kernel remove" proxmox-boot-tool kernel remove $K4
echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet" > "$PVE_ROOT/etc/kernel/cmdline"
remove_kernel $K3
ok "refresh after unpin, removal and new cmdline" proxmox-boot-tool refresh
is "$(esp_cat "${A}p1" loader/loader.conf)" "$(printf 'timeout 3\ndefault proxmox-*')" "unpin restores default proxmox-*"
ok "stale kernel directory and entry removed" sh -c "! mdir -i ${A}p1 -b -/ ::/ 2>/dev/null | grep -q -e '$K3' -e '$K4'"
like "$(esp_cat "${B}p1" loader/entries/proxmox-$K2.conf)" "options  root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet" "new command line in entries"

# ---- bad input ----
printf '%s\n../../etc\n' "$K1" > "$PVE_ROOT/etc/kernel/proxmox-boot-manual-kernels"
sum_before=$(sha1sum "$IMG_A")
out=$(proxmox-boot-tool refresh 2>&1); is $? 1 "corrupt manual kernel list refused"
like "$out" "proxmox-boot-manual-kernels:2: '../../etc' is not a valid kernel version" "corrupt list: file:line message"
is "$(sha1sum "$IMG_A")" "$sum_before" "corrupt list: ESP unchanged"
rm "$PVE_ROOT/etc/kernel/proxmox-boot-manual-kernels"
printf '\000\377junk 1.2\n' > "$PVE_ROOT/etc/kernel/proxmox-boot-pin"
out=$(proxmox-boot-tool refresh 2>&1); is $? 1 "corrupt pin file refused"
like "$out" "proxmox-boot-pin: corrupt" "corrupt pin file: message names it"
is "$(sha1sum "$IMG_A")" "$sum_before" "corrupt pin file: ESP unchanged"
printf 'not/a-version\n' > "$PVE_ROOT/etc/kernel/proxmox-boot-pin"
out=$(proxmox-boot-tool kernel list 2>&1); is $? 1 "pin file with a bad version refused"
like "$out" "proxmox-boot-pin:1: 'not/a-version' is not a valid kernel version" "bad pin: file:line message"
rm "$PVE_ROOT/etc/kernel/proxmox-boot-pin"

# ---- space check: a kernel that does not fit ----
add_kernel 6.8.12-11-pve $((110 * 1024))
sum_before=$(sha1sum "$IMG_A" "$IMG_B")
out=$(proxmox-boot-tool refresh 2>&1); is $? 1 "too-small ESP refused"
like "$out" "not enough free space on ESP" "too-small ESP: clear message"
is "$(sha1sum "$IMG_A" "$IMG_B")" "$sum_before" "too-small ESP: both images unchanged"
remove_kernel 6.8.12-11-pve

# ---- missing ESP, clean ----
echo "DEAD-BEEF" >> "$PVE_ROOT/etc/kernel/proxmox-boot-uuids"
out=$(proxmox-boot-tool status 2>&1); is $? 1 "status fails for a UUID no disk has"
like "$out" "DEAD-BEEF" "status names the missing UUID"
like "$out" "$UB is configured with" "status still lists present ESPs"
list_sum=$(sha1sum "$PVE_ROOT/etc/kernel/proxmox-boot-uuids")
out=$(proxmox-boot-tool clean --dry-run); like "$out" "Checking whether ESP 'DEAD-BEEF' exists.. Not found!" "clean --dry-run reports"
is "$(sha1sum "$PVE_ROOT/etc/kernel/proxmox-boot-uuids")" "$list_sum" "clean --dry-run changes nothing"
ok "clean" proxmox-boot-tool clean
ok "clean removed the missing UUID" sh -c "! grep -q DEAD-BEEF '$PVE_ROOT/etc/kernel/proxmox-boot-uuids'"

# ---- kernel hooks and API ----
hooks=$(mktemp -d); on_exit "rm -rf '$hooks'"
mkdir -p "$hooks/postinst.d" "$hooks/postrm.d" "$hooks/bin"
# The hooks do nothing inside containers (as upstream); this test may run in one.
printf '#!/bin/sh\necho none\nexit 1\n' > "$hooks/bin/systemd-detect-virt"; chmod +x "$hooks/bin/systemd-detect-virt"
export PATH="$hooks/bin:$PATH"
cp "$PVEHOST_SRC/data/kernel/zz-proxmox-boot" "$hooks/postinst.d/"
cp "$PVEHOST_SRC/data/kernel/zz-proxmox-boot" "$hooks/postrm.d/"
add_kernel 6.8.12-12-pve
out=$(env DEB_MAINT_PARAMS=configure "$hooks/postinst.d/zz-proxmox-boot" 6.8.12-12-pve 2>&1); is $? 0 "postinst hook syncs a new kernel"
ok "new kernel on the mirror ESP" esp_same "${B}p1" EFI/proxmox/6.8.12-12-pve/vmlinuz-6.8.12-12-pve "$PVE_ROOT/boot/vmlinuz-6.8.12-12-pve"
remove_kernel 6.8.12-12-pve
ok "postrm hook" env DEB_MAINT_PARAMS=remove "$hooks/postrm.d/zz-proxmox-boot" 6.8.12-12-pve
ok "removed kernel gone from the ESP" sh -c "! mdir -i ${A}p1 -b ::/EFI/proxmox 2>/dev/null | grep -q 6.8.12-12-pve"
ok "postinst upgrade run does nothing" env DEB_MAINT_PARAMS=upgrade "$hooks/postinst.d/zz-proxmox-boot" 6.8.12-12-pve
ok "auto-removal list written" grep -q '"^proxmox-kernel-6\\.8\\.12-9-pve-signed\$";' "$PVE_ROOT/etc/apt/apt.conf.d/76pveconf"
is "$(pvesh get /nodes/$PVE_NODENAME/boot --output-format json | jq -r '.esps | length')" 2 "API: GET /nodes/{node}/boot lists the ESPs"
ok "API: pin" pvesh create /nodes/$PVE_NODENAME/boot/pin --version $K2
is "$(cat "$PVE_ROOT/etc/kernel/proxmox-boot-pin")" "$K2" "API: pin file written"
fails "API: pin of an unknown kernel" pvesh create /nodes/$PVE_NODENAME/boot/pin --version 1.2.3-4-pve
ok "API: unpin" pvesh delete /nodes/$PVE_NODENAME/boot/pin
ok "API: pin file removed" test ! -e "$PVE_ROOT/etc/kernel/proxmox-boot-pin"

# ---- a kernel changing while it is copied ----
# An mcopy that appends to the new initrd once it has copied it, as a concurrent initramfs update would.
K5=6.8.12-13-pve
add_kernel $K5
wrap=$(mktemp -d); on_exit "rm -rf '$wrap'"
printf '#!/bin/sh\n%s "$@"; rc=$?\nfor a; do case "$a" in */initrd.img-%s) printf x >> "$a" ;; esac; done\nexit $rc\n' \
        "$(command -v mcopy)" $K5 > "$wrap/mcopy"
chmod +x "$wrap/mcopy"
out=$(PATH="$wrap:$PATH" proxmox-boot-tool refresh 2>&1); is $? 1 "refresh fails when a kernel changes while copied"
like "$out" "initrd.img-$K5' changed while it was copied" "changed kernel: message"
ok "changed copy not put in place" sh -c "! mdir -i ${A}p1 -b ::/EFI/proxmox/$K5 2>/dev/null | grep -q 'initrd.img-$K5\$'"
ok "no entry for the incomplete kernel" sh -c "! mdir -i ${A}p1 -b ::/loader/entries 2>/dev/null | grep -q '$K5'"
ok "next refresh completes" proxmox-boot-tool refresh
ok "changed kernel copied" esp_same "${A}p1" "EFI/proxmox/$K5/initrd.img-$K5" "$PVE_ROOT/boot/initrd.img-$K5"
ok "manifest true after the failed run" manifest_true "${A}p1"

done_testing
