/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <fcntl.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/parse.h"
#include "basic/spawn.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/esp.h"

#define MTOOLS_TIMEOUT (300 * USEC_PER_SEC)
#define MDIR_OUTPUT_MAX (16 * 1024 * 1024)

extern char **environ;

void esp_listing_done(EspListing *l) {
        for (size_t i = 0; i < l->n_entries; i++)
                free(l->entries[i].path);
        free(l->entries);
        *l = (EspListing) {};
}

const EspEntry *esp_listing_find(const EspListing *l, const char *path) {
        for (size_t i = 0; i < l->n_entries; i++)
                if (strcasecmp(l->entries[i].path, path) == 0)
                        return &l->entries[i];
        return NULL;
}

static void listing_add(EspListing *l, char *path, bool dir, uint64_t size) {
        l->entries = xreallocarray(l->entries, l->n_entries + 1, sizeof(EspEntry));
        l->entries[l->n_entries++] = (EspEntry) { .path = path, .dir = dir, .size = size };
}

/* Next blank-separated word of *p, advancing *p; NULL at the end. */
static char *next_word(const char **p) {
        const char *s = skip_blanks(*p), *e;

        if (!*s)
                return NULL;
        e = s + strcspn(s, " \t");
        *p = e;
        return xstrndup(s, e - s);
}

/* "NAME     EXT  <size|<DIR>> yyyy-mm-dd hh:mm  [long name]" */
static int parse_mdir_entry(const char *line, const char *dir, EspListing *l) {
        _cleanup_free_ char *shortname = NULL, *ext = NULL, *sz = NULL, *date = NULL, *time = NULL, *name = NULL;
        const char *p = line + 13;
        uint64_t size = 0;
        bool is_dir;

        if (strlen(line) < 13)
                return -EBADMSG;
        shortname = xstrndup(line, 8);
        ext = xstrndup(line + 9, 3);
        sz = next_word(&p);
        date = next_word(&p);
        time = next_word(&p);
        if (!sz || !date || !time || !strchr(date, '-') || !strchr(time, ':'))
                return -EBADMSG;
        is_dir = streq(sz, "<DIR>");
        if (!is_dir && parse_uint64(sz, UINT64_MAX, &size) < 0)
                return -EBADMSG;

        name = xstrdup(strstrip((char *) p));
        if (isempty(name)) {
                free(name);
                name = isempty(strstrip(ext)) ? xstrdup(strstrip(shortname))
                                              : xasprintf("%s.%s", strstrip(shortname), strstrip(ext));
        }
        if (streq(name, ".") || streq(name, ".."))
                return 0;
        if (strchr(name, '/'))
                return -EBADMSG;
        listing_add(l, isempty(dir) ? xstrdup(name) : xasprintf("%s/%s", dir, name), is_dir, size);
        return 0;
}

/* "                        190 439 424 bytes free": digits with blanks as thousands separators. */
static bool parse_free_line(const char *line, uint64_t *ret) {
        const char *end = endswith(line, " bytes free");
        uint64_t v = 0;
        bool any = false;

        if (!end)
                return false;
        for (const char *p = line; p < end; p++) {
                if (*p == ' ')
                        continue;
                if (!isdigit((unsigned char) *p) || v > UINT64_MAX / 10)
                        return false;
                v = v * 10 + (uint64_t) (*p - '0');
                any = true;
        }
        if (any)
                *ret = v;
        return any;
}

int esp_parse_mdir(const char *text, size_t len, EspListing *ret) {
        _cleanup_(esp_listing_done) EspListing l = {};
        _cleanup_free_ char *line = NULL, *dir = NULL;
        Cursor c = CURSOR_INIT(text, len);
        bool in_dir = false;
        int r;

        c.max_line = 4096;
        while (cursor_read_line_dup(&c, &line)) {
                const char *d;

                if ((d = startswith(line, "Directory for ::"))) {
                        while (*d == '/')
                                d++;
                        _cleanup_free_ char *t = xstrdup(d);

                        free(dir);
                        dir = xstrdup(strstrip(t));
                        /* mtools names directories with single slashes: anything else is not its listing. */
                        if (strstr(dir, "//") || endswith(dir, "/"))
                                return -EBADMSG;
                        in_dir = true;
                        continue;
                }
                if (parse_free_line(line, &l.free_bytes) || isempty(line) || line[0] == ' ')
                        continue; /* summaries, volume information, blank lines */
                if (startswith(line, "Total files listed:"))
                        in_dir = false;
                if (streq(line, "No files"))
                        continue;
                if (!in_dir)
                        continue;
                r = parse_mdir_entry(line, dir, &l);
                if (r < 0)
                        return r;
        }
        if (cursor_error(&c) < 0)
                return -EBADMSG;
        *ret = l;
        l = (EspListing) {};
        return 0;
}

int fat_boot_sector_cluster_size(const uint8_t *sector, size_t len, uint64_t *ret) {
        Cursor c = CURSOR_INIT(sector, len);
        uint16_t bytes_per_sector, signature;
        uint8_t sectors_per_cluster;

        cursor_skip(&c, 11);
        bytes_per_sector = cursor_read_le16(&c);
        sectors_per_cluster = cursor_read_u8(&c);
        cursor_skip(&c, 510 - 14);
        signature = cursor_read_le16(&c);
        if (cursor_error(&c) < 0 || signature != 0xaa55)
                return -EBADMSG;
        if (bytes_per_sector < 512 || bytes_per_sector > 4096 || (bytes_per_sector & (bytes_per_sector - 1)))
                return -EBADMSG;
        if (sectors_per_cluster == 0 || (sectors_per_cluster & (sectors_per_cluster - 1)))
                return -EBADMSG;
        *ret = (uint64_t) bytes_per_sector * sectors_per_cluster;
        return 0;
}

/* The environment for mtools: no per-user configuration, no geometry checks, fixed output format. */
static char *const *mtools_env(void) {
        static char **env;

        if (!env) {
                STRV_FOREACH(e, environ)
                        if (!startswith(*e, "MTOOLS") && !startswith(*e, "LC_") && !startswith(*e, "LANG"))
                                strv_extend(&env, *e);
                strv_extend(&env, "MTOOLSRC=/dev/null");
                strv_extend(&env, "MTOOLS_SKIP_CHECK=1");
                strv_extend(&env, "LC_ALL=C");
        }
        return env;
}

static char *esp_arg(const char *path) {
        return xasprintf("::/%s", path);
}

/* Runs an mtools program; on failure *reterr names it with its first line of error output. */
static int run_mtools(char *const *argv, const void *stdin_data, size_t stdin_len, size_t max_output, StrBuf *out,
                      char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        char buf[64];
        int r;

        r = spawn_run(&(SpawnOptions) {
                              .argv = argv,
                              .env = mtools_env(),
                              .stdin_data = stdin_data,
                              .stdin_len = stdin_len,
                              .stdout_mode = out ? SPAWN_IO_CAPTURE : SPAWN_IO_NULL,
                              .stderr_mode = SPAWN_IO_CAPTURE,
                              .timeout = MTOOLS_TIMEOUT,
                              .max_output = max_output,
                      },
                      &res);
        if (r < 0) {
                *reterr = xasprintf("unable to run %s: %s%s", argv[0], strerror(-r),
                                    r == -ENOENT ? " - make sure mtools is installed" : "");
                return r;
        }
        if (res.exit_status != 0) {
                strbuf_rtrim(&res.err);
                *reterr = xasprintf("%s failed (%s)%s%s", argv[0], spawn_describe(&res, buf, sizeof(buf)),
                                    res.err.len > 0 ? ": " : "", res.err.buf);
                return -EIO;
        }
        if (out) {
                if (res.truncated) {
                        *reterr = xasprintf("%s printed more than %zu bytes", argv[0], max_output);
                        return -EFBIG;
                }
                *out = res.out;
                res.out = (StrBuf) STRBUF_INIT;
        }
        return 0;
}

int esp_open(const char *node, Esp *ret, char **reterr) {
        _cleanup_close_ int fd = open(node, O_RDONLY | O_CLOEXEC);
        uint8_t sector[512];
        uint64_t cluster;
        ssize_t n;

        if (fd < 0) {
                *reterr = xasprintf("unable to open '%s': %m", node);
                return negative_errno();
        }
        n = pread(fd, sector, sizeof(sector), 0);
        if (n != (ssize_t) sizeof(sector) || fat_boot_sector_cluster_size(sector, sizeof(sector), &cluster) < 0) {
                *reterr = xasprintf("'%s' contains no FAT filesystem", node);
                return -EMEDIUMTYPE;
        }
        *ret = (Esp) { .node = xstrdup(node), .cluster_size = cluster };
        return 0;
}

void esp_close(Esp *e) {
        e->node = mfree(e->node);
}

int esp_list(Esp *e, EspListing *ret, char **reterr) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        int r;

        r = run_mtools(STRV_MAKE("mdir", "-i", e->node, "-/", "-a", "::/"), NULL, 0, MDIR_OUTPUT_MAX, &out, reterr);
        if (r == -EIO) {
                /* mdir -/ fails on an empty root directory; the plain listing then says "No files". */
                *reterr = mfree(*reterr);
                r = run_mtools(STRV_MAKE("mdir", "-i", e->node, "-a", "::/"), NULL, 0, MDIR_OUTPUT_MAX, &out, reterr);
        }
        if (r < 0)
                return r;
        r = esp_parse_mdir(out.buf, out.len, ret);
        if (r < 0)
                *reterr = xasprintf("unable to parse the directory listing of '%s'", e->node);
        return r;
}

int esp_read_file(Esp *e, const char *path, size_t max, StrBuf *ret, char **reterr) {
        _cleanup_free_ char *src = esp_arg(path);
        int r;

        /* The cap also applies to error output, which must fit. */
        r = run_mtools(STRV_MAKE("mcopy", "-n", "-i", e->node, src, "-"), NULL, 0, MAX(max + 1, (size_t) 65536), ret,
                       reterr);
        if (r >= 0 && ret->len > max) {
                strbuf_release(ret);
                r = -EFBIG;
        }
        if (r == -EFBIG)
                *reterr = xasprintf("'%s' on '%s' is larger than %zu bytes", path, e->node, max);
        return r;
}

int esp_mkdir(Esp *e, const char *path, char **reterr) {
        _cleanup_free_ char *dst = esp_arg(path);

        return run_mtools(STRV_MAKE("mmd", "-i", e->node, dst), NULL, 0, 0, NULL, reterr);
}

int esp_put_temp(Esp *e, const char *path, const char *source, const void *data, size_t len, EspPutFlags flags,
                 char **reterr) {
        _cleanup_free_ char *tmp = xasprintf("::/%s" ESP_TEMP_SUFFIX, path);
        int r;

        if (source)
                r = run_mtools(STRV_MAKE("mcopy", "-o", "-m", "-i", e->node, source, tmp), NULL, 0, 0, NULL, reterr);
        else
                r = run_mtools(STRV_MAKE("mcopy", "-o", "-i", e->node, "/dev/stdin", tmp), data, len, 0, NULL,
                               reterr);
        if (r >= 0 && (flags & ESP_PUT_HIDDEN))
                r = run_mtools(STRV_MAKE("mattrib", "-i", e->node, "+h", tmp), NULL, 0, 0, NULL, reterr);
        if (r < 0)
                return r;
        /* The content must be on disk before the name points at it. */
        r = esp_flush(e);
        if (r < 0)
                *reterr = xasprintf("unable to flush '%s': %s", e->node, strerror(-r));
        return r;
}

int esp_put_commit(Esp *e, const char *path, char **reterr) {
        _cleanup_free_ char *tmp = xasprintf("::/%s" ESP_TEMP_SUFFIX, path), *dst = esp_arg(path);

        /* The rename keeps the attributes: the hidden one is set before the name appears. */
        return run_mtools(STRV_MAKE("mren", "-D", "o", "-i", e->node, tmp, dst), NULL, 0, 0, NULL, reterr);
}

int esp_remove(Esp *e, const char *path, char **reterr) {
        _cleanup_free_ char *dst = esp_arg(path);

        return run_mtools(STRV_MAKE("mdel", "-i", e->node, dst), NULL, 0, 0, NULL, reterr);
}

int esp_remove_tree(Esp *e, const char *path, char **reterr) {
        _cleanup_free_ char *dst = esp_arg(path);

        return run_mtools(STRV_MAKE("mdeltree", "-i", e->node, dst), NULL, 0, 0, NULL, reterr);
}

int esp_flush(Esp *e) {
        _cleanup_close_ int fd = open(e->node, O_RDONLY | O_CLOEXEC);

        if (fd < 0 || fsync(fd) < 0)
                return negative_errno();
        return 0;
}
