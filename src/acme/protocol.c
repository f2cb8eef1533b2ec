/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "acme/protocol.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

/* Bounds against hostile CAs: more than any real CA sends. */
#define ACME_MAX_LIST 1000

static int load(const char *text, size_t len, const char *what, json_t **ret, char **reterr) {
        json_error_t e;
        json_t *v;

        json_setup_allocator();
        v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
        if (!v) {
                *reterr = xasprintf("invalid %s: %s", what, e.text);
                return -EBADMSG;
        }
        if (!json_is_object(v)) {
                json_decref(v);
                *reterr = xasprintf("invalid %s: not a JSON object", what);
                return -EBADMSG;
        }
        *ret = v;
        return 0;
}

static char *dup_string(const json_t *o, const char *key) {
        const char *s = json_object_get_string(o, key);

        return s ? xstrdup(s) : NULL;
}

static int missing(char **reterr, const char *what, const char *key) {
        *reterr = xasprintf("invalid %s: '%s' missing or not a string", what, key);
        return -EBADMSG;
}

/* A list of strings; non-string entries are errors. */
static int string_list(const json_t *o, const char *key, const char *what, char ***ret, char **reterr) {
        const json_t *a = json_object_get(o, key), *v;
        char **l = new0(char *, 1);
        size_t i;

        if (!json_is_array(a) || json_array_size(a) > ACME_MAX_LIST) {
                strv_free(l);
                *reterr = xasprintf("invalid %s: '%s' missing or not a list", what, key);
                return -EBADMSG;
        }
        json_array_foreach(a, i, v) {
                if (!json_is_string(v)) {
                        strv_free(l);
                        *reterr = xasprintf("invalid %s: '%s' has a non-string entry", what, key);
                        return -EBADMSG;
                }
                strv_extend(&l, json_string_value(v));
        }
        *ret = l;
        return 0;
}

/* ---- directory ------------------------------------------------------------ */

void acme_directory_done(AcmeDirectory *d) {
        free(d->new_nonce);
        free(d->new_account);
        free(d->new_order);
        free(d->revoke_cert);
        free(d->key_change);
        free(d->renewal_info);
        json_decref(d->meta);
        free(d->terms_of_service);
        *d = (AcmeDirectory) {};
}

int acme_parse_directory(const char *text, size_t len, AcmeDirectory *ret, char **reterr) {
        _cleanup_json_ json_t *o = NULL;
        _cleanup_(acme_directory_done) AcmeDirectory d = {};
        const json_t *meta;
        int r;

        r = load(text, len, "directory", &o, reterr);
        if (r < 0)
                return r;
        d.new_nonce = dup_string(o, "newNonce");
        d.new_account = dup_string(o, "newAccount");
        d.new_order = dup_string(o, "newOrder");
        d.revoke_cert = dup_string(o, "revokeCert");
        d.key_change = dup_string(o, "keyChange");
        d.renewal_info = dup_string(o, "renewalInfo");
        if (!d.new_nonce)
                return missing(reterr, "directory", "newNonce");
        if (!d.new_account)
                return missing(reterr, "directory", "newAccount");
        if (!d.new_order)
                return missing(reterr, "directory", "newOrder");

        meta = json_object_get(o, "meta");
        if (json_is_object(meta)) {
                d.meta = json_deep_copy(meta);
                d.terms_of_service = dup_string(meta, "termsOfService");
                d.external_account_required = json_is_true(json_object_get(meta, "externalAccountRequired"));
        }
        *ret = d;
        d = (AcmeDirectory) {};
        return 0;
}

/* ---- problems (RFC 7807, RFC 8555 6.7) ------------------------------------------ */

void acme_problem_done(AcmeProblem *p) {
        free(p->type);
        free(p->detail);
        strv_free(p->subproblems);
        *p = (AcmeProblem) {};
}

static void problem_from_json(const json_t *o, AcmeProblem *ret) {
        const json_t *subs = json_object_get(o, "subproblems"), *s;
        size_t i;

        *ret = (AcmeProblem) {
                .type = dup_string(o, "type"),
                .detail = dup_string(o, "detail"),
                .status = json_is_integer(json_object_get(o, "status"))
                                  ? (int) json_integer_value(json_object_get(o, "status"))
                                  : 0,
        };
        if (!ret->type)
                ret->type = xstrdup("about:blank"); /* RFC 7807's default */
        if (!json_is_array(subs))
                return;
        json_array_foreach(subs, i, s) {
                const char *detail = json_object_get_string(s, "detail");
                const char *ident = json_object_get_string(json_object_get(s, "identifier"), "value");

                if (i >= ACME_MAX_LIST)
                        break;
                if (detail)
                        strv_extendf(&ret->subproblems, "%s%s%s", strempty(ident), ident ? ": " : "", detail);
        }
}

int acme_parse_problem(const char *text, size_t len, AcmeProblem *ret) {
        _cleanup_json_ json_t *o = NULL;
        _cleanup_free_ char *err = NULL;
        int r;

        r = load(text, len, "problem document", &o, &err);
        if (r < 0)
                return r;
        problem_from_json(o, ret);
        return 0;
}

char *acme_problem_text(const AcmeProblem *p) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        strbuf_adds(&out, p->detail ?: p->type);
        if (!strv_isempty(p->subproblems)) {
                _cleanup_free_ char *subs = strv_join(p->subproblems, "; ");
                strbuf_addf(&out, " (%s)", subs);
        }
        return strbuf_detach(&out, NULL);
}

bool acme_problem_is(const AcmeProblem *p, const char *short_type) {
        const char *rest = p->type ? startswith(p->type, ACME_ERROR_PREFIX) : NULL;

        return rest && streq(rest, short_type);
}

/* ---- authorizations ------------------------------------------------------------- */

void acme_authorization_done(AcmeAuthorization *a) {
        free(a->identifier);
        free(a->status);
        for (size_t i = 0; i < a->n_challenges; i++) {
                AcmeChallenge *c = &a->challenges[i];

                free(c->type);
                free(c->url);
                free(c->token);
                free(c->status);
                acme_problem_done(&c->error);
        }
        free(a->challenges);
        *a = (AcmeAuthorization) {};
}

int acme_parse_authorization(const char *text, size_t len, AcmeAuthorization *ret, char **reterr) {
        _cleanup_json_ json_t *o = NULL;
        _cleanup_(acme_authorization_done) AcmeAuthorization a = {};
        const json_t *challenges, *c;
        size_t i;
        int r;

        r = load(text, len, "authorization", &o, reterr);
        if (r < 0)
                return r;
        a.identifier = dup_string(json_object_get(o, "identifier"), "value");
        a.status = dup_string(o, "status");
        a.wildcard = json_is_true(json_object_get(o, "wildcard"));
        if (!a.identifier)
                return missing(reterr, "authorization", "identifier.value");
        if (!a.status)
                return missing(reterr, "authorization", "status");

        challenges = json_object_get(o, "challenges");
        if (!json_is_array(challenges) || json_array_size(challenges) > ACME_MAX_LIST) {
                *reterr = xstrdup("invalid authorization: 'challenges' missing or not a list");
                return -EBADMSG;
        }
        a.challenges = new0(AcmeChallenge, json_array_size(challenges) + 1);
        json_array_foreach(challenges, i, c) {
                AcmeChallenge *ch = &a.challenges[a.n_challenges];
                const json_t *err = json_object_get(c, "error");

                ch->type = dup_string(c, "type");
                ch->url = dup_string(c, "url");
                ch->token = dup_string(c, "token");
                ch->status = dup_string(c, "status");
                if (json_is_object(err))
                        problem_from_json(err, &ch->error);
                a.n_challenges++;
                if (!ch->type || !ch->url) {
                        *reterr = xstrdup("invalid authorization: challenge without type or url");
                        return -EBADMSG;
                }
        }
        *ret = a;
        a = (AcmeAuthorization) {};
        return 0;
}

const AcmeChallenge *acme_authorization_challenge(const AcmeAuthorization *a, const char *type) {
        for (size_t i = 0; i < a->n_challenges; i++)
                if (streq(a->challenges[i].type, type))
                        return &a->challenges[i];
        return NULL;
}

/* ---- orders --------------------------------------------------------------------- */

void acme_order_done(AcmeOrder *o) {
        free(o->status);
        strv_free(o->identifiers);
        strv_free(o->authorizations);
        free(o->finalize);
        free(o->certificate);
        acme_problem_done(&o->error);
        *o = (AcmeOrder) {};
}

int acme_parse_order(const char *text, size_t len, AcmeOrder *ret, char **reterr) {
        _cleanup_json_ json_t *o = NULL;
        _cleanup_(acme_order_done) AcmeOrder ord = {};
        const json_t *idents, *id, *err;
        size_t i;
        int r;

        r = load(text, len, "order", &o, reterr);
        if (r < 0)
                return r;
        ord.status = dup_string(o, "status");
        ord.finalize = dup_string(o, "finalize");
        ord.certificate = dup_string(o, "certificate");
        if (!ord.status)
                return missing(reterr, "order", "status");
        if (!ord.finalize)
                return missing(reterr, "order", "finalize");
        r = string_list(o, "authorizations", "order", &ord.authorizations, reterr);
        if (r < 0)
                return r;

        idents = json_object_get(o, "identifiers");
        if (!json_is_array(idents) || json_array_size(idents) > ACME_MAX_LIST) {
                *reterr = xstrdup("invalid order: 'identifiers' missing or not a list");
                return -EBADMSG;
        }
        ord.identifiers = new0(char *, 1);
        json_array_foreach(idents, i, id) {
                const char *type = json_object_get_string(id, "type"), *value = json_object_get_string(id, "value");

                if (!type || !value) {
                        *reterr = xstrdup("invalid order: identifier without type or value");
                        return -EBADMSG;
                }
                if (streq(type, "dns"))
                        strv_extend(&ord.identifiers, value);
        }
        err = json_object_get(o, "error");
        if (json_is_object(err))
                problem_from_json(err, &ord.error);

        *ret = ord;
        ord = (AcmeOrder) {};
        return 0;
}

/* ---- renewal information (RFC 9773) ------------------------------------------------ */

static int digits(const char **p, unsigned n, int *ret) {
        int v = 0;

        for (unsigned i = 0; i < n; i++) {
                if (!isdigit((unsigned char) (*p)[i]))
                        return -EINVAL;
                v = v * 10 + ((*p)[i] - '0');
        }
        *p += n;
        *ret = v;
        return 0;
}

static int expect(const char **p, const char *set) {
        if (!**p || !strchr(set, **p))
                return -EINVAL;
        (*p)++;
        return 0;
}

int acme_parse_timestamp(const char *s, time_t *ret) {
        struct tm tm = {};
        int year, mon, day, hour, min, sec, off = 0, oh, om;
        time_t t;

        if (digits(&s, 4, &year) < 0 || expect(&s, "-") < 0 || digits(&s, 2, &mon) < 0 || expect(&s, "-") < 0 ||
            digits(&s, 2, &day) < 0 || expect(&s, "Tt ") < 0 || digits(&s, 2, &hour) < 0 || expect(&s, ":") < 0 ||
            digits(&s, 2, &min) < 0 || expect(&s, ":") < 0 || digits(&s, 2, &sec) < 0)
                return -EINVAL;
        if (*s == '.') {
                s++;
                if (!isdigit((unsigned char) *s))
                        return -EINVAL;
                while (isdigit((unsigned char) *s))
                        s++;
        }
        if (*s == 'Z' || *s == 'z')
                s++;
        else if (*s == '+' || *s == '-') {
                int sign = *s++ == '-' ? -1 : 1;

                if (digits(&s, 2, &oh) < 0 || expect(&s, ":") < 0 || digits(&s, 2, &om) < 0 || oh > 23 || om > 59)
                        return -EINVAL;
                off = sign * (oh * 3600 + om * 60);
        } else
                return -EINVAL;
        if (*s || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
                return -EINVAL;

        tm = (struct tm) { .tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day,
                           .tm_hour = hour, .tm_min = min, .tm_sec = sec };
        t = timegm(&tm);
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = t - off;
        return 0;
}

void acme_renewal_info_done(AcmeRenewalInfo *r) {
        free(r->explanation_url);
        *r = (AcmeRenewalInfo) {};
}

int acme_parse_renewal_info(const char *text, size_t len, AcmeRenewalInfo *ret, char **reterr) {
        _cleanup_json_ json_t *o = NULL;
        const json_t *w;
        const char *start, *end;
        time_t ts, te;
        int r;

        r = load(text, len, "renewal information", &o, reterr);
        if (r < 0)
                return r;
        w = json_object_get(o, "suggestedWindow");
        start = json_object_get_string(w, "start");
        end = json_object_get_string(w, "end");
        if (!start || !end || acme_parse_timestamp(start, &ts) < 0 || acme_parse_timestamp(end, &te) < 0) {
                *reterr = xstrdup("invalid renewal information: 'suggestedWindow' without valid start and end");
                return -EBADMSG;
        }
        if (te < ts) {
                *reterr = xstrdup("invalid renewal information: window ends before it starts");
                return -EBADMSG;
        }
        *ret = (AcmeRenewalInfo) {
                .window_start = ts,
                .window_end = te,
                .explanation_url = dup_string(o, "explanationURL"),
        };
        return 0;
}
