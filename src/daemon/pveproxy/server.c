/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access/auth.h"
#include "api/call.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/filewatch.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "daemon/pveproxy/login-guard.h"
#include "daemon/pveproxy/server.h"
#include "daemon/pveproxy/tls.h"

#define API_PREFIX "/api2/json"
#define MAX_BODY (512 * 1024)               /* upstream's limit_max_post */
#define CONNECTION_TIMEOUT 60               /* seconds of inactivity */
#define CONNECTION_LIMIT 2048
#define PER_IP_CONNECTION_LIMIT 256
/*
 * libmicrohttpd keeps a request's line, header fields and the reply header
 * in one buffer per connection and clears all of it for every request:
 * 12 KiB holds the 8 KiB of header lines upstream allows (larger requests
 * get 431) without clearing more than needed.
 */
#define CONNECTION_MEMORY ((size_t) 12 * 1024)
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

struct Server {
        struct MHD_Daemon **daemons;
        size_t n_daemons;
        char *www_dir;
};

/* ---- access state ------------------------------------------------------- */

/* Identifies one version of a file: every write replaces it (write_file_atomic()), so the inode changes too. */
typedef struct FileStamp {
        dev_t dev;
        ino_t ino;
        off_t size;
        struct timespec mtime;
} FileStamp;

static FileStamp file_stamp(const char *rel) {
        _cleanup_free_ char *path = root_path(rel);
        struct stat st;

        if (stat(path, &st) < 0)
                return (FileStamp) {};
        return (FileStamp) { st.st_dev, st.st_ino, st.st_size, st.st_mtim };
}

static bool file_stamp_eq(const FileStamp *a, const FileStamp *b) {
        return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
               a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * The access files as read at one moment. A snapshot never changes once
 * published: each request holds a reference for its whole run, so its
 * permission checks see one configuration while another thread replaces
 * the snapshot after a file changed.
 */
typedef struct AccessSnapshot {
        atomic_uint n_ref;
        UserConfig cfg;
        json_t *token_secrets;          /* NULL until a request brings an API token */
        FileStamp cfg_stamp, tokens_stamp;
} AccessSnapshot;

static struct {
        pthread_mutex_t lock;           /* guards the rest; held while a changed file is read */
        AccessSnapshot *current;
        FileWatch *watch;               /* on user.cfg and token.cfg: a stat() per request costs more */
} access_state = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void access_snapshot_unref(AccessSnapshot *s) {
        if (!s || atomic_fetch_sub(&s->n_ref, 1) != 1)
                return;
        user_config_done(&s->cfg);
        json_decref(s->token_secrets);
        free(s);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(AccessSnapshot *, access_snapshot_unref);

static int access_snapshot_load(bool tokens, const FileStamp *cfg_stamp, const FileStamp *tokens_stamp,
                                 AccessSnapshot **ret, char **reterr) {
        AccessSnapshot *s = new0(AccessSnapshot, 1);
        int r;

        s->n_ref = 1;
        s->cfg_stamp = *cfg_stamp;
        s->tokens_stamp = *tokens_stamp;
        r = access_config_load(&s->cfg, reterr);
        if (r >= 0 && tokens)
                r = access_secrets_load(TOKEN_CFG_PATH, &s->token_secrets, reterr);
        if (r < 0) {
                access_snapshot_unref(s);
                return r;
        }
        *ret = s;
        return 0;
}

/*
 * A reference to the current snapshot, re-read first when user.cfg (or
 * token.cfg, when it is loaded or needed for a request with an API token)
 * changed since it was taken. Changes apply from the next request on, as
 * with upstream's per-request cfs_update().
 */
static int access_snapshot_get(bool tokens, AccessSnapshot **ret, char **reterr) {
        AccessSnapshot *s;
        int r = 0;

        pthread_mutex_lock(&access_state.lock);
        s = access_state.current;
        tokens = tokens || (s && s->token_secrets);
        if (file_watch_check(access_state.watch) || !s || (tokens && !s->token_secrets)) {
                FileStamp cfg_stamp = file_stamp(USER_CFG_PATH), tokens_stamp = {};

                if (tokens)
                        tokens_stamp = file_stamp(TOKEN_CFG_PATH);
                if (!s || !file_stamp_eq(&s->cfg_stamp, &cfg_stamp) ||
                    (tokens && (!s->token_secrets || !file_stamp_eq(&s->tokens_stamp, &tokens_stamp)))) {
                        r = access_snapshot_load(tokens, &cfg_stamp, &tokens_stamp, &s, reterr);
                        if (r >= 0) {
                                access_snapshot_unref(access_state.current);
                                access_state.current = s;
                        }
                }
        }
        if (r >= 0) {
                atomic_fetch_add(&s->n_ref, 1);
                *ret = s;
        }
        pthread_mutex_unlock(&access_state.lock);
        return r;
}

/*
 * Tickets whose RSA signature was verified, the most costly step of a
 * request, so a client pays it once per ticket rather than per request.
 * Direct-mapped by the signature's last bytes; a slot holds only tickets
 * that verified, and their validity window is checked on every use.
 */
#define TICKET_CACHE_SIZE 64

typedef struct VerifiedTicket {
        char *ticket;
        char *userid;
        int64_t issued;
} VerifiedTicket;

static struct {
        pthread_mutex_t lock;
        VerifiedTicket slots[TICKET_CACHE_SIZE];
} ticket_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static VerifiedTicket *ticket_cache_slot(const char *ticket) {
        size_t len = strlen(ticket);
        unsigned h = 0;

        for (size_t i = len > 8 ? len - 8 : 0; i < len; i++)
                h = h * 31 + (unsigned char) ticket[i];
        return &ticket_cache.slots[h % TICKET_CACHE_SIZE];
}

static bool ticket_in_window(int64_t issued, int64_t now) {
        return now - issued > -TICKET_GRACE_PERIOD && now - issued < TICKET_LIFETIME;
}

/* ticket_verify() through the cache. */
static int verify_ticket_cached(const AuthKeys *keys, const char *ticket, int64_t now, char **ret_userid) {
        _cleanup_free_ char *userid = NULL;
        VerifiedTicket *slot = ticket_cache_slot(ticket);
        int64_t issued;
        int r;

        pthread_mutex_lock(&ticket_cache.lock);
        if (slot->ticket && streq(slot->ticket, ticket)) {
                bool valid = ticket_in_window(slot->issued, now);

                if (valid)
                        *ret_userid = xstrdup(slot->userid);
                pthread_mutex_unlock(&ticket_cache.lock);
                return valid ? 0 : -EACCES;
        }
        pthread_mutex_unlock(&ticket_cache.lock);

        r = ticket_verify(keys, ticket, now, &userid);
        if (r < 0)
                return r;
        r = ticket_split(ticket, NULL, NULL, &issued, NULL);
        if (r < 0)
                return r;

        pthread_mutex_lock(&ticket_cache.lock);
        free(slot->ticket);
        free(slot->userid);
        *slot = (VerifiedTicket) { xstrdup(ticket), xstrdup(userid), issued };
        pthread_mutex_unlock(&ticket_cache.lock);
        *ret_userid = TAKE_PTR(userid);
        return 0;
}

static void ticket_cache_clear(void) {
        pthread_mutex_lock(&ticket_cache.lock);
        for (size_t i = 0; i < TICKET_CACHE_SIZE; i++) {
                free(ticket_cache.slots[i].ticket);
                free(ticket_cache.slots[i].userid);
                ticket_cache.slots[i] = (VerifiedTicket) {};
        }
        pthread_mutex_unlock(&ticket_cache.lock);
}

/*
 * API handlers of the areas are written for one caller at a time (they
 * read and write their configuration files without locking against
 * themselves), so calls of methods not marked thread_safe run one after
 * another under this lock. The world-callable methods (login, realm list)
 * take no lock either: a slow PAM check must not stall the API.
 */
static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- requests ----------------------------------------------------------- */

typedef struct Request {
        StrBuf body;
        bool too_large;
        struct MHD_Response *pending;   /* answer held back by a delay */
        unsigned pending_status;
} Request;

static void request_free(Request *r) {
        strbuf_release(&r->body);
        if (r->pending)
                MHD_destroy_response(r->pending);
        free(r);
}

static void add_common_headers(struct MHD_Response *resp) {
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static struct MHD_Response *json_response(json_t *body) {
        char *text = json_dump_canonical(body);
        struct MHD_Response *resp;

        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json;charset=UTF-8");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "max-age=0");
        add_common_headers(resp);
        return resp;
}

/* Upstream's error envelope: {"data": null, "message": "...", "errors": {...}}. */
static struct MHD_Response *error_response(const char *message, json_t *errors) {
        _cleanup_json_ json_t *body = json_pack("{s:n,s:s}", "data", "message", message);

        if (errors)
                json_object_set(body, "errors", errors);
        return json_response(body);
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp) {
        enum MHD_Result r = MHD_queue_response(c, status, resp);

        MHD_destroy_response(resp);
        return r;
}

static enum MHD_Result queue_error(struct MHD_Connection *c, unsigned status, const char *message) {
        return queue(c, status, error_response(message, NULL));
}

/* Holds the answer back for the login delay; it is sent when the connection resumes. */
static enum MHD_Result queue_delayed(struct MHD_Connection *c, Request *req, unsigned status,
                                     struct MHD_Response *resp) {
        req->pending = resp;
        req->pending_status = status;
        login_guard_delay(c, LOGIN_FAILURE_DELAY);
        return MHD_YES;
}

static void peer_address(struct MHD_Connection *c, char *buf, size_t size) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const struct sockaddr *sa = info ? info->client_addr : NULL;

        snprintf(buf, size, "unknown");
        if (!sa)
                return;
        if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, buf, (socklen_t) size);
        else if (sa->sa_family == AF_INET6) {
                const struct in6_addr *a = &((const struct sockaddr_in6 *) sa)->sin6_addr;

                if (IN6_IS_ADDR_V4MAPPED(a))
                        inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t) size);
                else
                        inet_ntop(AF_INET6, a, buf, (socklen_t) size);
        }
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
        json_t *params = cls;

        if (key && *key)
                json_object_set_new(params, key, json_string(strempty(value)));
        return MHD_YES;
}

/* application/x-www-form-urlencoded into params. */
static void parse_form(const char *body, size_t len, json_t *params) {
        _cleanup_free_ char *copy = xstrndup(body, len);
        char *save = NULL;

        for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
                char *eq = strchr(pair, '=');
                StrBuf k = STRBUF_INIT, v = STRBUF_INIT;

                if (eq)
                        *eq = 0;
                strreplace_char(pair, '+', ' ');
                percent_decode(&k, pair, strlen(pair));
                if (eq) {
                        strreplace_char(eq + 1, '+', ' ');
                        percent_decode(&v, eq + 1, strlen(eq + 1));
                }
                if (k.len > 0)
                        json_object_set_new(params, k.buf, json_string(v.buf ?: ""));
                strbuf_release(&k);
                strbuf_release(&v);
        }
}

/* Parameters from the query string and the body (form or JSON); -EINVAL with a message for a bad body. */
static int request_params(struct MHD_Connection *c, const Request *req, json_t **ret, char **reterr) {
        _cleanup_json_ json_t *params = json_object();
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, params);
        if (req->body.len > 0) {
                if (ct && startswith_no_case(ct, "application/json")) {
                        json_error_t err;
                        _cleanup_json_ json_t *body = json_loadb(req->body.buf, req->body.len, JSON_REJECT_DUPLICATES, &err);

                        if (!json_is_object(body)) {
                                *reterr = xasprintf("unable to parse JSON body: %s",
                                                    body ? "not an object" : err.text);
                                return -EINVAL;
                        }
                        json_object_update(params, body);
                } else if (!ct || startswith_no_case(ct, "application/x-www-form-urlencoded"))
                        parse_form(req->body.buf, req->body.len, params);
                else {
                        *reterr = xasprintf("unsupported content type '%s'", ct);
                        return -EOPNOTSUPP;
                }
        }
        *ret = TAKE_PTR(params);
        return 0;
}

/* Upstream's extract_auth_value(): "name=value" or "name value" in a Cookie or Authorization header. */
static char *auth_value(const char *header, const char *name) {
        size_t n = strlen(name);

        for (const char *p = header; p && (p = strstr(p, name)); p += n) {
                StrBuf sb = STRBUF_INIT;
                const char *v;
                size_t len;

                if (p != header && !strchr(" \t;", p[-1]))
                        continue;
                if (p[n] != '=' && p[n] != ' ')
                        continue;
                v = p + n + 1;
                len = strcspn(v, ";");
                if (len == 0)
                        return NULL;
                percent_decode(&sb, v, len);
                return strbuf_detach(&sb, NULL);
        }
        return NULL;
}

typedef enum AuthResult {
        AUTH_OK,
        AUTH_MISSING,   /* no credentials at all */
        AUTH_FAILED,    /* wrong credentials: delayed */
        AUTH_CSRF,      /* valid ticket, missing or bad CSRF token */
        AUTH_ERROR,     /* the access files could not be read */
} AuthResult;

/* Authenticates the request; on success *ret_access is the access snapshot the call runs with. */
static AuthResult authenticate(struct MHD_Connection *c, ApiHttpMethod method, char **ret_authid,
                               AccessSnapshot **ret_access) {
        const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
        const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        _cleanup_free_ char *ticket = NULL, *token = NULL, *authid = NULL, *err = NULL;
        _cleanup_(access_snapshot_unrefp) AccessSnapshot *access = NULL;
        const AuthKeys *keys;
        int64_t t = (int64_t) time(NULL);

        ticket = auth_value(cookie, "PVEAuthCookie") ?: auth_value(authz, "PVEAuthCookie");
        if (!ticket)
                token = auth_value(authz, "PVEAPIToken");
        if (!ticket && !token)
                return AUTH_MISSING;
        if (access_snapshot_get(token != NULL, &access, &err) < 0) {
                log_error("%s", err);
                return AUTH_ERROR;
        }

        if (token) {
                if (access_check_token(&access->cfg, access->token_secrets, token, t, &authid, &err) < 0) {
                        log_info("authentication failure: %s", err);
                        return AUTH_FAILED;
                }
        } else {
                keys = access_auth_keys(&err);
                if (!keys) {
                        log_error("%s", err);
                        return AUTH_ERROR;
                }
                if (verify_ticket_cached(keys, ticket, t, &authid) < 0 ||
                    user_config_check_enabled(&access->cfg, authid, t, &err) < 0) {
                        log_info("authentication failure: %s", err ?: "invalid ticket");
                        return AUTH_FAILED;
                }
                /* Writes with a ticket need the CSRF token; API tokens are exempt, as upstream. */
                if (method != API_GET &&
                    !csrf_token_verify(keys, authid,
                                       MHD_lookup_connection_value(c, MHD_HEADER_KIND, "CSRFPreventionToken"), t))
                        return AUTH_CSRF;
        }
        *ret_authid = TAKE_PTR(authid);
        *ret_access = TAKE_PTR(access);
        return AUTH_OK;
}

/* Upstream's answer: {"data": ...} with the result attributes beside it. */
static struct MHD_Response *success_response(json_t *data, json_t *attrs) {
        _cleanup_json_ json_t *body = json_object();

        json_object_set(body, "data", data ?: json_null());
        json_object_update(body, attrs);
        return json_response(body);
}

static enum MHD_Result handle_api(struct MHD_Connection *c, Request *req, const char *url, const char *method_name) {
        const char *path = url + strlen(API_PREFIX);
        _cleanup_json_ json_t *params = NULL, *data = NULL;
        _cleanup_free_ char *authid = NULL, *err = NULL;
        _cleanup_(access_snapshot_unrefp) AccessSnapshot *access = NULL;
        _cleanup_(api_call_done) ApiCall call = {};
        char peer[64];
        bool world, serialize;
        int method, r;

        method = api_http_method_from_string(method_name);
        if (method < 0)
                return queue_error(c, MHD_HTTP_NOT_IMPLEMENTED, "method not available");
        if (req->body.len > 0 && !IN_SET(method, API_POST, API_PUT))
                return queue_error(c, MHD_HTTP_NOT_IMPLEMENTED, "Unexpected content");
        if (request_params(c, req, &params, &err) < 0)
                return queue(c, MHD_HTTP_BAD_REQUEST, error_response(err, NULL));

        /* Only the login and the realm list are open to everyone; everything else needs credentials first. */
        api_call_init(&call, "", 0);
        call.check_permission = access_check_permission; /* with no auth_data nothing is permitted */
        r = api_call_route(&call, method, path);
        world = r >= 0 && call.method->permissions.kind == API_PERM_WORLD;
        if (!world) {
                switch (authenticate(c, method, &authid, &access)) {
                case AUTH_OK:
                        break;
                case AUTH_MISSING:
                        return queue_error(c, MHD_HTTP_UNAUTHORIZED, "No ticket");
                case AUTH_CSRF:
                        return queue_error(c, MHD_HTTP_UNAUTHORIZED, "Permission denied - invalid csrf token");
                case AUTH_FAILED:
                        peer_address(c, peer, sizeof(peer));
                        login_guard_record_failure(peer);
                        return queue_delayed(c, req, MHD_HTTP_UNAUTHORIZED, error_response("Authentication failed!", NULL));
                case AUTH_ERROR:
                        return queue_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "unable to read access configuration");
                }
                free(call.authid);
                call.authid = TAKE_PTR(authid);
                call.auth_data = &access->cfg;
        } else if (method == API_POST) {
                peer_address(c, peer, sizeof(peer));
                if (login_guard_blocked(peer))
                        return queue_delayed(c, req, MHD_HTTP_TOO_MANY_REQUESTS,
                                             error_response("too many failed logins, try again later", NULL));
        }
        if (r >= 0) {
                serialize = !world && !call.method->thread_safe;
                if (serialize)
                        pthread_mutex_lock(&handler_lock);
                r = api_call_run(&call, params, &data);
                if (serialize)
                        pthread_mutex_unlock(&handler_lock);
        }

        if (r < 0) {
                unsigned status = call.error.status ?: MHD_HTTP_INTERNAL_SERVER_ERROR;
                struct MHD_Response *resp = error_response(call.error.message ?: "internal error", call.error.errors);

                if (world && status == MHD_HTTP_UNAUTHORIZED) {
                        peer_address(c, peer, sizeof(peer));
                        log_info("authentication failure; rhost=%s user=%s", peer,
                                 strempty(json_object_get_string(params, "username")));
                        login_guard_record_failure(peer);
                        return queue_delayed(c, req, status, resp);
                }
                return queue(c, status, resp);
        }
        return queue(c, MHD_HTTP_OK, success_response(data, call.attrs));
}

/* ---- static files ------------------------------------------------------- */

static const char *mime_type(const char *path) {
        static const struct {
                const char *ext, *type;
        } types[] = {
                { ".html", "text/html;charset=UTF-8" }, { ".js", "text/javascript;charset=UTF-8" },
                { ".mjs", "text/javascript;charset=UTF-8" }, { ".css", "text/css;charset=UTF-8" },
                { ".svg", "image/svg+xml" },            { ".png", "image/png" },
                { ".ico", "image/x-icon" },             { ".json", "application/json" },
                { ".woff2", "font/woff2" },             { ".txt", "text/plain;charset=UTF-8" },
        };

        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (endswith(path, types[i].ext))
                        return types[i].type;
        return "application/octet-stream";
}

/* Only plain names below the web root: no "..", no hidden files, no odd bytes. */
static bool safe_static_path(const char *url) {
        _cleanup_strv_free_ char **segs = strv_split(url, "/");

        if (!in_charset(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/"))
                return false;
        STRV_FOREACH(s, segs)
                if ((*s)[0] == '.')
                        return false;
        return true;
}

static enum MHD_Result handle_static(struct MHD_Connection *c, Server *s, const char *url, const char *method) {
        _cleanup_free_ char *path = NULL;
        struct MHD_Response *resp;
        struct stat st;
        int fd;

        if (!streq(method, "GET") && !streq(method, "HEAD"))
                return queue_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
        if (streq(url, "/"))
                url = "/index.html";
        if (!safe_static_path(url))
                return queue_error(c, MHD_HTTP_NOT_FOUND, "no such file");
        path = xasprintf("%s%s", s->www_dir, url);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return queue_error(c, MHD_HTTP_NOT_FOUND, "no such file");
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return queue_error(c, MHD_HTTP_NOT_FOUND, "no such file");
        }
        resp = MHD_create_response_from_fd((uint64_t) st.st_size, fd);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime_type(path));
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                startswith(url, "/vendor/") ? "max-age=86400" : "no-cache");
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
        add_common_headers(resp);
        return queue(c, MHD_HTTP_OK, resp);
}

/* ---- libmicrohttpd glue ------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
        Server *s = cls;
        Request *req = *con_cls;

        if (!req) {
                const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
                uint64_t n;

                req = *con_cls = new0(Request, 1);
                if (len && (parse_uint64(len, UINT64_MAX, &n) < 0 || n > MAX_BODY))
                        return queue_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
                return MHD_YES;
        }
        if (req->pending) { /* resumed after a delay */
                struct MHD_Response *resp = TAKE_PTR(req->pending);
                return queue(c, req->pending_status, resp);
        }
        if (*upload_data_size > 0) {
                if (req->body.len + *upload_data_size > MAX_BODY)
                        req->too_large = true;
                else
                        strbuf_add(&req->body, upload_data, *upload_data_size);
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (req->too_large)
                return queue_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");

        if (streq(url, API_PREFIX) || startswith(url, API_PREFIX "/"))
                return handle_api(c, req, url, method);
        if (startswith(url, "/api2/"))
                return queue_error(c, MHD_HTTP_NOT_IMPLEMENTED, "no such uri");
        return handle_static(c, s, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
        if (*con_cls)
                request_free(*con_cls);
        *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) _printf_(2, 0);
static void mhd_log(void *cls, const char *fmt, va_list ap) {
        log_internalv(LOG_DEBUG, 0, fmt, ap);
}

static int listen_socket(const char *spec, char **reterr) {
        _cleanup_free_ char *host = NULL;
        struct sockaddr_storage ss = {};
        const char *colon = strrchr(spec, ':');
        socklen_t sl;
        int port, fd, one = 1;

        if (!colon || parse_int(colon + 1, 1, 65535, &port) < 0) {
                *reterr = xasprintf("invalid listen address '%s' (expected ADDR:PORT)", spec);
                return -EINVAL;
        }
        host = xstrndup(spec, (size_t) (colon - spec));
        if (host[0] == '[' && endswith(host, "]")) {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;

                host[strlen(host) - 1] = 0;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons((uint16_t) port);
                if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
                        goto bad;
                sl = sizeof(*a);
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *) &ss;

                a->sin_family = AF_INET;
                a->sin_port = htons((uint16_t) port);
                if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
                        goto bad;
                sl = sizeof(*a);
        }
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                *reterr = xasprintf("unable to create socket for '%s': %m", spec);
                return -errno;
        }
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ss.ss_family == AF_INET6)
                (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *) &ss, sl) < 0 || listen(fd, SOMAXCONN) < 0) {
                int e = errno;
                *reterr = xasprintf("unable to listen on '%s': %s", spec, strerror(e));
                close(fd);
                return -e;
        }
        return fd;
bad:
        *reterr = xasprintf("invalid listen address '%s'", spec);
        return -EINVAL;
}

int server_start(const ServerOptions *o, Server **ret, char **reterr) {
        _cleanup_free_ char *cfg_path = root_path(USER_CFG_PATH), *tokens_path = root_path(TOKEN_CFG_PATH);
        Server *s = new0(Server, 1);

        access_state.watch = file_watch_new((const char *const[]) { cfg_path, tokens_path, NULL });

        s->www_dir = xstrdup(o->www_dir);
        s->daemons = new0(struct MHD_Daemon *, strv_length(o->listen) + 1);
        STRV_FOREACH(spec, o->listen) {
                struct MHD_Daemon *d;
                int fd = listen_socket(*spec, reterr);

                if (fd < 0) {
                        server_stop(s);
                        return fd;
                }
                d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TLS | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO |
                                             MHD_USE_ERROR_LOG,
                                     0, NULL, NULL, on_request, s,
                                     MHD_OPTION_LISTEN_SOCKET, fd,
                                     MHD_OPTION_HTTPS_CERT_CALLBACK, tls_certificate_callback,
                                     MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
                                     MHD_OPTION_THREAD_POOL_SIZE, o->threads,
                                     MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT,
                                     MHD_OPTION_PER_IP_CONNECTION_LIMIT, PER_IP_CONNECTION_LIMIT,
                                     MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT,
                                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
                                     MHD_OPTION_STRICT_FOR_CLIENT, 1,
                                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                                     MHD_OPTION_END);
                if (!d) {
                        close(fd);
                        *reterr = xasprintf("unable to start HTTPS server on '%s'", *spec);
                        server_stop(s);
                        return -EIO;
                }
                s->daemons[s->n_daemons++] = d;
        }
        *ret = s;
        return 0;
}

void server_stop(Server *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_daemons; i++)
                MHD_stop_daemon(s->daemons[i]);
        free(s->daemons);
        free(s->www_dir);
        free(s);
        pthread_mutex_lock(&access_state.lock);
        access_snapshot_unref(TAKE_PTR(access_state.current));
        access_state.watch = file_watch_free(access_state.watch);
        pthread_mutex_unlock(&access_state.lock);
        ticket_cache_clear();
}
