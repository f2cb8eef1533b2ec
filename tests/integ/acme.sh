#!/bin/bash
# ACME against a real pebble (issue 6): accounts (RS256, ES256, EAB, key
# rollover, deactivation), http-01 and dns-01 orders, renew, revoke, and what
# happens when the CA, the network or a DNS script fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/acme-lib.sh"

plan 74
setup_root pve1
start_pebble
stub_systemctl
acme=$PVE_ROOT/etc/pve/priv/acme
node=$PVE_ROOT/etc/pve/nodes/pve1
tasks=$PVE_ROOT/var/log/pve/tasks

# last_task TYPE: the log of the newest task of that type.
last_task() { ls -t $(grep -rl --include='UPID:*' -e . "$tasks" | grep ":$1:") 2>/dev/null | head -1; }
fingerprint() { openssl x509 -in "$node/pveproxy-ssl.pem" -noout -fingerprint -sha256 2>/dev/null; }

# ---- accounts ------------------------------------------------------------------

out=$(echo n | inns pvenode acme account register default admin@example.com --directory "$DIRECTORY" 2>&1)
like "$out" 'Cannot continue without agreeing to ToS, aborting.' "refusing the ToS aborts"
[ ! -e "$acme/default" ] && pass "refusing the ToS writes nothing" || fail "refusing the ToS writes nothing"

out=$(echo y | inns pvenode acme account register default admin@example.com --directory "$DIRECTORY" 2>&1)
like "$out" "Registration successful, account URL: 'https://127.0.0.1:14000/my-account/" "register an RSA account"
like "$out" 'Task OK' "register ends with Task OK"
is "$(stat -c %a "$acme/default")" 600 "account file mode 0600"
is "$(jq -r '.key' "$acme/default" | head -1)" "-----BEGIN RSA PRIVATE KEY-----" "PKCS#1 RSA key as upstream"
is "$(jq -r '.directory + " " + .tos + " " + .account.status' "$acme/default")" \
        "$DIRECTORY data:text/plain,Do%20what%20thou%20wilt valid" "directory, ToS and account object stored"
like "$(head -2 "$acme/default" | tail -1)" '^   "account" : \{$' "pretty JSON with sorted keys as upstream"
is "$(jq -r '.account.contact[0]' "$acme/default")" "mailto:admin@example.com" "contact as mailto: URI"
is "$(pvenode acme account list)" "default" "account list"
like "$(pvenode acme account info default --output-format json | jq -r .location)" '/my-account/' "account info"
like "$(last_task acmeregister)" 'UPID:pve1:' "acmeregister task logged"

ok "update the contact" inns pvenode acme account update default --contact other@example.com
is "$(jq -r '.account.contact[0]' "$acme/default")" "mailto:other@example.com" "new contact stored"
like "$(last_task acmeupdate)" 'UPID' "acmeupdate task"
ok "refresh the account" inns pvenode acme account update default
like "$(last_task acmerefresh)" 'UPID' "acmerefresh task"

out=$(echo y | inns pvenode acme account register ecacct admin@example.com --directory "$DIRECTORY" --key-type ec 2>&1)
like "$out" 'Registration successful' "register an EC account (ES256)"
is "$(jq -r '.account.key.kty + " " + .account.key.crv' "$acme/ecacct")" "EC P-256" "the CA knows the EC key"
before=$(jq -r .key "$acme/ecacct")
ok "roll the account key over" inns pvenode acme account update ecacct --rollover 1
[ "$(jq -r .key "$acme/ecacct")" != "$before" ] && pass "new key stored" || fail "new key stored"
ok "the account works with the new key" inns pvenode acme account update ecacct
ok "roll over to an RSA key" inns pvenode acme account update ecacct --rollover 1 --key-type rsa
is "$(jq -r '.account.key.kty' "$acme/ecacct")" "RSA" "the CA has the RSA key"

out=$(echo y | inns pvenode acme account register eab admin@example.com --directory "$DIRECTORY_EAB" 2>&1)
like "$out" 'The CA requires external account binding' "register asks for EAB when the CA requires it"
out=$(inns pvesh create /cluster/acme/account --name eab --contact admin@example.com --directory "$DIRECTORY_EAB" \
        --tos_url x 2>&1)
like "$out" 'TASK ERROR: Registration failed: .*externalAccountBinding' "the CA refuses a registration without EAB"
[ ! -e "$acme/eab" ] && pass "failed registration writes nothing" || fail "failed registration writes nothing"
out=$(echo y | inns pvenode acme account register eab admin@example.com --directory "$DIRECTORY_EAB" \
        --eab-kid "$PEBBLE_EAB_KID" --eab-hmac-key "${PEBBLE_EAB_KEY%????}AAAA" 2>&1)
[ ! -e "$acme/eab" ] && pass "a wrong EAB key is refused" || fail "a wrong EAB key is refused"
out=$(echo y | inns pvenode acme account register eab admin@example.com --directory "$DIRECTORY_EAB" \
        --eab-kid "$PEBBLE_EAB_KID" --eab-hmac-key "$PEBBLE_EAB_KEY" 2>&1)
like "$out" 'Registration successful' "EAB registration"

ok "deactivate an account" inns pvenode acme account deactivate ecacct
[ -e "$acme/_deactivated_ecacct_0" ] && [ ! -e "$acme/ecacct" ] && pass "file renamed to _deactivated_ecacct_0" ||
        fail "file renamed to _deactivated_ecacct_0"
is "$(pvenode acme account list | tr '\n' ' ')" "default eab " "deactivated accounts are not listed"

out=$(echo y | inns pvenode acme account register x admin@example.com --directory https://127.0.0.1:1/dir 2>&1)
like "$out" 'unable to fetch ACME directory' "unreachable directory: clear error"
out=$(echo y | SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt inns pvenode acme account register x \
        admin@example.com --directory "$DIRECTORY" 2>&1)
like "$out" 'certificate|SSL' "directory with an untrusted TLS certificate: clear error"
[ ! -e "$acme/x" ] && pass "nothing written after network errors" || fail "nothing written after network errors"

# ---- http-01 orders ------------------------------------------------------------------

ok "configure two domains" pvenode config set --acme domains='a.example.com;b.example.com'
out=$(inns pvenode acme cert order 2>&1)
like "$out" "Status is 'valid', domain 'b.example.com' OK!" "http-01 validation through the standalone plugin"
like "$out" 'Task OK' "order succeeds"
pebble_roots "$PEBBLE_DIR/root.pem"
ok "issued chain verifies against pebble's root" \
        openssl verify -CAfile "$PEBBLE_DIR/root.pem" -untrusted "$node/pveproxy-ssl.pem" "$node/pveproxy-ssl.pem"
like "$(openssl x509 -in "$node/pveproxy-ssl.pem" -noout -ext subjectAltName)" 'DNS:a.example.com, DNS:b.example.com|DNS:b.example.com, DNS:a.example.com' \
        "certificate names both domains"
is "$(tail -1 "$(last_task acmenewcert)")" "TASK OK" "acmenewcert task log ends in TASK OK"
is "$(tail -1 "$PVE_ROOT/systemctl.log")" "reload-or-restart pveproxy" "pveproxy told to reload"
fails "order without --force refuses to replace the certificate" inns pvenode acme cert order

fp=$(fingerprint)
out=$(inns pvenode acme cert renew 2>&1)
rc=$?
[ $rc -ne 0 ] && pass "renew of a certificate that is not due fails" || fail "renew of a certificate that is not due fails"
like "$out" 'does not expire within the next 30 days.*not due before [0-9]{4}-' "renew says it is not due and when it will be"
is "$(fingerprint)" "$fp" "renew that is not due changes nothing"
ok "forced renew" inns pvenode acme cert renew --force
[ "$(fingerprint)" != "$fp" ] && pass "forced renew installs a new certificate" || fail "forced renew installs a new certificate"
is "$(tail -1 "$(last_task acmerenew)")" "TASK OK" "acmerenew task"

# ---- dns-01 with a CNAME alias ------------------------------------------------------------

dnsapi=$PEBBLE_DIR/dnsapi
mkdir -p "$dnsapi"
chmod 755 "$dnsapi"
cat >"$dnsapi/dns_pvetest.sh" <<'EOF'
dns_pvetest_add() {
        _info "adding $1 as $(id -un)"
        curl -sf -X POST -d "{\"host\":\"$1.\",\"value\":\"$2\"}" "$PVETEST_URL/set-txt"
}
dns_pvetest_rm() {
        curl -sf -X POST -d "{\"host\":\"$1.\"}" "$PVETEST_URL/clear-txt"
}
EOF
printf 'dns_pvefail_add() { echo "API said no" >&2; return 1; }\ndns_pvefail_rm() { return 0; }\n' >"$dnsapi/dns_pvefail.sh"
printf 'dns_pvehang_add() { sleep 60; }\ndns_pvehang_rm() { return 0; }\n' >"$dnsapi/dns_pvehang.sh"
chmod 644 "$dnsapi"/*.sh
export PVE_ACME_DNSAPI_DIR=$dnsapi
printf 'PVETEST_URL=http://127.0.0.1:8055\n' >"$PEBBLE_DIR/dnsdata"

fails "plugin with an unknown api is refused" pvenode acme plugin add dns bad --api nosuch
ok "add a dns plugin" pvenode acme plugin add dns testdns --api pvetest --data "$PEBBLE_DIR/dnsdata" --validation-delay 0
like "$(cat "$acme/plugins.cfg")" $'dns: testdns\n\tapi pvetest\n\tdata UFZFVEVTVF9VUkw9aHR0cDovLzEyNy4wLjAuMTo4MDU1Cg\n' \
        "plugins.cfg in upstream's format with base64url data"
is "$(pvenode acme plugin config testdns --output-format json | jq -r .data)" "PVETEST_URL=http://127.0.0.1:8055" \
        "plugin config shows the data decoded"
fails "a domain with an unknown plugin is refused" pvenode config set --acmedomain0 c.example.com,plugin=nosuch
ok "a dns domain with a CNAME alias" pvenode config set --acmedomain0 c.example.com,plugin=testdns,alias=c.validation.example.org
challtestsrv '{"host":"_acme-challenge.c.example.com.","target":"_acme-challenge.c.validation.example.org."}' set-cname
out=$(inns pvenode acme cert order --force 2>&1)
like "$out" 'Add TXT record: _acme-challenge.c.validation.example.org' "TXT record added at the alias"
like "$out" 'as nobody' "the DNS script runs as nobody"
like "$(openssl x509 -in "$node/pveproxy-ssl.pem" -noout -ext subjectAltName)" 'DNS:c.example.com' \
        "dns-01 domain in the certificate"

# ---- failures leave the certificate in place ---------------------------------------------------

fp=$(fingerprint)
ok "switch the dns domain to a failing script" pvenode acme plugin set testdns --api pvefail
out=$(inns pvenode acme cert order --force 2>&1)
like "$out" "DNS plugin 'pvefail' setup for '_acme-challenge.c.validation.example.org' failed: exit code 1" \
        "a failing DNS script: clear error"
PVE_ACME_DNS_TIMEOUT=2 pvenode acme plugin set testdns --api pvehang
out=$(PVE_ACME_DNS_TIMEOUT=2 inns pvenode acme cert order --force 2>&1)
like "$out" 'timed out after 2 seconds' "a hanging DNS script is stopped"

pvenode config set --delete acmedomain0 >/dev/null
pvenode config set --acme domains=blocked.example.com >/dev/null
out=$(inns pvenode acme cert order --force 2>&1)
like "$(tail -1 "$(last_task acmenewcert)")" '^TASK ERROR: .*blocked\.example\.com' "a refused order ends in TASK ERROR with the CA's detail"
is "$(fingerprint)" "$fp" "failed orders leave the old certificate"

# ---- renewal when due, revocation -------------------------------------------------------------

pvenode config set --acme domains='a.example.com;b.example.com' >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PEBBLE_DIR/short.key" -out "$PEBBLE_DIR/short.pem" -days 10 \
        -subj /CN=a.example.com 2>/dev/null
pvenode cert set "$PEBBLE_DIR/short.pem" "$PEBBLE_DIR/short.key" --force >/dev/null
ok "renew a certificate that expires within 30 days" inns pvenode acme cert renew
like "$(cat "$(last_task acmerenew)")" 'WARN: Revoke request to CA failed' "revoking a certificate the CA did not issue only warns"
out=$(inns pve-daily-update 2>&1)
like "$out" 'Custom certificate does not expire soon, skipping ACME renewal.' "daily update: not due, skipped"
pvenode cert set "$PEBBLE_DIR/short.pem" "$PEBBLE_DIR/short.key" --force >/dev/null
fp=$(fingerprint)
out=$(inns pve-daily-update 2>&1)
like "$out" 'Setting pveproxy certificate and key' "daily update renews a certificate that is due"
[ "$(fingerprint)" != "$fp" ] && pass "daily update installed the new certificate" ||
        fail "daily update installed the new certificate"
# ---- renewal information (RFC 9773) ----------------------------------------------------------

window=$PEBBLE_DIR/ari-window
date -u -d '+40 days' +%Y-%m-%dT%H:%M:%SZ | tr '\n' ' ' >"$window"
date -u -d '+41 days' +%Y-%m-%dT%H:%M:%SZ >>"$window"
spawn ari python3 "$(dirname "$0")/ari-server.py" 14100 "$DIRECTORY" "$PEBBLE_DIR/server.pem" \
        "$PEBBLE_DIR/server.key" "$SSL_CERT_FILE" "$window"
wait_port 14100
echo y | inns pvenode acme account register ari admin@example.com --directory https://127.0.0.1:14100/dir >/dev/null 2>&1
pvenode config set --acme account=ari,domains=a.example.com >/dev/null
inns pvenode acme cert order --force >/dev/null 2>&1
fp=$(fingerprint)
out=$(inns pvenode acme cert renew 2>&1)
like "$out" "not due before $(date -u -d '+40 days' +%Y-%m-%d)" "renewal information later than 30 days before expiry: not due, and says when"
# RFC 9773 4.1: base64url(authority key identifier) "." base64url(serial number as DER INTEGER content).
ari_id=$(openssl x509 -in "$node/pveproxy-ssl.pem" -noout -ext authorityKeyIdentifier -serial | python3 -c '
import base64, sys
lines = sys.stdin.read().split("\n")
aki = bytes.fromhex(lines[1].strip().replace(":", ""))
hexserial = lines[-2].split("=")[1]
serial = bytes.fromhex("0" * (len(hexserial) % 2) + hexserial)
serial = (b"\0" + serial) if serial[0] & 0x80 else serial
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
print(b64(aki) + "." + b64(serial))')
is "$(tail -1 "$window.asked")" "$ari_id" "renewal information asked for the certificate's AKI.serial id"
date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ | tr '\n' ' ' >"$window"
date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ >>"$window"
ok "a renewal window that has begun makes renew due" inns pvenode acme cert renew
[ "$(fingerprint)" != "$fp" ] && pass "renewed on the CA's suggestion" || fail "renewed on the CA's suggestion"
ok "revoke" inns pvenode acme cert revoke
[ ! -e "$node/pveproxy-ssl.pem" ] && [ ! -e "$node/pveproxy-ssl.key" ] && pass "revoke deletes the certificate files" ||
        fail "revoke deletes the certificate files"

done_testing
