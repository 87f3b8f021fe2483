#!/bin/bash
# Delivery: retries until the receiver answers 2xx and then no more;
# agora-notify SIGKILLed mid-delivery and MariaDB restarted mid-burst
# lose nothing; a slow receiver holds a few slots, not the others; a
# DNS answer that turns private at send time is refused; 1,000 events in
# a burst all arrive (the rate is printed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$(dirname "$0")/t0500-lib.inc"

S=$(rnd)

# ping N SUB: N test events for subscription SUB, written by SQL in one
# statement (events from hand-made SQL are delivered like the API's).
ping() {
	sql "INSERT INTO event (uid, type, subscription_id, payload)
	    SELECT UUID(), 'ping', $2, JSON_OBJECT('n', seq)
	    FROM seq_1_to_$1"
}
# ids SUB: the event ids of subscription SUB's test events, sorted.
ids() { sql "SELECT uid FROM event WHERE subscription_id = $1 ORDER BY uid"; }
# got PATH: the distinct event ids that reached PATH with a 200, sorted.
got() { jq -r "select(.path == \"$1\" and .status == 200) | .id" "$ARRIVALS" | sort -u; }
# settled SUB [SECONDS]: wait until every test event of SUB is fanned
# out and none of its deliveries is pending.
settled() {
	local i
	for i in $(seq 1 $((${2:-30} * 10))); do
		[ "$(sql "SELECT (SELECT COUNT(*) FROM event WHERE subscription_id = $1 AND fanned = 0) + (SELECT COUNT(*) FROM delivery WHERE subscription_id = $1 AND state = 'pending')")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# --- 500 five times, then 200: exactly one more delivery ---------------------
hook /flaky fail=5 '"events":["ping"]'
HF=$HOOK_ID
admin POST /api/v1/admin/webhooks/$HF/test
status 202 "a test event for the flaky receiver"
E=$(jqv .event_id)
n=$(await 1 ".id == \"$E\" and .status == 200" 30)
is "$n" "1" "the event arrives once the receiver answers 200"
sleep 2
is "$(arrived ".id == \"$E\" and .status == 500")" "5" "after five 500s"
is "$(arrived ".id == \"$E\" and .status == 200")" "1" "and exactly one more delivery, none after it"
is "$(sql "SELECT CONCAT(state, ' ', attempts, ' ', last_status) FROM delivery WHERE subscription_id = $HF")" "delivered 6 200" \
    "the delivery is delivered after 6 attempts"
is "$(sql "SELECT GROUP_CONCAT(http_status ORDER BY a.id) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HF")" \
    "500,500,500,500,500,200" "every attempt is recorded with its status"
is "$(sql "SELECT response LIKE 'status 500%' FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HF ORDER BY a.id LIMIT 1")" "1" "the answer's first bytes are kept"
gaps=$(sql "SELECT GROUP_CONCAT(ROUND(TIMESTAMPDIFF(MICROSECOND, p.at, a.at) / 1000) ORDER BY a.id) FROM delivery_attempt a JOIN delivery_attempt p ON p.id = (SELECT MAX(id) FROM delivery_attempt WHERE delivery_id = a.delivery_id AND id < a.id) JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HF")
diag "gaps between attempts (ms): $gaps"
first=$(echo "$gaps" | cut -d, -f1)
fourth=$(echo "$gaps" | cut -d, -f4)
ok "the back-off grows (first gap $first ms, fourth $fourth ms)" test "$fourth" -gt "$first"

# --- a slow receiver does not hold up the others ----------------------------
hook /slow sleep=6000 '"events":["ping"]'
HS=$HOOK_ID
hook /fast "" '"events":["ping"]'
HQ=$HOOK_ID
ping 8 "$HS"
sleep 0.5
t0=$(date +%s%3N)
ping 1 "$HQ"
n=$(await 1 '.path == "/fast" and .status == 200' 10)
t1=$(date +%s%3N)
is "$n" "1" "the fast receiver gets its event while the slow one sleeps"
diag "fast delivery took $((t1 - t0)) ms with 8 slow deliveries pending"
ok "within 2.5 s" test $((t1 - t0)) -lt 2500
sleep 3
ok "the slow attempts time out" test "$(sql "SELECT COUNT(*) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HS AND a.error LIKE 'Timeout%'")" -ge 1
admin PATCH /api/v1/admin/webhooks/$HS $(json '{"active":false}')

# --- agora-notify SIGKILLed mid-delivery ------------------------------------
hook /kill sleep=1500 '"events":["ping"]'
HK=$HOOK_ID
# (A settled event past notify_keep_days, for the purge at restart.)
OLD=$(sql "INSERT INTO event (uid, type, payload, fanned, created_at) VALUES (UUID(), 'ping', '{}', 1, NOW(6) - INTERVAL 40 DAY); SELECT LAST_INSERT_ID()")
sql "INSERT INTO delivery (event_id, subscription_id, state) VALUES ($OLD, $HS, 'delivered')"
# (A credential whose grace period ended two days ago, one that ended a
# second ago, one still in it, one that never expires: only the first
# goes at the purge.)
R=$(rnd)
CX=$(sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id, expires_at) VALUES ('provider', 'px-$R', UNHEX(SHA2('x', 256)), 1, NOW(6) - INTERVAL 2 DAY); SELECT LAST_INSERT_ID()")
CY=$(sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id, expires_at) VALUES ('provider', 'py-$R', UNHEX(SHA2('x', 256)), 1, NOW(6) - INTERVAL 1 SECOND); SELECT LAST_INSERT_ID()")
CG=$(sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id, expires_at) VALUES ('provider', 'pg-$R', UNHEX(SHA2('x', 256)), 1, NOW(6) + INTERVAL 1 HOUR); SELECT LAST_INSERT_ID()")
CL=$(sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id) VALUES ('provider', 'pl-$R', UNHEX(SHA2('x', 256)), 1); SELECT LAST_INSERT_ID()")

ping 12 "$HK"
sleep 0.7
pid=$(notify_pid)
ok "agora-notify is running" test -n "$pid"
kill -KILL $pid 2>/dev/null
diag "killed agora-notify $pid with deliveries in flight"
for i in $(seq 1 50); do
	npid=$(notify_pid)
	[ -n "$npid" ] && [ "$npid" != "$pid" ] && break
	sleep 0.1
done
ok "the supervisor restarted it" test -n "$npid" -a "$npid" != "$pid"
for i in $(seq 1 30); do
	[ "$(sql "SELECT COUNT(*) FROM event WHERE id = $OLD")" = 0 ] && break
	sleep 0.1
done
is "$(sql "SELECT COUNT(*) FROM event WHERE id = $OLD")" "0" "a settled event past notify_keep_days is purged"
is "$(sql "SELECT COUNT(*) FROM delivery WHERE event_id = $OLD")" "0" "with its delivery"
is "$(sql "SELECT COUNT(*) FROM credential WHERE id = $CX")" "0" \
    "a credential a day past its expiry is purged"
is "$(sql "SELECT COUNT(*) FROM credential WHERE id IN ($CY, $CG, $CL)")" "3" \
    "one just expired, one in its grace period and one without expiry stay"
sql "DELETE FROM credential WHERE id IN ($CY, $CG, $CL)"
ok "every delivery settles" settled "$HK" 40
is "$(got /kill | tr '\n' ' ')" "$(ids "$HK" | tr '\n' ' ')" "nothing was lost: every event arrived"
is "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $HK AND state = 'delivered'")" "12" "all 12 deliveries are delivered"
diag "arrivals at /kill: $(arrived '.path == "/kill"') for 12 events (at least once)"

# --- MariaDB restarted during a burst ---------------------------------------
hook /dbr "" '"events":["ping"]'
HD=$HOOK_ID
ping 300 "$HD"
sleep 0.3
stack_users
stop_pidfile "$PREFIX/mysql/mysql.pid"
diag "MariaDB stopped after $(arrived '.path == "/dbr"') of 300 arrivals"
sleep 1
stack_db_start >/dev/null 2>&1
ok "MariaDB is back" mysql_root -e 'SELECT 1'
ok "every delivery settles" settled "$HD" 60
is "$(got /dbr | wc -l)" "300" "all 300 events arrived"
is "$(got /dbr | tr '\n' ' ')" "$(ids "$HD" | tr '\n' ' ')" "exactly the burst's event ids"
is "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $HD AND state = 'delivered'")" "300" "all delivered in the database"

# --- two notifiers share the work, never the same attempt -----------------
"$AGORA_NOTIFY" -c "$AGORA_CONF" >>"$PREFIX/log/notify2.log" 2>&1 &
N2=$!
for i in $(seq 1 100); do
	grep -q "notifier .* ready" "$PREFIX/log/notify2.log" 2>/dev/null && break
	sleep 0.1
done
hook /two "" '"events":["ping"]'
H2=$HOOK_ID
# The second notifier starts alone (the stack's is held, SIGSTOP, while
# it has nothing in flight); after 100 deliveries both run, then the
# second stops (SIGTERM: it finishes what it holds) and the stack's
# finishes the burst. Both surely take part, never in the same attempt.
ndone() { sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $H2 AND state = 'delivered'"; }
upto() { local i; for i in $(seq 1 200); do [ "$(ndone)" -ge "$1" ] && return; sleep 0.05; done; }
pid=$(notify_pid | grep -vx "$N2")
kill -STOP $pid
ping 400 "$H2"
upto 100
kill -CONT $pid
upto 150
kill -TERM $N2
wait "$N2" 2>/dev/null
ok "every delivery settles" settled "$H2" 60
is "$(got /two | wc -l)" "400" "all 400 events arrived"
is "$(arrived '.path == "/two" and .status == 200')" "400" "each exactly once: no attempt was sent twice"
is "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $H2 AND attempts <> 1")" "0" "one attempt per delivery"
is "$(sql "SELECT COUNT(DISTINCT a.notifier) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $H2")" "2" "both notifiers delivered some"
diag "attempts per notifier: $(sql "SELECT GROUP_CONCAT(n) FROM (SELECT COUNT(*) n FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $H2 GROUP BY a.notifier) x")"

# --- a DNS answer that turns private at send time ---------------------------
mkt_new "evr-$S"
asj "$MKT_CRED" POST /api/v1/marketplace/webhooks '{"url":"https://rebind.agora.test/hook","events":["ping"]}'
status 201 "a marketplace subscribes a name (public as far as can be told)"
HR=$(jqv .id)
as "$MKT_CRED" POST /api/v1/marketplace/webhooks/$HR/test
status 202 "a test event for it"
for i in $(seq 1 100); do
	[ "$(sql "SELECT COUNT(*) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HR")" -ge 1 ] && break
	sleep 0.1
done
err=$(sql "SELECT a.error FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.subscription_id = $HR ORDER BY a.id LIMIT 1")
diag "attempt: $err"
case "$err" in "refused: 127.0.0.1 is not a public address"*) pass "the loopback answer is refused at send time";; *) fail "the loopback answer is refused at send time";; esac
is "$(sql "SELECT last_status IS NULL FROM delivery WHERE subscription_id = $HR")" "1" "no HTTP exchange took place"
admin PATCH /api/v1/admin/webhooks/$HR $(json '{"allow_private":true}')
status 200 "an admin allows the private target"
admin POST /api/v1/admin/webhooks/$HR/test
E=$(jqv .event_id)
for i in $(seq 1 100); do
	err=$(sql "SELECT a.error FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id JOIN event e ON e.id = d.event_id WHERE e.uid = '$E' ORDER BY a.id LIMIT 1")
	[ -n "$err" ] && break
	sleep 0.1
done
diag "attempt once allowed: $err"
case "$err" in refused*|"") fail "once allowed, agora-notify connects";; *) pass "once allowed, agora-notify connects (the refusal was the address check)";; esac

# --- 1,000 events in a burst ------------------------------------------------
hook /burst "" '"events":["ping"]'
HB=$HOOK_ID
t0=$(date +%s%3N)
ping 1000 "$HB"
ok "the burst settles" settled "$HB" 120
t1=$(date +%s%3N)
n=$(got /burst | wc -l)
is "$n" "1000" "all 1,000 events arrived"
is "$(arrived '.path == "/burst" and .sig_ok == false')" "0" "each with a valid signature"
ms=$((t1 - t0))
diag "1000 events delivered in $ms ms: $((1000000 / (ms > 0 ? ms : 1))) events/s"
echo "$((1000000 / (ms > 0 ? ms : 1)))" > "$PREFIX/log/notify-rate" 2>/dev/null || true

# The slow subscription's deliveries ran out of time: failed, with every
# attempt kept.
is "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $HS AND state = 'pending'")" "0" "no slow delivery is pending after the retry window"
ok "the slow deliveries are failed" test "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $HS AND state = 'failed'")" -ge 1
F=$(sql "SELECT id FROM delivery WHERE subscription_id = $HS AND state = 'failed' ORDER BY id LIMIT 1")
ok "a failed delivery keeps every attempt" test "$(sql "SELECT COUNT(*) FROM delivery_attempt WHERE delivery_id = $F")" -ge 2

finish
