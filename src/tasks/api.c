/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* The task API: /nodes/{node}/tasks and /nodes/{node}/tasks/{upid}/{log,status} (pve-manager PVE::API2::Tasks). */

#include <signal.h>
#include <stdio.h>

#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/procfs.h"
#include "tasks/tasklist.h"
#include "tasks/upid.h"

#define STOP_GRACE (5 * USEC_PER_SEC)
#define LOG_MAX_SIZE (256 * 1024 * 1024)

/* A macro, not a const variable: C (and clang) needs constant initializers in the parameter lists. */
#define UPID_PARAM { .name = "upid", .type = API_TYPE_STRING, .description = "The task's unique ID." }

/*
 * Upstream's check_task_user(): a task started with a token belongs to the
 * token and to its user; a task started by a user belongs to that user only.
 */
static bool caller_owns(const ApiCall *call, const char *task_user) {
        const char *bang = strchr(task_user, '!');

        if (streq(call->authid, task_user))
                return true;
        return bang && strlen(call->authid) == (size_t) (bang - task_user) &&
               strneq(call->authid, task_user, (size_t) (bang - task_user));
}

static json_t *entry_to_json(const TaskEntry *e) {
        const char *bang = strchr(e->u.user, '!');
        json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "upid", e->upid, "node", e->u.node, "pid",
                              (json_int_t) e->u.pid, "pstart", (json_int_t) e->u.pstart, "starttime",
                              (json_int_t) e->u.starttime, "type", e->u.type, "id", e->u.id);

        if (bang) {
                _cleanup_free_ char *user = xstrndup(e->u.user, (size_t) (bang - e->u.user));
                json_object_set_new(o, "user", json_string(user));
                json_object_set_new(o, "tokenid", json_string(bang + 1));
        } else
                json_object_set_new(o, "user", json_string(e->u.user));
        if (e->endtime)
                json_object_set_new(o, "endtime", json_integer((json_int_t) e->endtime));
        if (e->status)
                json_object_set_new(o, "status", json_string(e->status));
        return o;
}

/* ---- list ----------------------------------------------------------------- */

typedef struct ListFilter {
        ApiCall *call;
        bool auditor;
        const char *userfilter, *typefilter, *vmid;
        bool have_since, have_until;
        int64_t since, until;
        bool allow[4]; /* ok, warning, error, unknown */
        int64_t start, limit, count;
        json_t *result;
} ListFilter;

static int status_index(const char *status) {
        const char *t = task_status_type(status);

        return streq(t, "ok") ? 0 : streq(t, "warning") ? 1 : streq(t, "error") ? 2 : 3;
}

static bool contains_no_case(const char *haystack, const char *needle) {
        return strcasestr(haystack, needle) != NULL;
}

/* Upstream's filter_task: true if the entry is left out; counts matches for paging. */
static bool filtered_out(ListFilter *f, const TaskEntry *e) {
        if (f->userfilter && !contains_no_case(e->u.user, f->userfilter))
                return true;
        if (!f->auditor && !caller_owns(f->call, e->u.user))
                return true;
        if (f->typefilter && !streq(e->u.type, f->typefilter))
                return true;
        if (f->vmid && (isempty(e->u.id) || !streq(e->u.id, f->vmid)))
                return true;
        if (f->have_since && (int64_t) e->u.starttime < f->since)
                return true;
        if (f->have_until && (int64_t) e->u.starttime > f->until)
                return true;
        if (!f->allow[status_index(e->status)])
                return true;
        if (f->count++ < f->start)
                return true;
        return f->limit <= 0;
}

static int add_index_entry(const TaskEntry *e, void *userdata) {
        ListFilter *f = userdata;

        if (!filtered_out(f, e)) {
                json_array_append_new(f->result, entry_to_json(e));
                f->limit--;
        }
        return 0;
}

static int list_tasks(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *result = json_array();
        const char *source = api_param_str(call, "source"), *node;
        ListFilter f = {
                .call = call,
                .userfilter = api_param_str(call, "userfilter"),
                .typefilter = api_param_str(call, "typefilter"),
                .vmid = api_param_str(call, "vmid"),
                .have_since = api_param_has(call, "since"),
                .have_until = api_param_has(call, "until"),
                .since = api_param_int(call, "since"),
                .until = api_param_int(call, "until"),
                .start = api_param_int(call, "start"),
                .limit = api_param_int(call, "limit"),
                .allow = { true, true, true, true },
                .result = result,
        };
        bool errors = api_param_bool(call, "errors");
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        {
                _cleanup_free_ char *acl = xasprintf("/nodes/%s", api_param_str(call, "node"));
                f.auditor = api_check_permission(call, acl, "Sys.Audit", false);
        }

        if (api_param_has(call, "statusfilter") && !errors) {
                _cleanup_strv_free_ char **want = api_split_list(api_param_str(call, "statusfilter"));
                static const char *const names[] = { "ok", "warning", "error", "unknown" };

                for (size_t i = 0; i < ELEMENTSOF(names); i++)
                        f.allow[i] = false;
                STRV_FOREACH(w, want)
                        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                                if (strcasecmp(*w, names[i]) == 0)
                                        f.allow[i] = true;
        } else if (errors)
                f.allow[0] = false;

        if (streq(source, "active") || streq(source, "all")) {
                _cleanup_(tasklist_done) TaskList active = {};

                (void) tasks_update_active(NULL, NULL);
                r = tasks_read_active(&active);
                if (r < 0)
                        return api_error_errno(call, r, "unable to read the active task list: %m");
                for (size_t i = 0; i < active.n; i++) {
                        TaskEntry *e = &active.entries[i];

                        if (e->saved || filtered_out(&f, e))
                                continue;
                        if (!e->status)
                                e->status = xstrdup("RUNNING");
                        json_array_append_new(result, entry_to_json(e));
                        f.limit--;
                }
        }
        if (!streq(source, "active")) {
                r = tasks_index_foreach(add_index_entry, &f);
                if (r < 0)
                        return api_error_errno(call, r, "unable to read the task index: %m");
        }

        api_set_attr(call, "total", json_integer(f.count));
        *ret = TAKE_PTR(result);
        return 0;
}

/* ---- one task --------------------------------------------------------------- */

/*
 * Decodes the upid parameter and checks access: the owner, or Sys.Audit
 * (Sys.Modify for stop) on /nodes/{node}. Fills *ret_path with the log file.
 */
static int lookup_task(ApiCall *call, const char *priv, bool must_exist, Upid *ret, char **ret_path) {
        const char *upid = api_param_str(call, "upid"), *node;
        _cleanup_free_ char *path = NULL;
        Upid u;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        if (upid_decode(upid, &u) < 0)
                return api_param_error(call, "upid", "unable to parse worker upid");
        path = upid_log_path(upid);
        if (must_exist && !file_exists(path)) {
                upid_done(&u);
                return api_param_error(call, "upid", "no such task");
        }
        if (!caller_owns(call, u.user)) {
                _cleanup_free_ char *acl = xasprintf("/nodes/%s", api_param_str(call, "node"));

                if (!api_check_permission(call, acl, priv, false)) {
                        upid_done(&u);
                        return api_error(call, 403, "Permission check failed (%s, %s)", acl, priv);
                }
        }
        *ret = u;
        *ret_path = TAKE_PTR(path);
        return 0;
}

static int read_task_log(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *lines = json_array();
        _cleanup_free_ char *path = NULL, *text = NULL, *line = NULL;
        int64_t start = api_param_int(call, "start"), limit = api_param_int(call, "limit"), count = 0;
        Cursor c;
        size_t len;
        Upid u;
        int r;

        if (api_param_bool(call, "download") && (api_param_has(call, "start") || api_param_has(call, "limit")))
                return api_error(call, 500, "'download' cannot be used together with 'start' or 'limit' parameters");
        r = lookup_task(call, "Sys.Audit", true, &u, &path);
        if (r < 0)
                return r;
        upid_done(&u);

        r = read_full_file(path, LOG_MAX_SIZE, &text, &len);
        if (r < 0)
                return api_error_errno(call, r, "unable to open file - %m");

        c = CURSOR_INIT(text, len);
        while (cursor_read_line_dup(&c, &line)) {
                if (count++ < start)
                        continue;
                if (limit <= 0)
                        continue;
                limit--;
                json_array_append_new(lines, json_pack("{s:I,s:s}", "n", (json_int_t) count, "t", line));
        }
        /* Upstream's web UI cannot handle an empty list. */
        if (count == 0) {
                count = 1;
                json_array_append_new(lines, json_pack("{s:i,s:s}", "n", 1, "t", "no content"));
        }
        api_set_attr(call, "total", json_integer(count));
        *ret = TAKE_PTR(lines);
        return 0;
}

static int read_task_status(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *path = NULL;
        const char *upid = api_param_str(call, "upid");
        bool running;
        json_t *o;
        Upid u;
        int r;

        r = lookup_task(call, "Sys.Audit", true, &u, &path);
        if (r < 0)
                return r;
        running = process_running(u.pid, u.pstart);
        o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "upid", upid, "node", u.node, "pid", (json_int_t) u.pid,
                      "pstart", (json_int_t) u.pstart, "starttime", (json_int_t) u.starttime, "type", u.type, "id",
                      u.id, "user", u.user, "status", running ? "running" : "stopped");
        if (!running) {
                _cleanup_free_ char *status = task_read_status(upid);
                json_object_set_new(o, "exitstatus", json_string(status));
        }
        upid_done(&u);
        *ret = o;
        return 0;
}

static int stop_task(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *path = NULL;
        usec_t deadline;
        Upid u;
        int r;

        r = lookup_task(call, "Sys.Modify", true, &u, &path);
        if (r < 0)
                return r;

        /* SIGTERM to the worker's process group, SIGKILL if it is still there after 5 s. */
        if (process_running(u.pid, u.pstart)) {
                (void) kill(-u.pid, SIGTERM);
                deadline = now(CLOCK_MONOTONIC) + STOP_GRACE;
                while (process_running(u.pid, u.pstart) && now(CLOCK_MONOTONIC) < deadline)
                        sleep_usec(50 * USEC_PER_MSEC);
                if (process_running(u.pid, u.pstart))
                        (void) kill(-u.pid, SIGKILL);
        }
        upid_done(&u);
        (void) tasks_update_active(NULL, NULL);
        return 0;
}

/* ---- schema ------------------------------------------------------------------ */

static const ApiSchema list_params[] = {
        API_PARAM_NODE,
        { .name = "start", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),
          .default_value = "0", .description = "List tasks beginning from this offset." },
        { .name = "limit", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),
          .default_value = "50", .description = "Only list this number of tasks." },
        { .name = "userfilter", .type = API_TYPE_STRING, .optional = true,
          .description = "Only list tasks from this user." },
        { .name = "typefilter", .type = API_TYPE_STRING, .optional = true,
          .description = "Only list tasks of this type (e.g., vzstart, vzdump)." },
        { .name = "vmid", .type = API_TYPE_INTEGER, .format = "pve-vmid", .optional = true,
          .minimum = API_LIMIT(100), .maximum = API_LIMIT(999999999),
          .description = "Only list tasks for this VM." },
        { .name = "errors", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Only list tasks with a status of ERROR." },
        { .name = "source", .type = API_TYPE_STRING, .optional = true, .default_value = "archive",
          .enum_values = (const char *const[]) { "archive", "active", "all", NULL },
          .description = "List archived, active or all tasks." },
        { .name = "since", .type = API_TYPE_INTEGER, .optional = true,
          .description = "Only list tasks since this UNIX epoch." },
        { .name = "until", .type = API_TYPE_INTEGER, .optional = true,
          .description = "Only list tasks until this UNIX epoch." },
        { .name = "statusfilter", .type = API_TYPE_STRING, .format = "pve-task-status-type-list", .optional = true,
          .description = "List of Task States that should be returned." },
        {},
};

static const ApiSchema task_props[] = {
        { .name = "upid", .type = API_TYPE_STRING, .title = "UPID" },
        { .name = "node", .type = API_TYPE_STRING, .title = "Node" },
        { .name = "pid", .type = API_TYPE_INTEGER, .title = "PID" },
        { .name = "pstart", .type = API_TYPE_INTEGER },
        { .name = "starttime", .type = API_TYPE_INTEGER, .title = "Starttime", .renderer = "timestamp" },
        { .name = "type", .type = API_TYPE_STRING, .title = "Type" },
        { .name = "id", .type = API_TYPE_STRING, .title = "ID" },
        { .name = "user", .type = API_TYPE_STRING, .title = "User" },
        { .name = "endtime", .type = API_TYPE_INTEGER, .optional = true, .title = "Endtime", .renderer = "timestamp" },
        { .name = "status", .type = API_TYPE_STRING, .optional = true, .title = "Status" },
        {},
};

static const ApiSchema one_task_params[] = { API_PARAM_NODE, UPID_PARAM, {} };

static const ApiSchema log_params[] = {
        API_PARAM_NODE,
        UPID_PARAM,
        { .name = "start", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),
          .default_value = "0", .description = "Start at this line when reading the tasklog" },
        { .name = "limit", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),
          .default_value = "50", .description = "The number of lines to read from the tasklog." },
        { .name = "download", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Whether the tasklog file should be downloaded. This parameter can't be used in "
                         "conjunction with other parameters" },
        {},
};

static const ApiSchema log_line_props[] = {
        { .name = "n", .type = API_TYPE_INTEGER, .description = "Line number" },
        { .name = "t", .type = API_TYPE_STRING, .description = "Line text" },
        {},
};

static const ApiSchema status_props[] = {
        { .name = "pid", .type = API_TYPE_INTEGER },
        { .name = "status", .type = API_TYPE_STRING, .enum_values = (const char *const[]) { "running", "stopped", NULL } },
        { .name = "type", .type = API_TYPE_STRING },
        { .name = "id", .type = API_TYPE_STRING },
        { .name = "user", .type = API_TYPE_STRING },
        { .name = "exitstatus", .type = API_TYPE_STRING, .optional = true },
        { .name = "upid", .type = API_TYPE_STRING },
        { .name = "starttime", .type = API_TYPE_INTEGER },
        { .name = "pstart", .type = API_TYPE_INTEGER },
        { .name = "node", .type = API_TYPE_STRING },
        {},
};

#define OWNER_OR(priv) \
        { .kind = API_PERM_ALL_USERS, .description = "The user needs '" priv "' permissions on '/nodes/<node>' if they aren't the owner of the task." }

static const ApiMethod task_methods[] = {
        {
                .path = "/nodes/{node}/tasks",
                .http_method = API_GET,
                .name = "node_tasks",
                .description = "Read task list for one node (finished tasks).",
                .parameters = list_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{upid}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = task_props } },
                .permissions = { .kind = API_PERM_ALL_USERS,
                                 .description = "List task associated with the current user, or all task the user "
                                                "has 'Sys.Audit' permissions on /nodes/<node> (the <node> the task "
                                                "runs on)." },
                .handler = list_tasks,
        },
        {
                .path = "/nodes/{node}/tasks/{upid}",
                .http_method = API_GET,
                .name = "upid_index",
                .description = "",
                .parameters = one_task_params,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/nodes/{node}/tasks/{upid}",
                .http_method = API_DELETE,
                .name = "stop_task",
                .description = "Stop a task.",
                .parameters = one_task_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = OWNER_OR("Sys.Modify"),
                .protected_ = true,
                .handler = stop_task,
        },
        {
                .path = "/nodes/{node}/tasks/{upid}/log",
                .http_method = API_GET,
                .name = "read_task_log",
                .description = "Read task log.",
                .parameters = log_params,
                .returns = { .type = API_TYPE_ARRAY,
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = log_line_props } },
                .permissions = OWNER_OR("Sys.Audit"),
                .protected_ = true,
                .handler = read_task_log,
        },
        {
                .path = "/nodes/{node}/tasks/{upid}/status",
                .http_method = API_GET,
                .name = "read_task_status",
                .description = "Read task status.",
                .parameters = one_task_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = status_props },
                .permissions = OWNER_OR("Sys.Audit"),
                .protected_ = true,
                .handler = read_task_status,
        },
};

API_REGISTER_METHODS(task_methods);
