# SPDX-License-Identifier: AGPL-3.0-or-later
# Helpers for tests that talk to a real pveproxy (source after lib.sh).
#
#   start_proxy                 pveproxy on 127.0.0.1:$PORT for $PVE_ROOT, stopped on exit
#   login USER PASSWORD         sets TICKET and CSRF
#   api METHOD PATH [curl args] prints "<status> <body>", authenticated with TICKET/CSRF if set

need_cmd curl
need_cmd jq

# A free port on loopback.
free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_proxy() {
        PORT=${PORT:-$(free_port)}
        BASE=https://127.0.0.1:$PORT
        pveproxy start --foreground --listen "127.0.0.1:$PORT" "$@" >"$PVE_ROOT/pveproxy.log" 2>&1 &
        PROXY_PID=$!
        on_exit "kill $PROXY_PID; wait $PROXY_PID"
        for _ in $(seq 1 600); do  # a first start creates the cluster CA (RSA 4096)
                curl -sk -o /dev/null "$BASE/api2/json/access/domains" && return 0
                sleep 0.1
        done
        echo "# pveproxy did not start:" && sed 's/^/# /' "$PVE_ROOT/pveproxy.log"
        return 1
}

login() {
        local out
        out=$(curl -sk "$BASE/api2/json/access/ticket" --data-urlencode "username=$1" --data-urlencode "password=$2")
        TICKET=$(jq -r '.data.ticket // empty' <<<"$out")
        CSRF=$(jq -r '.data.CSRFPreventionToken // empty' <<<"$out")
        [ -n "$TICKET" ]
}

api() {
        local method=$1 path=$2
        shift 2
        local auth=()
        [ -n "${TICKET:-}" ] && auth=(-b "PVEAuthCookie=$TICKET" -H "CSRFPreventionToken: $CSRF")
        curl -sk -X "$method" "${auth[@]}" -w '\n%{http_code}' "$BASE/api2/json$path" "$@" |
                { body=$(cat); printf '%s %s\n' "${body##*$'\n'}" "${body%$'\n'*}"; }
}
