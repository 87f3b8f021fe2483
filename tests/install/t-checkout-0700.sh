#!/bin/bash
# The two commands from a checkout the service users cannot reach: a
# copy of this checkout under a 0700 directory (kept in build-0700/ and
# refreshed, so it builds once and then only what changed), where
# scripts/run must start, answer and stop, and scripts/test must pass
# (quick mode: the plain build and the health tests). Then a worker
# that cannot start: scripts/run must fail with a clear message instead
# of multiwatch restarting it for ever. TAP, then "N passed, N failed".
AGORA_TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$AGORA_TOP/tests/integration/lib.sh"
. "$AGORA_TOP/scripts/lib/stack.sh"

[ "$(id -u)" -eq 0 ] || { pass "not root: the services run as $(id -un) (nothing to check)"; finish; exit; }

PARENT=$AGORA_TOP/build-0700
TOP=$PARENT/agora
mkdir -p "$TOP"
chmod 700 "$PARENT"
(cd "$AGORA_TOP" && git ls-files -z -co --exclude-standard |
    grep -zv '^tests/browser/node_modules' | tar --null -T - -cf -) |
    (cd "$TOP" && tar xf -)
ok "the parent is 0700" test "$(stat -c %a "$PARENT")" = 700
ok "www-data cannot reach the copy" sh -c "! setpriv --reuid=www-data --regid=www-data --init-groups test -x '$TOP'"

PORT=$(free_port $((10000 + RANDOM % 20000)))
export AGORA_PORT=$PORT
t0=$(date +%s)
"$TOP/scripts/run" > "$T_TMP/run.log" 2>&1
rc=$?
diag "scripts/run took $(( $(date +%s) - t0 )) s"
is "$rc" 0 "scripts/run starts from a 0700 parent"
[ "$rc" -eq 0 ] || tail -15 "$T_TMP/run.log" | sed 's/^/# /'
ok "var/ is a link to a directory the services reach" test -L "$TOP/var"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TOP/var/ca.pem" \
    "https://localhost:$PORT/readyz")
is "$code" 200 "the stack answers /readyz"
ok "scripts/run status runs" sh -c "'$TOP/scripts/run' status > '$T_TMP/status.log' 2>&1"
ok "status shows the schema and the counts" sh -c \
    "grep -q '^schema  *version' '$T_TMP/status.log' && grep -q '^marketplaces' '$T_TMP/status.log'"
ok "scripts/run logs shows the agora log" sh -c "'$TOP/scripts/run' logs 5 | grep -q 'agora.log <=='"
ok "the installed agoractl reads var/agora.conf of the copy" sh -c \
    "cd / && '$TOP/build/src/agoractl' status >/dev/null"

# A worker that cannot start: not executable by www-data.
chmod 700 "$TOP/var/bin/agora-fcgi"
touch "$TOP/var/bin/agora-fcgi"
t0=$(date +%s)
"$TOP/scripts/run" > "$T_TMP/bad.log" 2>&1
rc=$?
el=$(( $(date +%s) - t0 ))
ok "scripts/run fails when no worker can start (exit $rc, ${el} s)" test "$rc" -ne 0 -a "$el" -lt 60
ok "and says so" grep -q 'the worker pool did not start' "$T_TMP/bad.log"
sleep 1
ok "no multiwatch is left spinning" sh -c \
    "! pgrep -f '^/usr/bin/multiwatch .*$(readlink -f "$TOP/var")/agora.conf' >/dev/null"
chmod 755 "$TOP/var/bin/agora-fcgi"
"$TOP/scripts/run" stop > /dev/null 2>&1
ok "scripts/run stop" test ! -e "$TOP/var/run/nginx.pid"

# scripts/test from the copy: its plain build (build-test/ there, made
# once), the health tests only.
t0=$(date +%s)
AGORA_TEST_QUICK=1 "$TOP/scripts/test" t0001 > "$T_TMP/test.log" 2>&1
rc=$?
diag "scripts/test t0001 (quick) took $(( $(date +%s) - t0 )) s"
is "$rc" 0 "scripts/test passes from a 0700 parent"
[ "$rc" -eq 0 ] && tail -1 "$T_TMP/test.log" | sed 's/^/# /' ||
    tail -15 "$T_TMP/test.log" | sed 's/^/# /'

finish
