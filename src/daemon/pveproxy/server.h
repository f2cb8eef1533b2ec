/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The HTTPS server of pveproxy (libmicrohttpd with GnuTLS): the REST API
 * at /api2/json/<path> with upstream's authentication (ticket cookie plus
 * CSRF token, or API token), envelope and status codes, and the web UI's
 * static files everywhere else.
 */

#include <stdbool.h>

typedef struct ServerOptions {
        char **listen;        /* "ADDR:PORT" or "[ADDR]:PORT" */
        const char *www_dir;  /* static files of the web UI */
        unsigned threads;     /* per listening socket */
} ServerOptions;

typedef struct Server Server;

/* Binds the listening sockets and starts serving. Returns 0 or -errno with a message. */
int server_start(const ServerOptions *o, Server **ret, char **reterr);
/* Stops serving: closes listeners, finishes requests, frees everything. */
void server_stop(Server *s);
