/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Section config files (status.cfg, plugins.cfg, storage.cfg), upstream's
 * PVE::SectionConfig format:
 *
 *         graphite: mygraphite
 *                 server 10.0.0.5
 *                 port 2003
 *
 *         influxdb: influx
 *                 disable
 *                 server influx.example.com
 *
 * A header "<type>: <id>", then option lines "<whitespace><key> <value>"
 * (a boolean may be a bare key meaning 1), up to an empty line. Lines
 * starting with '#' are comments. An option of type array is given once per
 * element, as upstream's repeated keys.
 *
 * Unlike upstream, the model is lossless: the text of sections that are not
 * changed, comments and blank lines are written back byte for byte; a
 * changed section keeps the comments above and inside it and is written in
 * upstream's canonical form (comment, disable, required options sorted,
 * optional options sorted). Parsing is strict: any problem is an error naming
 * "<file>:<line>", so a corrupt file is never half-understood and rewritten.
 * Where upstream warns and skips (an unknown type, a bad value, a line it
 * cannot read, a line of only whitespace inside a section, after which
 * upstream would misread the rest of the file), we refuse the file.
 */

#include <jansson.h>

#include "api/schema.h"
#include "sys/hash.h"

typedef struct SectionType {
        const char *type;          /* NULL ends the list */
        const ApiSchema *options;  /* allowed keys; optional = false marks required ones */
} SectionType;

typedef struct SectionSchema {
        const SectionType *types;
        const char *id_format;     /* format the section ids must have, e.g. "pve-configid" */
        bool allow_unknown;        /* keep sections of unknown types (upstream's $allow_unknown) */
} SectionSchema;

typedef struct Section {
        char *type, *id;
        json_t *values;   /* typed option values (booleans as true/false, arrays for repeated keys); in
                           * sections of unknown type strings, or arrays of strings for repeated keys */
        char *leading;    /* comment and blank lines directly above the header, verbatim */
        char *comments;   /* comment lines inside the section, verbatim */
        char *raw;        /* original text of the section; NULL once changed or when new */
        size_t line;      /* line number of the header (0 for new sections) */
} Section;

typedef struct SectionConfig {
        Section *sections;
        size_t n_sections;
        char *trailing;   /* text after the last section, verbatim */
        char digest[SHA1_HEX_SIZE];
} SectionConfig;

/*
 * Parses text (NUL-terminated; NUL bytes inside make it invalid). filename
 * is used in messages only. Returns 0, or -EINVAL with "<filename>:<line>:
 * <problem>" in *reterr.
 */
int sectioncfg_parse(const SectionSchema *schema, const char *filename, const char *text, SectionConfig *ret,
                     char **reterr);
/* Reads and parses a file; a missing file is an empty config. */
int sectioncfg_load(const SectionSchema *schema, const char *path, SectionConfig *ret, char **reterr);
/* Serialises; returns a malloc'd string. */
char *sectioncfg_format(const SectionSchema *schema, const SectionConfig *cfg);
void sectioncfg_done(SectionConfig *cfg);

/* Section pointers stay valid until the next sectioncfg_add() or sectioncfg_remove(). */
Section *sectioncfg_find(SectionConfig *cfg, const char *id);
/* Adds an empty section at the end; the caller fills values (section_update()). */
Section *sectioncfg_add(SectionConfig *cfg, const char *type, const char *id);
/* Removes a section with the comments directly above it; -ENOENT when absent. */
int sectioncfg_remove(SectionConfig *cfg, const char *id);

const SectionType *sectioncfg_type(const SectionSchema *schema, const char *type);
/* The schema of a key in a section of the given type, or NULL. */
const ApiSchema *sectioncfg_option(const SectionSchema *schema, const char *type, const char *key);

/*
 * Applies an API create/update to a section: sets the keys of params that
 * are options of the section's type (other keys are ignored, such as
 * "digest", "delete" and the id), then removes the keys of the delete list.
 * params must be validated already (typed values). With create set, every
 * required option must have a value. Marks the section changed. Returns 0,
 * or -EINVAL with upstream's message: "unable to delete required option
 * 'x'", "missing value for required option 'x'", "unexpected property 'x'",
 * "cannot set and delete property 'x' at the same time!", "property 'x'
 * contains a line feed". Sections of an unknown type cannot be changed.
 */
int section_update(const SectionSchema *schema, Section *s, const json_t *params, const char *delete_list,
                   bool create, char **reterr);
