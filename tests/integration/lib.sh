# lib.sh: helpers for the integration tests, sourced by each tNNNN-*.sh.
# run.sh has started a scratch stack and exported:
#	BASE		https://localhost:PORT
#	CACERT		the CA certificate clients trust
#	PREFIX		the stack's state directory
#	AGORACTL	the agoractl binary (AGORA_CONF is exported too)
#	ADMIN_TOKEN	an admin API token
#	ADMIN_EMAIL, ADMIN_PASSWORD	the console admin
# Output is TAP; finish prints "N passed, N failed".

set -u
T_N=0
T_FAIL=0
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT
BODY=$T_TMP/body
HDRS=$T_TMP/headers
STATUS=000

pass() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
fail() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }
diag() { echo "# $*"; }

# ok DESC COMMAND...: passes when the command succeeds.
ok() {
	local d=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$d"; else fail "$d"; fi
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got '$1', want '$2'"; fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then pass "$3"; else
		fail "$3"; diag "got '$1', which it must not be"; fi
}

# crl_settle: when the CRL has changed since the last request (a
# revocation, `agoractl crl`), wait until nginx has reloaded for it:
# crl-hook or crl-watch recorded the reload (run/crl-reloaded, whose
# mtime is just before the signal), and every nginx worker not shutting
# down started after that. A request racing the reload can meet an old
# worker that closes the connection it has just accepted (curl: status
# 000), which no client of a real deployment would call a failure of
# agora's. CRL_WAIT=0 turns it off, for a test that holds crl-watch.
# A CRL rewritten in the last two seconds by the test before this one
# (there has been a reload for a CRL before) counts as a change.
# Suites without a stack of run.sh's (PREFIX unset: tests/install) have
# no CRL to wait for.
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/crl-stamp"
CRL_WAIT=0
CRL_SEEN=none
if [ -n "${PREFIX:-}" ]; then
	CRL_WAIT=1
	CRL_FILE=$PREFIX/ca/crl.pem
	CRL_SEEN=$(crl_ident "$CRL_FILE")
	if [ "$CRL_SEEN" != none ] && [ -f "$PREFIX/run/crl-reloaded" ] &&
	    [ $(($(date +%s) - ${CRL_SEEN%%.*})) -lt 2 ]; then
		CRL_SEEN=x
	fi
fi
crl_settle() {
	local cur i
	[ "$CRL_WAIT" = 1 ] || return 0
	cur=$(crl_ident "$CRL_FILE")
	[ "$cur" = "$CRL_SEEN" ] && return 0
	# No CRL at all (a test took it away): nothing to reload for.
	if [ "$cur" = none ]; then
		CRL_SEEN=$cur
		return 0
	fi
	for i in $(seq 1 200); do
		if crl_reloaded "$CRL_FILE" "$PREFIX" &&
		    nginx_reloaded "$(stat -c %.9Y "$PREFIX/run/crl-reloaded")"
		then
			CRL_SEEN=$cur
			return 0
		fi
		sleep 0.05
	done
	diag "nginx had not reloaded for the new CRL after 10 s"
	CRL_SEEN=$cur
}

# nginx_reloaded T: whether every worker of the stack's nginx that is not
# shutting down was started at or after epoch time T (seconds).
nginx_reloaded() {
	local master pid up now hz start args
	master=$(cat "$PREFIX/run/nginx.pid" 2>/dev/null) || return 1
	read -r up _ < /proc/uptime
	now=$(date +%s.%N)
	hz=$(getconf CLK_TCK)
	for pid in $(pgrep -P "$master"); do
		args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || continue
		case $args in *"shutting down"*) continue ;; esac
		start=$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null) ||
		    continue
		awk -v now="$now" -v up="$up" -v s="$start" -v hz="$hz" \
		    -v t="$1" 'BEGIN { exit !(now - up + s / hz >= t - 0.01) }' ||
		    return 1
	done
}

# nginx writes its access log in batches, at most a second late (flush=1s
# in nginx/nginx.conf.in): access_log_settle waits until every line of
# the requests so far is in the file.
access_log_settle() { sleep 1.5; }

# req METHOD PATH [curl args...]: sets STATUS, BODY (file), HDRS (file).
# It first waits for a reload the CRL asked for (crl_settle).
req() {
	local m=$1 p=$2; shift 2
	crl_settle
	if [ "$m" = HEAD ]; then
		# curl -X HEAD would wait for the Content-Length a HEAD
		# announces; -I reads the head alone.
		: > "$BODY"
		STATUS=$(curl -sS --cacert "$CACERT" -I -o /dev/null \
		    -D "$HDRS" -w '%{http_code}' "$@" "$BASE$p" \
		    2>"$T_TMP/curlerr") || STATUS=000
		return
	fi
	STATUS=$(curl -sS --cacert "$CACERT" -X "$m" -o "$BODY" -D "$HDRS" \
	    -w '%{http_code}' "$@" "$BASE$p" 2>"$T_TMP/curlerr") || STATUS=000
}

# metric NAME: the worker pool's counter NAME now (GET /metrics with the
# admin token; STATUS, BODY and HDRS are left alone).
metric() {
	curl -sS --cacert "$CACERT" -H "Authorization: Bearer $ADMIN_TOKEN" \
	    "$BASE/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

# retry_on_429: from here on, req waits and tries again (up to 20 times,
# 0.3 s apart) when nginx's rate limit (limit_req) answers 429, for the
# tests of a rate-limited route that are not about the limit.
retry_on_429() {
	eval "once_$(declare -f req)"
	req() {
		local i
		for i in $(seq 1 20); do
			once_req "$@"
			[ "$STATUS" = 429 ] || return 0
			sleep 0.3
		done
	}
}

# Shorthands for the usual credentials and bodies.
admin() { req "$1" "$2" -H "Authorization: Bearer $ADMIN_TOKEN" "${@:3}"; }
# json BODY: curl arguments sending BODY as JSON, for unquoted use as in
# `req POST /x $(json '{"a": "b c"}')`: the body goes through a file, so
# no word of the output holds a space.
json() {
	local f
	f=$(mktemp "$T_TMP/json.XXXXXX")
	printf '%s' "$1" > "$f"
	printf '%s\n' "-H" "Content-Type:application/json" "--data-binary" "@$f"
}

# status WANT DESC: check the last response status.
status() {
	if [ "$STATUS" = "$1" ]; then pass "$2"; else
		fail "$2"; diag "status $STATUS, want $1"
		diag "$(head -c 600 "$BODY" | tr -d '\0')"
		# No answer at all: say what curl saw.
		[ "$STATUS" = 000 ] && diag "curl: $(head -c 300 "$T_TMP/curlerr")"
	fi
}

# jqok FILTER DESC: the last body satisfies a jq -e filter.
jqok() {
	if jq -e "$1" "$BODY" >/dev/null 2>&1; then pass "$2"; else
		fail "$2"; diag "jq -e '$1' failed on: $(head -c 600 "$BODY")"; fi
}

# jqv FILTER: print a value of the last body (raw).
jqv() { jq -r "$1" "$BODY"; }

# header NAME: a header of the last response (value only).
header() {
	grep -i "^$1:" "$HDRS" | head -1 | cut -d: -f2- | sed 's/^ //; s/\r$//'
}

# sql QUERY: run SQL as the database's root, tab-separated, no header.
sql() {
	mariadb --no-defaults -uroot --socket="$PREFIX/mysql/mysql.sock" \
	    -N -B agora -e "$1"
}

# A checksum of every table, to prove a failed request changed nothing.
db_checksum() {
	sql "CHECKSUM TABLE marketplace, certificate, credential,
	    registration_token, provider, app, environment, listing,
	    listing_history, tenant, tenant_app, admin_user, admin_token,
	    idempotency" | awk '{print $2}' | tr '\n' ' '
}

ctl() { "$AGORACTL" "$@"; }

# expect_error ERE: a level=error line of agora.log this test causes on
# purpose (run.sh fails the run on any other).
expect_error() { printf '%s\n' "$1" >> "$EXPECTED_ERRORS"; }

# worker_pids: the PIDs of this stack's agora-fcgi workers only (never
# the supervisor, spawn-fcgi or multiwatch, whose command lines also
# name the config file).
worker_pids() { pgrep -f "^$AGORA_FCGI -c $PREFIX/agora.conf" | sort; }

# watcher_pid: this stack's multiwatch.
watcher_pid() { pgrep -f "^/usr/bin/multiwatch .*-c $PREFIX/agora.conf"; }

# regtoken [uses]: a fresh registration token.
regtoken() { ctl registration-token create -u "${1:-1}" -e 1h -l test; }

# b64 STRING: base64 without line breaks.
b64() { printf '%s' "$1" | base64 -w0; }

finish() {
	echo "1..$T_N"
	echo "$((T_N - T_FAIL)) passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
