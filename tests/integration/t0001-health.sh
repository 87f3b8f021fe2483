#!/bin/bash
# The stack itself: health, readiness, routing errors, request limits.
. "$(dirname "$0")/lib.sh"

req GET /healthz
status 200 "GET /healthz"
jqok '.status == "ok"' "healthz says ok"
is "$(header Content-Type)" "application/json" "healthz is JSON"
is "$(header X-Content-Type-Options)" "nosniff" "nosniff is set"
is "$(header Cache-Control)" "no-store" "no-store is set"
ok "a request id is returned" test -n "$(header X-Request-Id)"

req GET /readyz
status 200 "GET /readyz with the database up"
V=$(ls "$AGORA_TOP/sql/migrations" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -1)
jqok ".schema_version == $V" "readyz reports the schema version (the newest migration, $V)"

req GET //healthz/
status 200 "doubled and trailing slashes are tolerated"

req GET /no/such/route
status 404 "unknown route is 404"
is "$(header Content-Type)" "application/problem+json" "errors are problem+json"
jqok '.status == 404 and .title == "Not Found" and (.detail|length) > 0' \
    "problem has status, title and detail"

req DELETE /healthz
status 405 "wrong method is 405"
is "$(header Allow)" "GET" "405 names the allowed method"

req GET '/healthz?a=%zz'
status 400 "malformed query string is 400"

req GET '/a/../healthz' --path-as-is
status 400 "dot-dot in the path is refused"

head -c 70000 /dev/zero | tr '\0' 'a' > "$T_TMP/big"
req POST /healthz -H 'Content-Type: application/json' --data-binary @"$T_TMP/big"
status 413 "a body over the cap is 413 at nginx"
is "$(header Content-Type)" "application/problem+json" "in the API's error shape"
jqok '.status == 413 and (.detail | test("larger than"))' "which says why"
req GET '/api/v1/apps/%zz'
status 400 "a bad percent-escape in the path is 400 at nginx"

# Refused before its body is read: the worker ends the connection at
# once when what is left unread is small, and through libfcgi's drain
# when not; either way nginx relays the answer, never a reset or 502.
n0=$(wc -l < "$PREFIX/log/nginx-error.log")
for n in 1000 60000; do
	head -c $n /dev/zero | tr '\0' 'a' > "$T_TMP/b$n"
	codes=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		req POST '/healthz?a=%zz' -H 'Content-Type: application/json' \
		    --data-binary @"$T_TMP/b$n"
		codes="$codes $STATUS"
	done
	is "$codes" " 400 400 400 400 400 400 400 400 400 400" \
	    "a $n-byte body left unread: ten 400s from the worker"
done
is "$(tail -n +$((n0 + 1)) "$PREFIX/log/nginx-error.log" |
    grep -cE 'reset by peer|Broken pipe|prematurely closed')" 0 \
    "and nginx saw no upstream connection cut short"

req GET /healthz -H 'Proxy: http://evil.example'
status 200 "a Proxy header is harmless"

# nginx -t accepts the generated configuration.
ok "nginx -t passes on the generated config" \
    nginx -t -q -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" -e "$PREFIX/log/nginx-error.log"

# The FastCGI socket is a unix socket, mode 0660, and no TCP listener.
ok "the FastCGI socket is a unix socket" test -S "$PREFIX/run/agora.sock"
is "$(stat -c %a "$PREFIX/run/agora.sock")" "660" "the socket is mode 0660"

# The worker answers directly over FastCGI too (no nginx).
out=$(REQUEST_METHOD=GET REQUEST_URI=/healthz SCRIPT_FILENAME=/ \
    cgi-fcgi -bind -connect "$PREFIX/run/agora.sock" 2>/dev/null)
case "$out" in *'"status":"ok"'*) pass "cgi-fcgi smoke test";; *) fail "cgi-fcgi smoke test";; esac

finish
