/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvestatd: the node status daemon (upstream's PVE::Service::pvestatd).
 *
 * Every cycle it samples the node's status below PVE_SYSROOT, stores it in
 * the pve2-node RRD, appends it to the export history and hands it to one
 * sender thread per enabled external metric server of status.cfg (re-read
 * when it changes). The first cycle only takes the baseline for CPU usage.
 * With --prometheus-listen it also serves the latest sample at /metrics.
 *
 *   pvestatd start [--foreground] [--interval S] [--cycles N] [--prometheus-listen ADDR:PORT]
 *   pvestatd stop | status | restart
 *
 * The daemon holds an exclusive lock on /var/run/pvestatd.pid.lock while it
 * runs; "status" asks that lock, so a stale pid file never looks running.
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "metrics/config.h"
#include "metrics/history.h"
#include "metrics/prometheus.h"
#include "metrics/rrdnode.h"
#include "metrics/rrdwriter.h"
#include "metrics/sample.h"
#include "metrics/sender.h"
#include "sys/dlopen-util.h"
#include "sys/nodename.h"

#define STOP_WAIT (5 * USEC_PER_SEC)

typedef struct Options {
        bool foreground;
        double interval;  /* seconds */
        uint64_t cycles;  /* 0: run until stopped */
        char *prometheus_listen;
} Options;

typedef struct Daemon {
        const Options *opt;
        NodeSample *prev;
        MetricSender **senders;
        size_t n_senders;
        struct stat cfg_stat;  /* of the status.cfg the senders were made from */
        bool cfg_known;
        MetricHistoryWriter history;
        char *rrd_path;
        RrdWriter rrd;
        bool rrd_failing, history_failing, sample_failing;
        pthread_mutex_t latest_lock;
        NodeSample *latest;    /* for /metrics; protected by latest_lock */
        struct MHD_Daemon *mhd;
} Daemon;

/* ---- Prometheus endpoint (libmicrohttpd, loaded only when asked for) ---- */

static DLSYM_FUNCTION(MHD_start_daemon);
static DLSYM_FUNCTION(MHD_stop_daemon);
static DLSYM_FUNCTION(MHD_create_response_from_buffer);
static DLSYM_FUNCTION(MHD_add_response_header);
static DLSYM_FUNCTION(MHD_queue_response);
static DLSYM_FUNCTION(MHD_destroy_response);

static int dlopen_microhttpd(void) {
        static void *dl;

        return dlopen_many_sym(&dl, "libmicrohttpd.so.12", DLSYM_ARG(MHD_start_daemon), DLSYM_ARG(MHD_stop_daemon),
                               DLSYM_ARG(MHD_create_response_from_buffer), DLSYM_ARG(MHD_add_response_header),
                               DLSYM_ARG(MHD_queue_response), DLSYM_ARG(MHD_destroy_response), NULL);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, char *body) {
        struct MHD_Response *resp = sym_MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
        enum MHD_Result r;

        sym_MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
        r = sym_MHD_queue_response(c, status, resp);
        sym_MHD_destroy_response(resp);
        return r;
}

static enum MHD_Result handle_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                      const char *version, const char *upload_data, size_t *upload_data_size,
                                      void **con_cls) {
        Daemon *d = cls;
        _cleanup_(node_sample_unrefp) NodeSample *s = NULL;

        if (!streq(method, "GET") && !streq(method, "HEAD"))
                return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", xstrdup("method not allowed\n"));
        if (!streq(url, "/metrics"))
                return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", xstrdup("not found; try /metrics\n"));

        pthread_mutex_lock(&d->latest_lock);
        s = node_sample_ref(d->latest);
        pthread_mutex_unlock(&d->latest_lock);
        if (!s)
                return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", xstrdup("no sample yet\n"));
        return reply(c, MHD_HTTP_OK, PROMETHEUS_CONTENT_TYPE, prometheus_render(s, node_name()));
}

/* "ADDR:PORT", "[V6ADDR]:PORT" */
static int parse_listen(const char *s, struct sockaddr_storage *ret) {
        _cleanup_free_ char *host = NULL;
        const char *colon = strrchr(s, ':');
        int port;

        if (!colon || parse_int(colon + 1, 1, 65535, &port) < 0)
                return -EINVAL;
        host = xstrndup(s, (size_t) (colon - s));
        if (host[0] == '[' && endswith(host, "]")) {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *) ret;

                host[strlen(host) - 1] = 0;
                *a = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t) port) };
                return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -EINVAL;
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *) ret;

                *a = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
                return inet_pton(AF_INET, isempty(host) ? "0.0.0.0" : host, &a->sin_addr) == 1 ? 0 : -EINVAL;
        }
}

static int prometheus_start(Daemon *d) {
        struct sockaddr_storage addr = {};
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
        int r;

        if (parse_listen(d->opt->prometheus_listen, &addr) < 0)
                return log_error_errno(-EINVAL, "invalid --prometheus-listen '%s', expected ADDR:PORT",
                                       d->opt->prometheus_listen);
        r = dlopen_microhttpd();
        if (r < 0)
                return log_error_errno(r, "unable to load libmicrohttpd: %s", dlopen_last_error());
        if (addr.ss_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        d->mhd = sym_MHD_start_daemon(flags, 0, NULL, NULL, handle_request, d, MHD_OPTION_SOCK_ADDR, &addr,
                                      MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                      MHD_OPTION_END);
        if (!d->mhd)
                return log_error_errno(-EADDRNOTAVAIL, "unable to listen on %s", d->opt->prometheus_listen);
        log_info("serving Prometheus metrics on http://%s/metrics", d->opt->prometheus_listen);
        return 0;
}

/* ---- the cycle ---------------------------------------------------------- */

static bool same_file(const struct stat *a, const struct stat *b) {
        return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void stop_senders(Daemon *d, bool drain) {
        for (size_t i = 0; i < d->n_senders; i++)
                metric_sender_free(d->senders[i], drain);
        d->senders = mfree(d->senders);
        d->n_senders = 0;
}

/* Re-reads status.cfg when it changed and makes the senders match its enabled servers. */
static void reload_config(Daemon *d) {
        _cleanup_free_ char *path = status_cfg_path(), *err = NULL;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        MetricSender **next = NULL;
        size_t n = 0;
        struct stat st = {};

        if (stat(path, &st) < 0 && errno != ENOENT) {
                log_error_errno(errno, "unable to read '%s': %m", path);
                return;
        }
        if (d->cfg_known && same_file(&st, &d->cfg_stat))
                return;
        d->cfg_stat = st;
        d->cfg_known = true;

        if (status_cfg_load(&cfg, &err) < 0) {
                log_error("%s; keeping the previous metric servers", err);
                return;
        }

        for (size_t i = 0; i < cfg.n_sections; i++) {
                MetricServer m;
                MetricSender *s = NULL;

                metric_server_from_section(&cfg.sections[i], &m);
                if (m.disable) {
                        metric_server_done(&m);
                        continue;
                }
                /* Unchanged servers keep their sender (and its connections). */
                for (size_t j = 0; j < d->n_senders; j++)
                        if (d->senders[j] && metric_server_equal(metric_sender_server(d->senders[j]), &m)) {
                                s = TAKE_PTR(d->senders[j]);
                                break;
                        }
                if (!s) {
                        _cleanup_free_ char *e = NULL;

                        if (metric_sender_new(&m, node_name(), &s, &e) < 0)
                                log_error("metric server '%s': %s", m.id, e);
                        else
                                log_info("metric server '%s': sending to %s:%u", m.id, m.server, m.port);
                }
                if (s) {
                        next = xreallocarray(next, n + 1, sizeof(MetricSender *));
                        next[n++] = s;
                }
                metric_server_done(&m);
        }
        for (size_t j = 0; j < d->n_senders; j++)
                metric_sender_free(d->senders[j], false);
        free(d->senders);
        d->senders = next;
        d->n_senders = n;
}

/* Logs a failure once until the same step works again. */
static void note_result(bool *failing, int r, const char *what, const char *err) {
        if (r < 0 && !*failing)
                log_error("%s: %s", what, err ?: strerror(-r));
        else if (r >= 0 && *failing)
                log_info("%s: works again", what);
        *failing = r < 0;
}

static void run_cycle(Daemon *d, bool first) {
        _cleanup_(node_sample_unrefp) NodeSample *s = NULL;
        int r;

        r = node_sample_collect(d->prev, &s);
        note_result(&d->sample_failing, r, "node status update error", r < 0 ? strerror(-r) : NULL);
        if (r < 0)
                return;

        pthread_mutex_lock(&d->latest_lock);
        node_sample_unref(d->latest);
        d->latest = node_sample_ref(s);
        pthread_mutex_unlock(&d->latest_lock);

        reload_config(d);

        if (!first) {
                _cleanup_free_ char *err = NULL, *line = metric_history_line(s, node_name(), (int64_t) s->time);

                r = rrd_writer_update(&d->rrd, d->rrd_path, s, &err);
                note_result(&d->rrd_failing, r, "RRD update", err);
                r = metric_history_append(&d->history, line);
                note_result(&d->history_failing, r, "metric history update", NULL);
                for (size_t i = 0; i < d->n_senders; i++)
                        metric_sender_post(d->senders[i], s);
        }

        node_sample_unref(d->prev);
        d->prev = TAKE_PTR(s);
}

static int run(const Options *opt) {
        Daemon d = { .opt = opt, .history = METRIC_HISTORY_WRITER_INIT, .rrd = RRD_WRITER_INIT,
                     .latest_lock = PTHREAD_MUTEX_INITIALIZER };
        _cleanup_close_ int sfd = -EBADF;
        sigset_t mask;
        usec_t interval = (usec_t) (opt->interval * USEC_PER_SEC), next;
        int r = 0;

        /* Few threads, small allocations: one malloc arena keeps the resident set small. */
        mallopt(M_ARENA_MAX, 1);

        /* Before any thread starts, so all of them inherit the mask. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return log_error_errno(errno, "signalfd: %m");

        d.rrd_path = rrd_node_path(node_name());
        if (opt->prometheus_listen) {
                r = prometheus_start(&d);
                if (r < 0)
                        goto finish;
        }
        log_info("starting server (interval %.3gs)", opt->interval);

        next = now(CLOCK_MONOTONIC);
        for (uint64_t cycle = 1;; cycle++) {
                bool stop = false;

                run_cycle(&d, cycle == 1);
                if (opt->cycles > 0 && cycle >= opt->cycles)
                        break;

                next += interval;
                if (next < now(CLOCK_MONOTONIC))
                        next = now(CLOCK_MONOTONIC); /* a cycle overran: do not try to catch up */
                while (!stop) {
                        usec_t t = now(CLOCK_MONOTONIC);
                        struct timespec ts = { .tv_sec = (time_t) ((next - MIN(t, next)) / USEC_PER_SEC),
                                               .tv_nsec = (long) ((next - MIN(t, next)) % USEC_PER_SEC * 1000) };
                        struct pollfd p = { .fd = sfd, .events = POLLIN };
                        struct signalfd_siginfo si;

                        if (t >= next)
                                break;
                        if (ppoll(&p, 1, &ts, NULL) <= 0)
                                continue;
                        if (read(sfd, &si, sizeof(si)) != sizeof(si))
                                continue;
                        if (si.ssi_signo == SIGHUP) {
                                log_info("received SIGHUP, re-reading the configuration");
                                d.cfg_known = false;
                        } else
                                stop = true;
                }
                if (stop) {
                        log_info("server closing");
                        stop_senders(&d, false);
                        goto finish;
                }
        }
        /* --cycles: deliver the last samples before leaving. */
        stop_senders(&d, true);
finish:
        stop_senders(&d, false);
        if (d.mhd)
                sym_MHD_stop_daemon(d.mhd);
        rrd_writer_stop(&d.rrd);
        metric_history_writer_done(&d.history);
        node_sample_unref(d.prev);
        node_sample_unref(d.latest);
        free(d.rrd_path);
        return r;
}

/* ---- daemon control ----------------------------------------------------- */

static char *pid_path(void) {
        return root_path("/var/run/pvestatd.pid");
}

static char *lock_path(void) {
        return root_path("/var/run/pvestatd.pid.lock");
}

static pid_t read_pid(void) {
        _cleanup_free_ char *path = pid_path(), *line = NULL;
        int pid;

        if (read_first_line(path, &line) < 0 || parse_int(line, 1, INT32_MAX, &pid) < 0)
                return 0;
        return pid;
}

static bool is_running(void) {
        _cleanup_(lock_file_release) LockFile l = LOCK_FILE_INIT;
        _cleanup_free_ char *path = lock_path();

        return lock_file_acquire(path, 0, &l) == -ETIMEDOUT;
}

static int write_pid(void) {
        _cleanup_free_ char *path = pid_path(), *text = xasprintf("%i\n", (int) getpid());

        return write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
}

static int cmd_start(const Options *opt) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *lpath = lock_path(), *ppath = pid_path();
        int pipefd[2], r;
        pid_t pid;
        char c;

        r = lock_file_acquire(lpath, 0, &lock);
        if (r == -ETIMEDOUT) {
                log_error("start failed - can't acquire lock '%s' - daemon already started (pid = %i)", lpath,
                          (int) read_pid());
                return 255;
        }
        if (r < 0) {
                log_error_errno(r, "start failed - can't acquire lock '%s' - %m", lpath);
                return 255;
        }

        if (opt->foreground) {
                log_set_timestamps(true);
                r = write_pid();
                if (r < 0)
                        log_warning_errno(r, "unable to write '%s': %m", ppath);
                r = run(opt);
                (void) unlink(ppath);
                return r < 0 ? 255 : 0;
        }

        if (pipe2(pipefd, O_CLOEXEC) < 0) {
                log_error_errno(errno, "pipe: %m");
                return 255;
        }
        pid = fork();
        if (pid < 0) {
                log_error_errno(errno, "can't put server into background - fork failed: %m");
                return 255;
        }
        if (pid > 0) {
                /* The child says it is ready, or closes the pipe when it failed. */
                close(pipefd[1]);
                r = read(pipefd[0], &c, 1) == 1 ? 0 : 255;
                close(pipefd[0]);
                if (r != 0)
                        log_error("start failed - see the system log");
                return r;
        }

        close(pipefd[0]);
        (void) setsid();
        {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                if (null >= 0) {
                        (void) dup2(null, STDIN_FILENO);
                        (void) dup2(null, STDOUT_FILENO);
                        (void) dup2(null, STDERR_FILENO);
                        safe_close(null);
                }
        }
        log_open_syslog("pvestatd");
        r = write_pid();
        if (r < 0) {
                log_error_errno(r, "unable to write '%s': %m", ppath);
                _exit(255);
        }
        (void) loop_write(pipefd[1], "1", 1);
        close(pipefd[1]);
        r = run(opt);
        (void) unlink(ppath);
        lock_file_release(&lock);
        _exit(r < 0 ? 255 : 0);
}

static int cmd_stop(void) {
        _cleanup_free_ char *ppath = pid_path();
        pid_t pid = read_pid();
        usec_t deadline;

        if (!is_running()) {
                (void) unlink(ppath);
                return 0;
        }
        if (pid <= 0 || kill(pid, SIGTERM) < 0) {
                log_error("stop failed - cannot signal the daemon (pid file '%s')", ppath);
                return 255;
        }
        deadline = now(CLOCK_MONOTONIC) + STOP_WAIT;
        while (is_running() && now(CLOCK_MONOTONIC) < deadline)
                sleep_usec(50 * USEC_PER_MSEC);
        if (is_running()) {
                log_error("server still running - send KILL");
                (void) kill(pid, SIGKILL);
                while (is_running())
                        sleep_usec(50 * USEC_PER_MSEC);
        }
        (void) unlink(ppath);
        return 0;
}

static void usage(FILE *f) {
        fputs("USAGE: pvestatd <COMMAND> [ARGS] [OPTIONS]\n"
              "\n"
              "       pvestatd start [--foreground] [--interval <seconds>] [--cycles <n>]\n"
              "                      [--prometheus-listen <addr:port>]\n"
              "       pvestatd restart [same options as start]\n"
              "       pvestatd status\n"
              "       pvestatd stop\n"
              "\n"
              "       --foreground              stay in the foreground and log to stderr (also --debug)\n"
              "       --interval <seconds>      time between cycles, fractions allowed (default 10)\n"
              "       --cycles <n>              exit after n cycles (the first one only samples)\n"
              "       --prometheus-listen <a:p> serve /metrics in the Prometheus text format\n",
              f);
}

static int parse_options(int argc, char **argv, Options *o) {
        static const struct option longopts[] = {
                { "foreground", no_argument, NULL, 'f' },
                { "debug", no_argument, NULL, 'f' },
                { "interval", required_argument, NULL, 'i' },
                { "cycles", required_argument, NULL, 'c' },
                { "prometheus-listen", required_argument, NULL, 'p' },
                {},
        };
        int c;

        while ((c = getopt_long_only(argc, argv, "", longopts, NULL)) >= 0)
                switch (c) {
                case 'f':
                        o->foreground = true;
                        break;
                case 'i':
                        if (parse_double(optarg, &o->interval) < 0 || !(o->interval > 0) || o->interval > 86400) {
                                log_error("interval: value must be a number of seconds between 0 and 86400");
                                return -EINVAL;
                        }
                        break;
                case 'c':
                        if (parse_uint64(optarg, UINT64_MAX, &o->cycles) < 0 || o->cycles == 0) {
                                log_error("cycles: value must be a positive integer");
                                return -EINVAL;
                        }
                        break;
                case 'p':
                        o->prometheus_listen = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                log_error("too many arguments");
                return -EINVAL;
        }
        return 0;
}

int main(int argc, char **argv) {
        Options opt = { .interval = 10 };
        const char *cmd = argc > 1 ? argv[1] : NULL;

        log_setup_from_env();
        json_setup_allocator();

        if (!cmd || streq(cmd, "help") || streq(cmd, "--help")) {
                usage(cmd ? stdout : stderr);
                return cmd ? 0 : 255;
        }
        if (streq(cmd, "status") || streq(cmd, "stop")) {
                if (argc > 2) {
                        log_error("too many arguments");
                        return 255;
                }
                if (streq(cmd, "stop"))
                        return cmd_stop();
                puts(is_running() ? "running" : "stopped");
                return 0;
        }
        if (!streq(cmd, "start") && !streq(cmd, "restart")) {
                log_error("unknown command 'pvestatd %s'", cmd);
                usage(stderr);
                return 255;
        }
        if (parse_options(argc - 1, argv + 1, &opt) < 0) {
                usage(stderr);
                return 255;
        }
        if (streq(cmd, "restart") && cmd_stop() != 0)
                return 255;
        return cmd_start(&opt);
}
