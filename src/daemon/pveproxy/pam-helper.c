/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pve-pam-helper: checks one PAM login for pveproxy, so PAM modules (which
 * may block, sleep on failure or not be thread-safe) never run inside the
 * HTTP server.
 *
 * Reads "<user>\n<password>\n" from stdin, runs pam_authenticate() and
 * pam_acct_mgmt() with upstream's service name "proxmox-ve-auth", and exits
 * 0 on success or 1 with the PAM error on stderr.
 */

#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SERVICE_NAME "proxmox-ve-auth"
#define MAX_INPUT 4096

static int conversation(int n, const struct pam_message **msg, struct pam_response **resp, void *data) {
        struct pam_response *r = calloc((size_t) n, sizeof(*r));

        if (!r)
                return PAM_BUF_ERR;
        for (int i = 0; i < n; i++)
                if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
                        r[i].resp = strdup(data);
                        if (!r[i].resp) {
                                for (int k = 0; k < i; k++)
                                        free(r[k].resp);
                                free(r);
                                return PAM_BUF_ERR;
                        }
                }
        *resp = r;
        return PAM_SUCCESS;
}

int main(void) {
        char buf[MAX_INPUT + 1];
        size_t len = 0;
        ssize_t n;
        char *user, *password, *nl;
        pam_handle_t *pamh = NULL;
        struct pam_conv conv = { conversation, NULL };
        int r;

        while (len < MAX_INPUT && (n = read(STDIN_FILENO, buf + len, MAX_INPUT - len)) > 0)
                len += (size_t) n;
        buf[len] = 0;
        user = buf;
        nl = strchr(user, '\n');
        if (!nl) {
                fputs("invalid input\n", stderr);
                return 2;
        }
        *nl = 0;
        password = nl + 1;
        nl = strchr(password, '\n');
        if (nl)
                *nl = 0;
        conv.appdata_ptr = password;

        r = pam_start(SERVICE_NAME, user, &conv, &pamh);
        if (r == PAM_SUCCESS)
                r = pam_set_item(pamh, PAM_RHOST, "localhost");
        if (r == PAM_SUCCESS)
                r = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
        if (r == PAM_SUCCESS)
                r = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
        explicit_bzero(buf, sizeof(buf));
        if (r != PAM_SUCCESS) {
                fprintf(stderr, "%s\n", pamh ? pam_strerror(pamh, r) : "pam_start failed");
                if (pamh)
                        pam_end(pamh, r);
                return 1;
        }
        pam_end(pamh, r);
        return 0;
}
