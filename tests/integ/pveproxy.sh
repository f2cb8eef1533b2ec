#!/bin/bash
# pveproxy over real HTTPS on loopback: TLS, authentication (pve and PAM
# realms, tickets, CSRF, API tokens), status codes, bad input, limits,
# certificate reload and the daemon commands (issue 8 contract).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pveproxy-lib.sh"
need_cmd openssl
need_cmd python3
stress=$(dirname "$0")/http-stress.py

plan 68
setup_root pve1
pvesh create /access/users --userid admin@pve --password adminpass1 >/dev/null
pvesh set /access/acl --path / --roles Administrator --users admin@pve
pvesh create /access/users --userid audit@pve --password auditpass1 >/dev/null
pvesh set /access/acl --path / --roles PVEAuditor --users audit@pve

start_proxy || exit 1
local_dir=$PVE_ROOT/etc/pve/local
fingerprint() {
        openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256
}

# --- TLS ---
ok "node certificate created" test -s "$local_dir/pve-ssl.pem" -a -s "$local_dir/pve-ssl.key"
ok "TLS handshake verifies the node certificate against the cluster CA" \
        curl -sS -o /dev/null --cacert "$PVE_ROOT/etc/pve/pve-root-ca.pem" "https://localhost:$PORT/"
fails "TLS 1.1 is refused" curl -sk -o /dev/null --tlsv1.1 --tls-max 1.1 "$BASE/"
ok "TLS 1.2 is accepted" curl -sk -o /dev/null --tlsv1.2 --tls-max 1.2 "$BASE/api2/json/access/domains"
ok "ticket key pair created" test -s "$PVE_ROOT/etc/pve/priv/authkey.key" -a -s "$PVE_ROOT/etc/pve/authkey.pub"

# --- authentication ---
is "$(api GET /version | cut -d' ' -f1)" 401 "no ticket: 401"
is "$(api GET /access/domains | cut -d' ' -f2- | jq -r '[.data[].realm] | sort | join(",")')" "pam,pve" \
        "realm list is public"
start=$(date +%s%N)
fails "wrong password refused" login admin@pve wrongpass
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -ge 2900 ] && pass "failed login delayed (${elapsed} ms)" || fail "failed login answered in ${elapsed} ms"
login admin@pve adminpass1 && pass "login admin@pve" || fail "login admin@pve"
like "$TICKET" '^PVE:admin@pve:[0-9A-F]{8}::[A-Za-z0-9+/=]+$' "ticket in upstream format"
like "$CSRF" '^[0-9A-F]{8}:[A-Za-z0-9+/]{43}$' "CSRF token in upstream format"
is "$(openssl dgst -sha1 -verify "$PVE_ROOT/etc/pve/authkey.pub" -signature <(printf '%s' "${TICKET##*::}" | base64 -d) \
        <(printf '%s' "${TICKET%%::*}"))" "Verified OK" "ticket signature verifies with authkey.pub"
like "$(api GET /version)" '^200 \{"data":\{.*"release":"9.1"' "ticket cookie accepted, envelope {data}"
is "$(curl -sk -H "Authorization: PVEAuthCookie=$TICKET" -o /dev/null -w '%{http_code}' "$BASE/api2/json/version")" 200 \
        "ticket in the Authorization header accepted"
is "$(CSRF=bogus api PUT /nodes/pve1/config -d description=x | cut -d' ' -f1)" 401 "write without valid CSRF token: 401"
is "$(api PUT /nodes/pve1/config -d description=hello | cut -d' ' -f1)" 200 "write with CSRF token: 200"
is "$(pvesh get /nodes/pve1/config --output-format json | jq -r .description)" hello "the write took effect"
is "$(TICKET="${TICKET%::*}::AAAA" api GET /version | cut -d' ' -f1)" 401 "forged ticket: 401"
old=$(printf '%08X' $(($(date +%s) - 3 * 3600)))
is "$(TICKET="PVE:admin@pve:$old::${TICKET##*::}" api GET /version | cut -d' ' -f1)" 401 "expired ticket: 401"

# --- status codes and parameters ---
out=$(api PUT /nodes/pve1/config -d startall-onboot-delay=abc)
is "${out%% *}" 400 "bad parameter: 400"
is "$(cut -d' ' -f2- <<<"$out" | jq -r '.errors | keys[0]')" "startall-onboot-delay" "errors name the parameter"
is "$(api PUT /nodes/pve1/config -d no-such-param=1 | cut -d' ' -f1)" 400 "unknown parameter: 400"
is "$(api GET /no/such/path | cut -d' ' -f1)" 501 "unknown path: 501"
is "$(api POST /version | cut -d' ' -f1)" 501 "unknown method on a path: 501"
is "$(api PUT /nodes/pve1/config -H 'Content-Type: application/json' --data '{"description":"json body"}' | cut -d' ' -f1)" \
        200 "JSON body accepted"
is "$(pvesh get /nodes/pve1/config --output-format json | jq -r .description)" "json body" "JSON body parameters applied"
is "$(api GET '/nodes/pve1/config?property=description' | cut -d' ' -f2- | jq -r '.data | keys | join(",")')" description \
        "query string parameters"
is "$(api PUT /nodes/pve1/config -H 'Content-Type: application/json' --data '{"description":' | cut -d' ' -f1)" 400 \
        "malformed JSON: 400"

# --- auditor ---
admin_ticket=$TICKET admin_csrf=$CSRF
login audit@pve auditpass1 && pass "login audit@pve" || fail "login audit@pve"
is "$(api GET /nodes/pve1/status | cut -d' ' -f1)" 200 "auditor may read"
is "$(api PUT /nodes/pve1/config -d description=no | cut -d' ' -f1)" 403 "auditor may not write"
is "$(api PUT /access/acl -d path=/ -d roles=Administrator -d users=audit@pve | cut -d' ' -f1)" 403 \
        "auditor may not grant itself roles"

# --- API tokens ---
token=$(pvesh create /access/users/audit@pve/token/ro --privsep 0 --output-format json | jq -r '"\(.["full-tokenid"])=\(.value)"')
tapi() { curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: PVEAPIToken=$1" -X "$2" "$BASE/api2/json$3" "${@:4}"; }
is "$(tapi "$token" GET /nodes/pve1/status)" 200 "token (no privsep) reads as its user"
is "$(tapi "$token" PUT /nodes/pve1/config -d description=x)" 403 "token (no privsep) cannot write: user is an auditor"
sep=$(pvesh create /access/users/admin@pve/token/sep --privsep 1 --output-format json | jq -r '"\(.["full-tokenid"])=\(.value)"')
is "$(tapi "$sep" GET /nodes/pve1/status)" 403 "privilege-separated token without ACL: 403"
pvesh set /access/acl --path / --roles Administrator --tokens admin@pve!sep
is "$(tapi "$sep" PUT /nodes/pve1/config -d description=tok)" 200 "token write needs no CSRF token"
is "$(tapi "${sep%=*}=00000000-0000-0000-0000-000000000000" GET /version)" 401 "wrong token secret: 401"

# --- access changes apply from the next request on, to tickets and tokens already seen ---
pvesh delete /access/users/audit@pve/token/ro
is "$(tapi "$token" GET /nodes/pve1/status)" 401 "a removed token is refused at once"
is "$(api GET /nodes/pve1/status | cut -d' ' -f1)" 200 "auditor ticket reads (and is now known)"
pvesh set /access/acl --path / --roles PVEAuditor --users audit@pve --delete 1
is "$(api GET /nodes/pve1/status | cut -d' ' -f1)" 403 "a removed ACL entry takes effect at once"
pvesh set /access/users/audit@pve --enable 0
is "$(api GET /version | cut -d' ' -f1)" 401 "a disabled user's known ticket is refused at once"
pvesh set /access/users/audit@pve --enable 1
pvesh set /access/acl --path / --roles PVEAuditor --users audit@pve
is "$(api GET /nodes/pve1/status | cut -d' ' -f1)" 200 "re-enabled and re-granted: reads again"

# --- PAM realm with a real Linux user ---
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null; then
        pamuser=pvt$$
        useradd -M -s /usr/sbin/nologin "$pamuser" && on_exit "userdel '$pamuser'"
        echo "$pamuser:Pam-pass-123" | chpasswd
        pvesh create /access/users --userid "$pamuser@pam" >/dev/null
        ok "PAM login with the Linux password" login "$pamuser@pam" Pam-pass-123
        fails "PAM login with a wrong password refused" login "$pamuser@pam" wrong-pass
else
        skip "PAM login needs root and useradd"
        skip "PAM login needs root and useradd"
fi

# --- bad input and limits ---
TICKET=$admin_ticket CSRF=$admin_csrf
is "$(head -c 1048576 /dev/zero | tr '\0' a | curl -sk -o /dev/null -w '%{http_code}' -b "PVEAuthCookie=$TICKET" \
        -H "CSRFPreventionToken: $CSRF" -H 'Expect: 100-continue' -X PUT --data-binary @- \
        "$BASE/api2/json/nodes/pve1/config")" 413 "1 MiB body: 413"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)" "$BASE/")
like "$code" '^(4[0-9][0-9]|000)$' "100 kB header refused ($code)"
is "$(api GET /version -H "X-Fill: $(head -c 7000 /dev/zero | tr '\0' a)" | cut -d' ' -f1)" 200 \
        "8 KiB of header lines (upstream's limit) accepted"
printf 'GARBAGE \x01\x02 HTTP/9\r\n\r\n' | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$PORT" >/dev/null 2>&1
is "$(api GET /version | cut -d' ' -f1)" 200 "still serving after malformed HTTP"
is "$(curl -sk --path-as-is -o /dev/null -w '%{http_code}' "$BASE/../../etc/passwd")" 404 "static path traversal refused"
is "$(curl -sk --path-as-is -o /dev/null -w '%{http_code}' "$BASE/%2e%2e/%2e%2e/etc/passwd")" 404 \
        "encoded static path traversal refused"
is "$(api GET /../../../etc/passwd --path-as-is | cut -d' ' -f1)" 501 "API path traversal finds no method"

"$stress" slowloris 127.0.0.1 "$PORT" 127.0.0.2 300 8 >"$PVE_ROOT/slow.out" &
slow=$!
sleep 3
is "$(api GET /version | cut -d' ' -f1)" 200 "answers while 300 slow clients hold connections"
wait $slow
is "$("$stress" keepalive 127.0.0.1 "$PORT" /api2/json/version "$TICKET" 200 3)" 600 \
        "200 concurrent keep-alive connections, 3 requests each, all answered"

# --- certificate reload and restart ---
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=custom.example -keyout "$local_dir/pveproxy-ssl.key" \
        -out "$local_dir/pveproxy-ssl.pem" 2>/dev/null
custom=$(openssl x509 -noout -fingerprint -sha256 -in "$local_dir/pveproxy-ssl.pem")
is "$("$stress" reuse 127.0.0.1 "$PORT" /api2/json/version "$TICKET" "$PROXY_PID")" "200 200 200" \
        "SIGHUP reload keeps an open connection working"
is "$(fingerprint)" "$custom" "new connections get the custom certificate after SIGHUP"
# 25 wrong passwords at once: all answered late, and the source is then refused for a while.
start=$(date +%s)
guessers=()
for i in $(seq 25); do
        curl -sk -o /dev/null -w '%{http_code}\n' "$BASE/api2/json/access/ticket" -d username=admin@pve -d password=wrong$i \
                >>"$PVE_ROOT/guess.out" &
        guessers+=($!)
done
wait "${guessers[@]}"
is "$(grep -cvE '^(401|429)$' "$PVE_ROOT/guess.out")" 0 "25 parallel guesses all refused (401, then 429)"
[ $(($(date +%s) - start)) -lt 20 ] && pass "delayed answers do not hold server threads" || fail "guessing took $(($(date +%s) - start)) s"
is "$(curl -sk -o /dev/null -w '%{http_code}' "$BASE/api2/json/access/ticket" -d username=admin@pve -d password=adminpass1)" 429 \
        "after 20 failures the source gets 429, even with the right password"
is "$(api GET /version | cut -d' ' -f1)" 200 "an existing ticket keeps working"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=noreload.example -keyout "$local_dir/pveproxy-ssl.key.new" \
        -out "$local_dir/pveproxy-ssl.pem.new" 2>/dev/null
mv "$local_dir/pveproxy-ssl.key.new" "$local_dir/pveproxy-ssl.key"
mv "$local_dir/pveproxy-ssl.pem.new" "$local_dir/pveproxy-ssl.pem"
sleep 3
is "$(fingerprint)" "$(openssl x509 -noout -fingerprint -sha256 -in "$local_dir/pveproxy-ssl.pem")" \
        "replaced certificate files are picked up without SIGHUP"
kill -TERM "$PROXY_PID"
wait "$PROXY_PID"
is "$?" 0 "SIGTERM stops pveproxy cleanly"
ok "pid file removed" test ! -e "$PVE_ROOT/var/run/pveproxy/pveproxy.pid"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=second.example -keyout "$local_dir/pveproxy-ssl.key" \
        -out "$local_dir/pveproxy-ssl.pem" 2>/dev/null
ok "pveproxy start (daemon)" pveproxy start --listen "127.0.0.1:$PORT"
on_exit "pveproxy stop"
is "$(pveproxy status)" running "status: running"
is "$(fingerprint)" "$(openssl x509 -noout -fingerprint -sha256 -in "$local_dir/pveproxy-ssl.pem")" \
        "after a restart the new pveproxy-ssl.pem is served"
ok "pveproxy stop" pveproxy stop
is "$(pveproxy status)" stopped "status: stopped"
done_testing
