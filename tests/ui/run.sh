#!/bin/bash
# Runs the web UI tests (node:test + playwright-core + Debian's chromium)
# against a real pveproxy inside a network namespace of their own, so the
# network apply they do touches only that namespace. TAP output.
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

ns=pvehost-ui-$$
ip netns add "$ns" || skip_all "cannot create a network namespace"
trap 'ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up

cd "$here" && ip netns exec "$ns" node --test --test-reporter=tap --test-concurrency=1 ui.test.mjs
