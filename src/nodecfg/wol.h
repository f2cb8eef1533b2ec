/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Wake-on-LAN as upstream sends it: one UDP datagram of 102 bytes
 * (6 x 0xff, then the MAC 16 times) to port 9 of the broadcast address,
 * optionally bound to an interface (SO_BINDTODEVICE), in the current
 * network namespace.
 */

#include <stddef.h>
#include <stdint.h>

#define WOL_PACKET_SIZE 102
#define WOL_PORT 9
#define WOL_DEFAULT_BROADCAST "255.255.255.255"

/* Fills the magic packet for mac ("aa:bb:cc:dd:ee:ff"); -EINVAL on a malformed MAC. */
int wol_build_packet(const char *mac, uint8_t ret[static WOL_PACKET_SIZE]);

/*
 * Sends the packet. bind_interface and broadcast may be NULL (no binding,
 * 255.255.255.255). On failure returns -errno and upstream's message in
 * *reterr ("Unable to bind socket to interface 'x'", ...).
 */
int wol_send(const char *mac, const char *bind_interface, const char *broadcast, char **reterr);
