#!/bin/bash
# pvesh: listing, output formats, usage, error handling (issue 3 contract).
. "$(dirname "$0")/lib.sh"

plan 27
setup_root pve1

out=$(pvesh ls /)
like "$out" '^Dr---        nodes$' "ls / shows nodes as a directory"
like "$out" '^-r---        version$' "ls / shows version"

out=$(pvesh ls /nodes/pve1)
like "$out" '-rw--        config' "node index offers config (get/set)"
like "$out" '---c-        wakeonlan' "node index offers wakeonlan (create)"
like "$out" 'status' "node index offers status"

json=$(pvesh get /version --output-format json)
for k in version release repoid; do
        is "$(jq -r ".$k | type" <<<"$json")" "string" "/version has string key $k"
done

json=$(pvesh get /nodes --output-format json)
is "$(jq -r '.[] | select(.node == "pve1") | .status' <<<"$json")" "online" "/nodes lists the local node online"

names=$(pvesh get /nodes/pve1 --output-format json | jq -r '.[].name' | tr '\n' ' ')
like "$names" 'config.*status.*version.*wakeonlan' "node index lists config, status, version, wakeonlan"

out=$(pvesh get /version --output-format bogus 2>&1); rc=$?
is "$rc" "255" "unknown output format exits 255"
like "$out" "output-format: value 'bogus' does not have a value in the enumeration 'text, json, json-pretty, yaml'" "error names output-format"

out=$(pvesh get /version --output-format yaml)
like "$out" '^---$' "yaml output starts a document"
like "$out" "^release: '9.1'$" "yaml quotes numeric-looking strings"

out=$(pvesh get /version --output-format json-pretty)
like "$out" '^   "release" : "9.1",$' "json-pretty uses upstream's layout"

out=$(pvesh usage /nodes/{node}/config)
like "$out" 'pvesh get /nodes/\{node\}/config' "usage shows get with placeholder"
like "$out" 'pvesh set /nodes/\{node\}/config' "usage shows set with placeholder"

out=$(pvesh usage /nodes/{node}/config --verbose)
like "$out" '--startall-onboot-delay' "verbose usage lists options"

out=$(pvesh get /nodes/pve1/nosuch 2>&1); rc=$?
like "$out" "No 'get' handler defined for '/nodes/pve1/nosuch'" "unknown path is refused"

out=$(pvesh get /nodes/pve1/config --nosuchoption 1 2>&1); rc=$?
is "$rc" "255" "unknown option exits 255"

out=$(pvesh set /nodes/pve1/config --startall-onboot-delay 301 2>&1); rc=$?
like "$out" 'startall-onboot-delay: value must have a maximum value of 300' "range error names the parameter"

# Completion and manual pages come from the same schema.
is "$(COMP_LINE='pvesh get /nodes/' pvesh bashcomplete | head -n1)" "/nodes/pve1" "pvesh completes node names"
is "$(COMP_LINE='pvesh get /nodes/pve1/con' pvesh bashcomplete | head -n1)" "/nodes/pve1/config" "pvesh completes paths"
is "$(COMP_LINE='pvenode task l' pvenode bashcomplete | tr '\n' ' ')" "list log " "pvenode completes sub-commands"
is "$(COMP_LINE='pvenode task list --source a' pvenode bashcomplete | tr '\n' ' ')" "archive active all " "enum values complete (schema order)"
out=$(pvesh generate-manpage)
like "$out" '^\.TH PVESH 1' "pvesh manual page"
like "$out" '^\.SS pvesh set /nodes/\{node\}/config' "manual page lists API methods"

done_testing
