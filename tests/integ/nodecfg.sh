#!/bin/bash
# Node configuration: upstream file format, digest, delete, parse errors (issue 3 contract).
. "$(dirname "$0")/lib.sh"

plan 16
setup_root pve1
cfg=$PVE_ROOT/etc/pve/nodes/pve1/config

ok "set description and keys" pvenode config set --description $'Rack 4: slot 2\n100% used' \
        --startall-onboot-delay 10 --wakeonlan 52:54:00:12:34:56,bind-interface=eth0
expected=$'#Rack 4%3A slot 2\n#100%25 used\nstartall-onboot-delay: 10\nwakeonlan: 52:54:00:12:34:56,bind-interface=eth0'
is "$(cat "$cfg")" "$expected" "file in upstream format (encoded description, sorted keys)"
is "$(pvenode config get)" "$expected" "config get prints the file format"

is "$(pvenode config get --property startall-onboot-delay)" "startall-onboot-delay: 10" "--property returns one key"
is "$(pvesh get /nodes/pve1/config --property ballooning-target --output-format json)" "{}" "absent property gives {}"

digest=$(pvesh get /nodes/pve1/config --output-format json | jq -r .digest)
is "$digest" "$(sha1sum <"$cfg" | cut -d' ' -f1)" "digest is the SHA-1 of the file"
fails "a stale digest is refused" pvenode config set --ballooning-target 70 --digest 0000000000000000000000000000000000000000
ok "the right digest is accepted" pvenode config set --ballooning-target 70 --digest "$digest"

ok "delete keys" pvenode config set --delete ballooning-target,description
is "$(cat "$cfg")" $'startall-onboot-delay: 10\nwakeonlan: 52:54:00:12:34:56,bind-interface=eth0' "keys deleted"

# Hand-written upstream file with an unknown key: kept, values verbatim.
printf '#note\nacme: domains=a.example.com;b.example.com,account=default\nfuture-key: something\n' >"$cfg"
ok "set on a hand-written file" pvenode config set --startall-onboot-delay 5
is "$(cat "$cfg")" $'#note\nacme: domains=a.example.com;b.example.com,account=default\nfuture-key: something\nstartall-onboot-delay: 5' \
        "unknown key and verbatim property string survive"

fails "a multicast MAC is refused" pvenode config set --wakeonlan 01:00:5e:00:00:01
before=$(cat "$cfg")
printf 'garbage without colon\n' >>"$cfg"
before=$(cat "$cfg")
out=$(pvenode config get 2>&1)
like "$out" 'config:5:' "get names file:line of a parse error"
out=$(pvenode config set --startall-onboot-delay 7 2>&1)
like "$out" 'config:5:' "set names file:line of a parse error"
is "$(cat "$cfg")" "$before" "set writes nothing when the file is broken"

done_testing
