#!/bin/bash
# Self-signed PKI (pvecm updatecerts), certificate info and custom certificates (issue 6).
. "$(dirname "$0")/lib.sh"

need_cmd openssl
plan 62
setup_root pve1
pve=$PVE_ROOT/etc/pve
node=$pve/nodes/pve1
printf '192.0.2.10 pve1.example.com pve1\n127.0.0.1 localhost\n' >"$PVE_ROOT/etc/hosts"
printf 'domain ignored.example\nsearch example.com other.example\nnameserver 192.0.2.53\n' >"$PVE_ROOT/etc/resolv.conf"

# systemctl stand-in: records what pveproxy is told.
mkdir -p "$PVE_ROOT/bin"
printf '#!/bin/sh\necho "$*" >>"%s/systemctl.log"\n' "$PVE_ROOT" >"$PVE_ROOT/bin/systemctl"
chmod +x "$PVE_ROOT/bin/systemctl"
export PATH="$PVE_ROOT/bin:$PATH"

x509() { openssl x509 -in "$1" -noout "${@:2}" 2>&1; }

# ---- pvecm updatecerts ------------------------------------------------------

ok "updatecerts creates CA and node certificate" pvecm updatecerts
for f in priv/pve-root-ca.key pve-root-ca.pem nodes/pve1/pve-ssl.key nodes/pve1/pve-ssl.pem; do
        [ -s "$pve/$f" ] && pass "$f exists" || fail "$f exists"
done
is "$(stat -c %a "$pve/priv/pve-root-ca.key") $(stat -c %a "$pve/pve-root-ca.pem") $(stat -c %a "$node/pve-ssl.key")" \
        "600 640 640" "file modes as pmxcfs gives them"
like "$(openssl pkey -in "$pve/priv/pve-root-ca.key" -noout -text 2>&1 | head -1)" "4096 bit" "CA key is RSA 4096"
like "$(openssl pkey -in "$node/pve-ssl.key" -noout -text 2>&1 | head -1)" "2048 bit" "node key is RSA 2048"
like "$(x509 "$pve/pve-root-ca.pem" -subject)" \
        '^subject=CN = Proxmox Virtual Environment, OU = [0-9a-f-]{36}, O = PVE Cluster Manager CA$' "CA subject"
ca_text=$(x509 "$pve/pve-root-ca.pem" -text)
like "$ca_text" 'Basic Constraints: critical' "CA basicConstraints critical"
like "$ca_text" 'CA:TRUE' "CA:TRUE"
like "$(x509 "$pve/pve-root-ca.pem" -ext keyUsage)" 'critical.*' "CA keyUsage critical"
like "$(x509 "$pve/pve-root-ca.pem" -ext keyUsage)" 'Certificate Sign, CRL Sign' "CA keyUsage keyCertSign, cRLSign"
start=$(date -d "$(x509 "$pve/pve-root-ca.pem" -startdate | cut -d= -f2)" +%s)
end=$(date -d "$(x509 "$pve/pve-root-ca.pem" -enddate | cut -d= -f2)" +%s)
is "$(((end - start) / 86400))" 3650 "CA valid for 3650 days"
now=$(date +%s)
is "$(((now - start + 3600) / 86400))" 1 "CA starts one day in the past"

like "$(x509 "$node/pve-ssl.pem" -subject)" \
        '^subject=OU = PVE Cluster Node, O = Proxmox Virtual Environment, CN = pve1.example.com$' "node subject uses the FQDN"
is "$(x509 "$node/pve-ssl.pem" -ext subjectAltName | tail -1 | sed 's/^ *//')" \
        "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost, IP Address:192.0.2.10, DNS:pve1, DNS:pve1.example.com" \
        "node SANs in upstream's order"
node_text=$(x509 "$node/pve-ssl.pem" -text)
like "$node_text" 'CA:FALSE' "node basicConstraints CA:FALSE"
like "$node_text" 'TLS Web Server Authentication' "node extendedKeyUsage serverAuth"
start=$(date -d "$(x509 "$node/pve-ssl.pem" -startdate | cut -d= -f2)" +%s)
end=$(date -d "$(x509 "$node/pve-ssl.pem" -enddate | cut -d= -f2)" +%s)
is "$(((end - start) / 86400))" 730 "node certificate valid for 2 years"
ok "node certificate verifies against the CA" openssl verify -CAfile "$pve/pve-root-ca.pem" "$node/pve-ssl.pem"
is "$(x509 "$node/pve-ssl.pem" -serial)" "serial=01" "first node certificate has serial 01"

sum_before=$(md5sum "$node/pve-ssl.pem" "$pve/pve-root-ca.pem")
ok "updatecerts again" pvecm updatecerts
is "$(md5sum "$node/pve-ssl.pem" "$pve/pve-root-ca.pem")" "$sum_before" "nothing changes without --force"
key_before=$(md5sum <"$node/pve-ssl.key")
out=$(pvecm updatecerts --force 2>&1)
like "$out" 'generate new node certificate' "--force says it issues a new certificate"
is "$(x509 "$node/pve-ssl.pem" -serial)" "serial=02" "--force issues a certificate with the next serial"
is "$(md5sum <"$node/pve-ssl.key")" "$key_before" "--force keeps the node key"

# Without an address in /etc/hosts the SANs leave it out: the node name need not resolve.
printf '127.0.0.1 localhost\n' >"$PVE_ROOT/etc/hosts"
rm "$PVE_ROOT/etc/resolv.conf"
ok "updatecerts --force with an unresolvable node name" pvecm updatecerts --force
is "$(x509 "$node/pve-ssl.pem" -ext subjectAltName | tail -1 | sed 's/^ *//')" \
        "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost, DNS:pve1" "SANs without address and FQDN"

# ---- pve-daily-update ----------------------------------------------------------------

if command -v faketime >/dev/null; then
        # faketime is an LD_PRELOAD library; sanitizer builds accept it only with this.
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
        serial=$(x509 "$node/pve-ssl.pem" -serial)
        out=$(pve-daily-update 2>&1)
        is "$(x509 "$node/pve-ssl.pem" -serial)" "$serial" "daily update leaves a fresh certificate alone"
        out=$(faketime '+725 days' pve-daily-update 2>&1)
        like "$out" 'PVE certificate expires soon, renewing...' "daily update renews a certificate expiring within 14 days"
        [ "$(x509 "$node/pve-ssl.pem" -serial)" != "$serial" ] && pass "new node certificate" || fail "new node certificate"
        like "$(tail -1 "$PVE_ROOT/systemctl.log")" 'reload-or-restart pveproxy' "pveproxy reloaded after renewal"
        faketime '+30 days' pvecm updatecerts --force >/dev/null
        out=$(pve-daily-update 2>&1)
        like "$out" 'expires in more than 2 years, renewing' "daily update shortens certificates running longer than 2 years"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -out "$node/pve-ssl.pem" -days 3 -subj /CN=foreign 2>/dev/null
        out=$(pve-daily-update 2>&1)
        like "$out" 'Checking/Renewing SSL certificate failed: .*is not issued by root CA' "a foreign certificate is never replaced"
        is "$(x509 "$node/pve-ssl.pem" -subject)" "subject=CN = foreign" "foreign certificate left in place"
        pvecm updatecerts --force >/dev/null
else
        for i in 1 2 3 4 5 6 7; do skip "faketime not installed"; done
fi

# ---- certificate info ----------------------------------------------------------

info=$(pvesh get /nodes/pve1/certificates/info --output-format json)
is "$(echo "$info" | jq -r '[.[].filename] | join(" ")')" "pve-root-ca.pem pve-ssl.pem" "info lists CA and node certificate"
is "$(echo "$info" | jq -r '.[1].fingerprint')" \
        "$(x509 "$node/pve-ssl.pem" -fingerprint -sha256 | cut -d= -f2)" "fingerprint as openssl prints it"
is "$(echo "$info" | jq -r '.[1].notafter')" "$(date -d "$(x509 "$node/pve-ssl.pem" -enddate | cut -d= -f2)" +%s)" \
        "notafter as epoch"
is "$(echo "$info" | jq -r '.[1]."public-key-type" + " " + (.[1]."public-key-bits"|tostring)')" "rsaEncryption 2048" \
        "public key type and bits"
is "$(echo "$info" | jq -r '.[1].san | join(",")')" "127.0.0.1,0000:0000:0000:0000:0000:0000:0000:0001,localhost,pve1" \
        "SANs as upstream prints them"
like "$(pvenode cert info)" 'subject +│ /OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=pve1' \
        "pvenode cert info prints the one-line subject"

# ---- custom certificates -----------------------------------------------------------

t=$PVE_ROOT/tmp
mkdir -p "$t"
mkcert() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/$1.key" -out "$t/$1.pem" -days "${2:-30}" -subj "/CN=$1" 2>/dev/null; }
mkcert good
mkcert other
openssl pkey -in "$t/good.key" -aes256 -passout pass:secret -out "$t/enc.key" 2>/dev/null
echo "not a certificate" >"$t/garbage.pem"
# A chain whose intermediate is missing between leaf and root: not in issuing order.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/ca.key" -out "$t/ca.pem" -days 30 -subj /CN=TestCA 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$t/leaf.key" -out "$t/leaf.csr" -subj /CN=leaf 2>/dev/null
openssl x509 -req -in "$t/leaf.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 30 -out "$t/leaf.pem" 2>/dev/null
cat "$t/ca.pem" "$t/leaf.pem" >"$t/wrong-order.pem"
printf 'leading text is ignored\n' | cat - "$t/leaf.pem" "$t/ca.pem" >"$t/chain.pem"

custom=$node/pveproxy-ssl
fails "garbage PEM is refused" pvenode cert set "$t/garbage.pem" "$t/good.key"
out=$(pvenode cert set "$t/good.pem" "$t/other.key" 2>&1)
like "$out" 'key does not match the certificate' "mismatched key is refused"
out=$(pvenode cert set "$t/good.pem" "$t/enc.key" 2>&1)
like "$out" 'password protected' "password-protected key is refused with a message saying so"
out=$(pvenode cert set "$t/wrong-order.pem" "$t/leaf.key" 2>&1)
like "$out" 'key does not match|not in issuing order' "chain in the wrong order is refused"
out=$(pvenode cert set "$t/good.pem" 2>&1)
like "$out" 'without \(existing\) key' "no key and no existing key is refused"
[ ! -e "$custom.pem" ] && [ ! -e "$custom.key" ] && pass "bad uploads wrote nothing" || fail "bad uploads wrote nothing"

ok "a good chain with leading text is accepted" pvenode cert set "$t/chain.pem" "$t/leaf.key" --restart
is "$(tail -1 "$PVE_ROOT/systemctl.log")" "reload-or-restart pveproxy" "--restart reloads pveproxy through systemctl"
ok "installed chain verifies" openssl verify -CAfile "$t/ca.pem" "$custom.pem"
is "$(stat -c %a "$custom.key")" 640 "custom key mode 0640"
fails "a second upload without --force is refused" pvenode cert set "$t/good.pem" "$t/good.key"
before=$(md5sum "$custom.pem" "$custom.key")
fails "a mismatched key with --force is refused" pvenode cert set "$t/good.pem" "$t/other.key" --force
is "$(md5sum "$custom.pem" "$custom.key")" "$before" "a refused upload leaves the old files"
ok "--force replaces the certificate" pvenode cert set "$t/good.pem" "$t/good.key" --force
is "$(pvesh get /nodes/pve1/certificates/info --output-format json | jq -r '.[2].subject')" "/CN=good" \
        "info shows the custom certificate"
is "$(pvenode cert delete)" "Deleting custom certificate files" "delete the custom certificate, as upstream says it"
[ ! -e "$custom.pem" ] && [ ! -e "$custom.key" ] && pass "delete removes both files" || fail "delete removes both files"
ok "upload again" pvenode cert set "$t/good.pem" "$t/good.key"
: >"$PVE_ROOT/systemctl.log"
is "$(pvenode cert delete 1)" "$(printf 'Deleting custom certificate files\nRestarting pveproxy')" \
        "delete with upstream's positional restart"
is "$(cat "$PVE_ROOT/systemctl.log")" "reload-or-restart pveproxy" "delete 1 reloads pveproxy"

done_testing
