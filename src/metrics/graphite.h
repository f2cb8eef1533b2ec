/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Graphite's plaintext protocol, as upstream's PVE::Status::Graphite
 * writes it: one "<path> <value> <seconds>\n" line per number of the
 * metric tree, keys in sorted order, nested keys joined with '.' (a '.'
 * inside a key becomes '-'), strings and the keys template, pid, agent and
 * serial left out. For the node the path is "<root>.nodes.<node>".
 */

#include <jansson.h>
#include <stdint.h>

#include "metrics/payload.h"

/* Batch size for UDP (mtu - 50, as upstream) and TCP (56000). */
size_t graphite_batch_size(bool tcp, unsigned mtu);

/* Appends the lines for tree below prefix to p. */
void graphite_encode(Payloads *p, const json_t *tree, const char *prefix, int64_t time);
