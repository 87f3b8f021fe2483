#!/bin/bash
# Supervision: crashed workers are replaced, a crash storm recovers by
# itself within 5 s, multiwatch itself is restarted, and SIGTERM lets the
# request in flight finish.
. "$(dirname "$0")/lib.sh"

workers() { worker_pids; }
watcher() { watcher_pid; }

# now_ms: milliseconds since the epoch.
now_ms() { date +%s%3N; }

# wait_healthy: poll /healthz until 200; prints the milliseconds it took.
wait_healthy() {
	local t0 i
	t0=$(now_ms)
	for i in $(seq 1 200); do
		req GET /healthz
		[ "$STATUS" = 200 ] && { echo $(( $(now_ms) - t0 )); return 0; }
		sleep 0.05
	done
	echo 99999
}

before=$(workers | wc -l)
ok "the pool runs 4 workers" test "$before" -eq 4

# One worker killed: replaced, pool size restored.
victim=$(workers | head -1)
kill -KILL "$victim"
sleep 0.5
is "$(workers | wc -l)" "4" "a killed worker is replaced"
ok "the killed pid is gone" test -z "$(workers | grep -x "$victim")"

# A crash storm: every worker killed 5 times within a few seconds.
for round in 1 2 3 4 5; do
	for p in $(workers); do kill -KILL "$p" 2>/dev/null; done
	sleep 0.3
done
ms=$(wait_healthy)
diag "first 200 after the storm: ${ms} ms"
ok "service is back within 5 s of a crash storm (${ms} ms)" test "$ms" -le 5000
sleep 1
is "$(workers | wc -l)" "4" "the pool is whole again after the storm"

# multiwatch itself killed: the supervisor starts a new pool.
mw=$(watcher)
kill -KILL "$mw"
ms=$(wait_healthy)
sleep 1
new=$(watcher)
ok "a new multiwatch runs" test -n "$new" -a "$new" != "$mw"
ok "service is back within 5 s after multiwatch died (${ms} ms)" test "$ms" -le 5000
is "$(workers | wc -l)" "4" "the new pool has 4 workers"

# SIGTERM during a request: the request still completes. The body
# arrives 1 s after the parameters, so one worker is busy reading it
# when every worker gets SIGTERM.
out="$T_TMP/slow"
( sleep 1; printf '{"x":1}' ) | CONTENT_LENGTH=7 REQUEST_METHOD=POST \
    REQUEST_URI=/healthz CONTENT_TYPE=application/json SCRIPT_FILENAME=/ \
    cgi-fcgi -bind -connect "$PREFIX/run/agora.sock" > "$out" 2>&1 &
slow=$!
sleep 0.4
for p in $(workers); do kill -TERM "$p" 2>/dev/null; done
wait "$slow"
ok "the request in flight got its full answer after SIGTERM" \
    grep -q '^Status: 405' "$out"
ms=$(wait_healthy)
ok "the pool serves again after SIGTERM (${ms} ms)" test "$ms" -le 5000

finish
