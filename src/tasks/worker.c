/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Process layout of a task:
 *
 *   caller ──fork──> supervisor W (setsid; its pid and start time form the UPID)
 *                       └─fork──> function C (same process group, stdout/stderr = log)
 *
 * W creates the log, reports the UPID to the caller over a pipe, registers
 * the task as active, runs C and waits for it, then writes the status line
 * and archives the task. A DELETE of the task signals W's process group,
 * which reaches C and everything C started; W survives SIGTERM/SIGINT to
 * record "TASK ERROR: received interrupt".
 *
 * Asynchronous starts (from pveproxy) go through an intermediate child that
 * exits at once, so W is re-parented to init and the caller never has to
 * reap it. Synchronous starts (command line) wait for W and copy the log to
 * stdout as it grows.
 */

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "sys/nodename.h"
#include "sys/procfs.h"
#include "tasks/tasklist.h"
#include "tasks/upid.h"
#include "tasks/worker.h"

#define FOLLOW_INTERVAL (20 * USEC_PER_MSEC)
#define ERROR_MESSAGE_MAX 4096

struct Task {
        char *upid;
        unsigned warnings;
        char *error;
};

const char *task_upid(const Task *t) {
        return t->upid;
}

void task_log(Task *t, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
}

void task_warn(Task *t, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        fputs("WARN: ", stdout);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
        t->warnings++;
}

int task_fail(Task *t, const char *fmt, ...) {
        va_list ap;

        free(t->error);
        va_start(ap, fmt);
        t->error = xvasprintf(fmt, ap);
        va_end(ap);
        return -EIO;
}

/* Writes all of buf, ignoring errors (used where nothing better can be done). */
static void write_all(int fd, const char *buf, size_t len) {
        (void) loop_write(fd, buf, len);
}

static int open_task_log(const char *upid) {
        _cleanup_free_ char *path = upid_log_path(upid);
        struct passwd *pw;
        int fd, r;

        if (!path)
                return -EINVAL;
        r = mkdir_parents(path, 0755);
        if (r < 0)
                return r;
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0)
                return -errno;
        /* Upstream gives task logs to www-data so the unprivileged API daemon can read them. */
        pw = getpwnam("www-data");
        if (pw)
                (void) !fchown(fd, pw->pw_uid, (gid_t) -1);
        return fd;
}

/* Runs in C: the task function, with stdout/stderr going to the log. */
_noreturn_ static void run_function(const char *upid, int logfd, int resultfd, TaskFunc fn, void *userdata) {
        Task t = { .upid = xstrdup(upid) };
        StrBuf res = STRBUF_INIT;
        int r;

        for (int sig = 1; sig < _NSIG; sig++)
                (void) signal(sig, SIG_DFL);
        if (dup2(logfd, STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0)
                _exit(1);
        setvbuf(stdout, NULL, _IOLBF, 0);
        setvbuf(stderr, NULL, _IONBF, 0);

        r = fn(&t, userdata);
        fflush(stdout);

        /* "<warnings>\n<error message>" for the supervisor. */
        strbuf_addf(&res, "%u\n", t.warnings);
        if (r < 0)
                strbuf_adds(&res, t.error ?: strerror(-r));
        write_all(resultfd, res.buf, res.len);
        _exit(r < 0 ? 1 : 0);
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
        interrupted = sig;
}

/* Runs in W; never returns. */
_noreturn_ static void supervise(int readyfd, const TaskOptions *o, TaskFunc fn, void *userdata) {
        _cleanup_free_ char *upid = NULL;
        _cleanup_strbuf_ StrBuf result = STRBUF_INIT, status = STRBUF_INIT;
        int logfd, resultpipe[2], wstatus = 0, devnull;
        struct sigaction sa = { .sa_handler = on_interrupt };
        uint64_t pstart = 0;
        unsigned warnings = 0;
        const char *msg;
        pid_t child;
        char buf[ERROR_MESSAGE_MAX];
        ssize_t n;

        (void) setsid();
        /* Nothing of the caller (sockets of pveproxy, ...) leaks into the task. */
        if (readyfd > 3)
                (void) close_range(3, (unsigned) readyfd - 1, 0);
        (void) close_range((unsigned) readyfd + 1, ~0U, 0);
        /* The caller's terminal or pipes must not be held open by the task. */
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
                (void) dup2(devnull, STDIN_FILENO);
                (void) dup2(devnull, STDOUT_FILENO);
                (void) dup2(devnull, STDERR_FILENO);
        }

        (void) read_pid_starttime(getpid(), &pstart, NULL);
        upid = upid_encode(&(Upid) {
                .node = (char *) node_name(),
                .pid = getpid(),
                .pstart = pstart,
                .starttime = (uint64_t) time(NULL),
                .type = (char *) o->type,
                .id = (char *) strempty(o->id),
                .user = (char *) (o->user ?: API_ROOT_AUTHID),
        });

        logfd = open_task_log(upid);
        if (logfd < 0) {
                _cleanup_free_ char *e = xasprintf("ERROR: unable to create task log - %s", strerror(-logfd));
                write_all(readyfd, e, strlen(e));
                _exit(1);
        }
        (void) tasks_update_active(upid, NULL);
        write_all(readyfd, upid, strlen(upid));
        close(readyfd);

        if (pipe2(resultpipe, O_CLOEXEC) < 0)
                _exit(1);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);

        child = fork();
        if (child < 0)
                _exit(1);
        if (child == 0) {
                close(resultpipe[0]);
                run_function(upid, logfd, resultpipe[1], fn, userdata);
        }
        close(resultpipe[1]);

        /* The function's result arrives when it exits (EOF on the pipe). */
        while ((n = read(resultpipe[0], buf, sizeof(buf))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                strbuf_add(&result, buf, (size_t) n);
        }
        while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR)
                ;

        if (result.len > 0)
                (void) sscanf(result.buf, "%u", &warnings);
        msg = strchr(result.buf, '\n');
        msg = msg && msg[1] ? msg + 1 : NULL;

        if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
                if (warnings)
                        strbuf_addf(&status, "TASK WARNINGS: %u", warnings);
                else
                        strbuf_adds(&status, "TASK OK");
        } else if (WIFEXITED(wstatus))
                strbuf_addf(&status, "TASK ERROR: %s",
                            msg ?: interrupted ? "received interrupt" : "task function failed");
        else if (WTERMSIG(wstatus) == SIGTERM || WTERMSIG(wstatus) == SIGINT || WTERMSIG(wstatus) == SIGHUP ||
                 interrupted)
                strbuf_adds(&status, "TASK ERROR: received interrupt");
        else
                strbuf_addf(&status, "TASK ERROR: task process killed by signal %d (%s)", WTERMSIG(wstatus),
                            strsignal(WTERMSIG(wstatus)));

        /* One line: newlines of the message become spaces, as upstream. */
        for (size_t i = 0; i < status.len; i++)
                if (status.buf[i] == '\n' || status.buf[i] == '\r')
                        status.buf[i] = ' ';

        /* The status line starts on a line of its own. */
        {
                struct stat st;
                char last = '\n';

                if (fstat(logfd, &st) >= 0 && st.st_size > 0 && pread(logfd, &last, 1, st.st_size - 1) == 1 &&
                    last != '\n')
                        write_all(logfd, "\n", 1);
        }
        strbuf_addc(&status, '\n');
        write_all(logfd, status.buf, status.len);
        close(logfd);

        (void) tasks_update_active(NULL, upid);
        _exit(startswith(status.buf, "TASK ERROR") ? 1 : 0);
}

static volatile sig_atomic_t forward_signal;

static void on_forward(int sig) {
        forward_signal = sig;
}

/* Copies the log to stdout while W runs; returns when W has exited and the log is drained. */
static void follow_log(const char *upid, pid_t worker) {
        _cleanup_free_ char *path = upid_log_path(upid);
        _cleanup_close_ int fd = -EBADF;
        struct sigaction sa = { .sa_handler = on_forward }, old_int, old_term;
        bool exited = false;
        char buf[8192];

        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);

        fd = open(path, O_RDONLY | O_CLOEXEC);
        for (;;) {
                ssize_t n;

                if (forward_signal) {
                        (void) kill(-worker, SIGTERM);
                        forward_signal = 0;
                }
                if (!exited) {
                        int st;
                        pid_t w = waitpid(worker, &st, WNOHANG);

                        if (w == worker || (w < 0 && errno == ECHILD))
                                exited = true;
                }
                while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
                        write_all(STDOUT_FILENO, buf, (size_t) n);
                }
                if (exited)
                        break;
                sleep_usec(FOLLOW_INTERVAL);
        }
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
}

int task_start(const TaskOptions *o, TaskFunc fn, void *userdata, char **ret_upid, bool *ret_failed,
               char **reterr) {
        _cleanup_strbuf_ StrBuf reply = STRBUF_INIT;
        int ready[2], st;
        pid_t pid;
        char buf[512];
        ssize_t n;

        fflush(stdout);
        fflush(stderr);
        if (pipe2(ready, O_CLOEXEC) < 0)
                return -errno;

        pid = fork();
        if (pid < 0) {
                safe_close(ready[0]);
                safe_close(ready[1]);
                return -errno;
        }
        if (pid == 0) {
                close(ready[0]);
                if (o->sync)
                        supervise(ready[1], o, fn, userdata);
                /* Asynchronous: detach through an intermediate child that exits at once. */
                pid_t w = fork();
                if (w == 0)
                        supervise(ready[1], o, fn, userdata);
                _exit(w < 0 ? 1 : 0);
        }
        close(ready[1]);

        while ((n = read(ready[0], buf, sizeof(buf))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                strbuf_add(&reply, buf, (size_t) n);
        }
        close(ready[0]);
        if (!o->sync)
                while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                        ;

        if (reply.len == 0 || startswith(reply.buf, "ERROR: ")) {
                if (reterr)
                        *reterr = xasprintf("starting worker failed: %s",
                                            reply.len ? reply.buf + STRLEN("ERROR: ") : "got no worker upid");
                if (o->sync)
                        (void) waitpid(pid, &st, 0);
                return -EIO;
        }

        if (o->sync) {
                _cleanup_free_ char *status = NULL;

                follow_log(reply.buf, pid);
                status = task_read_status(reply.buf);
                if (ret_failed)
                        *ret_failed = task_status_is_error(status);
                if (task_status_is_error(status) && reterr)
                        *reterr = TAKE_PTR(status);
        } else if (ret_failed)
                *ret_failed = false;

        *ret_upid = strbuf_detach(&reply, NULL);
        return 0;
}

int api_task_start(ApiCall *call, const char *type, const char *id, TaskFunc fn, void *userdata, json_t **ret) {
        _cleanup_free_ char *upid = NULL, *err = NULL;
        bool failed = false;
        int r;

        r = task_start(&(TaskOptions) {
                               .type = type,
                               .id = id,
                               .user = call->authid,
                               .sync = call->flags & API_CALL_CLI,
                       },
                       fn, userdata, &upid, &failed, &err);
        if (r < 0)
                return err ? api_error(call, 500, "%s", err) : api_error_errno(call, r, "starting worker failed: %m");
        if (failed)
                return api_error(call, 500, "%s", err ?: "task failed");
        *ret = json_string(upid);
        return 0;
}
