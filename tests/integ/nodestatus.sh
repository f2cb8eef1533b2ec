#!/bin/bash
# Node status from PVE_SYSROOT fixtures, with upstream's formulas (issue 3 contract).
. "$(dirname "$0")/lib.sh"

need_cmd jq
plan 19
setup_root pve1
export PVE_SYSROOT="$PVEHOST_FIXTURES/sysroot/efi-secureboot"

st=$(pvesh get /nodes/pve1/status --output-format json)
is "$(jq .memory.total <<<"$st")" "$((16303428 * 1024))" "memory total from MemTotal"
is "$(jq .memory.used <<<"$st")" "$(((16303428 - 8000000) * 1024))" "memory used = MemTotal - MemAvailable"
is "$(jq .memory.free <<<"$st")" "$((1234568 * 1024))" "memory free"
is "$(jq .memory.available <<<"$st")" "$((8000000 * 1024))" "memory available"
is "$(jq .swap.used <<<"$st")" "$(((8388604 - 8000000) * 1024))" "swap used"
is "$(jq .ksm.shared <<<"$st")" "4096000" "ksm shared = pages_sharing x 4096"
is "$(jq -c .loadavg <<<"$st")" '["0.52","0.58","0.59"]' "loadavg strings"
is "$(jq .uptime <<<"$st")" "123456" "uptime integer part"
is "$(jq -r '.cpuinfo | "\(.sockets) \(.cores) \(.cpus)"' <<<"$st")" "2 4 4" "sockets, cores, cpus"
is "$(jq -r .cpuinfo.model <<<"$st")" "Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz" "cpu model"
is "$(jq -r .cpuinfo.mhz <<<"$st")" "2200.000" "cpu MHz"
is "$(jq -r .cpuinfo.hvm <<<"$st")" "1" "hvm from vmx flag"
is "$(jq -r .cpuinfo.microcode <<<"$st")" "0x2006e05" "microcode revision"
is "$(jq .cpuinfo.user_hz <<<"$st")" "$(getconf CLK_TCK)" "user_hz"
is "$(jq -r '."boot-info".mode + " " + (."boot-info".secureboot|tostring)' <<<"$st")" "efi 1" "EFI boot with Secure Boot"
is "$(jq -r '(.cpu >= 0 and .cpu <= 1) and (.wait >= 0 and .wait <= 1)' <<<"$st")" "true" "cpu and wait in [0,1] on static files"
like "$(jq -r .kversion <<<"$st")" '^Linux ' "kversion starts with Linux"

PVE_SYSROOT=$(mktemp -d); on_exit "rm -rf '$PVE_SYSROOT'"
cp -r "$PVEHOST_FIXTURES/sysroot/efi-secureboot/proc" "$PVE_SYSROOT/"
is "$(pvesh get /nodes/pve1/status --output-format json | jq -r '."boot-info" | (keys | join(",")) + " " + .mode')" \
        "mode legacy-bios" "legacy BIOS without sys/firmware/efi"
out=$(PVE_SYSROOT=/nonexistent pvesh get /nodes/pve1/status 2>&1)
like "$out" 'unable to read node status' "missing /proc is an error, not garbage"

done_testing
