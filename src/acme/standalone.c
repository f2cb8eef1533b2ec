/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#include "acme/standalone.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define REQUEST_MAX 8192
#define CLIENT_TIMEOUT_MS 5000
#define CHALLENGE_PREFIX "/.well-known/acme-challenge/"

struct Http01Server {
        int fd;
        int stop_pipe[2];
        pthread_t thread;
        pthread_mutex_t lock;
        char **tokens, **answers; /* parallel lists */
};

static int listen_on(int family, int *ret) {
        _cleanup_close_ int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1, zero = 0;
        union {
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
        } sa = {};
        socklen_t len;

        if (fd < 0)
                return -errno;
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (family == AF_INET6) {
                (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
                sa.in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons(HTTP01_PORT),
                                                 .sin6_addr = in6addr_any };
                len = sizeof(sa.in6);
        } else {
                sa.in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(HTTP01_PORT),
                                               .sin_addr.s_addr = htonl(INADDR_ANY) };
                len = sizeof(sa.in);
        }
        if (bind(fd, (struct sockaddr *) &sa, len) < 0 || listen(fd, 16) < 0)
                return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

/* The answer for a request line, or NULL for 404. Called with the lock held. */
static const char *lookup(Http01Server *s, const char *path) {
        const char *token = startswith(path, CHALLENGE_PREFIX);

        if (!token)
                return NULL;
        for (size_t i = 0; s->tokens && s->tokens[i]; i++)
                if (streq(s->tokens[i], token))
                        return s->answers[i];
        return NULL;
}

static void serve_client(Http01Server *s, int fd) {
        _cleanup_strbuf_ StrBuf req = STRBUF_INIT, resp = STRBUF_INIT;
        _cleanup_free_ char *answer = NULL, *path = NULL;
        bool head;

        /* Read the request head, with a deadline per read. */
        while (!strstr(req.buf, "\r\n\r\n") && !strstr(req.buf, "\n\n") && req.len < REQUEST_MAX) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t n;

                if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0)
                        return;
                strbuf_grow(&req, 1024);
                n = read(fd, req.buf + req.len, MIN(sizeof(char) * 1024, (size_t) REQUEST_MAX - req.len));
                if (n <= 0)
                        return;
                strbuf_setlen(&req, req.len + (size_t) n);
        }

        head = startswith(req.buf, "HEAD ");
        if (startswith(req.buf, "GET ") || head) {
                const char *p = req.buf + (head ? 5 : 4);

                path = xstrndup(p, strcspn(p, " \r\n?"));
        }
        pthread_mutex_lock(&s->lock);
        if (path && lookup(s, path))
                answer = xstrdup(lookup(s, path));
        pthread_mutex_unlock(&s->lock);

        if (answer)
                strbuf_addf(&resp, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                            "Connection: close\r\n\r\n%s", strlen(answer), head ? "" : answer);
        else
                strbuf_adds(&resp, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n"
                                   "Connection: close\r\n\r\nNot found.");
        (void) loop_write(fd, resp.buf, resp.len);
}

static void *server_thread(void *userdata) {
        Http01Server *s = userdata;

        for (;;) {
                struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = s->stop_pipe[0], .events = POLLIN } };
                _cleanup_close_ int c = -EBADF;

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (p[1].revents)
                        break;
                c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
                if (c >= 0)
                        serve_client(s, c);
        }
        return NULL;
}

int http01_server_start(Http01Server **ret, char **reterr) {
        Http01Server *s;
        int fd = -EBADF, r;

        r = listen_on(AF_INET6, &fd);
        if (r < 0)
                r = listen_on(AF_INET, &fd);
        if (r < 0) {
                *reterr = xasprintf("Failed to initialize HTTP daemon - unable to listen on port %d: %s", HTTP01_PORT,
                                    strerror(-r));
                return r;
        }
        s = new0(Http01Server, 1);
        s->fd = fd;
        s->stop_pipe[0] = s->stop_pipe[1] = -EBADF;
        pthread_mutex_init(&s->lock, NULL);
        r = pipe2(s->stop_pipe, O_CLOEXEC) < 0 ? -errno : -pthread_create(&s->thread, NULL, server_thread, s);
        if (r < 0) {
                safe_close(s->fd);
                safe_close(s->stop_pipe[0]);
                safe_close(s->stop_pipe[1]);
                free(s);
                *reterr = xasprintf("Failed to start HTTP daemon: %s", strerror(-r));
                return r;
        }
        *ret = s;
        return 0;
}

void http01_server_add(Http01Server *s, const char *token, const char *key_authorization) {
        pthread_mutex_lock(&s->lock);
        strv_extend(&s->tokens, token);
        strv_extend(&s->answers, key_authorization);
        pthread_mutex_unlock(&s->lock);
}

void http01_server_stop(Http01Server *s) {
        if (!s)
                return;
        (void) loop_write(s->stop_pipe[1], "x", 1);
        pthread_join(s->thread, NULL);
        safe_close(s->fd);
        safe_close(s->stop_pipe[0]);
        safe_close(s->stop_pipe[1]);
        pthread_mutex_destroy(&s->lock);
        strv_free(s->tokens);
        strv_free(s->answers);
        free(s);
}
