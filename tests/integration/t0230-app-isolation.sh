#!/bin/bash
# Isolation and mass assignment: a provider reaching for another
# provider's app, environment or listing gets 404 (never 403) and the
# database is unchanged; every server-owned field on every write route
# is refused with a 400 naming it, the database unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
provider_new "alice-$S"
A=$P_CRED
provider_new "bob-$S"
B=$P_CRED
app_new "$A" "aapp-$S"
AID=$APP_ID
env_new "$A" "$AID" production
EID=$ENV_ID
app_new "$B" "bapp-$S" '"self_publish":["*"]'
BID=$APP_ID
mkt_new "im-$S"
M=$MKT_CRED
asj "$A" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"im-$S\"}"
LID=$(jqv .id)
ok "the fixtures exist" test -n "$AID" -a -n "$EID" -a -n "$BID" -a -n "$LID"

# Bob reaches for Alice's things.
sum=$(db_checksum)
audit=$(sql "SELECT COUNT(*) FROM audit")
as "$B" GET /api/v1/apps/$AID
status 404 "another provider's app is 404 on GET"
jqok '.status == 404 and (.detail | test("no such app"))' "indistinguishable from a missing app"
as "$B" GET /api/v1/apps/999999999
missing=$(jqv .detail)
as "$B" GET /api/v1/apps/$AID
is "$(jqv .detail)" "$missing" "the same answer as for an app that does not exist"
asj "$B" PATCH /api/v1/apps/$AID '{"name":"pwned"}'
status 404 "another provider's app is 404 on PATCH"
asj "$B" PATCH /api/v1/apps/$AID '{"name":"pwned"}' -H 'If-Match: "1"'
status 404 "also with a matching If-Match"
as "$B" POST /api/v1/apps/$AID/deactivate
status 404 "another provider's app cannot be deactivated"
asj "$B" POST /api/v1/apps/$AID/environments '{"nid":"evil","host":"https://evil.example.com"}'
status 404 "nor get an environment"
as "$B" GET /api/v1/apps/$AID/environments
status 404 "nor list its environments"
as "$B" GET /api/v1/apps/$AID/environments/$EID
status 404 "nor read one"
asj "$B" PATCH /api/v1/apps/$AID/environments/$EID '{"host":"https://evil.example.com"}'
status 404 "nor change one"
as "$B" POST /api/v1/apps/$AID/environments/$EID/rotate
status 404 "nor rotate its secret"
as "$B" GET /api/v1/apps/$BID/environments/$EID
status 404 "an environment is not reachable through one's own app"
asj "$B" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"im-$S\"}"
status 404 "nor ask for a listing"
as "$B" GET /api/v1/listings/$LID
status 404 "nor read its listing"
as "$B" GET /api/v1/listings/$LID/history
status 404 "nor the listing's history"
as "$B" GET /api/v1/listings
jqok '.listings == []' "bob's listing list is empty"
as "$B" GET /api/v1/apps
jqok '[.apps[].nid] == ["bapp-'$S'"]' "bob lists only his app"
is "$(db_checksum)" "$sum" "the database is unchanged"
is "$(sql "SELECT COUNT(*) FROM audit")" "$audit" "and nothing was audited"
is "$(sql "SELECT name FROM app WHERE id = $AID")" "App aapp-$S" "alice's app kept its name"

# Mass assignment: every server-owned field on every write route.
massign() {	# route-desc method path base-json field value [cred]
	local desc=$1 m=$2 p=$3 base=$4 f=$5 v=$6 cred=${7:-$A} body
	body=$(jq -c --arg f "$f" --argjson v "$v" '. + {($f): $v}' <<<"$base")
	sum=$(db_checksum)
	if [ "$cred" = admin ]; then adminj "$m" "$p" "$body"; else asj "$cred" "$m" "$p" "$body"; fi
	if [ "$STATUS" = 400 ] && jq -e --arg f "$f" '.errors | any(.field == $f)' "$BODY" >/dev/null 2>&1 &&
	    [ "$(db_checksum)" = "$sum" ]; then
		pass "$desc: $f is refused by name, nothing changed"
	else
		fail "$desc: $f is refused by name, nothing changed"; diag "status $STATUS $(head -c 300 "$BODY")"
	fi
}
for f in id uid created_at updated_at provider provider_id status version api_key api_secret; do
	massign "POST /apps" POST /api/v1/apps "{\"nid\":\"m-$S-$RANDOM\",\"name\":\"M\"}" $f '"x"'
	massign "PATCH /apps/{id}" PATCH /api/v1/apps/$AID '{"name":"M"}' $f '1'
done
for f in id app app_id api_key api_secret created_at updated_at version; do
	massign "POST environments" POST /api/v1/apps/$AID/environments '{"nid":"uat","host":"https://u.example.com"}' $f '"x"'
	massign "PATCH environment" PATCH /api/v1/apps/$AID/environments/$EID '{"host":"https://u.example.com"}' $f '2'
done
for f in id api_key api_secret created_at updated_at; do
	massign "POST /admin/providers" POST /api/v1/admin/providers "{\"nid\":\"mp-$S\",\"name\":\"M\",\"email\":\"m@m.example.com\"}" $f '"x"' admin
done
for f in id state hub_api_id api_key created_at updated_at history; do
	massign "POST listings" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"im-$S\"}" $f '"approved"'
	massign "POST marketplace listings" POST /api/v1/marketplace/listings "{\"app\":\"bapp-$S\"}" $f '"approved"' "$M"
	massign "POST approve" POST /api/v1/admin/listings/$LID/approve '{}' $f '"approved"' admin
	massign "POST reject" POST /api/v1/admin/listings/$LID/reject '{"note":"n"}' $f '"approved"' admin
done
is "$(sql "SELECT state FROM listing WHERE id = $LID")" "submitted" "the listing is still submitted"

finish
