/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Two host settings of the admin guide's network chapter that otherwise
 * take hand edits:
 *
 *  - disabling IPv6: /etc/sysctl.d/disable-ipv6.conf with
 *    net.ipv6.conf.all.disable_ipv6 and net.ipv6.conf.default.disable_ipv6,
 *    set at once in the running kernel (of the current network namespace)
 *    too; enabling removes the file and sets them back;
 *
 *  - pinning the version of systemd's network device naming scheme,
 *    "net.naming-scheme=vNNN" on the kernel command line: in
 *    /etc/kernel/cmdline (systems booted through proxmox-boot-tool) and in
 *    GRUB_CMDLINE_LINUX of /etc/default/grub, whichever exist. The rest of
 *    both files stays as it is. Takes effect after "proxmox-boot-tool
 *    refresh" or "update-grub" and a reboot.
 */

#include <stdbool.h>

#include "net/output.h"

#define NET_IPV6_SYSCTL_FILE "/etc/sysctl.d/disable-ipv6.conf"

int net_ipv6_set_disabled(bool disabled, char **reterr);

/*
 * Pins scheme ("v252"); NULL: the scheme of the installed udev ("v" and the
 * version "udevadm --version" prints). Reports what it changed through out.
 */
int net_naming_scheme_pin(const char *scheme, NetLogFn out, void *userdata, char **reterr);

/* "net.naming-scheme=<scheme>" set in a kernel command line, replacing an earlier value. Pure. */
char *net_cmdline_set(const char *cmdline, const char *key, const char *value);
