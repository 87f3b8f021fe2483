#!/bin/bash
# Self-publishing needs the provider's consent (the app's self_publish,
# per marketplace) and respects an admin's rejection or unpublish: no
# marketplace becomes an app's identity provider otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$(dirname "$0")/console.sh"

S=$(rnd)
provider_new "sp-$S"
P=$P_CRED
app_new "$P" "spapp-$S"
AID=$APP_ID
jqok '.self_publish == []' "by default an app opts in nowhere"
mkt_new "spm1-$S"
M1=$MKT_CRED
mkt_new "spm2-$S"
M2=$MKT_CRED

sum=$(db_checksum)
asj "$M1" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 403 "a marketplace cannot publish an app that did not opt in"
jqok '.detail | test("opted in")' "it says why"
for bad in '"*"' '["*","spm1-'$S'"]' '[1]' '["Not A Nid"]' '[null]'; do
	asj "$P" PATCH /api/v1/apps/$AID "{\"self_publish\":$bad}"
	status 400 "self_publish $bad is refused"
	jqok '.errors[] | select(.field == "self_publish")' "naming self_publish"
done
is "$(db_checksum)" "$sum" "the refusals changed nothing"

asj "$P" PATCH /api/v1/apps/$AID "{\"self_publish\":[\"spm1-$S\"]}"
status 200 "the provider opts in for one marketplace"
jqok ".self_publish == [\"spm1-$S\"]" "it is stored"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 403 "another marketplace still cannot publish it"
asj "$M1" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 201 "the marketplace it names can"
L=$(jqv .id)

# An admin's decision holds.
adminj POST /api/v1/admin/listings/$L/unpublish '{"note":"policy"}'
status 200 "an admin takes the app down"
sum=$(db_checksum)
asj "$M1" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 403 "the marketplace cannot put it back"
jqok '.detail | test("admin")' "it says an admin holds it"
is "$(db_checksum)" "$sum" "and nothing changed"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"spm1-$S\"}"
status 201 "the provider asks again"
adminj POST /api/v1/admin/listings/$L/reject '{"note":"still no"}'
status 200 "an admin rejects it"
asj "$P" PATCH /api/v1/apps/$AID '{"self_publish":["*"]}'
status 200 "the provider opts in everywhere"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"spm1-$S\"}"
status 201 "and asks once more"
sum=$(db_checksum)
asj "$M1" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 403 "the marketplace still cannot override the admin's rejection"
is "$(db_checksum)" "$sum" "nothing changed"
admin POST /api/v1/admin/listings/$L/approve
status 200 "an admin approves"
as "$M1" POST /api/v1/marketplace/listings/$L/unpublish
status 200 "the marketplace unpublishes it itself"
asj "$M1" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 201 "and may publish it again: its own unpublish holds nothing"
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"spapp-$S\"}"
status 201 "with [\"*\"] every marketplace may"

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page "/admin/apps/$AID"
status 200 "the console's app page"
ok "shows the self-publishing setting" grep -q 'Self-publishing' "$BODY"
finish
