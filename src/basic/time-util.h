/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <time.h>

typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define NSEC_PER_USEC ((uint64_t) 1000ULL)

/* Current time of the given clock in microseconds. */
usec_t now(clockid_t clock);
/* Sleeps for the given time, restarting after signals. */
void sleep_usec(usec_t t);
