# ACME test helpers (bash, after lib.sh): a real Debian pebble with
# pebble-challtestsrv as its DNS, in a network namespace of the test's own,
# so the http-01 responder can have port 80 and nothing leaves the machine.
#
#   start_pebble                # sets NS, PEBBLE_DIR, DIRECTORY, SSL_CERT_FILE
#   inns pvenode acme ...       # runs a command inside the namespace
#   pebble_roots FILE           # pebble's issuing root, for openssl verify
#
# Everything is removed on exit (lib.sh on_exit).

need_root
need_cmd pebble
need_cmd pebble-challtestsrv
need_cmd openssl
need_cmd curl

PEBBLE_EAB_KID=kid-1
PEBBLE_EAB_KEY=zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W

inns() { ip netns exec "$NS" "$@"; }

# wait_port PORT: until something accepts on 127.0.0.1:PORT in the namespace (5 s).
wait_port() {
        local i
        for i in $(seq 50); do
                inns bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
                sleep 0.1
        done
        echo "# nothing listens on port $1" >&2
        return 1
}

# pebble_config PORT MGMT_PORT EAB_REQUIRED
pebble_config() {
        cat <<EOF
{"pebble": {"listenAddress": "127.0.0.1:$1", "managementListenAddress": "127.0.0.1:$2",
 "certificate": "$PEBBLE_DIR/server.pem", "privateKey": "$PEBBLE_DIR/server.key",
 "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "",
 "externalAccountBindingRequired": $3,
 "externalAccountMACKeys": {"$PEBBLE_EAB_KID": "$PEBBLE_EAB_KEY"},
 "domainBlocklist": ["blocked.example.com"]}}
EOF
}

# spawn NAME CMD...: runs CMD in the namespace in the background, killed on exit.
spawn() {
        local name=$1 pid
        shift
        ip netns exec "$NS" "$@" >"$PEBBLE_DIR/$name.log" 2>&1 &
        pid=$!
        on_exit "kill $pid; wait $pid"
}

start_pebble() {
        # Not $(new_netns): its on_exit hook would be registered in a subshell and lost.
        NS="pvehost-acme-$$"
        ip netns add "$NS" || skip_all "cannot create a network namespace"
        on_exit "ip netns del '$NS'"
        ip -n "$NS" link set lo up
        PEBBLE_DIR=$(mktemp -d /tmp/pvehost-pebble.XXXXXX)
        on_exit "rm -rf '$PEBBLE_DIR'"
        chmod 755 "$PEBBLE_DIR"

        # The TLS certificate of pebble's own HTTPS API, from a CA the client is told about.
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PEBBLE_DIR/ca.key" -out "$PEBBLE_DIR/ca.pem" \
                -days 2 -subj /CN=pvehost-test-root 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout "$PEBBLE_DIR/server.key" -out "$PEBBLE_DIR/server.csr" \
                -subj /CN=localhost 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$PEBBLE_DIR/ext"
        openssl x509 -req -in "$PEBBLE_DIR/server.csr" -CA "$PEBBLE_DIR/ca.pem" -CAkey "$PEBBLE_DIR/ca.key" \
                -CAcreateserial -days 2 -extfile "$PEBBLE_DIR/ext" -out "$PEBBLE_DIR/server.pem" 2>/dev/null

        pebble_config 14000 15000 false >"$PEBBLE_DIR/pebble.json"
        pebble_config 14001 15001 true >"$PEBBLE_DIR/pebble-eab.json"

        spawn challtestsrv pebble-challtestsrv -defaultIPv6 "" -defaultIPv4 127.0.0.1 -http01 "" -https01 "" \
                -tlsalpn01 "" -dns01 127.0.0.1:8053 -management 127.0.0.1:8055
        spawn pebble env PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 pebble -config "$PEBBLE_DIR/pebble.json" -dnsserver 127.0.0.1:8053
        spawn pebble-eab env PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 pebble -config "$PEBBLE_DIR/pebble-eab.json" \
                -dnsserver 127.0.0.1:8053
        wait_port 8055 && wait_port 14000 && wait_port 14001 || skip_all "pebble did not start"

        DIRECTORY=https://127.0.0.1:14000/dir
        DIRECTORY_EAB=https://127.0.0.1:14001/dir
        export SSL_CERT_FILE=$PEBBLE_DIR/ca.pem
}

# pebble_roots FILE: the root pebble issues under (management interface).
pebble_roots() {
        inns curl -sf --cacert "$SSL_CERT_FILE" https://127.0.0.1:15000/roots/0 >"$1"
}

# challtestsrv JSON PATH: a request to the DNS test server's management API.
challtestsrv() {
        inns curl -sf -X POST -d "$1" "http://127.0.0.1:8055/$2" >/dev/null
}

# stub_systemctl: records what pveproxy is told, in $PVE_ROOT/systemctl.log.
stub_systemctl() {
        mkdir -p "$PVE_ROOT/bin"
        printf '#!/bin/sh\necho "$*" >>"%s/systemctl.log"\n' "$PVE_ROOT" >"$PVE_ROOT/bin/systemctl"
        chmod +x "$PVE_ROOT/bin/systemctl"
        export PATH="$PVE_ROOT/bin:$PATH"
}
