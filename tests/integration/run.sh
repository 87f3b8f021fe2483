#!/bin/bash
# run.sh: start a scratch agora stack (temporary prefix, free port, real
# MariaDB, spawn-fcgi + multiwatch workers, nginx with TLS), run every
# tests/integration/tNNNN-*.sh against it, stop it, and print the totals.
#	BUILD=dir run.sh [pattern]
set -u
AGORA_TOP=${AGORA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$AGORA_TOP/build}
PATTERN=${1:-}
# Generous limits for concurrency tests (set before stack.sh, which
# defaults them); t0190 checks limit_req itself.
REG_RATE=${REG_RATE:-200r/s}
REG_BURST=${REG_BURST:-400}
LOGIN_RATE=${LOGIN_RATE:-200r/s}
LOGIN_BURST=${LOGIN_BURST:-400}
SECRET_GRACE=${SECRET_GRACE:-5}
# A small answer cache, so the tests run it full and evicting.
CACHE_BYTES=${CACHE_BYTES:-262144}
# /metrics without a token from 127.0.0.2 only (t0500 checks both doors).
METRICS_ALLOW=${METRICS_ALLOW:-127.0.0.2}
export REG_RATE REG_BURST LOGIN_RATE LOGIN_BURST SECRET_GRACE CACHE_BYTES METRICS_ALLOW
. "$AGORA_TOP/scripts/lib/stack.sh"

PREFIX=$(mktemp -d /tmp/agora-it.XXXXXX)
chmod 755 "$PREFIX"
PORT=$(free_port $((10000 + RANDOM % 20000)))
# agora-notify for the tests: receivers on 127.0.0.1 with certificates
# from the stack's CA, fast retries, a short retry window, and one name
# whose "DNS answer" (CURLOPT_RESOLVE) is a loopback address.
NOTIFY_CONF="notify_ca = $PREFIX/ca.pem
notify_timeout = 3
notify_retry_base_ms = 200
notify_retry_max = 2
notify_max_age = 10
notify_poll_ms = 100
notify_resolve = rebind.agora.test:443:127.0.0.1"
export NOTIFY_CONF
export ASAN_OPTIONS="log_path=$PREFIX/log/asan:detect_leaks=0:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$PREFIX/log/ubsan:print_stacktrace=1"

cleanup() {
	stack_stop
	if [ -z "${KEEP:-}" ]; then rm -rf "$PREFIX"; else say "kept $PREFIX"; fi
}
trap cleanup EXIT

stack_init >/dev/null
stack_start >/dev/null 2>"$PREFIX/log/start.log" || {
	cat "$PREFIX/log/start.log" >&2
	echo "not ok 1 - the stack starts"
	echo "0 passed, 1 failed"
	exit 1
}
mkdir -p "$PREFIX/log"
chmod 777 "$PREFIX/log"

EXPECTED_ERRORS=$PREFIX/expected-errors
: > "$EXPECTED_ERRORS"
export AGORA_TOP BUILD PREFIX PORT EXPECTED_ERRORS
export BASE="https://localhost:$PORT"
export CACERT="$PREFIX/ca.pem"
export AGORA_CONF="$PREFIX/agora.conf"
export AGORACTL="$BUILD/src/agoractl"
export AGORA_FCGI="$PREFIX/bin/agora-fcgi"
export AGORA_NOTIFY="$PREFIX/bin/agora-notify"
export ADMIN_EMAIL=admin@agora.test
export ADMIN_PASSWORD=$(randhex 12)
echo "$ADMIN_PASSWORD" | "$AGORACTL" create-admin "$ADMIN_EMAIL" >/dev/null
export ADMIN_TOKEN=$("$AGORACTL" admin-token create "$ADMIN_EMAIL" -l tests)

passed=0
failed=0
for t in "$AGORA_TOP"/tests/integration/t[0-9]*.sh; do
	[ -n "$PATTERN" ] && case "$t" in *$PATTERN*) ;; *) continue ;; esac
	name=$(basename "$t" .sh)
	echo "# $name"
	out=$(bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/$name: /"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc without a failing assertion"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

# Browser tests (headless Chromium through playwright-core) against the
# same stack; tests/node.sh has installed tests/node/node_modules.
for t in "$AGORA_TOP"/tests/browser/t[0-9]*.mjs; do
	[ -f "$t" ] || continue
	[ -n "$PATTERN" ] && case "$t" in *$PATTERN*) ;; *) continue ;; esac
	[ -e "$AGORA_TOP/tests/browser/node_modules" ] ||
	    ln -s ../node/node_modules "$AGORA_TOP/tests/browser/node_modules"
	name=$(basename "$t" .mjs)
	echo "# $name"
	# Screenshots go to the test run's log folder (scripts/test's), or
	# beside the stack's logs.
	out=$(cd "$AGORA_TOP/tests/browser" &&
	    SCREENSHOTS=${SCREENSHOTS:-${AGORA_TEST_LOG:-$PREFIX/log}} \
	    timeout 300 node "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/$name: /"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc without a failing assertion"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

# The sanitizers write reports instead of killing silently.
if ls "$PREFIX"/log/asan* "$PREFIX"/log/ubsan* >/dev/null 2>&1; then
	echo "not ok - sanitizer reports from the workers:"
	cat "$PREFIX"/log/asan* "$PREFIX"/log/ubsan* | head -60 | sed 's/^/# /'
	failed=$((failed + 1))
else
	echo "ok - no sanitizer report from any worker"
	passed=$((passed + 1))
fi
# nginx corrects a worker's malformed answer (a Content-Length that is
# not the body's, a bad or oversized header) and says so only in its
# own error log: one such line fails the run.
if grep -q 'upstream sent' "$PREFIX/log/nginx-error.log" 2>/dev/null; then
	echo "not ok - nginx had to correct the workers' answers:"
	grep 'upstream sent' "$PREFIX/log/nginx-error.log" | head -5 | sed 's/^/# /'
	failed=$((failed + 1))
else
	echo "ok - nginx found every worker answer well formed"
	passed=$((passed + 1))
fi
# An error line in agora.log fails the run unless the test that caused
# it listed it: each appends extended regular expressions, one a line,
# to $EXPECTED_ERRORS (see lib.sh: expect_error).
grep 'level=error' "$PREFIX/log/agora.log" > "$PREFIX/log/errors" 2>/dev/null
if [ -s "$EXPECTED_ERRORS" ]; then
	grep -v -E -f "$EXPECTED_ERRORS" "$PREFIX/log/errors" > "$PREFIX/log/unexpected"
else
	cp "$PREFIX/log/errors" "$PREFIX/log/unexpected"
fi
if [ -s "$PREFIX/log/unexpected" ]; then
	echo "not ok - $(wc -l < "$PREFIX/log/unexpected") unexpected level=error lines in agora.log:"
	head -20 "$PREFIX/log/unexpected" | sed 's/^/# /'
	failed=$((failed + 1))
else
	echo "ok - no unexpected level=error line in agora.log ($(wc -l < "$PREFIX/log/errors") expected)"
	passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
