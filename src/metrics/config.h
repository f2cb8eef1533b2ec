/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * External metric servers: /etc/pve/status.cfg in upstream's section-config
 * format (pve-manager PVE::Status::Plugin and its graphite, influxdb and
 * opentelemetry plugins), and the InfluxDB tokens, which upstream keeps out
 * of status.cfg in /etc/pve/priv/metricserver/<id>.pw.
 *
 *         graphite: carbon
 *                 server 10.0.0.5
 *                 port 2003
 *                 proto tcp
 *
 *         influxdb: influx
 *                 disable
 *                 server influx.example.com
 *                 port 8086
 *                 influxdbproto https
 */

#include <stdbool.h>
#include <stdint.h>

#include "api/sectioncfg.h"

extern const SectionSchema status_cfg_schema;

/* Option lists of the three types (for the API schema). */
extern const ApiSchema graphite_options[];
extern const ApiSchema influxdb_options[];
extern const ApiSchema opentelemetry_options[];

typedef enum MetricServerType {
        METRIC_GRAPHITE,
        METRIC_INFLUXDB,
        METRIC_OPENTELEMETRY,
} MetricServerType;

typedef enum MetricTransport {
        METRIC_UDP,
        METRIC_TCP,
        METRIC_HTTP,
        METRIC_HTTPS,
} MetricTransport;

/* One server with upstream's defaults applied. */
typedef struct MetricServer {
        char *id;
        MetricServerType type;
        MetricTransport transport;
        bool disable;
        char *server;
        unsigned port;
        unsigned mtu;
        unsigned timeout;          /* seconds; 0 means no timeout, as upstream */
        char *path;                /* graphite: root path; opentelemetry: URL path */
        char *organization, *bucket, *api_path_prefix; /* influxdb over HTTP(S) */
        uint64_t max_body_size;    /* influxdb over HTTP(S) and opentelemetry */
        bool verify_tls;
        bool gzip;                 /* opentelemetry */
        char *headers;             /* opentelemetry: base64 JSON object */
        char *resource_attributes; /* opentelemetry: base64 JSON object */
} MetricServer;

/* The paths of status.cfg, its lock and a server's token file, below PVE_ROOT. */
char *status_cfg_path(void);
char *status_cfg_lock_path(void);
char *metric_token_path(const char *id);

/* Loads status.cfg (missing: empty); errors name "status.cfg:<line>". */
int status_cfg_load(SectionConfig *ret, char **reterr);
int status_cfg_parse(const char *text, SectionConfig *ret, char **reterr);

/* Converts a section into a MetricServer (the section was validated when parsed). */
void metric_server_from_section(const Section *s, MetricServer *ret);
void metric_server_done(MetricServer *m);
/* "http[s]://<server>:<port>" of an HTTP(S) server, IPv6 addresses bracketed. */
char *metric_server_base_url(const MetricServer *m);
bool metric_server_equal(const MetricServer *a, const MetricServer *b);

/*
 * The token of an InfluxDB server, from its .pw file: 0 and the token, 0
 * and NULL when there is none, or a negative errno.
 */
int metric_token_read(const char *id, char **ret);
/* Stores (token non-NULL) or removes the token file. */
int metric_token_write(const char *id, const char *token);

/*
 * Checks a base64-encoded JSON object (otel-headers and
 * otel-resource-attributes) and returns the decoded object.
 */
int metric_decode_json_object(const char *base64, json_t **ret, char **reterr);
