/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The options of status.cfg sections, with upstream's names, limits,
 * defaults and descriptions. The per-type lists (config.c) and the API's
 * create and update parameters (api.c) are made of these.
 */

#include "api/schema.h"

#define METRIC_JSON_MAX 1024

#define METRIC_OPT_DISABLE \
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true, .description = "Flag to disable the plugin." }
#define METRIC_OPT_SERVER(opt) \
        { .name = "server", .type = API_TYPE_STRING, .optional = (opt), .format = "address", \
          .description = "server dns name or IP address" }
#define METRIC_OPT_PORT(opt) \
        { .name = "port", .type = API_TYPE_INTEGER, .optional = (opt), .minimum = API_LIMIT(1), \
          .maximum = API_LIMIT(65535), .description = "server network port" }
#define METRIC_OPT_MTU \
        { .name = "mtu", .type = API_TYPE_INTEGER, .optional = true, .default_value = "1500", \
          .minimum = API_LIMIT(512), .maximum = API_LIMIT(65536), \
          .description = "MTU for metrics transmission over UDP" }
#define METRIC_OPT_TIMEOUT \
        { .name = "timeout", .type = API_TYPE_INTEGER, .optional = true, .default_value = "1", \
          .minimum = API_LIMIT(0), .description = "graphite TCP socket timeout (default=1)" }
#define METRIC_OPT_PATH \
        { .name = "path", .type = API_TYPE_STRING, .optional = true, .format = "graphite-path", \
          .description = "root graphite path (ex: proxmox.mycluster.mykey)" }
#define METRIC_OPT_PROTO \
        { .name = "proto", .type = API_TYPE_STRING, .optional = true, \
          .enum_values = (const char *const[]) { "udp", "tcp", NULL }, \
          .description = "Protocol to send graphite data. TCP or UDP (default)" }
#define METRIC_OPT_API_PATH_PREFIX \
        { .name = "api-path-prefix", .type = API_TYPE_STRING, .optional = true, \
          .description = "An API path prefix inserted between '<host>:<port>/' and '/api2/'. Can be useful if the " \
                         "InfluxDB service runs behind a reverse proxy." }
#define METRIC_OPT_BUCKET \
        { .name = "bucket", .type = API_TYPE_STRING, .optional = true, \
          .description = "The InfluxDB bucket/db. Only necessary when using the http v2 api." }
#define METRIC_OPT_INFLUXDBPROTO \
        { .name = "influxdbproto", .type = API_TYPE_STRING, .optional = true, .default_value = "udp", \
          .enum_values = (const char *const[]) { "udp", "http", "https", NULL } }
#define METRIC_OPT_MAX_BODY_SIZE \
        { .name = "max-body-size", .type = API_TYPE_INTEGER, .optional = true, .default_value = "25000000", \
          .minimum = API_LIMIT(1), \
          .description = "InfluxDB max-body-size in bytes. Requests are batched up to this size." }
#define METRIC_OPT_ORGANIZATION \
        { .name = "organization", .type = API_TYPE_STRING, .optional = true, \
          .description = "The InfluxDB organization. Only necessary when using the http v2 api. Has no meaning " \
                         "when using v2 compatibility api." }
#define METRIC_OPT_TOKEN \
        { .name = "token", .type = API_TYPE_STRING, .optional = true, .format = "pve-metric-token", \
          .sensitive = true, \
          .description = "The InfluxDB access token. Only necessary when using the http v2 api. If the v2 " \
                         "compatibility api is used, use 'user:password' instead." }
#define METRIC_OPT_VERIFY_CERTIFICATE \
        { .name = "verify-certificate", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1", \
          .description = "Set to 0 to disable certificate verification for https endpoints." }
#define METRIC_OPT_OTEL_COMPRESSION \
        { .name = "otel-compression", .type = API_TYPE_STRING, .optional = true, .default_value = "gzip", \
          .enum_values = (const char *const[]) { "none", "gzip", NULL }, \
          .description = "Compression algorithm for requests" }
#define METRIC_OPT_OTEL_HEADERS \
        { .name = "otel-headers", .type = API_TYPE_STRING, .optional = true, .max_length = METRIC_JSON_MAX, \
          .format = "pve-metric-base64-json", .description = "Custom HTTP headers (JSON format, base64 encoded)" }
#define METRIC_OPT_OTEL_MAX_BODY_SIZE \
        { .name = "otel-max-body-size", .type = API_TYPE_INTEGER, .optional = true, .default_value = "10000000", \
          .minimum = API_LIMIT(1024), .description = "Maximum request body size in bytes" }
#define METRIC_OPT_OTEL_PATH \
        { .name = "otel-path", .type = API_TYPE_STRING, .optional = true, .default_value = "/v1/metrics", \
          .description = "OTLP endpoint path" }
#define METRIC_OPT_OTEL_PROTOCOL \
        { .name = "otel-protocol", .type = API_TYPE_STRING, .optional = true, .default_value = "https", \
          .enum_values = (const char *const[]) { "http", "https", NULL }, .description = "HTTP protocol" }
#define METRIC_OPT_OTEL_RESOURCE_ATTRIBUTES \
        { .name = "otel-resource-attributes", .type = API_TYPE_STRING, .optional = true, \
          .max_length = METRIC_JSON_MAX, .format = "pve-metric-base64-json", \
          .description = "Additional resource attributes as JSON, base64 encoded" }
#define METRIC_OPT_OTEL_TIMEOUT \
        { .name = "otel-timeout", .type = API_TYPE_INTEGER, .optional = true, .default_value = "5", \
          .minimum = API_LIMIT(1), .maximum = API_LIMIT(10), .description = "HTTP request timeout in seconds" }
#define METRIC_OPT_OTEL_VERIFY_SSL \
        { .name = "otel-verify-ssl", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1", \
          .description = "Verify SSL certificates" }

/* Every option of every type, in sorted order (API parameters). */
#define METRIC_OPTIONS_ALL(server_optional) \
        METRIC_OPT_API_PATH_PREFIX, METRIC_OPT_BUCKET, METRIC_OPT_DISABLE, METRIC_OPT_INFLUXDBPROTO, \
        METRIC_OPT_MAX_BODY_SIZE, METRIC_OPT_MTU, METRIC_OPT_ORGANIZATION, METRIC_OPT_OTEL_COMPRESSION, \
        METRIC_OPT_OTEL_HEADERS, METRIC_OPT_OTEL_MAX_BODY_SIZE, METRIC_OPT_OTEL_PATH, METRIC_OPT_OTEL_PROTOCOL, \
        METRIC_OPT_OTEL_RESOURCE_ATTRIBUTES, METRIC_OPT_OTEL_TIMEOUT, METRIC_OPT_OTEL_VERIFY_SSL, \
        METRIC_OPT_PATH, METRIC_OPT_PORT(true), METRIC_OPT_PROTO, METRIC_OPT_SERVER(server_optional), \
        METRIC_OPT_TIMEOUT, METRIC_OPT_TOKEN, METRIC_OPT_VERIFY_CERTIFICATE
