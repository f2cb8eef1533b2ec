#!/bin/bash
# Tasks: UPIDs, logs, status lines, active/index files, list filters, stop (issue 3 contract).
. "$(dirname "$0")/lib.sh"

need_cmd jq
plan 43
setup_root pve1
T="$PVEHOST_HELPERS/test-task"
tasks=$PVE_ROOT/var/log/pve/tasks

logfile() { # UPID -> its log path (subdirectory = last digit of the starttime field)
        local start; start=$(cut -d: -f5 <<<"$1")
        echo "$tasks/${start:7:1}/$1"
}

# A synchronous task prints its log as it grows and ends with the status line.
out=$("$T" --sync --type srvreload --id 100 --lines 2); rc=$?
is "$rc" "0" "successful task exits 0"
upid=$(tail -n1 <<<"$out")
like "$upid" '^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:srvreload:100:root@pam:$' "UPID in upstream format"
like "$out" '^line 1 of UPID:' "log printed to stdout"
like "$out" '^TASK OK$' "status line printed"
ok "log file below tasks/<X>/" test -f "$(logfile "$upid")"
is "$(tail -n1 "$(logfile "$upid")")" "TASK OK" "log ends with TASK OK"
is "$(stat -c %a "$(logfile "$upid")")" "640" "log file mode 0640"
like "$(cat "$tasks/index")" "^$upid [0-9A-F]{8} OK$" "index line: UPID endtime status"

# Warnings and errors.
out=$("$T" --sync --type warntask --warn 2)
is "$?" "0" "task with warnings exits 0"
wupid=$(tail -n1 <<<"$out")
is "$(tail -n1 "$(logfile "$wupid")")" "TASK WARNINGS: 2" "warnings counted"
like "$(cat "$(logfile "$wupid")")" '^WARN: warning 1$' "warnings logged with WARN:"

out=$("$T" --sync --type failtask --fail $'broken\nbadly' 2>&1); rc=$?
is "$rc" "1" "failing task exits non-zero"
fupid=$(tail -n1 <<<"$out")
is "$(tail -n1 "$(logfile "$fupid")")" "TASK ERROR: broken badly" "error line, newlines flattened"

out=$("$T" --sync --type crashtask --crash 2>&1)
cupid=$(tail -n1 <<<"$out")
like "$(tail -n1 "$(logfile "$cupid")")" '^TASK ERROR: task process killed by signal 11' "a crashing task still gets a status line"

out=$("$T" --sync --type partial --no-newline)
pupid=$(tail -n1 <<<"$out")
is "$(tail -n2 "$(logfile "$pupid")" | head -n1)" "partial line" "status line starts on its own line"

# Listing: upstream's CLI status mapping, raw statuses in pvesh.
list=$(pvesh get /nodes/pve1/tasks --output-format json)
is "$(jq -r --arg u "$fupid" '.[] | select(.upid == $u) | .status' <<<"$list")" "broken badly" "pvesh keeps the raw status"
is "$(jq -r --arg u "$wupid" '.[] | select(.upid == $u) | .status' <<<"$list")" "WARNINGS: 2" "warnings status kept"
is "$(jq -r '.[0].upid' <<<"$list")" "$pupid" "most recently finished first"
out=$(pvenode task list --output-format json)
is "$(jq -r --arg u "$fupid" '.[] | select(.upid == $u) | .status' <<<"$out")" "ERROR" "pvenode maps errors to ERROR"
is "$(jq -r --arg u "$wupid" '.[] | select(.upid == $u) | .status' <<<"$out")" "WARNINGS: 2" "pvenode keeps WARNINGS"
out=$(pvenode task list --noborder)
like "$out" 'srvreload' "text table lists tasks"

is "$(pvesh get /nodes/pve1/tasks --typefilter srvreload --output-format json | jq length)" "1" "typefilter"
is "$(pvesh get /nodes/pve1/tasks --vmid 100 --output-format json | jq -r '.[0].type')" "srvreload" "vmid filter"
is "$(pvesh get /nodes/pve1/tasks --errors 1 --output-format json | jq -r '[.[].type] | sort | join(",")')" \
        "crashtask,failtask,warntask" "errors=1 removes only ok tasks"
is "$(pvesh get /nodes/pve1/tasks --statusfilter ok --output-format json | jq -r '[.[].type] | sort | join(",")')" \
        "partial,srvreload" "statusfilter ok"
is "$(pvesh get /nodes/pve1/tasks --limit 2 --start 1 --output-format json | jq length)" "2" "start/limit paging"
is "$(pvesh get /nodes/pve1/tasks --userfilter ROOT --output-format json | jq length)" "5" "userfilter is a case-insensitive substring"
is "$(pvesh get /nodes/pve1/tasks --since 4000000000 --output-format json | jq length)" "0" "since filter"

# Log and status.
is "$(pvenode task log "$upid" | head -n1)" "line 1 of $upid" "task log prints the lines"
is "$(pvesh get "/nodes/pve1/tasks/$upid/log" --start 1 --limit 1 --output-format json)" \
        "[{\"n\":2,\"t\":\"line 2 of $upid\"}]" "log start/limit"
is "$(pvesh get "/nodes/pve1/tasks/$upid/status" --output-format json | jq -r '.status + " " + .exitstatus')" \
        "stopped OK" "status of a finished task"

out=$(pvesh get /nodes/pve1/tasks/UPID:garbage/status 2>&1)
like "$out" '^upid: unable to parse worker upid' "malformed UPID refused naming upid"
missing="UPID:pve1:00000001:00000001:00000001:none::root@pam:"
out=$(pvesh get "/nodes/pve1/tasks/$missing/log" 2>&1)
like "$out" 'no such task' "unknown task"
empty="UPID:pve1:00000002:00000002:00000002:empty::root@pam:"
mkdir -p "$tasks/2"; : >"$tasks/2/$empty"
is "$(pvesh get "/nodes/pve1/tasks/$empty/log" --output-format json)" '[{"n":1,"t":"no content"}]' "empty log"

# A running task: active list, stop.
aupid=$("$T" --type sleeper --sleep 60)
is "$(pvesh get "/nodes/pve1/tasks/$aupid/status" --output-format json | jq -r .status)" "running" "async task runs"
is "$(pvesh get /nodes/pve1/tasks --source active --output-format json | jq -r --arg u "$aupid" '.[] | select(.upid == $u) | .status')" \
        "RUNNING" "active source shows RUNNING"
ok "stop the task" pvesh delete "/nodes/pve1/tasks/$aupid"
is "$(pvesh get "/nodes/pve1/tasks/$aupid/status" --output-format json | jq -r .status)" "stopped" "stopped task is gone"
is "$(tail -n1 "$(logfile "$aupid")")" "TASK ERROR: received interrupt" "stop recorded in the log"

# The index is rotated to index.1 beyond 50000 bytes, and both are listed.
before=$(pvesh get /nodes/pve1/tasks --limit 1000 --output-format json | jq length)
for i in $(seq 1 800); do
        printf 'UPID:pve1:00000001:00000001:%08X:filler::root@pam: %08X OK\n' "$i" "$i"
done >>"$tasks/index"
"$T" --sync --type rotate >/dev/null
ok "index rotated to index.1" test -s "$tasks/index.1"
"$T" --sync --type afterrotate >/dev/null
is "$(pvesh get /nodes/pve1/tasks --limit 2000 --output-format json | jq length)" "$((before + 802))" "index and index.1 both listed"
is "$(pvesh get /nodes/pve1/tasks --output-format json | jq -r '.[0].type')" "afterrotate" "newest first across the rotation"

# A bad index line is skipped.
n=$(pvesh get /nodes/pve1/tasks --limit 2000 --output-format json | jq length)
printf 'garbage line\n' >>"$tasks/index"
is "$(pvesh get /nodes/pve1/tasks --limit 2000 --output-format json | jq length)" "$n" "bad index line skipped"

done_testing
