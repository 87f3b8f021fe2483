#!/bin/bash
# Operating it: agoractl's help, version and status, db-init run again
# (idempotent, least privilege), progress on a terminal and silence
# without one, --help of every script, and register-marketplace after
# a renewal and after a conflict.
. "$(dirname "$0")/lib.sh"

W=$T_TMP

# --- help and version ------------------------------------------------------------
out=$(ctl --help); rc=$?
is "$rc" 0 "agoractl --help exits 0"
ok "it lists every command" sh -c "printf '%s' \"\$1\" | grep -q '^  db-init' && printf '%s' \"\$1\" | grep -q '^  status'" _ "$out"
ok "help migrate explains one command" sh -c "'$AGORACTL' help migrate | grep -q '^usage: agoractl migrate \[-d dir\]'"
out=$(ctl help nosuch 2>&1); rc=$?
is "$rc:$out" '2:agoractl: unknown command "nosuch" (agoractl --help lists them)' "help of an unknown command says so"
out=$(ctl nosuch 2>&1); rc=$?
is "$rc:$out" '2:agoractl: unknown command "nosuch" (agoractl --help lists them)' "an unknown command says so"
ok "--version names the version" sh -c "'$AGORACTL' --version | grep -qE '^agoractl [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+\)$'"

# --- status ------------------------------------------------------------------------
ctl status > "$W/status" 2>&1
is "$?" 0 "agoractl status exits 0 on a healthy stack"
ok "database reachable" grep -q '^database  *reachable' "$W/status"
ok "schema version shown" grep -qE '^schema  *version [0-9]+ \(this build expects [0-9]+\)$' "$W/status"
mk=$(sql "SELECT COUNT(*) FROM marketplace")
ok "marketplace count matches the database ($mk)" grep -qx "marketplaces  *$mk" "$W/status"
live=$(sql "SELECT COUNT(*) FROM listing WHERE state = 'approved'")
ok "live listings count matches ($live)" grep -qx "live listings  *$live" "$W/status"
ok "CA expiry shown" grep -qE '^CA expires  *20[0-9-]+T.*in [0-9]+ days\)$' "$W/status"
ok "CRL nextUpdate shown" grep -qE '^CRL next  *20[0-9-]+T.*in [0-9]+ days\)$' "$W/status"
qcmib=$(( $(sql "SELECT @@query_cache_size") >> 20 ))
ok "the server's query cache shown as it runs (DEMAND, $qcmib MiB)" \
    grep -qx "query cache  *DEMAND, $qcmib MiB" "$W/status"
ok "and its thread pool" grep -qx 'threads  *pool-of-threads' "$W/status"
sed 's/^db_socket = .*/db_socket = \/nonexistent.sock/' "$AGORA_CONF" > "$W/bad.conf"
"$AGORACTL" -c "$W/bad.conf" status > "$W/status.bad" 2>&1
is "$?" 1 "status exits 1 when the database is unreachable"
ok "and says so, still showing the CA" sh -c \
    "grep -q '^database  *unreachable (socket /nonexistent.sock)' '$W/status.bad' && grep -q '^CA expires' '$W/status.bad'"

# --- db-init again: idempotent, least privilege ---------------------------------------
sum=$(db_checksum)
ctl db-init > "$W/dbinit" 2>&1
is "$?" 0 "agoractl db-init runs again on an initialised database"
is "$(db_checksum)" "$sum" "and changes no data"
grants=$(sql "SHOW GRANTS FOR 'agora'@'localhost'")
ok "the workers may only read and append the audit trail" sh -c \
    "printf '%s' \"\$1\" | grep -q 'GRANT SELECT, INSERT ON \`agora\`.\`audit\` TO' && ! printf '%s' \"\$1\" | grep -q 'ON \`agora\`.\`audit\`.*UPDATE'" _ "$grants"
ok "the workers have no schema privilege" sh -c \
    "! printf '%s' \"\$1\" | grep -qE 'ALL PRIVILEGES|CREATE|DROP|ALTER'" _ "$grants"
ok "the workers have row access to tenant" sh -c \
    "printf '%s' \"\$1\" | grep -q 'GRANT SELECT, INSERT, UPDATE, DELETE ON \`agora\`.\`tenant\` TO'" _ "$grants"

# --- progress: on a terminal only ------------------------------------------------------
for i in $(seq 1 3000); do echo "DO $i;"; done > "$W/many.sql"
script -qec "'$AGORACTL' seed '$W/many.sql'" /dev/null > "$W/seed.tty" 2>&1
ok "seed on a terminal shows the statements done" grep -q 'seed: statements: 3000 ' "$W/seed.tty"
ctl seed "$W/many.sql" > "$W/seed.out" 2> "$W/seed.err"
is "$(cat "$W/seed.err")" "" "seed without a terminal writes nothing to stderr"
ok "and reports on stdout" grep -q "^seeded $W/many.sql" "$W/seed.out"

ctl seed "$AGORA_TOP/sql/seed/demo.sql" > /dev/null	# a dozen live listings
n=$(sql "SELECT COUNT(*) FROM listing WHERE state = 'approved'")
ok "there are live listings ($n)" test "$n" -gt 0
sql "UPDATE listing SET hub_key_enc = NULL WHERE state = 'approved'"
script -qec "'$AGORACTL' hub-keys" /dev/null > "$W/keys.tty" 2>&1
ok "hub-keys on a terminal counts $n of $n" grep -q "hub-keys: $n/$n (100%)" "$W/keys.tty"
is "$(sql "SELECT COUNT(*) FROM listing WHERE state = 'approved' AND hub_key_enc IS NULL")" 0 \
    "every live listing has its key again"
sql "UPDATE listing SET hub_key_enc = NULL WHERE state = 'approved'"
ctl hub-keys > /dev/null 2> "$W/keys.err"
is "$(cat "$W/keys.err")" "" "hub-keys without a terminal is quiet"

rows=$(sql "SELECT COUNT(*) FROM audit")
script -qec "'$AGORACTL' audit export > '$W/audit.csv'" /dev/null > "$W/audit.tty" 2>&1
ok "audit export on a terminal counts its lines" grep -q "audit export: lines: $((rows + 1)) " "$W/audit.tty"
ctl audit export > "$W/audit2.csv" 2> "$W/audit.err"
is "$(cat "$W/audit.err")" "" "audit export without a terminal is quiet"
ok "the CSV is the same either way" cmp -s "$W/audit.csv" "$W/audit2.csv"

# --- every script says how to use it ---------------------------------------------------
for s in scripts/run scripts/test scripts/bench scripts/register-marketplace scripts/nginx-site; do
	out=$("$AGORA_TOP/$s" --help 2>&1); rc=$?
	ok "$s --help: usage, exit 0" sh -c "test $rc -eq 0 && printf '%s' \"\$1\" | grep -qi 'usage'" _ "$out"
done
out=$("$AGORA_TOP/scripts/bench" --ab 2>&1); rc=$?
ok "scripts/bench --ab without a revision: usage, exit 2" sh -c \
    "test $rc -eq 2 && printf '%s' \"\$1\" | grep -q 'usage: scripts/bench --ab REV'" _ "$out"
out=$("$AGORA_TOP/scripts/bench" --ab-db 2>&1); rc=$?
ok "scripts/bench --ab-db without options: usage, exit 2" sh -c \
    "test $rc -eq 2 && printf '%s' \"\$1\" | grep -q 'usage: scripts/bench --ab REV | --ab-db FLAGS'" _ "$out"
out=$("$AGORA_TOP/scripts/bench" --ab HEAD 1 1 lots 2>&1); rc=$?
ok "scripts/bench --ab with a connection count that is no number: exit 2, naming it" sh -c \
    "test $rc -eq 2 && printf '%s' \"\$1\" | grep -q \"connections must be a positive number, not 'lots'\"" _ "$out"
out=$("$AGORA_TOP/scripts/bench" --floor 2 0 2>&1); rc=$?
ok "scripts/bench --floor with zero seconds: exit 2, naming the count and the value" sh -c \
    "test $rc -eq 2 && printf '%s' \"\$1\" | grep -q \"seconds must be a positive number, not '0'\"" _ "$out"
out=$("$AGORA_TOP/scripts/bench" --count x 2>&1); rc=$?
ok "scripts/bench --count with seconds that are no number: exit 2, naming them" sh -c \
    "test $rc -eq 2 && printf '%s' \"\$1\" | grep -q \"seconds must be a positive number, not 'x'\"" _ "$out"
out=$("$AGORA_TOP/scripts/bench" --help 2>&1); rc=$?
ok "scripts/bench --help names --floor and --count" sh -c \
    "test $rc -eq 0 && printf '%s' \"\$1\" | grep -q 'scripts/bench --floor \[rounds\]' &&
    printf '%s' \"\$1\" | grep -q 'scripts/bench --count \[seconds'" _ "$out"
out=$("$AGORA_TOP/scripts/run" frobnicate 2>&1); rc=$?
ok "scripts/run with an unknown command says so" sh -c \
    "test $rc -ne 0 && printf '%s' \"\$1\" | grep -q 'unknown command \"frobnicate\"'" _ "$out"

# --- register-marketplace: a renewal updates registration.json; a 409 is final ---------
D=$W/mkt
export DEV_PLATFORM_ENDPOINT=$BASE AGORA_CA=$CACERT MARKETPLACE_NID=ops-mkt \
    MNOHUB_ENDPOINT=https://hub.ops.example.com
AGORA_REGISTRATION_TOKEN=$(regtoken 1) "$AGORA_TOP/scripts/register-marketplace" "$D" > "$W/reg1" 2>&1
is "$?" 0 "register-marketplace registers ops-mkt"
old=$(jq -r .serial "$D/registration.json")
ctl certificate revoke ops-mkt >/dev/null
"$AGORA_TOP/scripts/register-marketplace" "$D" > "$W/reg2" 2>&1
is "$?" 0 "a later start renews the revoked certificate"
new=$(openssl x509 -in "$D/cert.pem" -noout -serial | cut -d= -f2)
isnt "$new" "$old" "cert.pem holds a new certificate"
is "$(jq -r .serial "$D/registration.json")" "$new" \
    "registration.json names the renewed certificate, not the old one"

D2=$W/mkt2
AGORA_REGISTRATION_TOKEN=$(regtoken 1) "$AGORA_TOP/scripts/register-marketplace" "$D2" > "$W/reg3" 2>&1
is "$?" 1 "the same nid from another directory is refused"
ok "the 409 says what to do" grep -q 'registered already: if it is yours, restore its credentials' "$W/reg3"
ok "and keeps no request to resend" test ! -e "$D2/request.json" -a ! -e "$D2/idempotency-key"
MARKETPLACE_NID=ops-mkt-two MNOHUB_ENDPOINT=https://hub.ops-two.example.com \
    AGORA_REGISTRATION_TOKEN=$(regtoken 1) \
    "$AGORA_TOP/scripts/register-marketplace" "$D2" > "$W/reg4" 2>&1
is "$?" 0 "so the next start, with another nid, registers"

finish
