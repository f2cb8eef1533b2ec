/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pve-daily-update: the certificate part of upstream's daily job
 * (pveupdate, run by pve-daily-update.timer):
 *
 *  - the ACME certificate is renewed when due: within 30 days of expiry,
 *    or earlier when the CA's renewal information (RFC 9773) says so;
 *  - the self-signed node certificate is renewed when it has expired,
 *    expires within 14 days, or runs longer than 2 years, and only when
 *    the cluster CA issued it.
 *
 * Like upstream, problems are logged (stderr) and the program still exits
 * 0, so one failed step does not hide the others; what it does goes to
 * stdout (both end up in the journal under systemd).
 */

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "acme/nodeconf.h"
#include "acme/order.h"
#include "api/call.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/rootdir.h"
#include "certs/pki.h"
#include "sys/nodename.h"
#include "sys/service.h"

static int renew_acme_certificate(const char *node) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig conf = {};
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_json_ json_t *params = NULL, *result = NULL;
        _cleanup_free_ char *err = NULL, *pem = NULL, *cert_path = NULL, *path = NULL;
        time_t due_at;
        bool due;
        int r;

        r = acme_node_config_load(node, &conf, &err);
        if (r < 0)
                return log_error_errno(r, "Renewing ACME certificate failed: %s", err);
        if (conf.n_domains == 0)
                return 0;

        cert_path = root_pathf("/etc/pve/nodes/%s/pveproxy-ssl.pem", node);
        r = read_full_file(cert_path, 0, &pem, NULL);
        if (r == -ENOENT) {
                printf("ACME config found for node, but no custom certificate exists. Skipping ACME renewal until "
                       "initial certificate has been deployed.\n");
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Renewing ACME certificate failed: unable to read '%s': %m", cert_path);

        r = acme_renewal_due(pem, conf.account, time(NULL), &due, &due_at, &err);
        if (r < 0)
                return log_error_errno(r, "Renewing ACME certificate failed: %s", err);
        if (!due) {
                printf("Custom certificate does not expire soon, skipping ACME renewal.\n");
                return 0;
        }

        /* Due: the renew method runs as task acmerenew, its log on stdout. */
        path = xasprintf("/nodes/%s/certificates/acme/certificate", node);
        params = json_pack("{s:b}", "force", true);
        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        r = api_call_invoke(&call, API_PUT, path, params, &result);
        if (r < 0)
                return log_error_errno(r, "Renewing ACME certificate failed: %s", call.error.message ?: "unknown error");
        return 0;
}

static int renew_node_certificate(const char *node) {
        _cleanup_free_ char *err = NULL;
        const char *reason = NULL;
        time_t now_s = time(NULL);
        int r;

        r = pki_node_cert_renewal_due(node, now_s, &reason, &err);
        if (r >= 0 && reason) {
                printf("PVE certificate %s\n", reason);
                r = pki_renew_node_cert(node, now_s, &err);
                if (r >= 0) {
                        printf("Restarting pveproxy after renewing certificate\n");
                        fflush(stdout);
                        r = service_reload_or_restart("pveproxy", &err);
                }
        }
        if (r < 0)
                return log_error_errno(r, "Checking/Renewing SSL certificate failed: %s", err);
        return 0;
}

int main(int argc, char **argv) {
        const char *node;

        json_setup_allocator();
        log_setup_from_env();
        log_set_prefix("pveupdate: ");
        if (argc > 1) {
                fprintf(stderr, "USAGE: %s\n", argv[0]);
                return 255;
        }
        if (geteuid() != 0) {
                log_error("please run as root");
                return 255;
        }
        node = node_name();
        (void) renew_acme_certificate(node);
        (void) renew_node_certificate(node);
        return 0;
}
