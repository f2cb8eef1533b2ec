/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Command-line option parsing: the input is an argv, words separated by NUL
 * bytes; the first byte picks the positional parameters. Parsing never
 * crashes, every parsed key is a declared parameter, and options written
 * back as "--name value" parse to the same parameters.
 */

#include <assert.h>

#include "api/cli.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "fuzz.h"

static const ApiSchema params[] = {
        { .name = "str", .type = API_TYPE_STRING, .optional = true },
        { .name = "str2", .type = API_TYPE_STRING, .optional = true },
        { .name = "num", .type = API_TYPE_NUMBER },
        { .name = "arr", .type = API_TYPE_ARRAY, .optional = true },
        { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true },
        { .name = "vmids", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true },
        {},
};

static const char *const *const positional[] = {
        NULL,
        (const char *const[]) { "str", NULL },
        (const char *const[]) { "num", "str", NULL },
        (const char *const[]) { "vmids", NULL },
};

static void write_back(char ***argv, json_t *parsed) {
        const char *k;
        json_t *v;

        json_object_foreach(parsed, k, v) {
                size_t i;
                json_t *el;

                if (!json_is_array(v)) {
                        strv_extendf(argv, "--%s", k);
                        strv_extend(argv, json_string_value(v));
                        continue;
                }
                json_array_foreach(v, i, el) {
                        strv_extendf(argv, "--%s", k);
                        strv_extend(argv, json_string_value(el));
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const ApiSchema *lists[] = { params, cli_output_options, NULL };
        _cleanup_strv_free_ char **argv = NULL, **again = NULL;
        _cleanup_json_ json_t *parsed = NULL, *reparsed = NULL, *errors = json_object();
        _cleanup_free_ char *err = NULL;
        const char *const *args;
        const char *k;
        json_t *v;
        OutputOptions o = {};

        if (size == 0)
                return 0;
        json_setup_allocator();
        /* Getopt::Long-style warnings on stderr would only slow the fuzzer down. */
        log_set_max_level(LOG_CRIT);
        args = positional[data[0] % ELEMENTSOF(positional)];
        for (size_t i = 1; i < size && strv_length(argv) < 64;) {
                size_t n = strnlen((const char *) data + i, size - i);

                strv_push(&argv, xstrndup((const char *) data + i, n));
                i += n + 1;
        }
        if (cli_parse_options(lists, argv, args, &parsed, &err) < 0) {
                assert(err);
                return 0;
        }
        json_object_foreach(parsed, k, v) {
                const ApiSchema *s = api_schema_find(params, k) ?: api_schema_find(cli_output_options, k);

                assert(s);
                assert(s->type == API_TYPE_ARRAY ? json_is_array(v) : json_is_string(v));
                if (s->type == API_TYPE_BOOLEAN)
                        assert(streq(json_string_value(v), "1") || streq(json_string_value(v), "0"));
        }

        /* Without positional parameters, everything was an option and reads back the same. */
        if (!args) {
                write_back(&again, parsed);
                if (cli_parse_options(lists, again, NULL, &reparsed, &err) < 0) {
                        fprintf(stderr, "written back options do not parse: %s\n", err);
                        abort();
                }
                assert(json_equal(parsed, reparsed));
        }
        (void) cli_take_output_options(parsed, &o, errors);
        return 0;
}
