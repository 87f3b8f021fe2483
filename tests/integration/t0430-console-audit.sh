#!/bin/bash
# Admin console: the audit log page filters and pages on the server; the
# CSV export (web and agoractl audit export) honours the same filters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

# csvcol N FILE: column N of a CSV of quoted fields (no commas in values).
csvcol() { tail -n +2 "$2" | tr -d '\r' | awk -F'","' -v c="$1" '{gsub(/^"|"$/, ""); print $c}'; }
# labels FILE: the "label" of each row's after-snapshot, sorted.
labels() { tail -n +2 "$1" | grep -o '""label"":""[^"]*' | sed 's/.*""//' | sort | tr '\n' ' '; }

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
is "$STATUS" "303" "logged in"
req GET /admin/registration-tokens -b "$CJ"
TOK=$(csrf)

# Rows from two actors: agoractl and the console admin, all after START
# (other tests share the stack).
START=$(sql "SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s')")
sleep 1
for i in 1 2 3; do ctl registration-token create -l "cli-$i" >/dev/null; done
for i in 1 2; do
	req POST /admin/registration-tokens -b "$CJ" --data "label=web-$i&max_uses=1&expires_hours=1&csrf=$TOK"
done
status 200 "tokens created through the console"
sleep 1
MID=$(sql "SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s')")
sleep 1
ctl registration-token create -l cli-late >/dev/null
req POST /admin/registration-tokens -b "$CJ" --data "label=web-late&max_uses=1&expires_hours=1&csrf=$TOK"
ME="admin:$ADMIN_EMAIL"
CLI=$(sql "SELECT actor FROM audit WHERE actor LIKE 'agoractl:%' AND action = 'registration_token.create' LIMIT 1")
RT1=$(sql "SELECT id FROM registration_token WHERE label = 'web-1'")

# The page filters by actor.
req GET "/admin/audit?actor=$(printf %s "$ME" | jq -sRr @uri)" -b "$CJ"
status 200 "the audit log filtered by actor"
n=$(sql "SELECT COUNT(*) FROM audit WHERE actor = '$ME'")
ok "it counts the actor's rows" grep -q "of $n (page" "$BODY"
ok "it shows no other actor's rows" sh -c "! grep -q '>$CLI</a>' '$BODY'"
req GET "/admin/audit?target=registration_token:$RT1" -b "$CJ"
ok "filter by target kind and id" grep -q 'Rows 1-1 of 1 ' "$BODY"
req GET "/admin/audit?target=registration_token&page=2" -b "$CJ"
status 200 "page 2 of a filtered list"
req GET "/admin/audit?page=0" -b "$CJ"
status 400 "page 0 is refused"
req GET "/admin/audit?sort=actor%20DESC" -b "$CJ"
status 400 "a sort order outside the allow-list is refused"
req GET "/admin/audit?sort=actor&per=100" -b "$CJ"
status 200 "sort on the actor column"
got=$(grep -o '<tbody><tr><td class="nowrap"><time[^<]*</time></td><td><a href="[^"]*">[^<]*' "$BODY" | sed 's/.*>//')
is "$got" "$(sql "SELECT actor FROM audit ORDER BY actor, id DESC LIMIT 1")" "sort=actor lists the first actor first"
req GET "/admin/audit?sort=-action&per=100" -b "$CJ"
got=$(grep -o '<td><a href="/admin/audit?action=[^"]*">[^<]*' "$BODY" | head -1 | sed 's/.*>//')
is "$got" "$(sql "SELECT action FROM audit ORDER BY action DESC, id DESC LIMIT 1")" "sort=-action lists the last action first"
req GET "/admin/audit?sort=target" -b "$CJ"
status 200 "sort on the target column"
ok "the column headers link to their sort" grep -q 'href="/admin/audit?sort=-target' "$BODY"
req GET "/admin/audit?sort=at" -b "$CJ"
first=$(grep -o '<tbody><tr><td class="nowrap"><time datetime="[^"]*' "$BODY" | sed 's/.*"//')
is "$first" "$(sql "SELECT DATE_FORMAT(MIN(at), '%Y-%m-%dT%H:%i:%sZ') FROM audit")" "sort=at lists the oldest first"

# CSV over the web.
req GET "/admin/audit.csv" -b "$CJ"
status 200 "the CSV export"
is "$(header Content-Type)" "text/csv; charset=utf-8" "it is text/csv"
ok "it is an attachment" sh -c "grep -qi '^content-disposition: attachment' '$HDRS'"
is "$(head -1 "$BODY" | tr -d '\r')" "id,at,actor,action,target_kind,target_id,before,after,request_id" "the CSV header"
req GET "/admin/audit.csv?actor=$(printf %s "$ME" | jq -sRr @uri)" -b "$CJ"
cp "$BODY" "$T_TMP/web-actor.csv"
is "$(csvcol 3 "$T_TMP/web-actor.csv" | sort -u)" "$ME" "the actor filter: every row is the actor's"
is "$(tail -n +2 "$T_TMP/web-actor.csv" | wc -l)" "$(sql "SELECT COUNT(*) FROM audit WHERE actor = '$ME'")" \
    "the actor filter: all the actor's rows"
req GET "/admin/audit.csv?target=registration_token&since=$MID" -b "$CJ"
cp "$BODY" "$T_TMP/web-since.csv"
is "$(labels "$T_TMP/web-since.csv")" "cli-late web-late " \
    "the since filter keeps the later rows only"
req GET "/admin/audit.csv?target=registration_token&since=$START&until=$MID" -b "$CJ"
cp "$BODY" "$T_TMP/web-until.csv"
is "$(labels "$T_TMP/web-until.csv")" "cli-1 cli-2 cli-3 web-1 web-2 " \
    "the until filter keeps the earlier rows only"
req GET "/admin/audit.csv?target=registration_token:$RT1" -b "$CJ"
cp "$BODY" "$T_TMP/web-target.csv"
is "$(csvcol 6 "$T_TMP/web-target.csv")" "$RT1" "the target filter with an id"
req GET "/admin/audit.csv?since=yesterday" -b "$CJ"
status 400 "a malformed time is refused"
req GET "/admin/audit.csv?target=Bad-Kind" -b "$CJ"
status 400 "a malformed target is refused"
req GET "/admin/audit.csv?since=2026-02-30" -b "$CJ"
status 400 "an impossible date is refused"

# agoractl audit export gives the same rows with the same filters.
ctl audit export --actor "$ME" > "$T_TMP/cli-actor.csv"
ok "agoractl: the actor filter matches the web export" cmp -s "$T_TMP/web-actor.csv" "$T_TMP/cli-actor.csv"
ctl audit export --target registration_token --since "$MID" > "$T_TMP/cli-since.csv"
ok "agoractl: the since filter matches the web export" cmp -s "$T_TMP/web-since.csv" "$T_TMP/cli-since.csv"
ctl audit export --target registration_token --since "$START" --until "$MID" > "$T_TMP/cli-until.csv"
ok "agoractl: the until filter matches the web export" cmp -s "$T_TMP/web-until.csv" "$T_TMP/cli-until.csv"
ctl audit export --target "registration_token:$RT1" > "$T_TMP/cli-target.csv"
ok "agoractl: the target filter matches the web export" cmp -s "$T_TMP/web-target.csv" "$T_TMP/cli-target.csv"
ctl audit export --actor "$CLI" --target registration_token --since "$START" > "$T_TMP/cli-cli.csv"
is "$(csvcol 3 "$T_TMP/cli-cli.csv" | sort -u)" "$CLI" "agoractl: filters combine"
is "$(tail -n +2 "$T_TMP/cli-cli.csv" | wc -l)" "4" "agoractl: four rows from the command line"
ok "agoractl refuses a bad time" sh -c "! '$AGORACTL' audit export --since 2026-13-01 >/dev/null 2>&1"
ok "agoractl refuses a bad target" sh -c "! '$AGORACTL' audit export --target 'x y' >/dev/null 2>&1"
ok "agoractl refuses stray arguments" sh -c "! '$AGORACTL' audit export extra >/dev/null 2>&1"

finish
