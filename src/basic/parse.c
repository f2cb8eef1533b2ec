/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#include "macro.h"
#include "parse.h"

bool looks_like_integer(const char *s) {
        if (*s == '+' || *s == '-')
                s++;
        if (!isdigit((unsigned char) *s))
                return false;
        while (isdigit((unsigned char) *s))
                s++;
        return *s == 0;
}

bool looks_like_number(const char *s) {
        size_t before = 0, after = 0;

        if (*s == '+' || *s == '-')
                s++;
        while (isdigit((unsigned char) *s))
                s++, before++;
        if (*s == '.') {
                s++;
                while (isdigit((unsigned char) *s))
                        s++, after++;
        }
        if (before == 0 && after == 0)
                return false;
        if (*s == 'e' || *s == 'E') {
                s++;
                if (*s == '+' || *s == '-')
                        s++;
                if (!isdigit((unsigned char) *s))
                        return false;
                while (isdigit((unsigned char) *s))
                        s++;
        }
        return *s == 0;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret) {
        long long v;
        char *end;

        if (!looks_like_integer(s))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == ERANGE || v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_uint64(const char *s, uint64_t max, uint64_t *ret) {
        unsigned long long v;

        if (*s == '-' || !looks_like_integer(s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, NULL, 10);
        if (errno == ERANGE || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_int(const char *s, int min, int max, int *ret) {
        int64_t v;
        int r;

        r = parse_int64(s, min, max, &v);
        if (r < 0)
                return r;
        *ret = (int) v;
        return 0;
}

int parse_hex_u64(const char *s, unsigned min_digits, unsigned max_digits, uint64_t *ret) {
        uint64_t v = 0;
        unsigned n = 0;

        for (; *s; s++, n++) {
                int d;

                if (*s >= '0' && *s <= '9')
                        d = *s - '0';
                else if (*s >= 'a' && *s <= 'f')
                        d = *s - 'a' + 10;
                else if (*s >= 'A' && *s <= 'F')
                        d = *s - 'A' + 10;
                else
                        return -EINVAL;
                if (v >> 60)
                        return -ERANGE;
                v = (v << 4) | (uint64_t) d;
        }
        if (n < MAX(min_digits, 1u) || (max_digits && n > max_digits))
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_double(const char *s, double *ret) {
        double v;

        if (!looks_like_number(s))
                return -EINVAL;
        errno = 0;
        v = strtod(s, NULL);
        if (errno == ERANGE)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = { "1", "yes", "on", "true" };
        static const char *const no[] = { "0", "no", "off", "false" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}
