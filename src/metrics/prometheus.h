/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The Prometheus text exposition format (version 0.0.4) of a node sample,
 * served by pvestatd --prometheus-listen at /metrics. Names start with
 * pve_node_, values are in bytes and seconds, counters end in _total, and
 * every sample carries the label node; network counters also interface and
 * type (physical or virtual).
 */

#include "metrics/sample.h"

#define PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

char *prometheus_render(const NodeSample *s, const char *node);
