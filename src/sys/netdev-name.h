/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Network interface names (no sysfs access; implemented in netdev.c). */

#include <stdbool.h>

#include "basic/macro.h"

/*
 * A physical NIC by name alone, upstream's PHYSICAL_NIC_RE
 * (pve-common PVE::Network): eth<N>, nic<N>, if<N>, or en* / ib* without
 * ':' or '.'.
 */
bool netdev_name_is_physical(const char *name) _pure_;
