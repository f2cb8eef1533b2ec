/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Attributes, scope-based cleanup and small helpers used everywhere.
 *
 * Ownership rules (see docs/CODING.md): a function that returns a pointer
 * through a ret_ parameter hands ownership to the caller; locals that own
 * memory or descriptors are declared with a _cleanup_ attribute and given
 * away with TAKE_PTR()/TAKE_FD().
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _pure_ __attribute__((pure))
#define _const_ __attribute__((const))
#define _sentinel_ __attribute__((sentinel))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)
#define _section_(s) __attribute__((section(s)))
#define _used_ __attribute__((used))
#define _retain_ __attribute__((retain))

#define ELEMENTSOF(x)                                                           \
        (__builtin_choose_expr(                                                 \
                !__builtin_types_compatible_p(typeof(x), typeof(&*(x))),        \
                sizeof(x) / sizeof((x)[0]),                                     \
                (void) 0))

/* Length of a string literal, without the terminating NUL. */
#define STRLEN(s) (sizeof("" s "") - 1)

/* Upper bound of the characters needed to print an integer type in decimal. */
#define DECIMAL_STR_MAX(type) (2 + (sizeof(type) <= 1 ? 3 : sizeof(type) <= 2 ? 5 : sizeof(type) <= 4 ? 10 : 20))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define CLAMP(x, lo, hi) MIN(MAX((x), (lo)), (hi))

/* Move ownership out of a local that has a cleanup attribute. */
#define TAKE_PTR(p)                             \
        ({                                      \
                typeof(p) _ptr_ = (p);          \
                (p) = NULL;                     \
                _ptr_;                          \
        })
#define TAKE_FD(fd)                             \
        ({                                      \
                int _fd_ = (fd);                \
                (fd) = -EBADF;                  \
                _fd_;                           \
        })

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

/* Equal strings, or both NULL. A function, so that a literal argument is compared by content only. */
static inline bool streq_ptr(const char *a, const char *b) {
        return a && b ? streq(a, b) : a == b;
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

/* True if x equals one of the following arguments (integers only). */
#define IN_SET(x, first, ...)                                                   \
        ({                                                                      \
                const typeof(first) _set_[] = { first, __VA_ARGS__ };           \
                bool _found_ = false;                                           \
                for (size_t _i_ = 0; _i_ < ELEMENTSOF(_set_); _i_++)            \
                        if ((x) == _set_[_i_]) {                                \
                                _found_ = true;                                 \
                                break;                                          \
                        }                                                       \
                _found_;                                                        \
        })

/* free() that returns NULL, for "p = mfree(p);". */
#define mfree(p)                                \
        ({                                      \
                free(p);                        \
                (typeof(p)) NULL;               \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* Closes fd if valid, preserving errno; always returns -EBADF. */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Defines "static inline void funcp(type *p)" that calls func(*p) for non-NULL *p. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                 \
        static inline void func##p(type *p) {                   \
                if (*p)                                         \
                        (void) func(*p);                        \
        }

/* Returns a negative errno: errno if it is set, else -EIO. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

#define SET_FLAG(v, flag, b) ((v) = (b) ? ((v) | (flag)) : ((v) & ~(flag)))
#define FLAGS_SET(v, flags) ((~(v) & (flags)) == 0)
