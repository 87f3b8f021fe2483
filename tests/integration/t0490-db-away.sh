#!/bin/bash
# The database goes away under load: MariaDB is SIGKILLed during a burst
# of registrations and catalog reads, then restarted. While it is down
# every answer is a 503 (never a 500, a 502 or a dropped connection);
# the workers are not restarted in a storm; the service is back within
# a second of MariaDB accepting connections; nothing is half-written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$AGORA_TOP/scripts/lib/stack.sh"
stack_users

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
S=$(rnd)
TOK=$(regtoken 100000)
W=$T_TMP
mw0=$(watcher_pid)
restarts0=$(grep -c 'supervise: .* restarting' "$PREFIX/log/agora.log")

# burst KIND SECONDS: one client looping; "ms status nid" lines to W/KIND.N
burst() {
	local kind=$1 end=$(( $(date +%s) + $2 )) i=0 nid st
	while [ "$(date +%s)" -lt "$end" ]; do
		i=$((i + 1))
		if [ "$kind" = reg ]; then
			nid=dbx-$S-$BASHPID-$i
			st=$(curl -s -o /dev/null -w '%{http_code}' -m 5 --cacert "$CACERT" \
			    -H "Authorization: Bearer $TOK" -H "$CT" --data \
			    "{\"nid\":\"$nid\",\"name\":\"X\",\"environment\":\"uat\",\"key_type\":\"p256\",\"endpoints\":{\"hub\":\"https://hub.$nid.example.com\"}}" \
			    "$BASE/api/v1/marketplaces")
		else
			nid=-
			st=$(curl -s -o /dev/null -w '%{http_code}' -m 5 --cacert "$CACERT" \
			    -u tnt_demo_open:demo-open-key "$BASE/api/mnoe/v2/apps?page[size]=5" -g)
		fi
		echo "$(date +%s%3N) $st $nid"
	done > "$W/$kind.$BASHPID"
}
pids=""
for k in reg reg cat cat; do
	burst "$k" 8 &
	pids="$pids $!"
done
sleep 2
kill -KILL "$(cat "$PREFIX/mysql/mysql.pid")"
tkill=$(date +%s%3N)
sleep 2
tstart=$(date +%s%3N)
stack_db_start >/dev/null 2>&1
tup=$(date +%s%3N)
for i in $(seq 1 100); do
	req GET /readyz
	[ "$STATUS" = 200 ] && break
	sleep 0.02
done
tback=$(date +%s%3N)
# shellcheck disable=SC2086
wait $pids	# not MariaDB, which stack_db_start left in the background
status 200 "ready again after the restart"
diag "MariaDB killed at +0, accepting at +$((tup - tkill)) ms, agora ready at +$((tback - tkill)) ms"
ok "back within 1 s of MariaDB accepting connections ($((tback - tup)) ms)" test $((tback - tup)) -le 1000

cat "$W"/reg.* > "$W/reg"
cat "$W"/cat.* > "$W/cat"
diag "registrations: $(awk '{print $2}' "$W/reg" | sort | uniq -c | tr '\n' ' ')"
diag "catalog reads: $(awk '{print $2}' "$W/cat" | sort | uniq -c | tr '\n' ' ')"
is "$(awk '$2 != 201 && $2 != 503' "$W/reg" | wc -l)" 0 "registrations: only 201 or 503"
is "$(awk '$2 != 200 && $2 != 503' "$W/cat" | wc -l)" 0 "catalog reads: only 200 or 503"
ok "the outage was seen (some 503s)" grep -q ' 503' "$W/reg" "$W/cat"
ok "and the service before and after it (201s and 200s)" sh -c "grep -q ' 201 ' '$W/reg' && grep -q ' 200 ' '$W/cat'"
# Answers that ended between the kill (and 200 ms for the requests in
# flight) and the restart: MariaDB could not answer any of them.
is "$(awk -v a="$tkill" -v b="$tstart" '$1 > a + 200 && $1 < b && $2 != 503' "$W/reg" "$W/cat" | wc -l)" 0 \
    "while MariaDB was down every answer was a 503"
is "$(watcher_pid)" "$mw0" "multiwatch was not restarted"
is "$(grep -c 'supervise: .* restarting' "$PREFIX/log/agora.log")" "$restarts0" "no restart of the worker pool"

# Nothing half-written: every marketplace of the burst is whole.
awk '$2 == 201 {print $3}' "$W/reg" | sort > "$W/won"
sql "SELECT nid FROM marketplace WHERE nid LIKE 'dbx-$S-%' ORDER BY nid" | sort > "$W/rows"
is "$(comm -23 "$W/won" "$W/rows" | wc -l)" 0 "every 201 is in the database"
is "$(sql "SELECT COUNT(*) FROM marketplace m WHERE m.nid LIKE 'dbx-$S-%' AND (m.cert_id IS NULL
    OR (SELECT COUNT(*) FROM credential c WHERE c.kind = 'marketplace' AND c.owner_id = m.id) <> 1
    OR (SELECT COUNT(*) FROM certificate c WHERE c.marketplace_id = m.id) <> 1
    OR (SELECT COUNT(*) FROM audit a WHERE a.action = 'marketplace.register' AND a.target_id = m.id) <> 1)")" 0 \
    "each has its credential, certificate and audit row, once"
is "$(sql "SELECT uses FROM registration_token ORDER BY id DESC LIMIT 1")" "$(wc -l < "$W/rows")" \
    "the token counts exactly the marketplaces written"
finish
