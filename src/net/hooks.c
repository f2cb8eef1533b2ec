/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/spawn.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/hooks.h"

/* ifupdown waits for hooks as long as they run; we stop a hung one after a while. */
#define HOOK_TIMEOUT (300 * USEC_PER_SEC)

static char *const *phase_keywords(const char *phase) {
        static const char *const pre_up[] = { "pre-up", NULL }, *const up[] = { "up", "post-up", NULL },
                                 *const down[] = { "pre-down", "down", "post-down", NULL };

        if (streq(phase, "pre-up"))
                return (char *const *) pre_up;
        if (streq(phase, "up"))
                return (char *const *) up;
        return (char *const *) down;
}

/* "post-up   iptables ..." -> "iptables ..." when the keyword is one of keywords. */
static const char *command_of(const char *line, char *const *keywords, const char **ret_keyword) {
        size_t n = strcspn(line, " \t");

        STRV_FOREACH(k, keywords)
                if (strlen(*k) == n && strneq(line, *k, n)) {
                        *ret_keyword = *k;
                        return line + n + strspn(line + n, " \t");
                }
        return NULL;
}

static void add_env(char ***env, const char *key, const char *value) {
        _cleanup_free_ char *k = xstrdup(key);

        for (char *p = k; *p; p++)
                *p = *p == '-' || *p == '.' ? '_' : (char) toupper((unsigned char) *p);
        strv_extendf(env, "%s=%s", k, value);
}

/* Our environment (as ifupdown2 passes its own on), plus what ifupdown defines for hooks. */
static char **hook_env(const NetIface *i, const char *family, const char *method, const char *phase,
                       const char *keyword) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(i->attrs);
        char **env = NULL;
        const char *path = getenv("PATH");

        for (char **e = environ; *e; e++)
                if (!startswith(*e, "IF_") &&
                    !strv_contains(STRV_MAKE("IFACE", "LOGICAL", "ADDRFAM", "METHOD", "MODE", "PHASE", "VERBOSITY",
                                             "PATH"),
                                   strndupa(*e, strcspn(*e, "="))))
                        strv_extend(&env, *e);
        strv_extendf(&env, "IFACE=%s", i->name);
        strv_extendf(&env, "LOGICAL=%s", i->name);
        strv_extendf(&env, "ADDRFAM=%s", family);
        strv_extendf(&env, "METHOD=%s", strempty(method));
        strv_extendf(&env, "MODE=%s", streq(phase, "down") ? "stop" : "start");
        strv_extendf(&env, "PHASE=%s", keyword);
        strv_extend(&env, "VERBOSITY=0");
        strv_extendf(&env, "PATH=%s", path ?: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        /* The stanza's options; the address as the file has it ("A/N"), of the family the hook belongs to. */
        for (const char **k = keys; *k; k++) {
                json_t *v = json_object_get(i->attrs, *k);
                _cleanup_free_ char *name = xasprintf("IF_%s", *k), *text = NULL;

                if (strv_contains(STRV_MAKE("type", "families", "method", "method6", "priority", "exists", "active",
                                            "autostart", "comments", "comments6", "cidr", "cidr6", "address",
                                            "address6", "netmask", "netmask6", "gateway", "gateway6", "broadcast",
                                            "broadcast6"),
                                  *k) ||
                    (!json_is_string(v) && !json_is_integer(v)))
                        continue;
                text = json_scalar_to_string(v);
                add_env(&env, name, text);
        }
        {
                bool v6 = streq(family, "inet6");
                _cleanup_strv_free_ char **addrs = net_iface_address_values(i, v6);
                _cleanup_free_ char *joined = strv_join(addrs, " ");
                const char *gw = net_attr_str(i, v6 ? "gateway6" : "gateway");

                if (!strv_isempty(addrs))
                        add_env(&env, "IF_ADDRESS", joined);
                if (gw)
                        add_env(&env, "IF_GATEWAY", gw);
        }
        return env;
}

static int run_family(const NetIface *i, const char *family, const char *key, const char *phase, char **reterr) {
        json_t *opts = json_object_get(i->attrs, key), *o;
        const char *method = net_attr_str(i, streq(family, "inet6") ? "method6" : "method");
        size_t k;
        int r;

        json_array_foreach(opts, k, o) {
                _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
                _cleanup_strv_free_ char **env = NULL;
                const char *keyword = NULL, *cmd = command_of(json_string_value(o), phase_keywords(phase), &keyword);
                char how[64];

                if (!cmd)
                        continue;
                env = hook_env(i, family, method, phase, keyword);
                fflush(stdout);
                r = spawn_run(&(SpawnOptions) {
                                      .argv = STRV_MAKE("/bin/sh", "-c", cmd),
                                      .env = env,
                                      .timeout = HOOK_TIMEOUT,
                                      .stderr_mode = SPAWN_IO_MERGE,
                              },
                              &res);
                if (r < 0) {
                        *reterr = xasprintf("%s: %s command '%s' could not run: %s", i->name, keyword, cmd,
                                            strerror(-r));
                        return r;
                }
                if (res.exit_status != 0) {
                        *reterr = xasprintf("%s: %s command '%s' failed: %s", i->name, keyword, cmd,
                                            spawn_describe(&res, how, sizeof(how)));
                        return -EIO;
                }
        }
        return 0;
}

int net_hooks_run(const NetConfig *c, const char *iface, const char *phase, char **reterr) {
        const NetIface *i = net_config_find(c, iface);
        int r;

        if (!i)
                return 0;
        r = run_family(i, "inet", "options", phase, reterr);
        if (r >= 0)
                r = run_family(i, "inet6", "options6", phase, reterr);
        return r;
}

bool net_hooks_have(const NetConfig *c, const char *iface, const char *phase) {
        const NetIface *i = net_config_find(c, iface);

        STRV_FOREACH(key, STRV_MAKE("options", "options6")) {
                json_t *opts = i ? json_object_get(i->attrs, *key) : NULL, *o;
                const char *keyword;
                size_t k;

                json_array_foreach(opts, k, o)
                        if (command_of(json_string_value(o), phase_keywords(phase), &keyword))
                                return true;
        }
        return false;
}
