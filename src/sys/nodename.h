/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The local node's name: $PVE_NODENAME if set, else the host name up to the
 * first dot (as upstream's PVE::INotify::nodename()).
 */
const char *node_name(void);
