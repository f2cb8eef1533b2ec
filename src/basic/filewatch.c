/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "alloc.h"
#include "filewatch.h"
#include "strv.h"

/* Every way a file can change in place or be replaced, created or removed inside a directory. */
#define DIR_EVENTS                                                                                 \
        (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
         IN_DELETE_SELF | IN_MOVE_SELF)

typedef struct WatchedDir {
        char *path;
        char **names; /* the watched files in it */
        int wd;       /* -1 while not watched */
} WatchedDir;

struct FileWatch {
        int fd;       /* -1 without inotify */
        WatchedDir *dirs;
        size_t n_dirs;
        bool blind;   /* a directory lies on a file system whose changes inotify does not see */
};

static bool fs_reports_all_changes(const char *dir) {
        struct statfs sf;

        if (statfs(dir, &sf) < 0)
                return true; /* missing: decided when it is watched */
        switch ((unsigned long) sf.f_type) {
        case FUSE_SUPER_MAGIC:
        case NFS_SUPER_MAGIC:
        case SMB_SUPER_MAGIC:
        case CIFS_SUPER_MAGIC:
        case SMB2_SUPER_MAGIC:
        case CEPH_SUPER_MAGIC:
        case AFS_SUPER_MAGIC:
        case CODA_SUPER_MAGIC:
        case V9FS_MAGIC:
                return false;
        default:
                return true;
        }
}

/*
 * Watches the directories not watched yet. True if all of them were
 * watched already: while one was not, its files may have changed unseen.
 */
static bool watch_dirs(FileWatch *w) {
        bool all = true;

        for (size_t i = 0; i < w->n_dirs; i++) {
                WatchedDir *d = &w->dirs[i];

                if (d->wd >= 0)
                        continue;
                all = false;
                d->wd = inotify_add_watch(w->fd, d->path, DIR_EVENTS | IN_ONLYDIR);
                if (d->wd >= 0 && !fs_reports_all_changes(d->path))
                        w->blind = true;
        }
        return all;
}

static WatchedDir *find_dir(FileWatch *w, const char *path, size_t len) {
        for (size_t i = 0; i < w->n_dirs; i++)
                if (strlen(w->dirs[i].path) == len && strncmp(w->dirs[i].path, path, len) == 0)
                        return &w->dirs[i];
        return NULL;
}

FileWatch *file_watch_new(const char *const *paths) {
        FileWatch *w = new0(FileWatch, 1);

        for (const char *const *p = paths; *p; p++) {
                const char *slash = strrchr(*p, '/');
                size_t len = slash && slash != *p ? (size_t) (slash - *p) : 1;
                WatchedDir *d = find_dir(w, *p, len);

                if (!d) {
                        w->dirs = xreallocarray(w->dirs, w->n_dirs + 1, sizeof(WatchedDir));
                        d = &w->dirs[w->n_dirs++];
                        *d = (WatchedDir) { .path = xstrndup(*p, len), .wd = -1 };
                }
                strv_extend(&d->names, slash ? slash + 1 : *p);
        }
        w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->fd >= 0)
                (void) watch_dirs(w); /* what happened before this is the caller's first read */
        return w;
}

static WatchedDir *dir_of(FileWatch *w, int wd) {
        for (size_t i = 0; i < w->n_dirs; i++)
                if (w->dirs[i].wd == wd)
                        return &w->dirs[i];
        return NULL;
}

bool file_watch_check(FileWatch *w) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;
        ssize_t n;

        if (w->fd < 0)
                return true;
        while ((n = read(w->fd, buf, sizeof(buf))) > 0)
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *) p;
                        WatchedDir *d = dir_of(w, e->wd);

                        p += sizeof(*e) + e->len;
                        if (e->mask & IN_Q_OVERFLOW)
                                changed = true;
                        if (!d)
                                continue;
                        if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                                /* The directory went away: watch the path again once it exists. */
                                if (!(e->mask & IN_IGNORED))
                                        (void) inotify_rm_watch(w->fd, d->wd);
                                d->wd = -1;
                                changed = true;
                        } else if (e->len > 0 && strv_contains(d->names, e->name))
                                changed = true;
                }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
                changed = true;
        if (!watch_dirs(w))
                changed = true;
        return changed || w->blind;
}

FileWatch *file_watch_free(FileWatch *w) {
        if (!w)
                return NULL;
        for (size_t i = 0; i < w->n_dirs; i++) {
                free(w->dirs[i].path);
                strv_free(w->dirs[i].names);
        }
        free(w->dirs);
        if (w->fd >= 0)
                close(w->fd);
        free(w);
        return NULL;
}
