#!/bin/bash
# Runs the web UI tests (node:test + playwright-core + Debian's chromium)
# against a real pveproxy in a network namespace of its own, so the network
# apply they do touches only that namespace. TAP output.
set -u
here=$(cd "$(dirname "$0")" && pwd)

skip_all() { echo "1..0 # SKIP $*"; echo "skip: $*" >&2; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespace)"
command -v chromium >/dev/null || skip_all "chromium not installed (deps/ui.txt)"
command -v node >/dev/null || skip_all "node not installed (deps/ui.txt)"
[ -f "$here/../../www/vendor/preact-htm.js" ] || skip_all "web UI modules missing (make www-vendor)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
        (cd "$here" && npm ci --no-audit --no-fund --silent) >&2 || skip_all "npm could not install playwright-core"
fi

# Two namespaces joined by a veth pair: pveproxy (and the network apply the
# tests do) in one, the browser in the other, so the browser never sees the
# links and addresses the apply changes (Chromium aborts requests in flight
# with ERR_NETWORK_CHANGED when its own namespace changes).
server=pvehost-ui-server-$$
client=pvehost-ui-client-$$
cleanup() { ip netns del "$server" 2>/dev/null; ip netns del "$client" 2>/dev/null; }
trap cleanup EXIT
ip netns add "$server" && ip netns add "$client" || skip_all "cannot create network namespaces"
for ns in "$server" "$client"; do ip -n "$ns" link set lo up; done
ip -n "$server" link add ui0 type veth peer name ui0 netns "$client" || skip_all "cannot create a veth pair"
ip -n "$server" addr add 10.77.0.1/30 dev ui0
ip -n "$client" addr add 10.77.0.2/30 dev ui0
ip -n "$server" link set ui0 up
ip -n "$client" link set ui0 up

export PVEHOST_UI_SERVER_NETNS=$server PVEHOST_UI_SERVER_ADDR=10.77.0.1
cd "$here" && ip netns exec "$client" node --test --test-reporter=tap --test-concurrency=1 ui.test.mjs
