#!/bin/bash
# Every registered API method refuses an unauthenticated caller (401) and
# an authenticated caller without privileges (403), over HTTPS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pveproxy-lib.sh"

setup_root pve1
pvesh create /access/users --userid nobody@pve --password nopass123 >/dev/null
start_proxy || exit 1
login nobody@pve nopass123 || { echo "not ok - login"; exit 1; }

# Methods declared for every signed-in user (upstream's "user => 'all'"):
# reads are open to them, filtered to what the caller may see (as the user
# list check below shows) or refused for other users' objects (tokens and
# tasks of root@pam: 403); writes check the caller in the handler and must
# refuse one that is neither the owner nor privileged.

# A finished task of root@pam, for the task methods.
upid=$("$PVEHOST_HELPERS/test-task" --sync --type srvreload --id perm --lines 1 | tail -n1)

mapfile -t methods < <("$PVEHOST_LIST_METHODS" | sort -u)
plan $((${#methods[@]} * 2 + 1))

is "$(api GET /access/users | cut -d' ' -f2- | jq -c '[.data[].userid]')" '["nobody@pve"]' \
        "the user list shows an unprivileged user only itself"

for line in "${methods[@]}"; do
        read -r verb template kind <<<"$line"
        path=$(sed -e "s/{node}/$PVE_NODENAME/g" -e 's/{userid}/root@pam/g' -e "s/{upid}/$upid/g" -e 's/{[a-z-]*}/item1/g' <<<"$template")

        status=$(TICKET= api "$verb" "$path" | cut -d' ' -f1)
        if [ "$kind" = world ]; then
                [ "$status" != 401 ] && pass "$verb $template is open to everyone ($status)" ||
                        fail "$verb $template is declared world but answered 401"
        else
                is "$status" 401 "$verb $template refuses an unauthenticated caller"
        fi

        # Methods that check privileges in their handler get valid parameters, aimed at root@pam.
        args=()
        [ "$verb $template" = "PUT /access/password" ] && args=(-d userid=root@pam -d password=whatever1)
        status=$(api "$verb" "$path" "${args[@]}" | cut -d' ' -f1)
        case "$kind" in
        world) pass "$verb $template needs no privileges ($status)" ;;
        all)
                if [ "$verb" = GET ]; then
                        [ "$status" != 401 ] && pass "$verb $template: signed-in users only ($status)" ||
                                fail "$verb $template: 401 with a valid ticket"
                else
                        is "$status" 403 "$verb $template refuses an unprivileged caller"
                fi
                ;;
        *) is "$status" 403 "$verb $template refuses an unprivileged caller" ;;
        esac
done
done_testing
