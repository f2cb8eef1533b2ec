/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * OpenTelemetry metrics as OTLP/HTTP JSON, with upstream's metric names
 * (pve-manager PVE::Status::OpenTelemetry): the node tree becomes
 * proxmox_node_<key>[_<subkey>] metrics with attribute node, the NICs
 * proxmox_node_network_{receive,transmit}_total with attributes node and
 * device. Counters (network bytes, CPU times, ...) get the suffix _total and
 * are cumulative monotonic sums; everything else is a gauge.
 *
 * Unlike upstream, the CPU time counters are sent in seconds (upstream sends
 * clock ticks under the unit "seconds"), and a key matching several unit
 * patterns gets the longest one's unit (upstream picks one at random).
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "metrics/payload.h"

/* The metric objects for the node tree (a JSON array). */
json_t *otlp_node_metrics(const json_t *tree, const char *node, int64_t time, long user_hz);

/*
 * The resource attributes: service.name=proxmox-ve, service.version,
 * proxmox.cluster ("single-node"), proxmox.node and the members of extra
 * (may be NULL; non-string values as JSON text).
 */
json_t *otlp_resource_attributes(const char *node, const json_t *extra);

/*
 * Request bodies (ExportMetricsServiceRequest JSON, gzip-compressed if
 * asked) for the metrics, split so that each stays within max_size bytes;
 * a single metric larger than that is sent alone.
 */
void otlp_encode(Payloads *p, const json_t *metrics, const json_t *resource_attributes, bool gzip, size_t max_size);
