#!/bin/bash
# nginx's limit_req on the registration route and the console login: a
# flood from one address gets 429s, other routes are not limited, and the
# workers never see the excess.
. "$(dirname "$0")/lib.sh"

count_status() {	# count_status PATH CODE: lines of nginx's access log
	grep -c "\"[A-Z]* $1 HTTP/[0-9.]*\" $2 " "$PREFIX/log/nginx-access.log"
}

# The access log afresh: earlier tests' lines land first (lib.sh).
log_empty() {
	access_log_settle
	: > "$PREFIX/log/nginx-access.log"
}

log_empty

# Two seconds of 32 connections, far above the test stack's 200 r/s.
wrk -t2 -c32 -d2s "https://127.0.0.1:$PORT/api/v1/marketplaces" >/dev/null 2>&1
wrk -t2 -c32 -d2s "https://127.0.0.1:$PORT/healthz" >/dev/null 2>&1
access_log_settle
limited=$(count_status /api/v1/marketplaces 429)
passed_through=$(count_status /api/v1/marketplaces 405)
health_limited=$(count_status /healthz 429)
diag "registration route: $limited x 429, $passed_through x 405 (reached a worker)"
ok "a flood on the registration route gets 429s ($limited)" test "$limited" -gt 100
ok "most of the flood never reaches a worker" test "$limited" -gt "$passed_through"
ok "requests within the rate still reach the workers ($passed_through)" test "$passed_through" -gt 0
is "$health_limited" "0" "other routes are not rate-limited"
is "$(grep -c 'limiting requests' "$PREFIX/log/nginx-error.log")" 0 \
    "the refused requests are in the access log only, not one error line each"

# Once the flood stops, the bucket refills at the configured rate: a
# second frees REG_RATE slots, so a client that waits is served by a
# worker again, which checks its (missing) credentials: 401, not 429.
# (During a flood the answer is 429: the last case below.)
sleep 1
req POST /api/v1/marketplaces -H 'Content-Type: application/json' -d '{}'
status 401 "after the flood a client that waited a second reaches a worker again"

# The spellings the worker forgives are limited alike.
for path in /api/v1/marketplaces/ /api/v1/marketplaces/. //api/v1//marketplaces; do
	log_empty
	wrk -t2 -c32 -d2s "https://127.0.0.1:$PORT$path" >/dev/null 2>&1
	access_log_settle
	n=$(grep -c '" 429 ' "$PREFIX/log/nginx-access.log")
	ok "a flood on $path gets 429s too ($n)" test "$n" -gt 50
done
wrk -t2 -c32 -d3s "https://127.0.0.1:$PORT/api/v1/marketplaces/" >/dev/null 2>&1 &
sleep 1
for i in $(seq 1 40); do
	req POST /api/v1/marketplaces/ -H 'Content-Type: application/json' -d '{}'
	[ "$STATUS" = 429 ] && break
	sleep 0.05
done
wait
if [ "$STATUS" = 429 ]; then
	is "$(header Content-Type)" "application/problem+json" "a 429 is problem+json"
	is "$(header Retry-After)" "1" "with Retry-After"
else
	fail "the route should be limited during a flood ($STATUS)"
fi

finish
