/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Slowing down password guessing: answers to failed authentications are
 * delayed (upstream delays them by 3 seconds), and a source address with
 * too many recent failures is refused further login attempts for a while.
 *
 * A delayed answer does not hold a server thread: the connection is
 * suspended and a timer thread resumes it when the delay is over.
 */

#include <microhttpd.h>
#include <stdbool.h>

#include "basic/time-util.h"

#define LOGIN_FAILURE_DELAY (3 * USEC_PER_SEC)
#define LOGIN_FAILURE_WINDOW (60 * USEC_PER_SEC)
#define LOGIN_FAILURE_MAX 20

int login_guard_start(void);
void login_guard_stop(void);

/* True when the source has had LOGIN_FAILURE_MAX failures within the window. */
bool login_guard_blocked(const char *source);
void login_guard_record_failure(const char *source);

/* Suspends the connection (MHD_suspend_connection) and resumes it after delay. */
void login_guard_delay(struct MHD_Connection *c, usec_t delay);
