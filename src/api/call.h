/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Running an API method: routing, parameter validation, the declared
 * permission check, the handler, and the error in upstream's shape
 * (HTTP status, message, per-parameter errors). pvesh, the other CLIs and
 * pveproxy all go through api_call_invoke().
 */

#include <jansson.h>
#include <stdbool.h>

#include "api/schema.h"

typedef struct ApiError {
        int status;     /* HTTP status code; 0 while there is no error */
        char *message;  /* "Parameter verification failed.", "no such task", ... */
        json_t *errors; /* {"param": "problem"} for parameter errors, else NULL */
} ApiError;

typedef enum ApiCallFlags {
        /* From a command line: tasks run in the foreground and print their log. */
        API_CALL_CLI = 1 << 0,
} ApiCallFlags;

/* Decides whether the caller holds privs on an ACL path (one of them when any). */
typedef bool (*ApiPermissionCheck)(ApiCall *call, const char *acl_path, const char *privs, bool any);

struct ApiCall {
        const ApiMethod *method;
        char *path;                 /* the normalized request path */
        json_t *path_params;        /* {parameter} values of the path, after api_call_route() */
        json_t *params;             /* validated parameters, path parameters included */
        char *authid;               /* "root@pam", "alice@pve", "alice@pve!token" */
        ApiCallFlags flags;
        json_t *attrs;              /* result attributes beside "data" ("changes", "total") */
        ApiError error;
        ApiPermissionCheck check_permission; /* NULL: the caller is root (command line) */
        void *auth_data;            /* for check_permission */
        json_t *param_text;         /* text forms handed out by api_param_str() */
};

#define API_ROOT_AUTHID "root@pam"

void api_call_init(ApiCall *call, const char *authid, ApiCallFlags flags);
void api_call_done(ApiCall *call);

/*
 * Routes, validates raw_params (an object of strings or typed values; not
 * modified), checks the method's declared permission and runs it. Returns
 * 0 and the result in *ret (may be NULL), or a negative errno with
 * call->error describing the problem (status 400/403/404/500/501 as upstream).
 */
int api_call_invoke(ApiCall *call, ApiHttpMethod http_method, const char *path, json_t *raw_params, json_t **ret);
/*
 * api_call_invoke() in two steps, so a server can look at the method (its
 * permission kind, whether it is thread-safe) before authenticating and
 * running it: api_call_route() finds the method for the path (call->method,
 * call->path, call->path_params; 501 when there is none), api_call_run()
 * does the rest.
 */
int api_call_route(ApiCall *call, ApiHttpMethod http_method, const char *path);
int api_call_run(ApiCall *call, json_t *raw_params, json_t **ret);
/*
 * Runs a method found by other means (a command-line program's own method):
 * validation, permission check and handler as api_call_invoke().
 */
int api_call_invoke_method(ApiCall *call, const ApiMethod *m, json_t *raw_params, json_t **ret);

/* Records an error (the first one wins) and returns a negative errno matching the status. */
int api_error(ApiCall *call, int status, const char *fmt, ...) _printf_(3, 4);
/* A 400 "Parameter verification failed." naming param, as upstream's raise_param_exc(). */
int api_param_error(ApiCall *call, const char *param, const char *fmt, ...) _printf_(3, 4);
/* Turns a negative errno into an error unless one is recorded already (status 500). */
int api_error_errno(ApiCall *call, int r, const char *fmt, ...) _printf_(3, 4);

/*
 * Parameter accessors; absent parameters give the schema's default (or
 * NULL/0/false). api_param_str() gives the text form of any scalar
 * (integers too), valid as long as the call.
 */
bool api_param_has(const ApiCall *call, const char *name);
const char *api_param_str(ApiCall *call, const char *name);
int64_t api_param_int(const ApiCall *call, const char *name);
double api_param_num(const ApiCall *call, const char *name);
bool api_param_bool(const ApiCall *call, const char *name);

/*
 * The {node} parameter when it names this node ("localhost" does too).
 * Requests for other nodes fail: there is no cluster to proxy them to.
 */
int api_local_node(ApiCall *call, const char **ret);

/* Sets a result attribute (steals the reference). */
void api_set_attr(ApiCall *call, const char *key, json_t *value);

/* True if the caller holds privs on acl_path (always true on the command line). */
bool api_check_permission(ApiCall *call, const char *acl_path, const char *privs, bool any);
/* True if the caller is the given user or one of its tokens. */
bool api_caller_is(const ApiCall *call, const char *userid);
