/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * bench-sectioncfg FILE [ROUNDS]: parses a section config file ROUNDS times
 * and prints the throughput in MB/s (status.cfg-like schema).
 */

#include <stdio.h>
#include <stdlib.h>

#include "api/json-util.h"
#include "api/sectioncfg.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/time-util.h"

static const ApiSchema options[] = {
        { .name = "server", .type = API_TYPE_STRING, .format = "dns-name" },
        { .name = "port", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(1), .maximum = API_LIMIT(65535) },
        { .name = "path", .type = API_TYPE_STRING, .optional = true },
        { .name = "proto", .type = API_TYPE_STRING, .optional = true,
          .enum_values = (const char *const[]) { "udp", "tcp", NULL } },
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true },
        {},
};

static const SectionType types[] = { { "graphite", options }, { "influxdb", options }, {} };
static const SectionSchema schema = { .types = types, .id_format = "pve-configid" };

int main(int argc, char **argv) {
        _cleanup_free_ char *text = NULL;
        int rounds = argc > 2 ? atoi(argv[2]) : 10;
        size_t len, sections = 0;
        usec_t t0, t;

        json_setup_allocator();
        if (argc < 2 || read_full_file(argv[1], 0, &text, &len) < 0) {
                fprintf(stderr, "usage: bench-sectioncfg FILE [ROUNDS]\n");
                return 2;
        }
        t0 = now(CLOCK_MONOTONIC);
        for (int i = 0; i < rounds; i++) {
                _cleanup_free_ char *err = NULL;
                SectionConfig cfg = {};

                if (sectioncfg_parse(&schema, argv[1], text, &cfg, &err) < 0) {
                        fprintf(stderr, "%s\n", err);
                        return 1;
                }
                sections = cfg.n_sections;
                sectioncfg_done(&cfg);
        }
        t = now(CLOCK_MONOTONIC) - t0;
        printf("section config parse: %zu sections, %.1f KiB, %.2f ms per parse, %.1f MB/s\n", sections,
               (double) len / 1024, (double) t / rounds / 1000, (double) len * rounds / ((double) t / 1e6) / 1e6);
        return 0;
}
