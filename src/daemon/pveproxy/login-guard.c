/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "basic/alloc.h"
#include "basic/strutil.h"
#include "daemon/pveproxy/login-guard.h"

#define MAX_SOURCES 1024

typedef struct Source {
        char addr[64];
        unsigned failures;
        usec_t window_start;
} Source;

typedef struct Delayed {
        struct MHD_Connection *connection;
        usec_t deadline;
        struct Delayed *next;
} Delayed;

static struct {
        pthread_mutex_t lock;
        pthread_cond_t wake;
        pthread_t thread;
        bool running;
        Source sources[MAX_SOURCES];
        Delayed *delayed;
} guard = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static Source *find_source(const char *addr, bool create) {
        Source *oldest = &guard.sources[0];
        usec_t t = now(CLOCK_MONOTONIC);

        for (size_t i = 0; i < MAX_SOURCES; i++) {
                Source *s = &guard.sources[i];

                if (s->addr[0] && t - s->window_start > LOGIN_FAILURE_WINDOW)
                        *s = (Source) {}; /* expired */
                if (streq(s->addr, addr))
                        return s;
                if (!s->addr[0] || s->window_start < oldest->window_start)
                        oldest = s;
        }
        if (!create)
                return NULL;
        *oldest = (Source) { .window_start = t };
        snprintf(oldest->addr, sizeof(oldest->addr), "%s", addr);
        return oldest;
}

bool login_guard_blocked(const char *source) {
        Source *s;
        bool blocked;

        pthread_mutex_lock(&guard.lock);
        s = find_source(source, false);
        blocked = s && s->failures >= LOGIN_FAILURE_MAX;
        pthread_mutex_unlock(&guard.lock);
        return blocked;
}

void login_guard_record_failure(const char *source) {
        pthread_mutex_lock(&guard.lock);
        find_source(source, true)->failures++;
        pthread_mutex_unlock(&guard.lock);
}

void login_guard_delay(struct MHD_Connection *c, usec_t delay) {
        Delayed *d = new0(Delayed, 1);

        d->connection = c;
        d->deadline = now(CLOCK_MONOTONIC) + delay;
        MHD_suspend_connection(c);
        pthread_mutex_lock(&guard.lock);
        d->next = guard.delayed;
        guard.delayed = d;
        pthread_cond_signal(&guard.wake);
        pthread_mutex_unlock(&guard.lock);
}

static void *timer_thread(void *arg) {
        pthread_mutex_lock(&guard.lock);
        while (guard.running) {
                usec_t t = now(CLOCK_MONOTONIC), next = USEC_INFINITY;
                Delayed **p = &guard.delayed;

                while (*p) {
                        Delayed *d = *p;

                        if (d->deadline <= t) {
                                *p = d->next;
                                MHD_resume_connection(d->connection);
                                free(d);
                                continue;
                        }
                        next = MIN(next, d->deadline);
                        p = &d->next;
                }
                if (next == USEC_INFINITY)
                        pthread_cond_wait(&guard.wake, &guard.lock);
                else {
                        struct timespec ts;
                        usec_t wait = next - t;

                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_sec += (time_t) (wait / USEC_PER_SEC);
                        ts.tv_nsec += (long) (wait % USEC_PER_SEC) * 1000;
                        if (ts.tv_nsec >= 1000000000) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000;
                        }
                        pthread_cond_timedwait(&guard.wake, &guard.lock, &ts);
                }
        }
        pthread_mutex_unlock(&guard.lock);
        return NULL;
}

int login_guard_start(void) {
        int r;

        guard.running = true;
        r = pthread_create(&guard.thread, NULL, timer_thread, NULL);
        if (r != 0) {
                guard.running = false;
                return -r;
        }
        return 0;
}

void login_guard_stop(void) {
        if (!guard.running)
                return;
        pthread_mutex_lock(&guard.lock);
        guard.running = false;
        /* Suspended connections must be resumed before their daemon stops. */
        while (guard.delayed) {
                Delayed *d = guard.delayed;
                guard.delayed = d->next;
                MHD_resume_connection(d->connection);
                free(d);
        }
        pthread_cond_signal(&guard.wake);
        pthread_mutex_unlock(&guard.lock);
        pthread_join(guard.thread, NULL);
}
