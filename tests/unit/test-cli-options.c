/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Command-line option parsing (cli_parse_options(), src/api/cli.h) with the
 * invocations of upstream's pve-common test/get-options-test.pl (packages
 * SimpleSchema and UsageStringDetails) and Getopt::Long's rules as upstream
 * configures them. Values stay strings here (upstream's get_options() also
 * returns strings; the typed values come from validation).
 *
 * Not ported: fixed_param and extra-args (our programs fill path
 * parameters in themselves and no command takes extra arguments), key
 * aliases, and the allOf/oneOf schema variants, which our schema does not
 * have.
 */

#include "test-util.h"
#include "api/cli.h"
#include "api/json-util.h"
#include "basic/alloc.h"

static const ApiSchema simple[] = {
        { .name = "str", .type = API_TYPE_STRING, .optional = true, .description = "A string." },
        { .name = "num", .type = API_TYPE_NUMBER, .optional = true, .description = "A number." },
        { .name = "arr", .type = API_TYPE_ARRAY, .optional = true, .description = "An array of numbers." },
        { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true, .description = "An optional boolean flag." },
        { .name = "str2", .type = API_TYPE_STRING, .optional = true, .description = "Another string." },
        { .name = "vmids", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true },
        {},
};

/* SimpleSchema with num made mandatory ("mandatory arg_param is checked at parse time"). */
static const ApiSchema num_required[] = {
        { .name = "num", .type = API_TYPE_NUMBER },
        { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true },
        {},
};

typedef struct Invocation {
        const char *desc;
        const char *args[10];
        const char *arg_param[3];
        const char *expected; /* JSON; NULL: error */
        const char *error;
} Invocation;

static void run(const ApiSchema *schema, const Invocation *inv, size_t n) {
        for (size_t i = 0; i < n; i++) {
                const ApiSchema *lists[] = { schema, cli_output_options, NULL };
                _cleanup_json_ json_t *got = NULL, *want = NULL;
                _cleanup_free_ char *err = NULL;
                int r = cli_parse_options(lists, (char **) inv[i].args, inv[i].arg_param[0] ? inv[i].arg_param : NULL,
                                          &got, &err);

                if (!inv[i].expected) {
                        if (r >= 0) {
                                _cleanup_free_ char *g = json_dump_canonical(got);
                                fail_msg("%s: parsed as %s, want error '%s'", inv[i].desc, g, inv[i].error);
                        }
                        if (!streq(err, inv[i].error))
                                fail_msg("%s: error '%s', want '%s'", inv[i].desc, err, inv[i].error);
                        continue;
                }
                if (r < 0)
                        fail_msg("%s: %s", inv[i].desc, err);
                want = json_loads(inv[i].expected, 0, NULL);
                assert_non_null(want);
                if (!json_equal(got, want)) {
                        _cleanup_free_ char *g = json_dump_canonical(got);
                        fail_msg("%s: got %s, want %s", inv[i].desc, g, inv[i].expected);
                }
        }
}

/* get-options-test.pl, package SimpleSchema */
static void test_simple_schema(void **state) {
        static const Invocation inv[] = {
                { "boolean flag", { "--flag" }, {}, "{\"flag\": \"1\"}" },
                { "typo", { "--typoed-flags" }, {}, NULL, "unable to parse option" },
                { "boolean flag followed by an option should work", { "--flag", "--str", "hello" }, {},
                  "{\"flag\": \"1\", \"str\": \"hello\"}" },
                { "arg_param", { "33", "--flag", "--str", "hello" }, { "num" },
                  "{\"num\": \"33\", \"flag\": \"1\", \"str\": \"hello\"}" },
                { "optional arg_param is optional", { "--flag" }, { "num" }, "{\"flag\": \"1\"}" },
                { "arg_param does not affect what '--options' do", { "--33", "--flag", "--num", "44" }, { "str" },
                  NULL, "unable to parse option" },
                { "arg_param at the front", { "foo", "--flag", "--num", "44" }, { "str" },
                  "{\"num\": \"44\", \"flag\": \"1\", \"str\": \"foo\"}" },
                { "arg_param at the end", { "--flag", "--num", "44", "foo" }, { "str" },
                  "{\"num\": \"44\", \"flag\": \"1\", \"str\": \"foo\"}" },
                { "arg_param with explicit '--' separator", { "--flag", "--num", "44", "--", "foo" }, { "str" },
                  "{\"num\": \"44\", \"flag\": \"1\", \"str\": \"foo\"}" },
                { "arg_param with explicit '--' separator with '--option' lookalike",
                  { "--flag", "--num", "44", "--", "--foo" }, { "str" },
                  "{\"num\": \"44\", \"flag\": \"1\", \"str\": \"--foo\"}" },
                { "array parameters used once are arrays", { "--arr", "3" }, {}, "{\"arr\": [\"3\"]}" },
                { "array parameters used multiple times", { "--arr", "3", "--arr", "4" }, {},
                  "{\"arr\": [\"3\", \"4\"]}" },
                { "extra args without 'extra-args' arg_param fail", { "--str", "foo", "--flag", "--", "more", "args" },
                  {}, NULL, "too many arguments" },
        };

        run(simple, inv, ELEMENTSOF(inv));
}

static void test_mandatory_arg_param(void **state) {
        static const Invocation inv[] = {
                { "mandatory arg_param is checked at parse time", { "--flag" }, { "num" }, NULL,
                  "not enough arguments" },
                /* As upstream: a mandatory positional parameter given as an option is still missing. */
                { "mandatory arg_param as option", { "--num", "3" }, { "num" }, NULL, "not enough arguments" },
                { "mandatory arg_param given", { "3" }, { "num" }, "{\"num\": \"3\"}" },
        };

        run(num_required, inv, ELEMENTSOF(inv));
}

/* get-options-test.pl, package UsageStringDetails (without the alias case) */
static void test_usage_string_details(void **state) {
        static const ApiSchema schema[] = {
                { .name = "vmid", .type = API_TYPE_INTEGER },
                { .name = "net0", .type = API_TYPE_STRING, .optional = true },
                { .name = "net1", .type = API_TYPE_STRING, .optional = true },
                { .name = "ide", .type = API_TYPE_STRING, .optional = true },
                {},
        };
        static const Invocation inv[] = {
                { "positional argument and an indexed option", { "--net1", "model=e1000", "100" }, { "vmid" },
                  "{\"vmid\": \"100\", \"net1\": \"model=e1000\"}" },
        };
        const ApiSchema *lists[] = { schema, cli_output_options, NULL };
        _cleanup_json_ json_t *params = NULL, *errors = json_object(), *want = json_pack("{s:s}", "vmid", "100");
        _cleanup_free_ char *err = NULL;
        OutputOptions o = { .format = OUTPUT_TEXT };

        run(schema, inv, ELEMENTSOF(inv));

        /* "formatter properties are parsed and split off" */
        assert_int_equal(cli_parse_options(lists, (char **) (const char *[]) { "--output-format", "json", "--noborder",
                                                                                 "1", "100", NULL },
                                           (const char *const[]) { "vmid", NULL }, &params, &err),
                         0);
        assert_int_equal(cli_take_output_options(params, &o, errors), 0);
        assert_true(json_equal(params, want));
        assert_int_equal(o.format, OUTPUT_JSON);
        assert_true(o.noborder);
        assert_false(o.noheader);
}

/* Getopt::Long as upstream configures it: prefix (--|-), auto_abbrev, ignore_case, permute. */
static void test_getopt_rules(void **state) {
        static const Invocation inv[] = {
                { "--name=value", { "--str=a=b" }, {}, "{\"str\": \"a=b\"}" },
                { "-name value", { "-str", "x" }, {}, "{\"str\": \"x\"}" },
                { "-name=value", { "-num=5" }, {}, "{\"num\": \"5\"}" },
                { "unique prefix", { "--fl", "--nu", "1" }, {}, "{\"flag\": \"1\", \"num\": \"1\"}" },
                { "exact name beats longer names", { "--str", "x" }, {}, "{\"str\": \"x\"}" },
                { "ambiguous prefix", { "--st", "x" }, {}, NULL, "unable to parse option" },
                { "output options take part in prefixes", { "--no", "1" }, {}, NULL, "unable to parse option" },
                { "names ignore case", { "--FLAG", "--Str", "x" }, {}, "{\"flag\": \"1\", \"str\": \"x\"}" },
                { "boolean value", { "--flag", "0" }, {}, "{\"flag\": \"0\"}" },
                { "boolean words", { "--flag", "yes", "--quiet=off" }, {}, "{\"flag\": \"1\", \"quiet\": \"0\"}" },
                { "boolean with =", { "--flag=" }, {}, "{\"flag\": \"1\"}" },
                { "bad boolean", { "--flag", "maybe" }, {}, NULL, "unable to parse boolean option" },
                { "boolean before --", { "--flag", "--", "foo" }, { "str" }, "{\"flag\": \"1\", \"str\": \"foo\"}" },
                { "boolean before -5", { "--flag", "-5" }, {}, NULL, "unable to parse option" },
                { "value may look like an option", { "--str", "-5", "--str2", "--flag" }, {},
                  "{\"str\": \"-5\", \"str2\": \"--flag\"}" },
                { "empty value", { "--str", "" }, {}, "{\"str\": \"\"}" },
                { "--name= needs a value", { "--str=" }, {}, NULL, "unable to parse option" },
                { "missing value", { "--str" }, {}, NULL, "unable to parse option" },
                { "last one wins", { "--str", "a", "--str", "b" }, {}, "{\"str\": \"b\"}" },
                { "repeated list option", { "--vmids", "a1", "--vmids", "b2,c3" }, {}, "{\"vmids\": \"a1,b2,c3\"}" },
                { "'-' is an argument", { "-" }, { "str" }, "{\"str\": \"-\"}" },
                { "negative number needs --", { "-5" }, { "num" }, NULL, "unable to parse option" },
                { "negative number after --", { "--", "-5" }, { "num" }, "{\"num\": \"-5\"}" },
                { "too many arguments", { "a", "b" }, { "str" }, NULL, "too many arguments" },
                { "no positional parameters", { "a" }, {}, NULL, "too many arguments" },
                { "two positional parameters", { "x", "7", "--flag" }, { "str", "num" },
                  "{\"str\": \"x\", \"num\": \"7\", \"flag\": \"1\"}" },
                { "a boolean takes the next argument", { "x", "--flag", "7" }, { "str", "num" }, NULL,
                  "unable to parse boolean option" },
                { "optional positional parameter as option", { "--str", "x" }, { "str" }, "{\"str\": \"x\"}" },
                { "a -list parameter takes all arguments", { "a1", "--flag", "1", "b2", "c3" }, { "vmids" },
                  "{\"vmids\": \"a1,b2,c3\", \"flag\": \"1\"}" },
                { "a -list positional parameter is no option", { "--vmids", "a1" }, { "vmids" }, NULL,
                  "unable to parse option" },
                /* Ours: an argument that is not UTF-8 is refused, not dropped. */
                { "invalid UTF-8", { "--str", "caf\xe9" }, {}, NULL, "invalid UTF-8 in argument 2" },
        };

        run(simple, inv, ELEMENTSOF(inv));
}

static char *usage_text(const ApiMethod *m, const char *prefix, const char *const *args, bool output_options) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        cli_method_usage(f, prefix, m, args, NULL, output_options, CLI_USAGE_FULL);
        assert_int_equal(fclose(f), 0);
        return buf;
}

/* get-options-test.pl: "usage strings" (upstream's 'long' format; our methods here have no description). */
static void test_usage_strings(void **state) {
        static const ApiSchema simple_schema[] = {
                { .name = "str", .type = API_TYPE_STRING, .optional = true, .description = "A string." },
                { .name = "num", .type = API_TYPE_NUMBER, .optional = true, .description = "A number." },
                { .name = "arr", .type = API_TYPE_ARRAY, .optional = true, .description = "An array of numbers." },
                { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true,
                  .description = "An optional boolean flag." },
                { .name = "str2", .type = API_TYPE_STRING, .optional = true, .description = "Another string." },
                {},
        };
        static const ApiSchema details_schema[] = {
                { .name = "vmid", .type = API_TYPE_INTEGER, .description = "The ID." },
                { .name = "net0", .type = API_TYPE_STRING, .optional = true, .description = "Network device 0." },
                { .name = "net1", .type = API_TYPE_STRING, .optional = true, .description = "Network device 1." },
                { .name = "ide", .type = API_TYPE_STRING, .optional = true, .description = "An IDE device." },
                { .name = "name", .type = API_TYPE_STRING, .description = "A required option." },
                {},
        };
        static const ApiMethod simple_method = { .path = "/SimpleSchema", .parameters = simple_schema };
        static const ApiMethod details_method = { .path = "/UsageStringDetails", .parameters = details_schema };
        _cleanup_free_ char *a = usage_text(&simple_method, "test SimpleSchema", NULL, false);
        _cleanup_free_ char *b = usage_text(&details_method, "test UsageStringDetails",
                                            (const char *const[]) { "vmid", NULL }, true);

        assert_string_equal(a, "USAGE: test SimpleSchema  [OPTIONS]\n"
                               "  --arr      <array>\n"
                               "\t     An array of numbers.\n\n"
                               "  --flag     <boolean>\n"
                               "\t     An optional boolean flag.\n\n"
                               "  --num      <number>\n"
                               "\t     A number.\n\n"
                               "  --str      <string>\n"
                               "\t     A string.\n\n"
                               "  --str2     <string>\n"
                               "\t     Another string.\n\n");
        /* Indexed options collapse to --net[n]; required options join the usage line with their type. */
        assert_string_equal(b, "USAGE: test UsageStringDetails <vmid> --name <string> [OPTIONS] [FORMAT_OPTIONS]\n"
                               "  <vmid>     <integer>\n"
                               "\t     The ID.\n\n"
                               "  --ide      <string>\n"
                               "\t     An IDE device.\n\n"
                               "  --name     <string>\n"
                               "\t     A required option.\n\n"
                               "  --net[n]   <string>\n"
                               "\t     Network device 0.\n\n");
}

/* Text::Wrap::wrap() as upstream's usage texts call it. */
static void test_wrap(void **state) {
        static const struct {
                const char *first, *indent, *text, *want;
        } cases[] = {
                /* Expected texts as Perl's Text::Wrap 2013.0523 (Debian 12) gives them. */
                { "", "", "short", "short" },
                { "  ", "  ", "trailing space ", "  trailing space " },
                { "", "             ", "  --x        <integer>\n", "  --x\t     <integer>\n" },
                /* At most 75 columns; the space at the break is consumed. */
                { "             ", "             ",
                  "Description for the Node. Shown in the web-interface node notes panel. This is saved as "
                  "comment inside the configuration file.",
                  "\t     Description for the Node. Shown in the web-interface node\n"
                  "\t     notes panel. This is saved as comment inside the configuration\n"
                  "\t     file." },
                /* Newlines in the text stay line breaks; an empty line keeps its indentation. */
                { "    ", "        ", "one\n\ntwo", "    one\n\t\n\ttwo" },
                /* A word longer than a line is cut. */
                { "", "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y",
                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxx y" },
                /* Tabs are expanded, and runs of spaces ending at a tab stop written as tabs again. */
                { "", "", "a\tb", "a\tb" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *buf = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&buf, &len);

                cli_wrap(f, cases[i].first, cases[i].indent, cases[i].text);
                fclose(f);
                if (!streq(buf, cases[i].want))
                        fail_msg("wrap('%s'):\n got: '%s'\nwant: '%s'", cases[i].text, buf, cases[i].want);
                free(buf);
        }
}

static void test_output_option_errors(void **state) {
        const ApiSchema *lists[] = { simple, cli_output_options, NULL };
        _cleanup_json_ json_t *params = NULL, *errors = json_object();
        _cleanup_free_ char *err = NULL;
        OutputOptions o = { .format = OUTPUT_TEXT };

        assert_int_equal(cli_parse_options(lists, (char **) (const char *[]) { "--output-format", "xml", NULL }, NULL,
                                           &params, &err),
                         0);
        assert_int_equal(cli_take_output_options(params, &o, errors), -EINVAL);
        assert_string_equal(json_object_get_string(errors, "output-format"),
                            "value 'xml' does not have a value in the enumeration 'text, json, json-pretty, yaml'");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_simple_schema),
                cmocka_unit_test(test_mandatory_arg_param),
                cmocka_unit_test(test_usage_string_details),
                cmocka_unit_test(test_getopt_rules),
                cmocka_unit_test(test_usage_strings),
                cmocka_unit_test(test_wrap),
                cmocka_unit_test(test_output_option_errors),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
