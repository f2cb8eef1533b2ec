#!/bin/sh
# Checks the include rules of docs/HACKING.md: each layer includes only the
# layers below it, and areas include of each other only tasks/ and nodecfg/.
set -u
src=${1:-$(dirname "$0")/../../src}
n=0 failed=0
echo "1..4"

check() {
        desc=$1 dir=$2 pattern=$3
        n=$((n + 1))
        bad=$(grep -rnE "#include \"($pattern)/" "$src/$dir" 2>/dev/null)
        if [ -z "$bad" ]; then echo "ok $n - $desc"; else
                failed=1; echo "not ok $n - $desc"; echo "$bad" | sed 's/^/# /'
        fi
}

areas=$(cd "$src" && for d in */; do d=${d%/}; case $d in basic|sys|api|cmd|daemon) ;; *) printf '%s|' "$d" ;; esac; done)
areas=${areas%|}

check "basic includes nothing of ours" basic "sys|api|cmd|daemon|$areas"
check "sys includes only basic" sys "api|cmd|daemon|$areas"
check "api includes only basic and sys" api "cmd|daemon|$areas"

# Areas: no programs, and of other areas only tasks/ and nodecfg/.
n=$((n + 1)) bad=""
for a in $(echo "$areas" | tr '|' ' '); do
        others=$(echo "$areas" | tr '|' '\n' | grep -vx -e "$a" -e tasks -e nodecfg | paste -sd'|')
        pat="cmd|daemon${others:+|$others}"
        bad="$bad$(grep -rnE "#include \"($pat)/" "$src/$a" 2>/dev/null)"
done
if [ -z "$bad" ]; then echo "ok $n - areas include only basic, sys, api, tasks, nodecfg"; else
        failed=1; echo "not ok $n - areas include only basic, sys, api, tasks, nodecfg"; echo "$bad" | sed 's/^/# /'
fi
exit $failed
