/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The "standalone" plugin's http-01 responder (RFC 8555 8.3): a small HTTP
 * server on TCP port 80 of every address (dual-stack [::]:80, else
 * 0.0.0.0:80, address reuse on, as upstream) answering
 * GET /.well-known/acme-challenge/<token> with the key authorization and
 * 404 to everything else. It runs in a thread of the task for as long as
 * the order validates, serving every token of the order at once.
 */

typedef struct Http01Server Http01Server;

#define HTTP01_PORT 80

/* Binds the port and starts serving; -EADDRINUSE etc. with a message. */
int http01_server_start(Http01Server **ret, char **reterr);
/* Serves key_authorization for token from now on. */
void http01_server_add(Http01Server *s, const char *token, const char *key_authorization);
/* Stops the thread and closes the socket. */
void http01_server_stop(Http01Server *s);
