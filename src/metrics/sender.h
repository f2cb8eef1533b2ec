/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Delivery of samples to one external metric server, in a thread of its
 * own, so a slow or unreachable server never delays pvestatd's cycle or the
 * other servers.
 *
 * The main loop posts each new sample; the sender encodes it for its
 * server (Graphite, InfluxDB or OpenTelemetry) and sends it, bounded by the
 * server's timeout. A sender holds at most the sample it is sending and one
 * waiting sample: a newer sample replaces a waiting one, which is dropped,
 * so a down server costs bounded memory. Failures are logged once per
 * outage, naming the server's id, and recovery once again.
 */

#include <stdbool.h>

#include "metrics/config.h"
#include "metrics/sample.h"

typedef struct MetricSender MetricSender;

typedef struct MetricSenderStats {
        unsigned sent, failed, dropped;
} MetricSenderStats;

/* Starts a sender for server (copied) of this node; HTTP(S) servers load libcurl. */
int metric_sender_new(const MetricServer *server, const char *node, MetricSender **ret, char **reterr);

/* Hands over a new sample (a reference is taken); never blocks. */
void metric_sender_post(MetricSender *s, NodeSample *sample);

/*
 * Stops the sender and frees it. With drain, a waiting sample is still
 * sent (within the timeout); without, a send in progress is abandoned.
 */
void metric_sender_free(MetricSender *s, bool drain);

const MetricServer *metric_sender_server(const MetricSender *s);
MetricSenderStats metric_sender_stats(MetricSender *s);
