/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>

#include "alloc.h"
#include "spawn.h"

#define SPAWN_MAX_OUTPUT_DEFAULT ((size_t) 16 * 1024 * 1024)
#define SPAWN_KILL_GRACE (2 * USEC_PER_SEC)

extern char **environ;

void spawn_result_done(SpawnResult *r) {
        strbuf_release(&r->out);
        strbuf_release(&r->err);
}

const char *spawn_describe(const SpawnResult *r, char *buf, size_t size) {
        if (r->timed_out)
                snprintf(buf, size, "timed out");
        else if (r->exit_status > 128)
                snprintf(buf, size, "killed by signal %i", r->exit_status - 128);
        else
                snprintf(buf, size, "exit code %i", r->exit_status);
        return buf;
}

static void closep_pair(int (*p)[2]) {
        safe_close((*p)[0]);
        safe_close((*p)[1]);
}

/* Runs in the child; never returns. Reports an exec failure through errfd. */
_noreturn_ static void child_exec(const SpawnOptions *o, int in_r, int out_w, int err_w, int errfd) {
        sigset_t all;
        int e, devnull;

        (void) setpgid(0, 0);
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        for (int sig = 1; sig < _NSIG; sig++)
                (void) signal(sig, SIG_DFL);
        sigemptyset(&all);
        (void) sigprocmask(SIG_SETMASK, &all, NULL);

        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0)
                goto fail;

        if (dup2(in_r >= 0 ? in_r : devnull, STDIN_FILENO) < 0)
                goto fail;

        switch (o->stdout_mode) {
        case SPAWN_IO_INHERIT:
                break;
        case SPAWN_IO_NULL:
                if (dup2(devnull, STDOUT_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_CAPTURE:
                if (dup2(out_w, STDOUT_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_FD:
                if (dup2(o->stdout_fd, STDOUT_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_MERGE:
                break;
        }

        switch (o->stderr_mode) {
        case SPAWN_IO_INHERIT:
                break;
        case SPAWN_IO_NULL:
                if (dup2(devnull, STDERR_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_CAPTURE:
                if (dup2(err_w, STDERR_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_FD:
                if (dup2(o->stderr_fd, STDERR_FILENO) < 0)
                        goto fail;
                break;
        case SPAWN_IO_MERGE:
                if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
                        goto fail;
                break;
        }

        /* Everything but 0-2 goes away at exec, including the error pipe. */
        (void) close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

        if (o->cwd && chdir(o->cwd) < 0)
                goto fail;

        if (o->drop_privileges) {
                if (setgroups(0, NULL) < 0 || setresgid(o->gid, o->gid, o->gid) < 0 ||
                    setresuid(o->uid, o->uid, o->uid) < 0)
                        goto fail;
        }

        execvpe(o->argv[0], o->argv, o->env ? o->env : environ);
fail:
        e = errno;
        (void) !write(errfd, &e, sizeof(e));
        _exit(127);
}

static int make_pipe(int p[2]) {
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        return 0;
}

/* Appends what is readable on fd to sb; returns 1 at EOF, 0 otherwise. */
static int drain(int fd, StrBuf *sb, size_t max, bool *truncated) {
        char buf[8192];

        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                return 0;
                        return 1;
                }
                if (n == 0)
                        return 1;
                if (sb->len + (size_t) n > max) {
                        *truncated = true;
                        n = (ssize_t) (max - MIN(max, sb->len));
                }
                strbuf_add(sb, buf, (size_t) n);
        }
}

int spawn_run(const SpawnOptions *o, SpawnResult *ret) {
        _cleanup_(closep_pair) int in[2] = { -EBADF, -EBADF }, out[2] = { -EBADF, -EBADF },
                                   err[2] = { -EBADF, -EBADF }, ep[2] = { -EBADF, -EBADF };
        _cleanup_close_ int pidfd = -EBADF;
        size_t max = o->max_output ?: SPAWN_MAX_OUTPUT_DEFAULT, written = 0;
        usec_t deadline = o->timeout ? now(CLOCK_MONOTONIC) + o->timeout : USEC_INFINITY;
        bool exited = false, killed = false;
        int status = 0, child_errno = 0, r;
        ssize_t n;
        pid_t pid;

        if (!o->argv || !o->argv[0])
                return -EINVAL;

        if ((o->stdin_data && (r = make_pipe(in)) < 0) ||
            (o->stdout_mode == SPAWN_IO_CAPTURE && (r = make_pipe(out)) < 0) ||
            (o->stderr_mode == SPAWN_IO_CAPTURE && (r = make_pipe(err)) < 0) ||
            (r = make_pipe(ep)) < 0)
                return r;

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child_exec(o, in[0], out[1], err[1], ep[1]);

        in[0] = safe_close(in[0]);
        out[1] = safe_close(out[1]);
        err[1] = safe_close(err[1]);
        ep[1] = safe_close(ep[1]);

        /* The error pipe closes at exec; data on it means exec failed. */
        do
                n = read(ep[0], &child_errno, sizeof(child_errno));
        while (n < 0 && errno == EINTR);
        if (n == sizeof(child_errno)) {
                (void) waitpid(pid, NULL, 0);
                return -child_errno;
        }

        pidfd = pidfd_open(pid, 0);
        for (int *fd = (int[]) { in[1], out[0], err[0], -1 }; *fd != -1; fd++)
                if (*fd >= 0)
                        (void) fcntl(*fd, F_SETFL, O_NONBLOCK);
        if (in[1] >= 0 && o->stdin_len == 0)
                in[1] = safe_close(in[1]);

        *ret = (SpawnResult) SPAWN_RESULT_INIT;
        for (;;) {
                struct pollfd p[4];
                nfds_t np = 0;
                int timeout_ms = -1, pr;
                usec_t t;

                if (!exited) {
                        int w = waitpid(pid, &status, WNOHANG);
                        if (w == pid)
                                exited = true;
                }
                if (exited) {
                        /* Collect what is left; grandchildren may hold the pipes open. */
                        if (out[0] >= 0)
                                (void) drain(out[0], &ret->out, max, &ret->truncated);
                        if (err[0] >= 0)
                                (void) drain(err[0], &ret->err, max, &ret->truncated);
                        break;
                }

                if (in[1] >= 0)
                        p[np++] = (struct pollfd) { .fd = in[1], .events = POLLOUT };
                if (out[0] >= 0)
                        p[np++] = (struct pollfd) { .fd = out[0], .events = POLLIN };
                if (err[0] >= 0)
                        p[np++] = (struct pollfd) { .fd = err[0], .events = POLLIN };
                if (pidfd >= 0)
                        p[np++] = (struct pollfd) { .fd = pidfd, .events = POLLIN };

                t = now(CLOCK_MONOTONIC);
                if (t >= deadline) {
                        if (!killed) {
                                (void) kill(-pid, SIGTERM);
                                (void) kill(pid, SIGTERM);
                                ret->timed_out = killed = true;
                                deadline = t + SPAWN_KILL_GRACE;
                        } else {
                                (void) kill(-pid, SIGKILL);
                                (void) kill(pid, SIGKILL);
                                deadline = USEC_INFINITY;
                        }
                        continue;
                }
                if (deadline != USEC_INFINITY)
                        timeout_ms = (int) MIN((deadline - t + 999) / 1000, (usec_t) 1000);
                if (pidfd < 0)
                        /* Without a pidfd, poll waitpid() at least every 50 ms. */
                        timeout_ms = timeout_ms < 0 ? 50 : MIN(timeout_ms, 50);

                pr = poll(p, np, timeout_ms);
                if (pr < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }

                for (nfds_t i = 0; i < np; i++) {
                        if (!p[i].revents)
                                continue;
                        if (p[i].fd == in[1]) {
                                n = write(in[1], (const char *) o->stdin_data + written,
                                          o->stdin_len - written);
                                if (n > 0)
                                        written += (size_t) n;
                                if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
                                    written == o->stdin_len)
                                        in[1] = safe_close(in[1]);
                        } else if (p[i].fd == out[0]) {
                                if (drain(out[0], &ret->out, max, &ret->truncated))
                                        out[0] = safe_close(out[0]);
                        } else if (p[i].fd == err[0]) {
                                if (drain(err[0], &ret->err, max, &ret->truncated))
                                        err[0] = safe_close(err[0]);
                        }
                }
        }

        if (WIFEXITED(status))
                ret->exit_status = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
                ret->exit_status = 128 + WTERMSIG(status);
        return 0;
}

static bool is_executable_file(const char *path) {
        struct stat st;

        /* access(X_OK) alone succeeds for root on files without any x bit. */
        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) && access(path, X_OK) == 0;
}

int find_executable(const char *name, char **ret_path) {
        _cleanup_free_ char *dirs = NULL;
        const char *path = getenv("PATH");
        char *saveptr = NULL;

        if (isempty(name))
                return -ENOENT;
        if (strchr(name, '/')) {
                if (!is_executable_file(name))
                        return -ENOENT;
                if (ret_path)
                        *ret_path = xstrdup(name);
                return 0;
        }
        /* execvpe()'s default search path when PATH is unset. */
        dirs = xstrdup(path ?: "/bin:/usr/bin");
        for (char *d = strtok_r(dirs, ":", &saveptr); d; d = strtok_r(NULL, ":", &saveptr)) {
                _cleanup_free_ char *p = xasprintf("%s/%s", *d ? d : ".", name);

                if (is_executable_file(p)) {
                        if (ret_path)
                                *ret_path = TAKE_PTR(p);
                        return 0;
                }
        }
        return -ENOENT;
}
