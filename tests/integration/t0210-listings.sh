#!/bin/bash
# Listings: a provider asks, an admin approves or rejects, a live listing
# is unpublished and published again; a marketplace publishes onto
# itself; every transition has a history row and an audit row; illegal
# moves are 409; lists filter and page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
provider_new "lp-$S"
P=$P_CRED
app_new "$P" "lapp-$S"
AID=$APP_ID
app_new "$P" "lapp2-$S" "\"self_publish\":[\"lm2-$S\"]"
AID2=$APP_ID
mkt_new "lm1-$S"
M1=$MKT_CRED
M1ID=$MKT_ID
mkt_new "lm2-$S"
M2=$MKT_CRED
ok "two marketplaces are registered" test -n "$M1ID" -a -n "$MKT_ID"

# A provider asks.
sum=$(db_checksum)
asj "$P" POST /api/v1/apps/$AID/listings '{"marketplace":"no-such-mkt"}'
status 404 "a listing on an unknown marketplace is 404"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"lm1-$S\",\"state\":\"approved\"}"
status 400 "a provider cannot set the state"
jqok '.errors[] | select(.field == "state")' "the error names state"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"lm1-$S\",\"hub_api_id\":\"app-mine\"}"
status 400 "a provider cannot choose the hub id"
is "$(db_checksum)" "$sum" "refused requests change nothing"

asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"lm1-$S\",\"note\":\"please\"}"
status 201 "a provider asks for a listing"
jqok '.state == "submitted" and .live == false and .marketplace == "lm1-'$S'" and .app.nid == "lapp-'$S'"' "the listing is submitted"
jqok '.hub_api_id | test("^app-[0-9a-f]{8}$")' "the listing has a hub id like app-<hex>"
jqok '.history | length == 1 and .[0].from == null and .[0].to == "submitted" and .[0].note == "please"' "the history starts"
L=$(jqv .id)
HUB=$(jqv .hub_api_id)
is "$(header Location)" "/api/v1/listings/$L" "Location names the listing"
is "$(sql "SELECT hub_key_enc IS NULL FROM listing WHERE id = $L")" "1" "no hub key before approval"

sum=$(db_checksum)
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"lm1-$S\"}"
status 409 "asking twice is 409"
admin POST /api/v1/admin/listings/$L/unpublish
status 409 "a submitted listing cannot be unpublished"
as "$P" POST /api/v1/admin/listings/$L/approve
status 401 "a provider cannot approve"
adminj POST /api/v1/admin/listings/$L/reject '{}'
status 400 "a rejection needs a note"
jqok '.errors[] | select(.field == "note")' "the error names note"
is "$(db_checksum)" "$sum" "refused moves change nothing"

# Reject, ask again, approve.
adminj POST /api/v1/admin/listings/$L/reject '{"note":"logo missing"}'
status 200 "an admin rejects with a note"
jqok '.state == "rejected" and (.history | last | .note == "logo missing" and .from == "submitted" and .to == "rejected")' "the rejection is in the history"
jqok '.history | last | .actor | startswith("admin:")' "the history names the admin"
adminj POST /api/v1/admin/listings/$L/approve '{}'
status 409 "a rejected listing cannot be approved"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"lm1-$S\"}"
status 201 "the provider asks again"
jqok '.state == "submitted" and .id == '$L' and .hub_api_id == "'$HUB'"' "it is the same listing, submitted again"
admin POST /api/v1/admin/listings/$L/approve
status 200 "an admin approves"
jqok '.state == "approved" and .live == true' "the listing is live"
is "$(sql "SELECT LENGTH(hub_key_enc) FROM listing WHERE id = $L")" "92" "the hub key is sealed (iv + 64 + tag)"
KEYENC=$(sql "SELECT HEX(hub_key_enc) FROM listing WHERE id = $L")

# Unpublish and publish again.
adminj POST /api/v1/admin/listings/$L/unpublish '{"note":"maintenance"}'
status 200 "an admin unpublishes"
jqok '.state == "unpublished"' "the listing is unpublished"
admin POST /api/v1/admin/listings/$L/unpublish
status 409 "unpublishing twice is 409"
admin POST /api/v1/admin/listings/$L/approve
status 200 "an admin publishes it again"
jqok '.state == "approved" and .hub_api_id == "'$HUB'"' "the hub id is stable"
is "$(sql "SELECT HEX(hub_key_enc) FROM listing WHERE id = $L")" "$KEYENC" "the hub key is stable"
admin POST /api/v1/admin/listings/999999999/approve
status 404 "an unknown listing is 404"

as "$P" GET /api/v1/listings/$L/history
status 200 "the provider reads the history"
jqok '[.history[].to] == ["submitted","rejected","submitted","approved","unpublished","approved"]' "every transition is recorded in order"
jqok '[.history[].from] == [null,"submitted","rejected","submitted","approved","unpublished"]' "with where it came from"
jqok 'all(.history[]; (.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and (.actor | length > 0))' "with who and when"
is "$(sql "SELECT COUNT(*) FROM audit WHERE target_kind = 'listing' AND target_id = $L")" "6" "every transition has an audit row"

# A marketplace publishes a platform app onto itself.
sum=$(db_checksum)
asj "$M2" POST /api/v1/marketplace/listings '{"app":"no-such-app"}'
status 404 "publishing an unknown app is 404"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"lapp2-$S\",\"marketplace\":\"lm1-$S\"}"
status 400 "a marketplace cannot name another marketplace"
jqok '.errors[] | select(.field == "marketplace")' "the error names marketplace"
is "$(db_checksum)" "$sum" "refused publishes change nothing"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"lapp2-$S\"}"
status 201 "a marketplace publishes an app onto itself"
jqok '.state == "approved" and .marketplace == "lm2-'$S'" and (.history | length == 1 and .[0].from == null and .[0].to == "approved")' "it is live at once"
jqok '.history[0].actor | startswith("marketplace:")' "the history names the marketplace"
L2=$(jqv .id)
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"lapp2-$S\"}"
status 409 "publishing a live app again is 409"

sum=$(db_checksum)
as "$M1" POST /api/v1/marketplace/listings/$L2/unpublish
status 404 "another marketplace cannot unpublish it"
as "$M1" GET /api/v1/marketplace/listings/$L2
status 404 "another marketplace cannot read it"
as "$M1" GET /api/v1/listings/$L2/history
status 404 "nor its history"
is "$(db_checksum)" "$sum" "and nothing changed"
as "$M2" POST /api/v1/marketplace/listings/$L2/unpublish
status 200 "the marketplace unpublishes its own listing"
jqok '.state == "unpublished"' "it is unpublished"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"lapp2-$S\"}"
status 201 "the marketplace publishes it again"
jqok '.id == '$L2' and .state == "approved"' "the same listing is live again"

# The marketplace also publishes an app that was asked for elsewhere.
asj "$P" POST /api/v1/apps/$AID2/listings "{\"marketplace\":\"lm1-$S\"}"
status 201 "the provider asks for its second app on lm1"
L3=$(jqv .id)

# Lists and filters.
as "$M1" GET /api/v1/marketplace/listings
status 200 "a marketplace lists its listings"
jqok '[.listings[].marketplace] | unique == ["lm1-'$S'"]' "only its own"
as "$M1" GET "/api/v1/marketplace/listings?state=submitted"
jqok '[.listings[].id] == ['$L3']' "filtered by state"
as "$P" GET "/api/v1/listings?app=lapp2-$S"
status 200 "a provider lists its listings by app"
jqok "[.listings[].id] | sort == ([$L2, $L3] | sort)" "filtered by app"
is "$(header X-Total-Count)" "2" "X-Total-Count counts the filtered set"
as "$P" GET "/api/v1/listings?marketplace=lm2-$S&state=approved"
jqok '[.listings[].id] == ['$L2']' "filtered by marketplace and state"
as "$P" GET "/api/v1/listings?state=live"
status 400 "an unknown state is refused"
jqok '.errors[] | select(.field == "state")' "the error names state"
admin GET "/api/v1/admin/listings?app=lapp-$S"
status 200 "an admin lists listings"
jqok '.listings | length == 1 and .[0].id == '$L "the admin filter by app"
admin GET "/api/v1/admin/listings?limit=1"
jqok '.listings | length == 1' "admin lists page"
ok "admin X-Total-Count counts all" test "$(header X-Total-Count)" -ge 3
ok "admin Link has a next page" grep -q 'rel="next"' <<<"$(header Link)"

# A deactivated app cannot go live anew.
as "$P" POST /api/v1/apps/$AID2/deactivate
sum=$(db_checksum)
admin POST /api/v1/admin/listings/$L3/approve
status 409 "a deactivated app cannot be approved"
asj "$P" POST /api/v1/apps/$AID2/listings "{\"marketplace\":\"lm2-$S\"}"
status 409 "nor asked for"
jqok '.detail | test("deactivated")' "because it is deactivated"
is "$(db_checksum)" "$sum" "and nothing changed"

finish
