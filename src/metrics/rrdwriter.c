/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "metrics/rrdnode.h"
#include "metrics/rrdwriter.h"

/* Reads "<time>\t<path>\t<values>" lines until EOF; answers each. Never returns. */
_noreturn_ static void writer_main(int in, int out) {
        _cleanup_strbuf_ StrBuf buf = STRBUF_INIT;
        char chunk[4096];
        ssize_t n;

        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        for (;;) {
                char *nl;

                while ((nl = memchr(buf.buf, '\n', buf.len))) {
                        _cleanup_free_ char *line = xstrndup(buf.buf, (size_t) (nl - buf.buf)), *err = NULL;
                        char *path = strchr(line, '\t'), *values = path ? strchr(path + 1, '\t') : NULL;
                        const char *reply = "OK\n";
                        _cleanup_free_ char *msg = NULL;

                        strbuf_remove(&buf, 0, (size_t) (nl - buf.buf) + 1);
                        if (!values)
                                continue;
                        *path++ = 0;
                        *values++ = 0;
                        if (rrd_node_update_values(path, (time_t) strtoll(line, NULL, 10), values, &err) < 0) {
                                msg = xasprintf("ERR %s\n", err ?: "update failed");
                                strreplace_char(msg + 4, '\n', ' ');
                                msg[strlen(msg) - 1] = '\n';
                                reply = msg;
                        }
                        (void) loop_write(out, reply, strlen(reply));
                }
                n = read(in, chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        _exit(0);
                strbuf_add(&buf, chunk, (size_t) n);
        }
}

static int writer_start(RrdWriter *w, char **reterr) {
        int to_child[2], from_child[2];
        pid_t pid;

        if (pipe2(to_child, O_CLOEXEC) < 0)
                goto fail;
        if (pipe2(from_child, O_CLOEXEC | O_NONBLOCK) < 0) {
                safe_close(to_child[0]);
                safe_close(to_child[1]);
                goto fail;
        }
        pid = fork();
        if (pid < 0) {
                safe_close(to_child[0]);
                safe_close(to_child[1]);
                safe_close(from_child[0]);
                safe_close(from_child[1]);
                goto fail;
        }
        if (pid == 0) {
                close(to_child[1]);
                close(from_child[0]);
                writer_main(to_child[0], from_child[1]);
        }
        close(to_child[0]);
        close(from_child[1]);
        (void) fcntl(to_child[1], F_SETFL, O_NONBLOCK);
        w->pid = pid;
        w->fd = to_child[1];
        w->result_fd = from_child[0];
        return 0;
fail:
        *reterr = xasprintf("unable to start the RRD writer: %m");
        return -errno;
}

/* The first failure among the answers received so far, if any. */
static int collect_results(RrdWriter *w, char **reterr) {
        char buf[4096];
        ssize_t n;
        int r = 0;

        while ((n = read(w->result_fd, buf, sizeof(buf) - 1)) > 0) {
                char *err;

                buf[n] = 0;
                err = strstr(buf, "ERR ");
                if (err && r == 0) {
                        err[strcspn(err, "\n")] = 0;
                        *reterr = xstrdup(err + 4);
                        r = -EIO;
                }
        }
        return r;
}

static void writer_reap(RrdWriter *w) {
        w->fd = safe_close(w->fd);
        w->result_fd = safe_close(w->result_fd);
        if (w->pid > 0)
                (void) waitpid(w->pid, NULL, 0);
        w->pid = 0;
}

int rrd_writer_update(RrdWriter *w, const char *path, const NodeSample *s, char **reterr) {
        _cleanup_free_ char *values = rrd_node_update_string(s), *line = NULL;
        bool restarted = false;
        int r;

        if (w->pid > 0 && waitpid(w->pid, NULL, WNOHANG) == w->pid) {
                w->pid = 0; /* reaped */
                writer_reap(w);
                restarted = true;
        }
        if (w->pid == 0) {
                r = writer_start(w, reterr);
                if (r < 0)
                        return r;
        }
        if (restarted) {
                *reterr = xstrdup("the RRD writer process died and was restarted");
                r = -ECHILD;
        } else
                r = collect_results(w, reterr);

        line = xasprintf("%" PRId64 "\t%s\t%s\n", (int64_t) s->time, path, values);
        if (write(w->fd, line, strlen(line)) != (ssize_t) strlen(line) && r == 0) {
                *reterr = xstrdup("the RRD writer is busy; update dropped");
                r = -EAGAIN;
        }
        return r;
}

void rrd_writer_stop(RrdWriter *w) {
        if (w->pid > 0) {
                /* EOF on its input makes the child finish the queue and exit. */
                w->fd = safe_close(w->fd);
                (void) waitpid(w->pid, NULL, 0);
                w->pid = 0;
        }
        writer_reap(w);
}
