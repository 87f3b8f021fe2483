#!/bin/bash
# The answer cache of the hot reads (hub catalog, hub app, hub tenant,
# SDK autoconfigure): a change made by hand with the mariadb client
# (UPDATE without touching updated_at, INSERT, DELETE) shows on the very
# next request on every worker, with a new ETag; a stale ETag gets the
# new body, the current one a 304; two principals never see each
# other's answers; a cache filled past its bound keeps answering within
# it; and without the database no cached answer is served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$AGORA_TOP/scripts/lib/stack.sh"

S=$(rnd)
provider_new "cachep-$S"
P=$P_CRED
app_new "$P" "ca-$S" '"rank":1,"self_publish":["*"]'
A1=$APP_ID
app_new "$P" "cb-$S" '"rank":2,"self_publish":["*"]'
A2=$APP_ID
app_new "$P" "cc-$S" '"rank":3,"self_publish":["*"]'
A3=$APP_ID
env_new "$P" "$A1" production
E=$ENV_CRED
EID=$ENV_ID
mkt_new "cm-$S"
M=$MKT_CRED
MID=$MKT_ID
mkt_new "cn-$S"
M2=$MKT_CRED
MID2=$MKT_ID
for a in "ca-$S" "cb-$S" "cc-$S"; do
	asj "$M" POST /api/v1/marketplace/listings "{\"app\":\"$a\"}"
done
status 201 "the marketplace publishes three apps onto itself"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"ca-$S\"}"
status 201 "a second marketplace publishes the first app"

# T1 manages its own list (A1, A2); T2 lists every live app; T3 is on
# the other marketplace.
tenant_new "cm-$S" "Cache One" tenant
T1=$TEN_CRED
T1ID=$TEN_ID
adminj POST /api/v1/admin/tenants/$T1ID/apps/bulk "{\"enable\":[$A1,$A2]}"
status 200 "T1 gets two tenant apps"
tenant_new "cm-$S" "Cache Two"
T2=$TEN_CRED
T2ID=$TEN_ID
tenant_new "cn-$S" "Cache Three"
T3=$TEN_CRED

# get CRED PATH [curl args]: one GET of a cached route (the hub's need -g).
get() { req GET "$2" -g -u "$1" "${@:3}"; }

# warm CRED PATH: enough requests that every worker keeps the answer;
# sets ETAG0 and HITS (how many came from a cache).
warm() {
	local i
	HITS=0
	for i in $(seq 1 12); do
		get "$1" "$2"
		[ "$(header X-Cache)" = hit ] && HITS=$((HITS + 1))
	done
	ETAG0=$(header ETag)
}

# changed DESC CRED PATH SQL FILTER: with a warm cache, SQL run by hand
# shows on each of eight next requests (whatever worker takes them),
# under a new ETag; the old ETag gets the new body, the new one a 304.
changed() {
	local d=$1 cred=$2 path=$3 q=$4 f=$5 i good=1 same=0 etag
	warm "$cred" "$path"
	if jq -e "$f" "$BODY" >/dev/null 2>&1; then
		fail "$d: the filter must not hold before the change"
		return
	fi
	sql "$q"
	for i in $(seq 1 8); do
		get "$cred" "$path"
		[ "$STATUS" = 200 ] && jq -e "$f" "$BODY" >/dev/null 2>&1 ||
		    good=0
		[ "$(header ETag)" = "$ETAG0" ] && same=1
	done
	is "$good" 1 "$d: every next request shows it"
	is "$same" 0 "$d: under a new ETag"
	etag=$(header ETag)
	get "$cred" "$path" -H "If-None-Match: $ETAG0"
	if [ "$STATUS" = 200 ] && jq -e "$f" "$BODY" >/dev/null 2>&1; then
		pass "$d: the old ETag gets 200 and the new body"
	else
		fail "$d: the old ETag gets 200 and the new body"
		diag "status $STATUS"
	fi
	get "$cred" "$path" -H "If-None-Match: $etag"
	status 304 "$d: the new ETag gets 304"
}

CAT=/api/mnoe/v2/apps
CFG=/api/config/v1/marketplaces

warm "$T1" $CAT
status 200 "the catalog answers"
ok "a warm cache answers from memory (X-Cache: hit)" test "$HITS" -gt 0
get "$T1" $CAT -H "If-None-Match: $ETAG0"
status 304 "a matching If-None-Match is a 304"
is "$(header ETag)" "$ETAG0" "the 304 carries the same ETag"
ok "the ETag is 32 hex digits in quotes, as mno-enterprise keeps it" \
    grep -Eq '^"[0-9a-f]{32}"$' <<<"$ETAG0"
get "$T1" $CAT -H "If-None-Match: \"0123456789abcdef0123456789abcdef\""
status 200 "an unknown ETag gets the body"

# The catalog, table by table.
changed "catalog, UPDATE app (no updated_at)" "$T1" $CAT \
    "UPDATE app SET name = 'Renamed $S' WHERE id = $A1" \
    ".data | any(.attributes.name == \"Renamed $S\")"
changed "catalog, UPDATE tenant_app rank" "$T1" $CAT \
    "UPDATE tenant_app SET app_rank = 99 WHERE tenant_id = $T1ID AND app_id = $A1" \
    ".data | any(.id == \"$A1\" and .attributes.rank == 99)"
changed "catalog, INSERT tenant_app" "$T1" $CAT \
    "INSERT INTO tenant_app (tenant_id, app_id) VALUES ($T1ID, $A3)" \
    ".meta.record_count == 3"
changed "catalog, DELETE tenant_app" "$T1" $CAT \
    "DELETE FROM tenant_app WHERE tenant_id = $T1ID AND app_id = $A2" \
    ".meta.record_count == 2 and (.data | all(.id != \"$A2\"))"
changed "catalog, UPDATE tenant metadata" "$T1" $CAT \
    "UPDATE tenant SET metadata = '{\"app_management\":\"marketplace\"}' WHERE id = $T1ID" \
    ".meta.record_count == 3"
changed "catalog, UPDATE listing state" "$T2" $CAT \
    "UPDATE listing SET state = 'unpublished' WHERE app_id = $A3 AND marketplace_id = $MID" \
    ".meta.record_count == 2"
changed "catalog, DELETE listing" "$T2" $CAT \
    "DELETE FROM listing WHERE app_id = $A2 AND marketplace_id = $MID" \
    ".meta.record_count == 1 and (.data | all(.id != \"$A2\"))"
changed "catalog, INSERT listing" "$T2" $CAT \
    "INSERT INTO listing (app_id, marketplace_id, state, hub_api_id) VALUES ($A2, $MID, 'approved', 'hand-$S')" \
    ".data | any(.id == \"$A2\")"
changed "catalog, UPDATE listing back to approved" "$T2" $CAT \
    "UPDATE listing SET state = 'approved' WHERE app_id = $A3 AND marketplace_id = $MID" \
    ".meta.record_count == 3"
changed "catalog, DELETE app" "$T2" $CAT \
    "DELETE FROM app WHERE id = $A3" \
    ".meta.record_count == 2 and (.data | all(.id != \"$A3\"))"
changed "hub app, UPDATE app" "$T2" $CAT/$A2 \
    "UPDATE app SET tiny_description = 'tiny $S' WHERE id = $A2" \
    ".data.attributes.tiny_description == \"tiny $S\""
changed "hub tenant, UPDATE tenant" "$T2" /api/mnoe/v2/tenant \
    "UPDATE tenant SET name = 'Cache Two bis' WHERE id = $T2ID" \
    ".data.attributes.name == \"Cache Two bis\""

# Autoconfigure, table by table.
changed "autoconfigure, UPDATE environment" "$E" $CFG \
    "UPDATE environment SET host = 'https://moved-$S.example.com' WHERE id = $EID" \
    ".marketplaces | length == 2 and all(.app.host == \"https://moved-$S.example.com\")"
changed "autoconfigure, UPDATE marketplace" "$E" $CFG \
    "UPDATE marketplace SET hub_url = 'https://hub2-$S.example.com' WHERE id = $MID2" \
    ".marketplaces | any(.api.host == \"https://hub2-$S.example.com\")"
changed "autoconfigure, UPDATE certificate (revoked)" "$E" $CFG \
    "UPDATE certificate SET revoked_at = NOW(6) WHERE marketplace_id = $MID2" \
    ".marketplaces | length == 1"
changed "autoconfigure, UPDATE app nid" "$E" $CFG \
    "UPDATE app SET nid = 'cz-$S' WHERE id = $A1" \
    ".marketplaces | all(.nid | startswith(\"cz-$S-\"))"
changed "autoconfigure, DELETE listing" "$E" $CFG \
    "DELETE FROM listing WHERE app_id = $A1 AND marketplace_id = $MID" \
    ".marketplaces == []"
changed "autoconfigure, UPDATE certificate (restored)" "$E" $CFG \
    "UPDATE certificate SET revoked_at = NULL WHERE marketplace_id = $MID2" \
    ".marketplaces | length == 1 and .[0].marketplace == \"cn-$S\""
# Migration 0007: a marketplace getting a certificate it did not have
# skips the bump only while nothing names it; this one is listed.
changed "autoconfigure, UPDATE marketplace cert_id to NULL" "$E" $CFG \
    "UPDATE marketplace SET cert_id = NULL WHERE id = $MID2" \
    ".marketplaces == []"
changed "autoconfigure, UPDATE marketplace cert_id from NULL (listed)" "$E" $CFG \
    "UPDATE marketplace SET cert_id = (SELECT MAX(id) FROM certificate WHERE marketplace_id = $MID2) WHERE id = $MID2" \
    ".marketplaces | length == 1 and .[0].marketplace == \"cn-$S\""
# A registration itself moves no generation and records no event.
mkt_new "co-$S"
is "$(sql "SELECT COUNT(*) FROM gen WHERE kind = 'm' AND id = $MKT_ID")" 0 \
    "a registration writes no generation row"
is "$(sql "SELECT COUNT(*) FROM event WHERE marketplace_id = $MKT_ID AND type LIKE 'marketplace.certificate%'")" 0 \
    "nor a certificate event"

# Two principals, warm caches: each sees only its own answer, and one's
# ETag is not the other's.
warm "$T1" $CAT
E1=$ETAG0
warm "$T2" $CAT
E2=$ETAG0
isnt "$E1" "$E2" "two tenants' catalogs have different ETags"
get "$T2" $CAT -H "If-None-Match: $E1"
status 200 "T1's ETag is no 304 for T2"
warm "$T3" $CAT
jqok ".meta.record_count == 1 and .data[0].id == \"$A1\"" \
    "a tenant of the other marketplace gets its own catalog, not theirs"
get "$T3" $CAT/$A2
status 404 "nor an app of theirs by id"
is "$(header ETag)" "" "a 404 carries no ETag"
get "$T3" "$CAT?filter[nope]=1"
status 400 "a bad query is a 400 on a cached route too"
is "$(header ETag)" "" "without an ETag"
get "$T3" /api/mnoe/v2/tenant
jqok '.data.attributes.name == "Cache Three"' "each tenant gets its own tenant"
get "$T1" $CAT -u "${T1%%:*}:wrong-key"
status 401 "a wrong key gets 401 even with the answer cached"
get "$T2" $CFG
status 401 "a tenant cannot read autoconfigure"

# Filled past its bound: 120 distinct queries for the demo's open
# catalog (~20 KB each; an ignored parameter makes each its own entry)
# overflow every worker's cache; it evicts, stays within cache_bytes, and
# every answer is still right.
"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
OPEN=tnt_demo_open:demo-open-key
get "$OPEN" $CAT
n=$(jqv .meta.record_count)
lim=$(sed -n 's/^cache_bytes *= *//p' "$AGORA_CONF")
good=1
for i in $(seq 1 120); do
	get "$OPEN" "$CAT?fill=$i"
	[ "$STATUS" = 200 ] && jq -e ".meta.record_count == $n and (.data | length) == $n" \
	    "$BODY" >/dev/null || good=0
done
is "$good" 1 "120 distinct queries all answered right"
max=$(grep 'cache_bytes=' "$PREFIX/log/agora.log" | sed 's/.*cache_bytes=\([0-9]*\).*/\1/' | sort -n | tail -1)
ok "the cache was filled (largest size $max of $lim bytes)" test "$max" -gt $((lim / 2))
ok "and never held more than cache_bytes" test "$max" -le "$lim"
get "$OPEN" "$CAT?fill=120"
jqok ".meta.record_count == $n" "an answer after the eviction is still right"

# Without the database: no cached answer, however warm.
warm "$T2" $CAT
stop_pidfile "$PREFIX/mysql/mysql.pid"
bad=0
for i in $(seq 1 8); do
	get "$T2" $CAT
	[ "$STATUS" = 503 ] || bad=1
done
is "$bad" 0 "with the database down every request is 503, never a cached 200"
get "$T2" $CAT -H "If-None-Match: $ETAG0"
status 503 "nor a 304"
stack_users
stack_db_start >/dev/null 2>&1
for i in $(seq 1 50); do
	get "$T2" $CAT
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
status 200 "the catalog answers again once the database is back"

finish
