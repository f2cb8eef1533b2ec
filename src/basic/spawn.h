/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The one way to run another program.
 *
 * Programs are run from an argv vector (argv[0] is looked up in PATH when it
 * has no slash), never through a shell. The child gets a new process group,
 * default signal handling, an empty signal mask, no inherited descriptors
 * besides 0-2, and SIGTERM when the spawning thread dies. Its standard input
 * is /dev/null unless stdin_data is given; stdout and stderr are inherited,
 * discarded, captured into StrBufs or sent to a descriptor (a task log).
 *
 * A timeout sends SIGTERM to the child's process group, then SIGKILL after
 * two seconds. Captured output is capped (max_output), so a runaway child
 * cannot exhaust memory.
 *
 *         _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
 *         r = spawn_run(&(SpawnOptions) {
 *                         .argv = STRV_MAKE("ip", "-j", "link"),
 *                         .stdout_mode = SPAWN_IO_CAPTURE,
 *                         .timeout = 5 * USEC_PER_SEC,
 *                 }, &res);
 *         if (r < 0)
 *                 return r;               (could not start: -ENOENT etc.)
 *         if (res.exit_status != 0)
 *                 ...                     (ran and failed; see res.err)
 */

#include <stdbool.h>
#include <sys/types.h>

#include "strbuf.h"
#include "strv.h"
#include "time-util.h"

typedef enum SpawnIO {
        SPAWN_IO_INHERIT = 0, /* share the caller's descriptor */
        SPAWN_IO_NULL,        /* /dev/null */
        SPAWN_IO_CAPTURE,     /* collect into SpawnResult.out / .err */
        SPAWN_IO_FD,          /* send to stdout_fd / stderr_fd */
        SPAWN_IO_MERGE,       /* stderr only: same destination as stdout */
} SpawnIO;

typedef struct SpawnOptions {
        char *const *argv;
        char *const *env;        /* NULL: the caller's environment */
        const char *cwd;         /* NULL: unchanged */
        const void *stdin_data;  /* NULL: /dev/null */
        size_t stdin_len;
        SpawnIO stdout_mode, stderr_mode;
        int stdout_fd, stderr_fd;
        usec_t timeout;          /* 0: wait forever */
        size_t max_output;       /* cap per captured stream; 0: 16 MiB */
        bool drop_privileges;    /* switch to uid/gid (and no supplementary groups) */
        uid_t uid;
        gid_t gid;
} SpawnOptions;

typedef struct SpawnResult {
        int exit_status;  /* exit code, or 128 + signal number */
        bool timed_out;
        bool truncated;   /* captured output exceeded max_output */
        StrBuf out, err;
} SpawnResult;

#define SPAWN_RESULT_INIT { .exit_status = -1, .out = STRBUF_INIT, .err = STRBUF_INIT }


/*
 * Runs the program and waits for it. Returns 0 when it ran (its outcome is
 * in *ret), or a negative errno when it could not be started (-ENOENT when
 * the program does not exist).
 */
int spawn_run(const SpawnOptions *opts, SpawnResult *ret);
void spawn_result_done(SpawnResult *r);

/*
 * Looks name up as spawn_run() would (in $PATH, or as given when it has a
 * slash). Returns 0 with the malloc'd path of an executable file in *ret_path
 * (may be NULL), -ENOENT when there is none.
 */
int find_executable(const char *name, char **ret_path);

/* Human-readable outcome: "exit code 2", "killed by signal 9", "timed out". */
const char *spawn_describe(const SpawnResult *r, char *buf, size_t size);
