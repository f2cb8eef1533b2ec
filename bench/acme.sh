#!/bin/bash
# Time to certificate for one http-01 domain against one local pebble, in one
# run: pvenode acme cert order vs Debian's uacme and lego (each with its
# own account registered beforehand, untimed). Prints medians and ratios.
#
# Each client gets an RSA-4096 certificate key: pvenode makes a new one for
# every certificate (as upstream), lego too (--key-type rsa4096); uacme
# reuses the key of its first run unless it is removed, so it is measured
# both ways. Key generation time varies a lot, hence the median.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${PVEHOST_BIN:=$here/../build/bin}"
export PVEHOST_BIN
. "$here/../tests/integ/lib.sh" >/dev/null
. "$here/../tests/integ/acme-lib.sh"

RUNS=${ACME_BENCH_RUNS:-5}
DOMAIN=bench.example.com

setup_root pve1
start_pebble
stub_systemctl
b=$PEBBLE_DIR/bench
mkdir -p "$b"

# time_runs NAME CMD...: runs CMD RUNS times in the namespace, prints the median in seconds.
time_runs() {
        local name=$1 i t0 t1
        shift
        : >"$b/$name.times"
        for i in $(seq "$RUNS"); do
                t0=$(date +%s.%N)
                if ! inns "$@" >"$b/$name.log" 2>&1; then
                        echo "$name failed:" >&2
                        tail -5 "$b/$name.log" >&2
                        return 1
                fi
                t1=$(date +%s.%N)
                echo "$t1 - $t0" | bc -l >>"$b/$name.times"
                sleep 1 # untimed: uacme names its backups by the second
        done
        sort -n "$b/$name.times" | awk '{ a[NR] = $1 } END { printf "%.3f\n", a[int((NR + 1) / 2)] }'
}

# ---- pvenode ----
echo y | inns pvenode acme account register default bench@example.com --directory "$DIRECTORY" >/dev/null 2>&1 ||
        { echo "pvenode: account registration failed" >&2; exit 1; }
pvenode config set --acme "domains=$DOMAIN" >/dev/null
ours=$(time_runs pvenode pvenode acme cert order --force) || exit 1

# ---- lego (its own http-01 server on port 80) ----
lego_t=
if command -v lego >/dev/null; then
        lego_cmd=(env LEGO_CA_CERTIFICATES="$SSL_CERT_FILE" lego --server "$DIRECTORY" --email bench@example.com
                  --accept-tos --path "$b/lego" --key-type rsa4096 --domains "$DOMAIN" --http --http.port :80)
        inns "${lego_cmd[@]}" run >/dev/null 2>&1 # registers the account
        lego_t=$(time_runs lego "${lego_cmd[@]}" run)
fi

# ---- uacme (hook writes the token, a web server on port 80 serves it) ----
uacme_t= uacme_new_t=
if command -v uacme >/dev/null && command -v python3 >/dev/null; then
        mkdir -p "$b/www/.well-known/acme-challenge"
        cat >"$b/hook.sh" <<EOF
#!/bin/sh
# uacme hook: method type ident token key_auth
[ "\$2" = http-01 ] || exit 1
case "\$1" in
begin) printf '%s' "\$5" >"$b/www/.well-known/acme-challenge/\$4" ;;
done|failed) rm -f "$b/www/.well-known/acme-challenge/\$4" ;;
esac
EOF
        chmod +x "$b/hook.sh"
        spawn webserver python3 -m http.server 80 --bind 127.0.0.1 --directory "$b/www"
        wait_port 80
        # uacme trusts the system CA bundle only: give it pebble's CA in a mount namespace of its own.
        uacme_cmd=(unshare -m sh -c 'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"'
                   "$SSL_CERT_FILE" uacme -c "$b/uacme" -a "$DIRECTORY" -t RSA -b 4096 -y)
        inns "${uacme_cmd[@]}" new bench@example.com >/dev/null 2>&1
        uacme_t=$(time_runs uacme "${uacme_cmd[@]}" -f -h "$b/hook.sh" issue "$DOMAIN")
        # Like for like: a new RSA-4096 key for every certificate, as pvenode and lego make.
        uacme_new_t=$(time_runs uacme-newkey sh -c 'rm -f "$0" && exec "$@"' "$b/uacme/private/$DOMAIN/key.pem" \
                "${uacme_cmd[@]}" -f -h "$b/hook.sh" issue "$DOMAIN")
fi

echo "acme: time to certificate, one http-01 domain, median of $RUNS (pebble on loopback)"
printf '  %-28s %8s s\n' "pvenode acme cert order" "$ours"
[ -n "$lego_t" ] && printf '  %-28s %8s s   (pvenode is %.2fx faster)\n' "lego run" "$lego_t" "$(echo "$lego_t / $ours" | bc -l)"
[ -n "$uacme_t" ] && printf '  %-28s %8s s   (pvenode is %.2fx faster)\n' "uacme issue (key reused)" "$uacme_t" "$(echo "$uacme_t / $ours" | bc -l)"
[ -n "$uacme_new_t" ] && printf '  %-28s %8s s   (pvenode is %.2fx faster)\n' "uacme issue (new key)" "$uacme_new_t" "$(echo "$uacme_new_t / $ours" | bc -l)"
exit 0
