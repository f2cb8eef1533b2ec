/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Command-line programs over the API schema, as upstream's CLIHandler.
 *
 * A program is a table of commands; each maps words ("config get") to an
 * API method, names the parameters given as positional arguments, and may
 * print the result its own way. Options are parsed from the method's
 * parameter schema with upstream's rules (Getopt::Long: "--name value",
 * "--name=value", "-name value", unique prefixes, booleans with an optional
 * value, repeated list options). Errors exit 255 as upstream's die() does,
 * parameter errors print the offending parameters and the usage line.
 *
 * Every program also answers "help [COMMAND] [--verbose]",
 * "bashcomplete" (for "complete -C") and the hidden "generate-manpage".
 */

#include <jansson.h>
#include <stdio.h>

#include "api/call.h"
#include "api/output.h"
#include "api/schema.h"

/* --output-format, --noheader, --noborder, --quiet, --human-readable. */
extern const ApiSchema cli_output_options[];

typedef struct CliCommand CliCommand;

/* Adjusts parameters before the call (read files, ask questions). Returns 0 or -errno with *reterr. */
typedef int (*CliPrepare)(const CliCommand *cmd, json_t *params, char **reterr);
/* Prints the result; returns the exit code. */
typedef int (*CliPrint)(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o);

struct CliCommand {
        const char *name;          /* words separated by single spaces; NULL ends the table */
        const char *path;          /* API path template */
        ApiHttpMethod http_method;
        const char *const *args;   /* parameters taken as positional arguments, in order */
        bool output_options;       /* accepts the standard output options */
        CliPrepare prepare;
        CliPrint print;            /* NULL: print the result if output_options, else nothing */
        const char *const *extra_options; /* parameters that exist only on the command line */
        const ApiSchema *cli_params;      /* their schema */
        /* Instead of path: a method of this program only, not part of the API (upstream's CLI-only methods). */
        const ApiMethod *method;
};

#define CLI_ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

typedef struct CliProgram {
        const char *name;
        const char *description;
        const CliCommand *commands;
} CliProgram;

/* Runs the program's command for argv (without argv[0]); returns the exit code. */
int cli_main(const CliProgram *prog, int argc, char **argv);

/* Prints the result per the command's output options (the default CliPrint). */
int cli_print_default(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o);

/*
 * Parses options for a property list (NULL-terminated array of lists), as
 * upstream's get_options() with Getopt::Long: "--name value", "--name=value",
 * "-name value", case-insensitive unique prefixes, booleans with an
 * optional value ("--flag", "--flag 0", "--flag=yes"), repeated "-list"
 * options joined with commas, options mixed with positional arguments and
 * "--" ending the options. Positional arguments are assigned to arg_names
 * in order (a "-list" formatted single argument takes all of them); the
 * other positional parameters may be given as options too. Returns 0 and
 * the raw parameters as strings (arrays of strings for array parameters;
 * booleans as "1"/"0"), or -EINVAL with upstream's message in *reterr
 * ("unable to parse option", "unable to parse boolean option", "too many
 * arguments", "not enough arguments").
 */
int cli_parse_options(const ApiSchema *const *lists, char **argv, const char *const *arg_names, json_t **ret,
                      char **reterr);

/* Splits the standard output options off params into *o; -EINVAL with errors on bad values. */
int cli_take_output_options(json_t *params, OutputOptions *o, json_t *errors);

/* Prints a failed call as upstream: "400 Parameter verification failed." and "param: problem" lines. */
void cli_print_error(FILE *f, const ApiCall *call);

typedef enum CliUsageStyle {
        CLI_USAGE_SHORT,  /* one line */
        CLI_USAGE_FULL,   /* with description and every option */
} CliUsageStyle;

/*
 * Usage of a method as command `prefix` with positional args; parameters in
 * skip (path parameters given elsewhere) are left out.
 */
void cli_method_usage(FILE *f, const char *prefix, const ApiMethod *m, const char *const *args,
                      const char *const *skip, bool output_options, CliUsageStyle style);

/* Upstream's schema_get_type_text(): "<integer> (0 - 300)", "<text | json>", ... */
char *cli_type_text(const ApiSchema *s);

/*
 * Manual pages (roff). A page starts with cli_manpage_begin(); each
 * cli_manpage_usage() turns a full usage text into a subsection; the page
 * ends with cli_manpage_end() (environment and exit status).
 */
void cli_manpage_begin(FILE *f, const char *name, const char *description, const char *synopsis);
void cli_manpage_section(FILE *f, const char *title);
void cli_manpage_usage(FILE *f, const char *usage_text);
void cli_manpage_end(FILE *f);

/*
 * Text::Wrap::wrap() as upstream's usage texts use it: lines of at most 75
 * columns, broken at whitespace (which is consumed; the one ending the
 * last line is kept), newlines kept, over-long words cut, and runs of
 * spaces ending at a tab stop written as tabs (Text::Tabs::unexpand).
 */
void cli_wrap(FILE *f, const char *first_indent, const char *indent, const char *text);
