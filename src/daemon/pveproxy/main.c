/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pveproxy: the HTTPS API and web interface of the node.
 *
 *         pveproxy start [--foreground] [--listen ADDR:PORT ...]
 *         pveproxy stop | status | restart [--listen ADDR:PORT ...]
 *
 * As upstream's PVE::Daemon: "start" forks into the background and returns
 * when the server listens, "status" prints "running" or "stopped", "stop"
 * sends SIGTERM and waits. SIGHUP reloads the certificate without dropping
 * connections; changed certificate files (an upload through the API) are
 * picked up within seconds without it. --listen (repeatable) is a pvehost
 * extension; the default is [::]:8006 and 0.0.0.0:8006.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/auth.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "daemon/pveproxy/login-guard.h"
#include "daemon/pveproxy/server.h"
#include "daemon/pveproxy/tls.h"
#include "sys/nodename.h"

#define PID_FILE "/var/run/pveproxy/pveproxy.pid"
#define STOP_TIMEOUT_SEC 10
#define CERT_CHECK_INTERVAL_SEC 2 /* new certificate files are picked up without SIGHUP after this */
#define EXIT_ERROR 255

static bool arg_foreground;
static char **arg_listen;
static const char *arg_www_dir;

static void help(void) {
        printf("USAGE: pveproxy <COMMAND> [ARGS] [OPTIONS]\n\n"
               "       pveproxy start [--foreground] [--listen ADDR:PORT ...] [--www-dir DIR]\n"
               "       pveproxy stop\n"
               "       pveproxy status\n"
               "       pveproxy restart [--listen ADDR:PORT ...] [--www-dir DIR]\n"
               "       pveproxy help\n");
}

static int parse_options(int argc, char **argv) {
        static const struct option options[] = {
                { "foreground", no_argument, NULL, 'f' },
                { "debug", no_argument, NULL, 'f' }, /* upstream's name for the same */
                { "listen", required_argument, NULL, 'l' },
                { "www-dir", required_argument, NULL, 'w' },
                {},
        };
        int c;

        while ((c = getopt_long_only(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        arg_foreground = true;
                        break;
                case 'l':
                        strv_extend(&arg_listen, optarg);
                        break;
                case 'w':
                        arg_www_dir = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                log_error("unexpected argument '%s'", argv[optind]);
                return -EINVAL;
        }
        if (!arg_listen)
                arg_listen = strv_new("[::]:8006", "0.0.0.0:8006", NULL);
        return 0;
}

static pid_t running_pid(void) {
        _cleanup_free_ char *path = root_path(PID_FILE), *line = NULL;
        int pid;

        if (read_first_line(path, &line) < 0 || parse_int(line, 1, INT_MAX, &pid) < 0)
                return 0;
        if (kill(pid, 0) < 0 && errno == ESRCH)
                return 0;
        return pid;
}

/* The lock that makes this the only instance; held until exit. */
static int take_instance_lock(void) {
        _cleanup_free_ char *path = root_path(PID_FILE ".lock");
        int fd;

        (void) mkdir_parents(path, 0755);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return log_error_errno(errno, "unable to open '%s': %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                close(fd);
                return log_error_errno(errno, "can't acquire lock '%s' - pveproxy is already running", path);
        }
        return fd;
}

static const char *www_dir(void) {
        return arg_www_dir ?: getenv("PVE_WWW_DIR") ?: PVEHOST_WWWDIR;
}

/* The PAM helper installed next to this program, else by PATH. */
static void setup_pam_helper(void) {
        static char path[PATH_MAX];
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (n <= 0)
                return;
        self[n] = 0;
        snprintf(path, sizeof(path), "%s/pve-pam-helper", dirname(self));
        if (access(path, X_OK) == 0)
                access_set_pam_helper(path);
}

static void raise_fd_limit(void) {
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
}

/* Runs the server until SIGTERM/SIGINT; ready_fd (or -1) is told once it listens. */
static int serve(int ready_fd) {
        _cleanup_free_ char *err = NULL, *pid_path = root_path(PID_FILE), *pid_text = NULL;
        Server *server = NULL;
        sigset_t mask;
        int r, sig;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &mask, NULL); /* before any thread starts, so they inherit it */
        signal(SIGPIPE, SIG_IGN);
        raise_fd_limit();
        setup_pam_helper();
        (void) node_name();  /* resolve once, before threads share it */
        json_setup_allocator();
        (void) root_dir();

        r = node_certificate_ensure(&err);
        if (r >= 0)
                r = tls_reload(&err);
        if (r >= 0 && !access_auth_keys(&err))
                r = -EIO;
        if (r < 0) {
                log_error("%s", err);
                return r;
        }
        log_info("Using '%s' as certificate for the web interface.", tls_certificate_path());

        r = login_guard_start();
        if (r < 0)
                return log_error_errno(r, "unable to start timer thread: %m");
        r = server_start(&(ServerOptions) { .listen = arg_listen, .www_dir = www_dir(),
                                            .threads = (unsigned) CLAMP(sysconf(_SC_NPROCESSORS_ONLN), 1, 8) },
                         &server, &err);
        if (r < 0) {
                login_guard_stop();
                log_error("%s", err);
                return r;
        }
        pid_text = xasprintf("%d\n", (int) getpid());
        (void) write_file_atomic(pid_path, pid_text, strlen(pid_text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
        log_info("starting server");
        if (ready_fd >= 0) {
                if (write(ready_fd, "1", 1) != 1)
                        log_warning_errno(errno, "unable to report readiness: %m");
                close(ready_fd);
        }

        for (;;) {
                sig = sigtimedwait(&mask, NULL, &(struct timespec) { .tv_sec = CERT_CHECK_INTERVAL_SEC });
                if (sig < 0 && errno == EINTR)
                        continue;
                if (sig < 0 && !tls_files_changed())
                        continue; /* timeout, certificate files unchanged */
                if (sig >= 0 && sig != SIGHUP)
                        break;
                err = mfree(err);
                if (tls_reload(&err) < 0)
                        log_error("certificate reload failed, keeping the old one: %s", err);
                else
                        log_info("reloaded certificate '%s'", tls_certificate_path());
        }
        log_info("received signal %s, shutting down", sig == SIGINT ? "INT" : "TERM");
        login_guard_stop();
        server_stop(server);
        tls_release_all();
        (void) unlink(pid_path);
        return 0;
}

static int cmd_start(void) {
        int lock_fd, pipefd[2];
        char c;
        pid_t pid;

        lock_fd = take_instance_lock();
        if (lock_fd < 0)
                return lock_fd;
        if (arg_foreground)
                return serve(-1);

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return log_error_errno(errno, "pipe: %m");
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "fork: %m");
        if (pid > 0) {
                close(pipefd[1]);
                close(lock_fd);
                if (read(pipefd[0], &c, 1) != 1) {
                        log_error("pveproxy failed to start");
                        return -EIO;
                }
                return 0;
        }
        close(pipefd[0]);
        (void) setsid();
        {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        dup2(null, STDOUT_FILENO);
                        dup2(null, STDERR_FILENO);
                        close(null);
                }
        }
        _exit(serve(pipefd[1]) < 0 ? EXIT_ERROR : 0);
}

static int cmd_stop(void) {
        pid_t pid = running_pid();

        if (pid == 0)
                return 0;
        if (kill(pid, SIGTERM) < 0)
                return log_error_errno(errno, "unable to stop pveproxy (pid %d): %m", (int) pid);
        for (int i = 0; i < STOP_TIMEOUT_SEC * 10; i++) {
                if (kill(pid, 0) < 0 && errno == ESRCH)
                        return 0;
                usleep(100 * 1000);
        }
        log_error("server (pid %d) did not stop within %d seconds", (int) pid, STOP_TIMEOUT_SEC);
        return -ETIMEDOUT;
}

int main(int argc, char **argv) {
        const char *cmd = argc > 1 ? argv[1] : NULL;
        int r;

        log_setup_from_env();
        log_set_prefix("pveproxy: ");
        if (!cmd || streq(cmd, "help") || streq(cmd, "--help")) {
                help();
                return cmd ? 0 : EXIT_ERROR;
        }
        if (parse_options(argc - 1, argv + 1) < 0) {
                help();
                return EXIT_ERROR;
        }

        if (streq(cmd, "start"))
                r = cmd_start();
        else if (streq(cmd, "stop"))
                r = cmd_stop();
        else if (streq(cmd, "restart")) {
                r = cmd_stop();
                if (r >= 0)
                        r = cmd_start();
        } else if (streq(cmd, "status")) {
                puts(running_pid() ? "running" : "stopped");
                r = 0;
        } else {
                log_error("unknown command '%s'", cmd);
                help();
                r = -EINVAL;
        }
        strv_free(arg_listen);
        return r < 0 ? EXIT_ERROR : 0;
}
