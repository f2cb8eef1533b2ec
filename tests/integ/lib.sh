# SPDX-License-Identifier: AGPL-3.0-or-later
# TAP helpers for integration tests (bash). Source from a test script:
#
#   . "$(dirname "$0")/lib.sh"
#   plan 3
#   setup_root                       # fresh PVE_ROOT sandbox, removed on exit
#   ok "pvesh runs" pvesh get /version
#   is "$(pvesh get /version --output-format json | jq -r .release)" "9.1" "release"
#
# Programs are taken from $PVEHOST_BIN (set by meson) and put first in PATH.
# Everything a test creates (sandbox dirs, network namespaces, loop devices,
# processes) is registered with on_exit and removed even when the test fails.

set -u

: "${PVEHOST_BIN:?PVEHOST_BIN must point at the built programs}"
export PATH="$PVEHOST_BIN:$PATH"
export PVE_LOG_LEVEL="${PVE_LOG_LEVEL:-warning}"

TAP_N=0
TAP_FAILED=0
_EXIT_HOOKS=()

on_exit() { _EXIT_HOOKS+=("$*"); }

_run_exit_hooks() {
        local i
        for ((i = ${#_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
                eval "${_EXIT_HOOKS[$i]}" >/dev/null 2>&1 || true
        done
}
trap _run_exit_hooks EXIT
# A signal (meson's timeout sends SIGTERM) ends the test through exit, so the hooks run then too.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

plan() { echo "1..$1"; }

# skip_all REASON: the whole test cannot run here.
skip_all() {
        echo "1..0 # SKIP $*"
        echo "skip: $*" >&2
        exit 0
}

pass() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
fail() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - # SKIP $*"; echo "skip: $*" >&2; }

# ok DESC CMD...: passes when CMD exits 0; shows its output otherwise.
ok() {
        local desc=$1 out; shift
        if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc"; printf '%s\n' "$out" | sed 's/^/# /'; fi
}

# fails DESC CMD...: passes when CMD exits non-zero.
fails() {
        local desc=$1 out; shift
        if out=$("$@" 2>&1); then fail "$desc (exit 0)"; printf '%s\n' "$out" | sed 's/^/# /'; else pass "$desc"; fi
}

# is GOT EXPECTED DESC
is() {
        if [ "$1" = "$2" ]; then pass "$3"; else
                fail "$3"
                printf '# got:      %s\n# expected: %s\n' "$1" "$2" | sed 's/^\(# [a-z]*: *\)/\1/'
        fi
}

# like GOT REGEX DESC
like() {
        if printf '%s' "$1" | grep -Eq -- "$2"; then pass "$3"; else
                fail "$3"; printf '# got: %s\n# expected to match: %s\n' "$1" "$2"
        fi
}

done_testing() { [ "$TAP_FAILED" -eq 0 ]; }

# setup_root [NODENAME]: a fresh sandbox root with the node directory.
setup_root() {
        PVE_ROOT=$(mktemp -d /tmp/pvehost-integ.XXXXXX)
        export PVE_ROOT
        export PVE_NODENAME="${1:-pve1}"
        mkdir -p "$PVE_ROOT/etc/pve/nodes/$PVE_NODENAME"
        on_exit "rm -rf '$PVE_ROOT'"
}

need_root() { [ "$(id -u)" -eq 0 ] || skip_all "needs root"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip_all "$1 not installed"; }

# new_netns VAR NAME: creates a network namespace, removed on exit, and
# stores its name in VAR. (Not usable as $(new_netns ...): the exit hook
# would be registered in the subshell and lost.)
new_netns() {
        local _netns_name="pvehost-$2-$$"
        ip netns add "$_netns_name" || return 1
        on_exit "ip netns del '$_netns_name'"
        ip -n "$_netns_name" link set lo up
        printf -v "$1" '%s' "$_netns_name"
}
