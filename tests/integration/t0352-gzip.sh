#!/bin/bash
# The hot reads answer a client that accepts gzip (Ruby's net/http asks
# for it by default) with the compressed body the worker keeps beside
# the cached one: the same bytes once inflated, on a miss and on a hit,
# under an ETag of its own and Vary: Accept-Encoding; Accept-Encoding's
# weights are honoured; 304s, HEAD, errors and hand-made SQL changes
# behave as for the uncompressed answer; the cache's bound still holds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
OPEN=tnt_demo_open:demo-open-key
CAT=/api/mnoe/v2/apps
CFG=/api/config/v1/marketplaces
GZ="Accept-Encoding: gzip"

# get CRED PATH [curl args]: one GET, the body kept as sent (curl does
# not inflate without --compressed).
get() { req GET "$2" -g -u "$1" "${@:3}"; }

# plain FILE: the last body inflated into FILE if it was gzip, copied
# otherwise. Fails if it claims gzip and does not inflate.
plain() {
	if [ "$(header Content-Encoding)" = gzip ]; then
		gzip -dc < "$BODY" > "$1"
	else
		cp "$BODY" "$1"
	fi
}

# The reference: the uncompressed catalog.
get "$OPEN" $CAT
status 200 "the catalog, no Accept-Encoding"
is "$(header Content-Encoding)" "" "is not compressed"
is "$(header Vary)" "Accept-Encoding" "and says it varies on Accept-Encoding"
cp "$BODY" "$T_TMP/ref.json"
EI=$(header ETag)
N=$(jqv .meta.record_count)
jqok '.meta.record_count > 1 and (.data | length) == .meta.record_count' \
    "with the demo's apps ($N)"

# Twelve requests with gzip: misses and hits on the four workers alike.
same=1 hits=0 small=1 etags=""
for i in $(seq 1 12); do
	get "$OPEN" $CAT -H "$GZ"
	[ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = gzip ] &&
	    [ "$(header Vary)" = Accept-Encoding ] &&
	    plain "$T_TMP/gz.json" && cmp -s "$T_TMP/gz.json" "$T_TMP/ref.json" ||
	    same=0
	[ "$(header X-Cache)" = hit ] && hits=$((hits + 1))
	[ "$(header Content-Length)" = "$(stat -c %s "$BODY")" ] || small=0
	[ "$(stat -c %s "$BODY")" -lt $(($(stat -c %s "$T_TMP/ref.json") / 3)) ] ||
	    small=0
	etags="$etags$(header ETag)
"
done
is "$same" 1 "every gzip answer inflates to exactly the uncompressed body"
ok "some came from a warm cache ($hits of 12 hits)" test "$hits" -gt 0
is "$small" 1 "each is under a third of the size, with a right Content-Length"
EG=$(printf '%s' "$etags" | sort -u)
is "$(printf '%s\n' "$EG" | wc -l)" 1 "every worker gives it the same ETag"
isnt "$EG" "$EI" "which is not the uncompressed answer's"
ok "and has the same shape (32 hex digits in quotes)" \
    grep -Eq '^"[0-9a-f]{32}"$' <<<"$EG"

# Conditional requests: each representation matches its own ETag.
: > "$BODY"
get "$OPEN" $CAT -H "$GZ" -H "If-None-Match: $EG"
status 304 "the gzip ETag with gzip accepted: 304"
is "$(header ETag)" "$EG" "carrying that ETag"
is "$(header Vary)" "Accept-Encoding" "and Vary"
ok "and no body" test ! -s "$BODY"
get "$OPEN" $CAT -H "$GZ" -H "If-None-Match: $EI"
status 200 "the uncompressed ETag with gzip accepted: the gzip body"
is "$(header Content-Encoding)" gzip "compressed"
get "$OPEN" $CAT -H "If-None-Match: $EG"
status 200 "the gzip ETag without gzip: the uncompressed body"
is "$(header Content-Encoding)" "" "not compressed"
cmp -s "$BODY" "$T_TMP/ref.json"
is "$?" 0 "byte for byte the reference"
get "$OPEN" $CAT -H "$GZ" -H "If-None-Match: \"x\", $EI, W/$EG"
status 304 "a list naming the gzip ETag (weak) is a 304"

# What Accept-Encoding values choose.
enc() {	# enc VALUE WANT DESC
	get "$OPEN" $CAT -H "Accept-Encoding: $1"
	if [ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = "$2" ] &&
	    plain "$T_TMP/enc.json" && cmp -s "$T_TMP/enc.json" "$T_TMP/ref.json"; then
		pass "$3"
	else
		fail "$3"
		diag "Accept-Encoding: $1 -> $STATUS, Content-Encoding '$(header Content-Encoding)'"
	fi
}
enc "gzip;q=1.0,deflate;q=0.6,identity;q=0.3" gzip "Ruby net/http's default gets gzip"
enc "gzip, deflate, br, zstd" gzip "a browser's list gets gzip"
enc "br;q=1, gzip;q=0.5" gzip "gzip at a lower weight still gets it"
enc "x-gzip" gzip "x-gzip gets gzip"
enc "*" gzip "* gets gzip"
enc "gzip;q=0" "" "gzip;q=0 gets the uncompressed body"
enc "*, gzip;q=0" "" "so does * with gzip refused"
enc "identity" "" "identity gets the uncompressed body"
enc "deflate, br" "" "codings agora does not make: uncompressed"
enc "gzip;q=2" "" "a malformed weight: uncompressed"

# The hub's other cached answers: one app, the tenant.
for path in "$CAT/$(jq -r '.data[0].id' "$T_TMP/ref.json")" /api/mnoe/v2/tenant; do
	get "$OPEN" "$path"
	cp "$BODY" "$T_TMP/one.json"
	get "$OPEN" "$path" -H "$GZ"
	if [ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = gzip ] &&
	    plain "$T_TMP/onez.json" && cmp -s "$T_TMP/onez.json" "$T_TMP/one.json"; then
		pass "GET $path with gzip: the same bytes, compressed"
	else
		fail "GET $path with gzip: the same bytes, compressed"
		diag "status $STATUS, Content-Encoding '$(header Content-Encoding)'"
	fi
done

# HEAD, and errors, which are never compressed.
get "$OPEN" $CAT -H "$GZ"
glen=$(stat -c %s "$BODY")
getag=$(header ETag)
req HEAD $CAT -u "$OPEN" -H "$GZ"
status 200 "HEAD with gzip"
is "$(header Content-Encoding)" gzip "says gzip"
is "$(header Content-Length)" "$glen" \
    "and the length of the compressed body its GET sends"
is "$(header ETag)" "$getag" "under the GET's ETag"
# (curl -X HEAD reads what follows the head, up to that length: none
# comes, so it gives up after 2 s with 0 bytes.)
n=$(curl -sS --cacert "$CACERT" -X HEAD --max-time 2 -o /dev/null \
    -w '%{size_download}' -u "$OPEN" -H "$GZ" "$BASE$CAT" 2>/dev/null)
is "$n" 0 "and sends no body"
get "tnt_demo_open:wrong" $CAT -H "$GZ"
status 401 "a wrong key with gzip: 401"
is "$(header Content-Encoding)" "" "an uncompressed error"
jqok '.errors[0].status == "401"' "that reads as JSON"
get "$OPEN" $CAT/999999999 -H "$GZ"
status 404 "an unknown app with gzip: 404"
is "$(header Content-Encoding)" "" "uncompressed too"
is "$(header ETag)" "" "without an ETag"

# A change by hand shows on the very next gzip request, on any worker.
id=$(jq -r '.data[0].id' "$T_TMP/ref.json")
sql "UPDATE app SET name = 'Zipped $S' WHERE id = $id"
good=1 stale=0
for i in $(seq 1 8); do
	get "$OPEN" $CAT -H "$GZ"
	[ "$STATUS" = 200 ] && plain "$T_TMP/after.json" &&
	    jq -e ".data | any(.attributes.name == \"Zipped $S\")" \
	    "$T_TMP/after.json" >/dev/null || good=0
	[ "$(header ETag)" = "$EG" ] && stale=1
done
is "$good" 1 "an UPDATE by hand shows on each of eight gzip requests"
is "$stale" 0 "under a new ETag"
get "$OPEN" $CAT -H "$GZ" -H "If-None-Match: $EG"
status 200 "the old gzip ETag gets the new body"

# Autoconfigure, the other hot read.
provider_new "gzp-$S"
app_new "$P_CRED" "gza-$S" '"self_publish":["*"]'
env_new "$P_CRED" "$APP_ID" production
E=$ENV_CRED
mkt_new "gzm-$S"
asj "$MKT_CRED" POST /api/v1/marketplace/listings "{\"app\":\"gza-$S\"}"
status 201 "a marketplace publishes an app"
get "$E" $CFG
cp "$BODY" "$T_TMP/cfg.json"
jqok ".marketplaces | length == 1" "autoconfigure, uncompressed"
same=1
for i in $(seq 1 6); do
	get "$E" $CFG -H "$GZ"
	[ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = gzip ] &&
	    plain "$T_TMP/cfgz.json" && cmp -s "$T_TMP/cfgz.json" "$T_TMP/cfg.json" ||
	    same=0
done
is "$same" 1 "autoconfigure with gzip inflates to the same bytes, miss or hit"

# Compressed once per kept answer: twelve gzip requests for one new
# query compress it at most once per worker.
g0=$(metric agora_gzip_bodies_total)
good=1
for i in $(seq 1 12); do
	get "$OPEN" "$CAT?once=1" -H "$GZ"
	[ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = gzip ] || good=0
done
g1=$(metric agora_gzip_bodies_total)
is "$good" 1 "twelve gzip answers to one new query"
ok "compressed $((g1 - g0)) times: at least once, at most once a worker" \
    test "$((g1 - g0))" -ge 1 -a "$((g1 - g0))" -le "${WORKERS:-4}"

# The bound: 80 distinct queries, each kept with its gzip body, never
# take a worker past cache_bytes.
lim=$(sed -n 's/^cache_bytes *= *//p' "$AGORA_CONF")
good=1
for i in $(seq 1 80); do
	get "$OPEN" "$CAT?zfill=$i" -H "$GZ"
	[ "$STATUS" = 200 ] && plain "$T_TMP/fill.json" &&
	    jq -e ".meta.record_count == $N" "$T_TMP/fill.json" >/dev/null || good=0
	get "$OPEN" "$CAT?zfill=$i"
	[ "$STATUS" = 200 ] || good=0
done
is "$good" 1 "80 distinct queries, both ways, all answered right"
max=$(grep 'cache_bytes=' "$PREFIX/log/agora.log" |
    sed 's/.*cache_bytes=\([0-9]*\).*/\1/' | sort -n | tail -1)
ok "no worker's cache held more than cache_bytes ($max of $lim)" \
    test "$max" -le "$lim"

finish
