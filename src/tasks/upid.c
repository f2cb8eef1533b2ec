/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdio.h>
#include <string.h>

#include "api/format.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "tasks/upid.h"

void upid_done(Upid *u) {
        free(u->node);
        free(u->type);
        free(u->id);
        free(u->user);
        *u = (Upid) {};
}

/* Fields type, id and user: no ':', '/' or whitespace; id may be empty. */
static bool valid_field(const char *s, bool may_be_empty) {
        if (!*s)
                return may_be_empty;
        for (; *s; s++)
                if (*s == ':' || *s == '/' || strchr(" \t\n\r\f\v", *s))
                        return false;
        return true;
}

int upid_decode(const char *s, Upid *ret) {
        _cleanup_strv_free_ char **f = NULL;
        const char *rest = startswith(s, "UPID:");
        uint64_t pid, pstart, starttime;
        Upid u = {};

        if (!rest || !endswith(rest, ":"))
                return -EINVAL;

        /* Split at every ':' keeping empty fields (the id may be empty). */
        for (const char *p = rest; *p;) {
                size_t n = strcspn(p, ":");

                strv_push(&f, xstrndup(p, n));
                p += n;
                if (*p == ':')
                        p++;
        }
        if (strv_length(f) != 7)
                return -EINVAL;

        if (!api_is_node_name(f[0]) || parse_hex_u64(f[1], 8, 8, &pid) < 0 ||
            parse_hex_u64(f[2], 8, 9, &pstart) < 0 || parse_hex_u64(f[3], 8, 8, &starttime) < 0 ||
            !valid_field(f[4], false) || !valid_field(f[5], true) || !valid_field(f[6], false))
                return -EINVAL;

        u.node = xstrdup(f[0]);
        u.pid = (pid_t) pid;
        u.pstart = pstart;
        u.starttime = starttime;
        u.type = xstrdup(f[4]);
        u.id = xstrdup(f[5]);
        u.user = xstrdup(f[6]);
        *ret = u;
        return 0;
}

char *upid_encode(const Upid *u) {
        return xasprintf("UPID:%s:%08X:%08llX:%08llX:%s:%s:%s:", u->node, (unsigned) u->pid,
                         (unsigned long long) u->pstart, (unsigned long long) u->starttime, u->type,
                         strempty(u->id), u->user);
}

char *tasks_dir(void) {
        return root_path("/var/log/pve/tasks");
}

char *upid_log_path(const char *upid) {
        _cleanup_free_ char *dir = NULL;
        Upid u;
        const char *start_field;

        if (upid_decode(upid, &u) < 0)
                return NULL;
        upid_done(&u);
        /* The subdirectory is the last digit of starttime as written in the UPID (4th field). */
        start_field = upid;
        for (int i = 0; i < 4; i++)
                start_field = strchr(start_field, ':') + 1;
        dir = tasks_dir();
        return xasprintf("%s/%c/%s", dir, start_field[7], upid);
}

char *task_status_from_line(const char *line) {
        const char *v;
        uint64_t n;

        if (streq(line, "TASK OK"))
                return xstrdup("OK");
        if ((v = startswith(line, "TASK ERROR: ")) && *v)
                return xstrdup(v);
        if ((v = startswith(line, "TASK WARNINGS: ")) && parse_uint64(v, UINT64_MAX, &n) >= 0 && v[0] != '+')
                return xstrdup(line + STRLEN("TASK "));
        return xstrdup("unexpected status");
}

char *task_read_status(const char *upid) {
        _cleanup_free_ char *path = upid_log_path(upid), *line = NULL;
        int r;

        if (!path)
                return xstrdup("unexpected status");
        r = read_last_line(path, &line);
        if (r < 0)
                return xasprintf("unable to get last line from task log - %s", strerror(-r));
        return task_status_from_line(line);
}

static bool is_warnings(const char *status) {
        const char *v = startswith(status, "WARNINGS: ");
        uint64_t n;

        return v && v[0] != '+' && parse_uint64(v, UINT64_MAX, &n) >= 0;
}

bool task_status_is_error(const char *status) {
        return !(streq(status, "OK") || is_warnings(status));
}

const char *task_status_type(const char *status) {
        if (isempty(status) || streq(status, "unexpected status"))
                return "unknown";
        if (streq(status, "OK"))
                return "ok";
        if (is_warnings(status))
                return "warning";
        return "error";
}
