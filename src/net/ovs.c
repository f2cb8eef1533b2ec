/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/spawn.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/ovs.h"

#define OVS_VSCTL_TIMEOUT (30 * USEC_PER_SEC)

static const char *ovs_type(const NetConfig *c, const char *name) {
        NetIface *i = c ? net_config_find(c, name) : NULL;
        const char *type = i ? net_attr_str(i, "type") : NULL;

        return type && startswith(type, "OVS") ? type : NULL;
}

static int vsctl(char *const *argv, NetLogFn log, void *userdata, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        _cleanup_free_ char *line = strv_join(argv, " ");
        char how[64];
        int r;

        r = spawn_run(&(SpawnOptions) { .argv = argv, .timeout = OVS_VSCTL_TIMEOUT, .stdout_mode = SPAWN_IO_NULL,
                                        .stderr_mode = SPAWN_IO_CAPTURE },
                      &res);
        if (r == -ENOENT) {
                *reterr = xstrdup("Open VSwitch is not installed (need package 'openvswitch-switch')");
                return r;
        }
        if (r < 0 || res.exit_status != 0) {
                strbuf_rtrim(&res.err);
                *reterr = xasprintf("%s failed: %s%s%s", line, r < 0 ? strerror(-r) : spawn_describe(&res, how, sizeof(how)),
                                    res.err.len ? " - " : "", res.err.buf);
                return r < 0 ? r : -EIO;
        }
        log(userdata, line);
        return 0;
}

static int add(const NetIface *i, const char *type, NetLogFn log, void *userdata, char **reterr) {
        _cleanup_free_ char *options = NULL;
        _cleanup_strv_free_ char **argv = strv_new("ovs-vsctl", "--", NULL), **opts = NULL, **bonds = NULL;
        const char *bridge = net_attr_str(i, "ovs_bridge");
        json_t *mtu = json_object_get(i->attrs, "mtu");
        int r;

        r = net_iface_ovs_options(i, &options, reterr);
        if (r < 0)
                return r;
        opts = strv_split(options, " \t");
        if (streq(type, "OVSBridge")) {
                strv_extend_strv(&argv, STRV_MAKE("--may-exist", "add-br", i->name));
                if (!strv_isempty(opts)) {
                        strv_extend_strv(&argv, STRV_MAKE("--", "set", "Bridge", i->name));
                        strv_extend_strv(&argv, opts);
                }
        } else {
                if (isempty(bridge)) {
                        *reterr = xasprintf("%s: %s without ovs_bridge", i->name, type);
                        return -EINVAL;
                }
                if (streq(type, "OVSBond")) {
                        bonds = strv_split(net_attr_str(i, "ovs_bonds"), " \t");
                        strv_extend_strv(&argv, STRV_MAKE("--may-exist", "add-bond", bridge, i->name));
                        strv_extend_strv(&argv, bonds);
                } else
                        strv_extend_strv(&argv, STRV_MAKE("--may-exist", "add-port", bridge, i->name));
                strv_extend_strv(&argv, opts);
                if (streq(type, "OVSIntPort"))
                        strv_extend_strv(&argv, STRV_MAKE("--", "set", "Interface", i->name, "type=internal"));
        }
        if (mtu) {
                _cleanup_free_ char *text = json_scalar_to_string(mtu);

                strv_extend_strv(&argv, STRV_MAKE("--", "set", "Interface", i->name));
                strv_extendf(&argv, "mtu_request=%s", text);
        }
        return vsctl(argv, log, userdata, reterr);
}

int net_ovs_apply(const NetConfig *from, const NetConfig *to, char *const *changed, NetLogFn log, void *userdata,
                  char **reterr) {
        int r;

        /* What goes away first (ports before bridges), then bridges before their ports and bonds. */
        for (int bridges = 0; bridges <= 1; bridges++)
                STRV_FOREACH(name, changed) {
                        const char *was = ovs_type(from, *name), *is = ovs_type(to, *name);

                        if (!was || streq_ptr(was, is) || streq(was, "OVSBridge") != bridges)
                                continue;
                        r = vsctl(STRV_MAKE("ovs-vsctl", "--if-exists", bridges ? "del-br" : "del-port", *name), log,
                                  userdata, reterr);
                        if (r < 0)
                                return r;
                }
        for (int bridges = 1; bridges >= 0; bridges--)
                STRV_FOREACH(name, changed) {
                        const char *is = ovs_type(to, *name);

                        if (!is || streq(is, "OVSBridge") != bridges)
                                continue;
                        r = add(net_config_find(to, *name), is, log, userdata, reterr);
                        if (r < 0)
                                return r;
                }
        return 0;
}
