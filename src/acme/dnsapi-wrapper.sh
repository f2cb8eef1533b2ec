# Runs one acme.sh-style DNS API script: sources dns_<api>.sh and calls
# dns_<api>_add or dns_<api>_rm for the challenge record, with the helper
# functions acme.sh provides its DNS scripts. Embedded into pvenode by
# src/acme/meson.build and run by bash as an unprivileged user:
#
#   bash -c "<this script>" proxmox-acme <setup|teardown> <api> <domain> <dnsapi dir>
#
# stdin: the TXT value on the first line, then the plugin's KEY=VALUE lines,
# which are exported (secrets never appear on the command line).

action=$1 api=$2 domain=$3 dnsapi_dir=$4

IFS= read -r txtvalue || exit 2
while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        [A-Za-z_]*=*) export "${line%%=*}=${line#*=}" ;;
        esac
done

USER_AGENT="pvehost-acme/1.0"
HTTP_HEADER=$(mktemp) || exit 1
trap 'rm -f "$HTTP_HEADER"' EXIT

# ---- acme.sh's helper functions, as DNS API scripts use them ----

_info() { printf '[%s] %s\n' "$(date)" "$*"; }
_err() { printf '[%s] %s\n' "$(date)" "$*" >&2; return 1; }
_debug() { [ -n "${DEBUG:-}" ] && printf '[%s] %s\n' "$(date)" "$*" >&2; return 0; }
_debug2() { _debug "$@"; }
_debug3() { _debug "$@"; }
_secure_debug() { _debug "$1" "(hidden)"; }
_secure_debug2() { _secure_debug "$@"; }
_secure_debug3() { _secure_debug "$@"; }
_log() { return 0; }

# Settings come from the plugin data; nothing is persisted.
_readaccountconf() { eval "printf '%s' \"\${$1:-}\""; }
_readaccountconf_mutable() { _readaccountconf "$1"; }
_readdomainconf() { _readaccountconf "$1"; }
_saveaccountconf() { return 0; }
_saveaccountconf_mutable() { return 0; }
_savedomainconf() { return 0; }
_clearaccountconf() { return 0; }
_clearaccountconf_mutable() { return 0; }
_cleardomainconf() { return 0; }

_exists() { command -v "$1" >/dev/null 2>&1; }
_contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
_startswith() { case "$1" in "$2"*) return 0 ;; esac; return 1; }
_endswith() { case "$1" in *"$2") return 0 ;; esac; return 1; }
_hasfield() { printf '%s' "$1" | tr "${3:-,}" '\n' | grep -qxF -- "$2"; }
_getfield() { printf '%s' "$1" | cut -d "${3:-,}" -f "$2"; }
_math() { printf '%s' "$(($*))"; }
_egrep_o() { grep -Eo -- "$1"; }
_lower_case() { tr 'A-Z' 'a-z'; }
_upper_case() { tr 'a-z' 'A-Z'; }
_head_n() { head -n "$1"; }
_tail_n() { tail -n "$1"; }
_sleep() { sleep "$1"; }
_time() { date -u +%s; }
_utc_date() { date -u '+%Y-%m-%d %H:%M:%S'; }
_normalizeJson() { sed 's/" *: *\([\"{\[]\)/":\1/g' | sed 's/^ *\([^ ]\)/\1/' | tr -d '\r\n'; }
_base64() { if [ "${1:-}" ]; then base64 -w 64; else base64 -w 0; fi; }
_dbase64() { base64 -d; }
_url_encode() { od -An -v -tx1 | tr -d ' \n' | sed 's/\(..\)/%\1/g'; }
_hex_dump() { od -An -v -tx1 | tr -s ' ' | sed 's/ $//' | tr -d '\r\t\n'; }
_h2b() { sed 's/\(..\)/\\x\1/g' | xargs -0 printf '%b'; }
# _digest alg [hex]: base64 (or hex) digest of stdin.
_digest() {
        if [ "${2:-}" ]; then openssl dgst -"$1" -hex | cut -d = -f 2 | tr -d ' '
        else openssl dgst -"$1" -binary | _base64; fi
}
# _hmac alg hexkey [hex]: HMAC of stdin.
_hmac() {
        if [ "${3:-}" ]; then openssl dgst -"$1" -mac HMAC -macopt "hexkey:$2" -hex | cut -d = -f 2 | tr -d ' '
        else openssl dgst -"$1" -mac HMAC -macopt "hexkey:$2" -binary; fi
}

_curl_headers() {
        for h in "${_H1:-}" "${_H2:-}" "${_H3:-}" "${_H4:-}" "${_H5:-}"; do
                [ -n "$h" ] && printf '%s\0' -H "$h"
        done
}

# _get url [onlyheader] [timeout]
_get() {
        set -- "$1" "${2:-}" "${3:-}"
        local -a opts=()
        mapfile -d '' opts < <(_curl_headers)
        [ -n "$2" ] && opts+=(-I)
        [ -n "$3" ] && opts+=(--connect-timeout "$3")
        curl -L --silent --dump-header "$HTTP_HEADER" -g --user-agent "$USER_AGENT" "${opts[@]}" "$1"
}

# _post body url [needbase64] [method] [content type]
_post() {
        local body=$1 url=$2 needbase64=${3:-} method=${4:-POST} ctype=${5:-}
        local -a opts=()
        mapfile -d '' opts < <(_curl_headers)
        [ -n "$ctype" ] && opts+=(-H "Content-Type: $ctype")
        [ "$method" = HEAD ] && opts+=(-I)
        [ -n "$body" ] && opts+=(--data "$body")
        if [ -n "$needbase64" ]; then
                curl -L --silent --dump-header "$HTTP_HEADER" -g --user-agent "$USER_AGENT" -X "$method" \
                        "${opts[@]}" "$url" | _base64
        else
                curl -L --silent --dump-header "$HTTP_HEADER" -g --user-agent "$USER_AGENT" -X "$method" \
                        "${opts[@]}" "$url"
        fi
}

# ---- run the script ----

case "$api" in
*[!A-Za-z0-9_]* | "") _err "invalid DNS API name '$api'"; exit 1 ;;
esac
script="$dnsapi_dir/dns_$api.sh"
if ! . "$script"; then
        _err "Load file $script error."
        exit 1
fi

case "$action" in
setup) fn="dns_${api}_add" ;;
teardown) fn="dns_${api}_rm" ;;
*) _err "unknown action '$action'"; exit 2 ;;
esac
if ! _exists "$fn"; then
        _err "It seems that your api file is not correct, it must have a function named: $fn"
        exit 1
fi
if ! "$fn" "_acme-challenge.$domain" "$txtvalue"; then
        _err "Error $action TXT record for domain: _acme-challenge.$domain"
        exit 1
fi
