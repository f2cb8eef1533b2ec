/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "metrics/graphite.h"
#include "metrics/influx.h"
#include "metrics/otlp.h"
#include "metrics/sender.h"
#include "sys/http.h"

struct MetricSender {
        MetricServer server;
        char *node;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        NodeSample *waiting;  /* protected by lock */
        bool stopping, drain; /* protected by lock */
        int wake_fd;          /* eventfd: interrupts socket waits when stopping */
        HttpClient *http;     /* HTTP(S) servers: reused for keep-alive */
        bool failing;         /* in an outage (sender thread only) */
        MetricSenderStats stats; /* protected by lock */
};

/* ---- sockets ------------------------------------------------------------ */

typedef struct Deadline {
        usec_t at; /* CLOCK_MONOTONIC; USEC_INFINITY: none */
} Deadline;

static Deadline deadline_after(unsigned seconds) {
        return (Deadline) { .at = seconds ? now(CLOCK_MONOTONIC) + seconds * USEC_PER_SEC : USEC_INFINITY };
}

/* Waits for events on fd; -ETIMEDOUT at the deadline, -ECANCELED when the sender is stopped. */
static int wait_fd(MetricSender *s, int fd, short events, Deadline d) {
        for (;;) {
                struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = s->wake_fd, .events = POLLIN } };
                int timeout = -1, r;

                if (d.at != USEC_INFINITY) {
                        usec_t t = now(CLOCK_MONOTONIC);

                        if (t >= d.at)
                                return -ETIMEDOUT;
                        timeout = (int) ((d.at - t + USEC_PER_MSEC - 1) / USEC_PER_MSEC);
                }
                r = poll(p, 2, timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (p[1].revents)
                        return -ECANCELED;
                if (p[0].revents)
                        return 0;
        }
}

static int open_socket(MetricSender *s, int type, Deadline d, char **reterr) {
        const MetricServer *m = &s->server;
        struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_ADDRCONFIG }, *res = NULL;
        char port[16];
        int fd = -EBADF, r;

        snprintf(port, sizeof(port), "%u", m->port);
        r = getaddrinfo(m->server, port, &hints, &res);
        if (r != 0) {
                *reterr = xasprintf("couldn't resolve [%s]:%u - %s", m->server, m->port, gai_strerror(r));
                return -EHOSTUNREACH;
        }
        fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                r = -errno;
                goto fail;
        }
        if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
                socklen_t len = sizeof(r);

                if (errno != EINPROGRESS) {
                        r = -errno;
                        goto fail;
                }
                r = wait_fd(s, fd, POLLOUT, d);
                if (r < 0)
                        goto fail;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &len) < 0)
                        r = errno;
                if (r != 0) {
                        r = -r;
                        goto fail;
                }
        }
        freeaddrinfo(res);
        return fd;
fail:
        freeaddrinfo(res);
        safe_close(fd);
        *reterr = xasprintf("couldn't connect to [%s]:%u - %s", m->server, m->port,
                            r == -ETIMEDOUT ? "connection timed out" : strerror(-r));
        return r;
}

static int send_all(MetricSender *s, int fd, const Payload *p, Deadline d) {
        size_t done = 0;

        while (done < p->len) {
                ssize_t n = send(fd, p->data + done, p->len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
                int r;

                if (n >= 0) {
                        done += (size_t) n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                r = wait_fd(s, fd, POLLOUT, d);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Datagrams are sent without waiting: a full socket buffer drops them, as upstream's non-blocking socket. */
static int send_udp(MetricSender *s, const Payloads *p, char **reterr) {
        _cleanup_close_ int fd = -EBADF;

        fd = open_socket(s, SOCK_DGRAM, deadline_after(s->server.timeout), reterr);
        if (fd < 0)
                return fd;
        for (size_t i = 0; i < p->n; i++)
                if (send(fd, p->items[i].data, p->items[i].len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
                    errno != EAGAIN) {
                        *reterr = xasprintf("failed to send metrics: %m");
                        return -errno;
                }
        return 0;
}

static int send_tcp(MetricSender *s, const Payloads *p, char **reterr) {
        _cleanup_close_ int fd = -EBADF;
        Deadline d = deadline_after(s->server.timeout);
        int r;

        fd = open_socket(s, SOCK_STREAM, d, reterr);
        if (fd < 0)
                return fd;
        for (size_t i = 0; i < p->n; i++) {
                r = send_all(s, fd, &p->items[i], d);
                if (r < 0) {
                        *reterr = xasprintf("failed to send metrics: %s",
                                            r == -ETIMEDOUT ? "timed out" : strerror(-r));
                        return r;
                }
        }
        return 0;
}

/* ---- HTTP --------------------------------------------------------------- */

static int send_http(MetricSender *s, const char *url, char *const *headers, const Payloads *p, char **reterr) {
        int r;

        for (size_t i = 0; i < p->n; i++) {
                _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;

                r = http_client_send(s->http,
                                     &(HttpRequest) {
                                             .method = "POST",
                                             .url = url,
                                             .headers = headers,
                                             .body = p->items[i].data,
                                             .body_len = p->items[i].len,
                                             .timeout = s->server.timeout * USEC_PER_SEC,
                                             .insecure = !s->server.verify_tls,
                                     },
                                     &resp, reterr);
                if (r < 0)
                        return r;
                if (resp.status / 100 != 2) {
                        strbuf_rtrim(&resp.body);
                        *reterr = xasprintf("HTTP status %ld%s%.200s", resp.status, resp.body.len ? ": " : "",
                                            resp.body.buf);
                        return -EIO;
                }
        }
        return 0;
}

static int send_influx_http(MetricSender *s, const Payloads *p, char **reterr) {
        _cleanup_free_ char *url = influx_write_url(&s->server), *token = NULL;
        _cleanup_strv_free_ char **headers = NULL;
        int r;

        r = metric_token_read(s->server.id, &token);
        if (r < 0) {
                *reterr = xasprintf("could not load credentials: %s", strerror(-r));
                return r;
        }
        if (token)
                strv_extendf(&headers, "Authorization: Token %s", token);
        return send_http(s, url, headers, p, reterr);
}

static int send_otlp(MetricSender *s, const json_t *tree, int64_t time, long user_hz, char **reterr) {
        const MetricServer *m = &s->server;
        _cleanup_json_ json_t *metrics = otlp_node_metrics(tree, s->node, time, user_hz), *extra = NULL,
                              *custom = NULL, *attrs = NULL;
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(0);
        _cleanup_strv_free_ char **headers = strv_new("Content-Type: application/json", NULL);
        _cleanup_free_ char *base = metric_server_base_url(m), *url = NULL;
        const char *k;
        json_t *v;

        /* Both were checked when configured; a hand-edited bad value is an error of this server. */
        if (m->resource_attributes && metric_decode_json_object(m->resource_attributes, &extra, reterr) < 0)
                return -EINVAL;
        if (m->headers && metric_decode_json_object(m->headers, &custom, reterr) < 0)
                return -EINVAL;
        json_object_foreach(custom, k, v)
                if (json_is_string(v))
                        strv_extendf(&headers, "%s: %s", k, json_string_value(v));
        if (m->gzip)
                strv_extend(&headers, "Content-Encoding: gzip");

        attrs = otlp_resource_attributes(s->node, extra);
        otlp_encode(&p, metrics, attrs, m->gzip, m->max_body_size);
        url = xasprintf("%s%s", base, m->path);
        return send_http(s, url, headers, &p, reterr);
}

/* ---- the thread --------------------------------------------------------- */

static int send_sample(MetricSender *s, const NodeSample *sample, char **reterr) {
        const MetricServer *m = &s->server;
        _cleanup_json_ json_t *tree = node_sample_tree(sample);
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(0);
        int64_t time = (int64_t) sample->time;

        switch (m->type) {
        case METRIC_GRAPHITE: {
                _cleanup_free_ char *prefix = xasprintf("%s.nodes.%s", m->path, s->node);

                p.batch_size = graphite_batch_size(m->transport == METRIC_TCP, m->mtu);
                graphite_encode(&p, tree, prefix, time);
                payloads_flush(&p);
                return m->transport == METRIC_TCP ? send_tcp(s, &p, reterr) : send_udp(s, &p, reterr);
        }
        case METRIC_INFLUXDB: {
                _cleanup_free_ char *tags = xasprintf("object=nodes,host=%s", s->node);

                p.batch_size = influx_batch_size(m);
                influx_encode(&p, tree, tags, time * 1000000000);
                payloads_flush(&p);
                return m->transport == METRIC_UDP ? send_udp(s, &p, reterr) : send_influx_http(s, &p, reterr);
        }
        case METRIC_OPENTELEMETRY:
                return send_otlp(s, tree, time, sample->user_hz, reterr);
        }
        return -EINVAL;
}

static void *sender_thread(void *userdata) {
        MetricSender *s = userdata;

        for (;;) {
                _cleanup_(node_sample_unrefp) NodeSample *sample = NULL;
                _cleanup_free_ char *err = NULL;
                int r;

                pthread_mutex_lock(&s->lock);
                while (!s->waiting && !s->stopping)
                        pthread_cond_wait(&s->cond, &s->lock);
                if (s->stopping && (!s->drain || !s->waiting)) {
                        pthread_mutex_unlock(&s->lock);
                        break;
                }
                sample = TAKE_PTR(s->waiting);
                pthread_mutex_unlock(&s->lock);

                r = send_sample(s, sample, &err);

                pthread_mutex_lock(&s->lock);
                if (r < 0)
                        s->stats.failed++;
                else
                        s->stats.sent++;
                pthread_mutex_unlock(&s->lock);

                if (r == -ECANCELED)
                        break;
                if (r < 0 && !s->failing) {
                        log_warning("metric server '%s': %s", s->server.id, err ?: strerror(-r));
                        s->failing = true;
                } else if (r < 0)
                        log_debug("metric server '%s': still failing: %s", s->server.id, err ?: strerror(-r));
                else if (s->failing) {
                        log_info("metric server '%s': sending works again", s->server.id);
                        s->failing = false;
                }
        }
        return NULL;
}

static void server_copy(const MetricServer *from, MetricServer *to) {
        *to = *from;
        to->id = xstrdup(from->id);
        to->server = xstrdup(from->server);
        to->path = from->path ? xstrdup(from->path) : NULL;
        to->organization = from->organization ? xstrdup(from->organization) : NULL;
        to->bucket = from->bucket ? xstrdup(from->bucket) : NULL;
        to->api_path_prefix = from->api_path_prefix ? xstrdup(from->api_path_prefix) : NULL;
        to->headers = from->headers ? xstrdup(from->headers) : NULL;
        to->resource_attributes = from->resource_attributes ? xstrdup(from->resource_attributes) : NULL;
}

int metric_sender_new(const MetricServer *server, const char *node, MetricSender **ret, char **reterr) {
        MetricSender *s = new0(MetricSender, 1);
        int r;

        server_copy(server, &s->server);
        s->node = xstrdup(node);
        s->wake_fd = -EBADF;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->cond, NULL);
        if (server->transport == METRIC_HTTP || server->transport == METRIC_HTTPS) {
                r = http_client_new(&s->http, reterr);
                if (r < 0)
                        goto fail;
        }
        s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (s->wake_fd < 0) {
                r = -errno;
                *reterr = xasprintf("eventfd: %m");
                goto fail;
        }
        r = -pthread_create(&s->thread, NULL, sender_thread, s);
        if (r < 0) {
                *reterr = xasprintf("unable to start a thread: %s", strerror(-r));
                goto fail;
        }
        *ret = s;
        return 0;
fail:
        safe_close(s->wake_fd);
        http_client_free(s->http);
        metric_server_done(&s->server);
        free(s->node);
        free(s);
        return r;
}

void metric_sender_post(MetricSender *s, NodeSample *sample) {
        pthread_mutex_lock(&s->lock);
        if (s->waiting) {
                node_sample_unref(s->waiting);
                s->stats.dropped++;
        }
        s->waiting = node_sample_ref(sample);
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

void metric_sender_free(MetricSender *s, bool drain) {
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        s->drain = drain;
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
        if (!drain) {
                (void) eventfd_write(s->wake_fd, 1);
                if (s->http)
                        http_client_cancel(s->http);
        }
        pthread_join(s->thread, NULL);

        node_sample_unref(s->waiting);
        http_client_free(s->http);
        safe_close(s->wake_fd);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        metric_server_done(&s->server);
        free(s->node);
        free(s);
}

const MetricServer *metric_sender_server(const MetricSender *s) {
        return &s->server;
}

MetricSenderStats metric_sender_stats(MetricSender *s) {
        MetricSenderStats st;

        pthread_mutex_lock(&s->lock);
        st = s->stats;
        pthread_mutex_unlock(&s->lock);
        return st;
}
