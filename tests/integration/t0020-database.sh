#!/bin/bash
# The database: migrations are recorded and an edited one is refused, the
# workers' account cannot change the schema or rewrite the audit log, and
# a database outage is a 503 with Retry-After (never a 500 or 502) from
# which the workers recover by themselves.
. "$(dirname "$0")/lib.sh"
. "$AGORA_TOP/scripts/lib/stack.sh"

# Migrations: recorded with a checksum; re-running applies nothing.
out=$("$AGORACTL" migrate 2>&1)
case "$out" in *"0 applied now"*) pass "migrate twice applies nothing";; *) fail "migrate twice applies nothing"; diag "$out";; esac
is "$(sql 'SELECT COUNT(*) FROM schema_version')" "$(ls "$AGORA_TOP"/sql/migrations/[0-9]*.sql | wc -l)" \
    "every migration file is recorded once"
sum=$(sql 'SELECT checksum FROM schema_version WHERE version = 1')
is "$sum" "$(sha256sum "$AGORA_TOP/sql/migrations/0001_init.sql" | cut -d' ' -f1)" \
    "the recorded checksum is the file's SHA-256"
sql "UPDATE schema_version SET checksum = REPEAT('0', 64) WHERE version = 1"
out=$("$AGORACTL" migrate 2>&1); rc=$?
isnt "$rc" "0" "an applied migration that changed is refused"
case "$out" in *"must not change"*) pass "the refusal says why";; *) fail "the refusal says why"; diag "$out";; esac
sql "UPDATE schema_version SET checksum = '$sum' WHERE version = 1"

# The workers' account: data only, and the audit log is append-only.
dbpw=$(sed -n 's/^db_password *= *//p' "$AGORA_CONF")
as_app() {
	mariadb --no-defaults -uagora -p"$dbpw" --socket="$PREFIX/mysql/mysql.sock" \
	    -N -B agora -e "$1" 2>&1
}
ok "the workers' account can read" as_app "SELECT COUNT(*) FROM audit"
out=$(as_app "UPDATE audit SET actor = 'x'")
case "$out" in *1142*|*denied*) pass "the workers' account cannot rewrite the audit log";; *) fail "the workers' account cannot rewrite the audit log"; diag "$out";; esac
out=$(as_app "DELETE FROM audit")
case "$out" in *1142*|*denied*) pass "the workers' account cannot delete audit rows";; *) fail "the workers' account cannot delete audit rows"; diag "$out";; esac
out=$(as_app "DROP TABLE tenant_app")
case "$out" in *1142*|*denied*) pass "the workers' account cannot drop tables";; *) fail "the workers' account cannot drop tables"; diag "$out";; esac

# An outage: stop MariaDB, then ask.
stop_pidfile "$PREFIX/mysql/mysql.pid"
req GET /healthz
status 200 "healthz does not need the database"
req GET /readyz
status 503 "readyz is 503 while the database is down"
ok "503 carries Retry-After" test -n "$(header Retry-After)"
req GET /api/v1/admin/registration-tokens -H "Authorization: Bearer $ADMIN_TOKEN"
status 503 "an authenticated route is 503 during the outage, never 500/502"
jqok '.status == 503 and (.detail | length) > 0' "the 503 is a problem document"
for i in 1 2 3 4 5 6 7 8; do
	req GET /readyz
	[ "$STATUS" = 503 ] || break
done
is "$STATUS" "503" "eight more requests during the outage: still 503, no crash"

stack_users
stack_db_start >/dev/null 2>&1
t0=$(date +%s%3N)
for i in $(seq 1 50); do
	req GET /readyz
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
status 200 "readyz is 200 again once the database is back"
diag "back after $(( $(date +%s%3N) - t0 )) ms"
for i in 1 2 3 4 5 6 7 8; do req GET /readyz; [ "$STATUS" = 200 ] || break; done
is "$STATUS" "200" "every worker reconnected (eight requests in a row)"

finish
