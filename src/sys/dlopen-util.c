/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "dlopen-util.h"

static pthread_mutex_t dlopen_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local char last_error[256];

const char *dlopen_last_error(void) {
        return last_error;
}

int dlopen_many_sym(void **dlp, const char *filename, ...) {
        void *dl;
        va_list ap;
        int r = 0;

        pthread_mutex_lock(&dlopen_lock);
        if (*dlp)
                goto out;

        dl = dlopen(filename, RTLD_NOW | RTLD_NODELETE);
        if (!dl) {
                snprintf(last_error, sizeof(last_error), "%s", dlerror() ?: filename);
                r = -EOPNOTSUPP;
                goto out;
        }

        va_start(ap, filename);
        for (;;) {
                void **fn = va_arg(ap, void **);
                const char *name;

                if (!fn)
                        break;
                name = va_arg(ap, const char *);
                *fn = dlsym(dl, name);
                if (!*fn) {
                        snprintf(last_error, sizeof(last_error), "%s: missing symbol %s", filename, name);
                        r = -ELIBBAD;
                        break;
                }
        }
        va_end(ap);

        if (r < 0)
                dlclose(dl);
        else
                *dlp = dl;
out:
        pthread_mutex_unlock(&dlopen_lock);
        return r;
}
