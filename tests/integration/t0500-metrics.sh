#!/bin/bash
# GET /metrics: who may scrape it, the Prometheus format (promtool), and
# counters of the whole pool that move by exactly the traffic sent in
# between two scrapes, and survive a worker's crash.
. "$(dirname "$0")/lib.sh"

M=$T_TMP/metrics

# scrape FILE [curl args]: the metrics with the admin token.
scrape() {
	local f=$1; shift
	curl -sS --cacert "$CACERT" -H "Authorization: Bearer $ADMIN_TOKEN" \
	    -o "$f" -w '%{http_code}' "$@" "$BASE/metrics"
}

# val FILE SERIES: the value of one series (0 when absent).
val() {
	awk -v s="$2" '$1 == s { v = $2 } END { print v + 0 }' "$1"
}

# delta SERIES: after - before.
delta() { echo $(( $(val "$M.after" "$1") - $(val "$M.before" "$1") )); }

R='agora_http_requests_total'
H='agora_http_request_duration_seconds'

# --- who may scrape ----------------------------------------------------------
req GET /metrics
status 401 "no token, from an address not listed: 401"
ok "401 asks for a Bearer token" grep -qi '^WWW-Authenticate: Bearer' "$HDRS"
req GET /metrics -H "Authorization: Bearer aat_0000000000000000"
status 401 "a wrong token: 401"
code=$(curl -sS --cacert "$CACERT" --interface 127.0.0.2 -o "$M.listed" \
    -w '%{http_code}' "$BASE/metrics")
is "$code" 200 "no token from an address in metrics_allow (127.0.0.2): 200"
is "$(scrape "$M.before" -D "$T_TMP/mh")" 200 "the admin token: 200"
ok "served as Prometheus text 0.0.4" \
    grep -qi '^Content-Type: text/plain; version=0.0.4' "$T_TMP/mh"
out=$(promtool check metrics < "$M.before" 2>&1)
rc=$?
is "$rc:$out" "0:" "promtool check metrics finds no problem"

# --- traffic, then exactly that traffic in the counters ------------------------
for i in 1 2 3 4 5; do req GET /healthz; done
for i in 1 2 3; do req GET /no/such/route; done
req POST /healthz
req POST /healthz
req HEAD /healthz
TOK=$(regtoken 1)
req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" \
    -H 'Content-Type: application/json' --data-binary \
    '{"nid":"metrics-mkt","name":"Metrics","environment":"production","endpoints":{"hub":"https://hub.metrics.example.com"}}'
status 201 "one registration"
MID=$(jqv .id)
admin POST "/api/v1/admin/marketplaces/$MID/certificate/revoke"
status 200 "one revocation"
is "$(scrape "$M.after")" 200 "second scrape"

is "$(delta "$R{route=\"/healthz\",method=\"GET\",status=\"2xx\"}")" 6 \
    "GET /healthz 2xx moved by 6 (5 GET + 1 HEAD, counted on its GET row)"
is "$(delta "$H""_count{route=\"/healthz\",method=\"GET\"}")" 6 \
    "the /healthz histogram counted the same 6"
is "$(delta "$H""_bucket{route=\"/healthz\",method=\"GET\",le=\"+Inf\"}")" 6 \
    "its +Inf bucket too"
is "$(delta "$R{route=\"(none)\",method=\"GET\",status=\"4xx\"}")" 3 \
    "3 GETs of no route: 4xx on the (none) row"
is "$(delta "$R{route=\"(none)\",method=\"POST\",status=\"4xx\"}")" 2 \
    "2 POSTs to a GET-only path: 405 on the (none) POST row"
is "$(delta "$R{route=\"/api/v1/marketplaces\",method=\"POST\",status=\"2xx\"}")" 1 \
    "the registration route: one 2xx"
is "$(delta "$R{route=\"/metrics\",method=\"GET\",status=\"2xx\"}")" 1 \
    "the first scrape counted itself once"
is "$(delta agora_registrations_total)" 1 "registrations moved by 1"
is "$(delta agora_certificates_issued_total)" 1 "certificates issued moved by 1"
is "$(delta agora_certificates_revoked_total)" 1 "certificates revoked moved by 1"
ok "database statements moved" test "$(delta agora_db_statements_total)" -gt 0
is "$(delta agora_worker_starts_total)" 0 "no worker started meanwhile"
sum_ok=$(awk -v s="$H""_sum{route=\"/healthz\",method=\"GET\"}" \
    '$1 == s { print ($2 > 0) }' "$M.after")
is "$sum_ok" 1 "the latency sum is positive"

# agoractl revokes into the same counters (it attaches to the file).
TOK=$(regtoken 1)
req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" \
    -H 'Content-Type: application/json' --data-binary \
    '{"nid":"metrics-two","name":"Metrics 2","environment":"production","endpoints":{"hub":"https://hub.metrics2.example.com"}}'
ok "agoractl certificate revoke" ctl certificate revoke metrics-two
cp "$M.after" "$M.before"
scrape "$M.after" >/dev/null
is "$(delta agora_certificates_revoked_total)" 1 \
    "a revocation by agoractl is counted by the pool's metrics"

# --- a worker crash loses nothing; its replacement is counted --------------------
cp "$M.after" "$M.before"
victim=$(worker_pids | head -1)
kill -KILL "$victim"
codes=""
for i in 1 2 3 4 5 6 7 8; do req GET /healthz; codes="$codes $STATUS"; done
# The replacement maps the file as it starts: wait for it (10 s at most).
for i in $(seq 1 100); do
	scrape "$M.after" >/dev/null
	[ "$(delta agora_worker_starts_total)" -ge 1 ] && break
	sleep 0.1
done
is "$(delta agora_worker_starts_total)" 1 "the replacement worker is counted"
ok "the killed worker is gone" sh -c "! kill -0 $victim 2>/dev/null"
is "$(delta "$R{route=\"/healthz\",method=\"GET\",status=\"2xx\"}")" 8 \
    "counts kept across the crash, and the 8 requests after it added"
diag "the 8 answers:$codes"
out=$(promtool check metrics < "$M.after" 2>&1)
is "$?:$out" "0:" "promtool still finds no problem"

finish
