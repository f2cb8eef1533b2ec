/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Printing API results, as upstream's PVE::CLIFormatter: text (bordered
 * tables, objects as key/value tables), json (canonical, one line),
 * json-pretty and yaml. One print path serves every program.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "api/schema.h"

typedef enum OutputFormat {
        OUTPUT_TEXT,
        OUTPUT_JSON,
        OUTPUT_JSON_PRETTY,
        OUTPUT_YAML,
        _OUTPUT_FORMAT_MAX,
} OutputFormat;

typedef struct OutputOptions {
        OutputFormat format;
        bool noheader, noborder, quiet;
        bool raw;             /* --human-readable 0: no renderers */
        const char *sort_key; /* NULL: first column; "" : keep the order */
        /* Terminal: width limit (0: none) and UTF-8 box drawing; set by output_options_init(). */
        unsigned columns;
        bool utf8;
} OutputOptions;

/* Defaults, with the terminal width and charset of stdout's terminal and locale. */
void output_options_init(OutputOptions *o);
int output_format_from_string(const char *s);
const char *output_format_to_string(OutputFormat f);

/*
 * Prints data per returns (which may be NULL: the shape is guessed).
 * props names the columns/keys to print (NULL: from the schema, else all).
 */
void output_print_result(FILE *f, const json_t *data, const ApiSchema *returns, const char *const *props,
                         const OutputOptions *o);

/* Prints rows (array of objects) as a table with the given columns; row_props gives types and renderers. */
void output_print_table(FILE *f, json_t *rows, const ApiSchema *row_props, const char *const *columns,
                        const OutputOptions *o);

/* The text of one value in a table cell (upstream's data_to_text). */
char *output_value_text(const json_t *v, const ApiSchema *schema, const OutputOptions *o);

/* Upstream's renderers (PVE::Format). */
char *render_timestamp(int64_t epoch, bool gmt);
/* "2w 21h 22m 24s"; with auto_limit_accuracy no minutes beside weeks and no seconds beside days. */
char *render_duration(double seconds, bool auto_limit_accuracy);
/* "123.29 MiB"; precision 0 means upstream's default of 2 digits. */
char *render_bytes(double value, int precision);

/* JSON in Perl's JSON pretty style (3-space indent, " : "), and YAML as YAML::XS emits it. */
void output_json_pretty(FILE *f, const json_t *v);
void output_yaml(FILE *f, const json_t *v);
