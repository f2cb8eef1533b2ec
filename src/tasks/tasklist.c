/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/procfs.h"
#include "tasks/tasklist.h"

#define ACTIVE_LOCK_TIMEOUT (10 * USEC_PER_SEC)
#define TASK_FILE_MAX (16 * 1024 * 1024)

void task_entry_done(TaskEntry *e) {
        free(e->upid);
        upid_done(&e->u);
        free(e->status);
        *e = (TaskEntry) {};
}

void tasklist_done(TaskList *l) {
        for (size_t i = 0; i < l->n; i++)
                task_entry_done(&l->entries[i]);
        free(l->entries);
        *l = (TaskList) {};
}

static void tasklist_push(TaskList *l, TaskEntry *e) {
        l->entries = xreallocarray(l->entries, l->n + 1, sizeof(TaskEntry));
        l->entries[l->n++] = *e;
        *e = (TaskEntry) {};
}

/* "<UPID>[ <8 alnum endtime>[ <status>]]", with an optional " <0|1>" saved flag before the time. */
static int parse_entry(const char *line, bool with_saved, TaskEntry *ret) {
        _cleanup_free_ char *upid = NULL;
        TaskEntry e = {};
        const char *p = line;
        size_t n = strcspn(p, " ");

        upid = xstrndup(p, n);
        if (upid_decode(upid, &e.u) < 0)
                return -EINVAL;
        p += n;
        if (with_saved) {
                if (p[0] != ' ' || (p[1] != '0' && p[1] != '1') || (p[2] && p[2] != ' ')) {
                        upid_done(&e.u);
                        return -EINVAL;
                }
                e.saved = p[1] == '1';
                p += 2;
        }
        if (*p == ' ') {
                _cleanup_free_ char *t = NULL;
                uint64_t endtime;

                p++;
                t = xstrndup(p, strcspn(p, " "));
                if (strlen(t) != 8 || !in_charset(t, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ")) {
                        upid_done(&e.u);
                        return -EINVAL;
                }
                /* Upstream accepts 8 alphanumerics and reads them as hex. */
                if (parse_hex_u64(t, 8, 8, &endtime) >= 0)
                        e.endtime = endtime;
                p += 8;
                if (*p == ' ') {
                        const char *s = skip_blanks(p + 1);
                        if (*s)
                                e.status = xstrdup(s);
                }
        }
        e.upid = TAKE_PTR(upid);
        *ret = e;
        return 0;
}

int task_entry_parse_index(const char *line, TaskEntry *ret) {
        return parse_entry(line, false, ret);
}

void tasklist_parse_active(const char *text, TaskList *ret) {
        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;
        TaskList l = {};

        while (cursor_read_line_dup(&c, &line)) {
                TaskEntry e;

                if (parse_entry(line, true, &e) >= 0)
                        tasklist_push(&l, &e);
        }
        *ret = l;
}

char *tasklist_format_active(const TaskList *l) {
        StrBuf sb = STRBUF_INIT;

        for (size_t i = 0; i < l->n; i++) {
                const TaskEntry *e = &l->entries[i];

                strbuf_addf(&sb, "%s %d", e->upid, e->saved);
                if (e->endtime) {
                        strbuf_addf(&sb, " %08llX", (unsigned long long) e->endtime);
                        if (e->status)
                                strbuf_addf(&sb, " %s", e->status);
                }
                strbuf_addc(&sb, '\n');
        }
        return strbuf_detach(&sb, NULL);
}

static char *tasks_file(const char *name) {
        _cleanup_free_ char *dir = tasks_dir();

        return xasprintf("%s/%s", dir, name);
}

static int read_text(const char *path, char **ret) {
        int r = read_full_file(path, TASK_FILE_MAX, ret, NULL);

        if (r == -ENOENT) {
                *ret = xstrdup("");
                return 0;
        }
        return r;
}

int tasks_read_active(TaskList *ret) {
        _cleanup_free_ char *path = tasks_file("active"), *text = NULL;
        int r;

        r = read_text(path, &text);
        if (r < 0)
                return r;
        tasklist_parse_active(text, ret);
        return 0;
}

static int cmp_starttime_desc(const void *a, const void *b) {
        const TaskEntry *x = a, *y = b;

        return (x->u.starttime < y->u.starttime) - (x->u.starttime > y->u.starttime);
}

/* Appends the archive lines; renames index to index.1 beyond the size limit. */
static int append_index(const char *archive) {
        _cleanup_free_ char *path = tasks_file("index"), *old = tasks_file("index.1");
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, archive, strlen(archive));
        if (r < 0)
                return r;
        if (fstat(fd, &st) >= 0 && st.st_size > TASKS_INDEX_MAX_SIZE)
                (void) rename(path, old);
        return 0;
}

int tasks_update_active(const char *new_upid, const char *finished_upid) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *dir = tasks_dir(), *lock_path = tasks_file(".active.lock");
        _cleanup_free_ char *path = tasks_file("active"), *text = NULL, *out = NULL;
        _cleanup_strbuf_ StrBuf archive = STRBUF_INIT;
        _cleanup_(tasklist_done) TaskList old = {}, running = {}, finished = {}, result = {};
        bool save = new_upid != NULL, have_new = false;
        size_t max;
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        r = lock_file_acquire(lock_path, ACTIVE_LOCK_TIMEOUT, &lock);
        if (r < 0)
                return r;
        r = read_text(path, &text);
        if (r < 0)
                return r;
        tasklist_parse_active(text, &old);

        for (size_t i = 0; i < old.n; i++) {
                TaskEntry *e = &old.entries[i];
                bool dup = false;

                for (size_t k = 0; k < running.n && !dup; k++)
                        dup = streq(running.entries[k].upid, e->upid);
                for (size_t k = 0; k < finished.n && !dup; k++)
                        dup = streq(finished.entries[k].upid, e->upid);
                if (dup)
                        continue;
                if (new_upid && streq(e->upid, new_upid))
                        have_new = true;
                if (!e->endtime && !streq_ptr(e->upid, finished_upid) && process_running(e->u.pid, e->u.pstart))
                        tasklist_push(&running, e);
                else
                        tasklist_push(&finished, e);
        }
        if (new_upid && !have_new) {
                TaskEntry e = { .upid = xstrdup(new_upid) };

                if (upid_decode(new_upid, &e.u) < 0) {
                        task_entry_done(&e);
                        return -EINVAL;
                }
                tasklist_push(&running, &e);
        }

        qsort(finished.entries, finished.n, sizeof(TaskEntry), cmp_starttime_desc);
        for (size_t i = 0; i < finished.n; i++) {
                TaskEntry *e = &finished.entries[i];

                if (e->endtime)
                        continue;
                e->endtime = (uint64_t) time(NULL);
                free(e->status);
                e->status = task_read_status(e->upid);
                save = true;
        }
        for (size_t i = 0; i < finished.n; i++) {
                TaskEntry *e = &finished.entries[i];

                if (e->saved)
                        continue;
                strbuf_addf(&archive, "%s %08llX %s\n", e->upid, (unsigned long long) e->endtime,
                            strempty(e->status));
                e->saved = true;
                save = true;
        }
        if (archive.len > 0 && append_index(archive.buf) < 0)
                for (size_t i = 0; i < finished.n; i++)
                        finished.entries[i].saved = false; /* retried at the next update */

        /* Running tasks, then the most recent finished ones, 25 entries at most. */
        max = running.n < TASKS_ACTIVE_MAX ? TASKS_ACTIVE_MAX - running.n : 0;
        for (size_t i = 0; i < running.n; i++)
                tasklist_push(&result, &running.entries[i]);
        for (size_t i = 0; i < finished.n && i < max; i++)
                tasklist_push(&result, &finished.entries[i]);

        if (!save)
                return 0;
        out = tasklist_format_active(&result);
        return write_file_atomic(path, out, strlen(out), &WRITE_OPTIONS(0644, 0));
}

static int foreach_backwards(const char *path, int (*cb)(const TaskEntry *e, void *userdata), void *userdata) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = read_text(path, &text);
        if (r < 0)
                return r;
        len = strlen(text);
        while (len > 0) {
                size_t end = len, start;
                _cleanup_free_ char *line = NULL;
                TaskEntry e;

                while (end > 0 && text[end - 1] == '\n')
                        end--;
                start = end;
                while (start > 0 && text[start - 1] != '\n')
                        start--;
                if (end == 0)
                        break;
                line = xstrndup(text + start, end - start);
                len = start;
                if (task_entry_parse_index(line, &e) < 0)
                        continue; /* skipped, as upstream */
                r = cb(&e, userdata);
                task_entry_done(&e);
                if (r != 0)
                        return r;
        }
        return 0;
}

int tasks_index_foreach(int (*cb)(const TaskEntry *e, void *userdata), void *userdata) {
        _cleanup_free_ char *index = tasks_file("index"), *index1 = tasks_file("index.1");
        int r;

        r = foreach_backwards(index, cb, userdata);
        if (r != 0)
                return r;
        return foreach_backwards(index1, cb, userdata);
}
