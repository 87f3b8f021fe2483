#!/bin/bash
# MariaDB's query cache under the cached reads (the stack runs it on
# demand): a hit's one statement, the generation check, is answered from
# it; and while other readers keep filling it, a change made by hand with
# the mariadb client is still on the very next request, for the catalog
# and for autoconfigure.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
provider_new "qcp-$S"
P=$P_CRED
app_new "$P" "qa-$S" '"rank":1,"self_publish":["*"]'
A=$APP_ID
env_new "$P" "$A" production
E=$ENV_CRED
EID=$ENV_ID
mkt_new "qm-$S"
asj "$MKT_CRED" POST /api/v1/marketplace/listings "{\"app\":\"qa-$S\"}"
status 201 "the marketplace publishes the app"
tenant_new "qm-$S" QC tenant
T=$TEN_CRED
TID=$TEN_ID
adminj POST /api/v1/admin/tenants/$TID/apps/bulk "{\"enable\":[$A]}"
status 200 "the tenant lists the app"

CAT=/api/mnoe/v2/apps
CFG=/api/config/v1/marketplaces

# qc NAME: a query cache status counter.
qc() { sql "SHOW GLOBAL STATUS LIKE 'Qcache_$1'" | cut -f2; }

# served CRED PATH: 20 requests; sets QHITS, the query cache's hits
# meanwhile (nothing else on the stack asks for the query cache).
served() {
	local h0 i
	h0=$(qc hits)
	for i in $(seq 1 20); do req GET "$2" -g -u "$1"; done
	QHITS=$(($(qc hits) - h0))
}

served "$T" $CAT
status 200 "the catalog answers"
ok "its generation check comes from the query cache ($QHITS hits of 20)" \
    test "$QHITS" -ge 12
served "$E" $CFG
status 200 "autoconfigure answers"
ok "so does autoconfigure's ($QHITS hits of 20)" test "$QHITS" -ge 12

# readers CRED PATH: three loops of requests in the background until
# $T_TMP/run goes; every request that misses refills the query cache.
readers() {
	local i
	touch "$T_TMP/run"
	for i in 1 2 3; do
		while [ -e "$T_TMP/run" ]; do
			curl -sS --cacert "$CACERT" -g -o /dev/null -u "$1" \
			    "$BASE$2" 2>/dev/null
		done &
	done
}
readers_stop() { rm -f "$T_TMP/run"; wait; }

# race DESC CRED PATH SQL FILTER: 25 times, with the readers running, a
# hand-made change (SQL with @i for the round) is on the next request.
race() {
	local d=$1 cred=$2 path=$3 q=$4 f=$5 i stale=0 i0
	i0=$(qc inserts)
	readers "$cred" "$path"
	for i in $(seq 1 25); do
		sql "SET @i = $i; $q"
		req GET "$path" -g -u "$cred"
		[ "$STATUS" = 200 ] &&
		    jq -e --argjson i "$i" "$f" "$BODY" >/dev/null 2>&1 ||
		    stale=$((stale + 1))
	done
	readers_stop
	is "$stale" 0 "$d: every change is on the next request"
	ok "$d: the cache was refilled meanwhile ($(($(qc inserts) - i0)) inserts)" \
	    test "$(($(qc inserts) - i0))" -ge 20
	ETAG=$(header ETag)
	req GET "$path" -g -u "$cred" -H "If-None-Match: $ETAG"
	status 304 "$d: the last answer's ETag is current"
}

race "catalog, UPDATE app by hand" "$T" $CAT \
    "UPDATE app SET name = CONCAT('Race $S ', @i) WHERE id = $A" \
    '.data | any(.attributes.name == "Race '"$S"' \($i)")'
race "autoconfigure, UPDATE environment by hand" "$E" $CFG \
    "UPDATE environment SET host = CONCAT('https://race', @i, '-$S.example.com') WHERE id = $EID" \
    '.marketplaces | length == 1 and all(.app.host == "https://race\($i)-'"$S"'.example.com")'

finish
