#!/bin/bash
# Events and subscriptions: every event type is written in the
# transaction of its change (by the API and by hand-made SQL; none for a
# rolled-back change), tenant app changes make one event per
# transaction, and each event reaches each subscriber once, signed.
# Subscriptions: marketplaces, providers and admins; private targets
# only with an admin's leave; secrets shown once and rotated with a
# grace period in which both signatures are sent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$(dirname "$0")/t0500-lib.inc"

S=$(rnd)
provider_new "evp-$S"
P=$P_CRED
PNID="evp-$S"
app_new "$P" "evapp-$S"
AID=$APP_ID
app_new "$P" "evapp2-$S"
AID2=$APP_ID
env_new "$P" "$AID" "eve-$S"
EID=$ENV_ID
mkt_new "evm-$S"
M=$MKT_CRED
MID=$MKT_ID
MNID="evm-$S"
ok "the actors exist" test -n "$AID" -a -n "$EID" -a -n "$MID"

# --- subscriptions: who may subscribe to what ------------------------------
nsub() { sql "SELECT COUNT(*) FROM subscription"; }
n0=$(nsub)
asj "$M" POST /api/v1/marketplace/webhooks "{\"url\":\"$RURL/m\"}"
status 422 "a marketplace cannot subscribe a loopback address"
jqok '.errors[0].field == "url"' "the refusal names url"
for u in https://10.1.2.3/x https://169.254.169.254/latest https://localhost:8443/x https://192.168.0.10/x; do
	asj "$M" POST /api/v1/marketplace/webhooks "{\"url\":\"$u\"}"
	status 422 "refused: $u"
done
asj "$M" POST /api/v1/marketplace/webhooks '{"url":"http://hooks.example.com/x"}'
status 400 "plain http is refused"
asj "$M" POST /api/v1/marketplace/webhooks "{\"url\":\"$RURL/m\",\"allow_private\":true}"
status 400 "a marketplace cannot allow a private target itself"
jqok '.errors[] | select(.field == "allow_private")' "the error names allow_private"
asj "$M" POST /api/v1/marketplace/webhooks '{"url":"https://hooks.example.com/x","events":["listing.nope"]}'
status 400 "an unknown event type is refused"
jqok '.errors[0].field == "events"' "the error names events"
is "$(nsub)" "$n0" "refused subscriptions leave nothing behind"

asj "$M" POST /api/v1/marketplace/webhooks '{"url":"https://hooks.example.com/agora","events":["listing.approved","tenant.created"]}'
status 201 "a marketplace subscribes a public name"
jqok '.secret | test("^whsec_[0-9a-f]{64}$")' "the secret is shown once"
jqok '.owner.kind == "marketplace" and .owner.nid == "'$MNID'" and .allow_private == false' "owned by the marketplace"
OWN=$(jqv .id)
SEC=$(jqv .secret)
is "$(header Location)" "/api/v1/marketplace/webhooks/$OWN" "Location names it"
is "$(sql "SELECT COUNT(*) FROM subscription WHERE id = $OWN AND INSTR(secret_enc, '$SEC') = 0 AND LENGTH(secret_enc) > 70")" "1" "the secret is stored sealed, not in clear"
as "$M" GET /api/v1/marketplace/webhooks/$OWN
status 200 "the marketplace reads it"
jqok 'has("secret") | not' "no secret on a read"
as "$P" GET /api/v1/provider/webhooks/$OWN
status 404 "a provider cannot see the marketplace's subscription"
asj "$M" PATCH /api/v1/marketplace/webhooks/$OWN '{"url":"https://127.0.0.1/x"}'
status 422 "nor can a marketplace move it to loopback"
asj "$M" PATCH /api/v1/marketplace/webhooks/$OWN '{"active":false}'
status 200 "a marketplace pauses its subscription"
as "$M" DELETE /api/v1/marketplace/webhooks/$OWN
status 204 "and deletes it"
asj "$P" POST /api/v1/provider/webhooks '{"url":"https://hooks.provider.example.com/x","events":["listing.approved","listing.rejected"]}'
status 201 "a provider subscribes"
PW=$(jqv .id)
jqok '.owner.kind == "provider" and .owner.nid == "'$PNID'"' "owned by the provider"
as "$P" POST /api/v1/provider/webhooks/$PW/test
status 202 "a provider queues a test event"
is "$(sql "SELECT COUNT(*) FROM event WHERE subscription_id = $PW AND type = 'ping'")" "1" "a ping for that subscription alone"
as "$P" GET /api/v1/provider/webhooks
status 200 "a provider lists its subscriptions"
jqok '[.webhooks[].id] == ['$PW']' "only its own"
as "$M" DELETE /api/v1/marketplace/webhooks/$PW
status 404 "a marketplace cannot delete a provider's subscription"
as "$P" DELETE /api/v1/provider/webhooks/$PW
status 204 "the provider deletes it"

# The admin subscribes on their behalf, allowing the loopback receiver.
hook /m "" "\"marketplace\":\"$MNID\""
jqok '.owner.kind == "marketplace" and .allow_private == true' "an admin subscribes the marketplace to loopback"
HM=$HOOK_ID
hook /p "" "\"provider\":\"$PNID\""
HP=$HOOK_ID
hook /t "" '"events":["tenant.created","tenant.deleted","tenant.apps_changed"]'
HT=$HOOK_ID
as "$M" GET /api/v1/marketplace/webhooks
jqok '[.webhooks[].id] == ['$HM']' "the marketplace sees the one made for it"
adminj POST /api/v1/admin/webhooks "{\"marketplace\":\"$MNID\",\"url\":\"https://10.9.8.7/in\",\"allow_private\":true,\"events\":[\"ping\"]}"
status 201 "an admin allows a marketplace an internal target"
HX=$(jqv .id)
asj "$M" PATCH /api/v1/marketplace/webhooks/$HX '{"description":"ours"}'
status 200 "the marketplace may edit it"
jqok '.allow_private == true' "keeping the admin's leave while the URL stays"
asj "$M" PATCH /api/v1/marketplace/webhooks/$HX '{"url":"https://169.254.169.254/latest"}'
status 422 "but moving it to another internal address is refused: the leave was for that URL"
asj "$M" PATCH /api/v1/marketplace/webhooks/$HX '{"url":"https://hooks.example.com/moved"}'
status 200 "moving it to a public name is fine"
jqok '.allow_private == false' "and the leave is gone"
as "$M" DELETE /api/v1/marketplace/webhooks/$HX
status 204 "the marketplace deletes it"
admin PATCH /api/v1/admin/webhooks/$HT -H 'If-Match: "0"' $(json '{"description":"tenants"}')
status 412 "If-Match with another version is 412"

# The registration call subscribes too: new URLs are added (secret shown
# once), a re-registration naming them again adds nothing.
tok=$(regtoken)
body=$(jq -cn --arg nid "evreg-$S" '{nid: $nid, name: "Reg", environment: "production",
    endpoints: {hub: "https://hub.\($nid).example.com"},
    webhooks: [{url: "https://hooks.\($nid).example.com/a", events: ["listing.approved"]},
    {url: "https://hooks.\($nid).example.com/b"}]}')
req POST /api/v1/marketplaces -H "Authorization: Bearer $tok" $(json "$body")
status 201 "a marketplace registers with two webhooks"
jqok '(.webhooks | length) == 2 and all(.webhooks[]; .secret | test("^whsec_"))' "both are created, each with its secret"
jqok '.webhooks[0].events == ["listing.approved"] and .webhooks[1].events == ["*"]' "with their events"
RC="$(jqv .api_key):$(jqv .api_secret)"
req POST /api/v1/marketplaces -u "$RC" $(json "$(echo "$body" | jq -c '.webhooks += [{url: "https://hooks.example.org/c"}]')")
status 200 "it registers again with one more"
jqok '(.webhooks | length) == 1 and .webhooks[0].url == "https://hooks.example.org/c"' "only the new one is added"
as "$RC" GET /api/v1/marketplace/webhooks
jqok '(.webhooks | length) == 3' "the marketplace has three"
tok=$(regtoken)
req POST /api/v1/marketplaces -H "Authorization: Bearer $tok" $(json "$(echo "$body" | jq -c '.nid = "evreg2-'$S'" | .webhooks = [{url: "https://127.0.0.1/x"}]')")
status 400 "a registration naming a loopback webhook is refused"
jqok '.errors[0].field == "webhooks[0].url"' "the error names it"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE nid = 'evreg2-$S'")" "0" "and nothing is registered"

# scripts/register-marketplace passes WEBHOOK_URLS and keeps the secrets.
tok=$(regtoken)
DEV_PLATFORM_ENDPOINT=$BASE AGORA_CA=$CACERT AGORA_REGISTRATION_TOKEN=$tok \
    MARKETPLACE_NID="evscr-$S" MNOHUB_ENDPOINT="https://hub.evscr-$S.example.com" \
    WEBHOOK_URLS="https://hooks.evscr-$S.example.com/a https://hooks.evscr-$S.example.com/b" \
    WEBHOOK_EVENTS="listing.approved,tenant.created" \
    "$AGORA_TOP/scripts/register-marketplace" "$T_TMP/evscr" >/dev/null 2>&1
is "$(wc -l < "$T_TMP/evscr/webhook-secrets" 2>/dev/null)" "2" "the start-up script keeps both webhook secrets"
ok "mode 0600" test "$(stat -c %a "$T_TMP/evscr/webhook-secrets" 2>/dev/null)" = 600
ok "registration.json holds no secret" test -z "$(grep -o whsec_ "$T_TMP/evscr/registration.json")"
is "$(sql "SELECT COUNT(*) FROM subscription s JOIN marketplace m ON m.id = s.owner_id AND s.owner_kind = 'marketplace' WHERE m.nid = 'evscr-$S' AND s.types = '[\"listing.approved\",\"tenant.created\"]'")" "2" "both are subscribed with their events"

# --- events: one per change, written with the change ------------------------
ev() { sql "SELECT COUNT(*) FROM event WHERE marketplace_id = $MID AND type = '$1'"; }
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"$MNID\"}"
status 201 "a provider asks for a listing"
L=$(jqv .id)
is "$(ev listing.requested)" "1" "listing.requested"
adminj POST /api/v1/admin/listings/$L/reject '{"note":"no logo"}'
is "$(ev listing.rejected)" "1" "listing.rejected"
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"$MNID\"}"
is "$(ev listing.requested)" "2" "listing.requested again"
admin POST /api/v1/admin/listings/$L/approve
status 200 "approved"
is "$(ev listing.approved)" "1" "listing.approved"
n=$(sql "SELECT COUNT(*) FROM event")
admin POST /api/v1/admin/listings/$L/approve
status 409 "approving twice is refused"
is "$(sql "SELECT COUNT(*) FROM event")" "$n" "a refused change writes no event"
asj "$P" PATCH /api/v1/apps/$AID '{"name":"Renamed App"}'
status 200 "the provider renames its app"
is "$(ev app.changed)" "1" "app.changed for its marketplace"
is "$(sql "SELECT JSON_TYPE(JSON_EXTRACT(payload, '\$.app.active')) FROM event WHERE marketplace_id = $MID AND type = 'app.changed'")" "BOOLEAN" "active is a JSON boolean"
is "$(sql "SELECT JSON_VALUE(payload, '\$.app.name') FROM event WHERE marketplace_id = $MID AND type = 'app.changed'")" "Renamed App" "the event carries the new name"
asj "$P" PATCH /api/v1/apps/$AID/environments/$EID '{"host":"https://moved.example.com"}'
status 200 "the provider moves its environment"
is "$(ev environment.changed)" "1" "environment.changed"
admin POST /api/v1/admin/listings/$L/unpublish
is "$(ev listing.unpublished)" "1" "listing.unpublished"
admin POST /api/v1/admin/listings/$L/approve
is "$(ev listing.republished)" "1" "listing.republished"
asj "$P" POST /api/v1/apps/$AID2/listings "{\"marketplace\":\"$MNID\"}"
L2=$(jqv .id)
admin POST /api/v1/admin/listings/$L2/approve
is "$(ev listing.approved)" "2" "the second app is approved too"
req POST /api/v1/marketplace/certificate/renew -u "$M"
status 201 "the marketplace renews its certificate"
is "$(ev marketplace.certificate_renewed)" "1" "marketplace.certificate_renewed"
admin POST "/api/v1/admin/marketplaces/$MID/certificate/revoke" $(json '{"reason":"superseded"}')
status 200 "an admin revokes it"
is "$(ev marketplace.certificate_revoked)" "1" "marketplace.certificate_revoked"
asj "$M" POST /api/v1/marketplace/tenants '{"name":"Event Express"}'
status 201 "the marketplace creates a tenant"
TID=$(jqv .id)
TUID=$(jqv .uid)
is "$(ev tenant.created)" "1" "tenant.created"
asj "$M" POST /api/v1/marketplace/tenants/$TID/apps/bulk "{\"enable\":[$AID,$AID2]}"
status 200 "two apps enabled in one call"
is "$(ev tenant.apps_changed)" "1" "one tenant.apps_changed for the transaction"
is "$(sql "SELECT JSON_LENGTH(payload, '\$.changes') FROM event WHERE marketplace_id = $MID AND type = 'tenant.apps_changed'")" "2" "it lists both changes"

# Hand-made SQL raises events too.
sql "DELETE FROM tenant_app WHERE tenant_id = $TID"
is "$(ev tenant.apps_changed)" "2" "one statement deleting two relations: one event"
is "$(sql "SELECT JSON_LENGTH(payload, '\$.changes') FROM event WHERE marketplace_id = $MID AND type = 'tenant.apps_changed' ORDER BY id DESC LIMIT 1")" "2" "listing both removals"
sql "UPDATE listing SET state = 'unpublished' WHERE id = $L2"
is "$(ev listing.unpublished)" "2" "listing.unpublished from SQL"
n=$(sql "SELECT COUNT(*) FROM event")
sql "START TRANSACTION; INSERT INTO tenant (uid, marketplace_id, name) VALUES ('tnt_rb_$S', $MID, 'Rolled back'); ROLLBACK"
is "$(sql "SELECT COUNT(*) FROM event")" "$n" "a rolled-back insert leaves no event"
as "$M" DELETE /api/v1/marketplace/tenants/$TID
status 204 "the marketplace deletes its tenant"
is "$(ev tenant.deleted)" "1" "tenant.deleted"

# --- delivery: each event once to each subscriber, signed -------------------
NM=$(sql "SELECT COUNT(*) FROM event WHERE marketplace_id = $MID")
NP=$(sql "SELECT COUNT(*) FROM event WHERE provider_id = $P_ID")
NT=$(sql "SELECT COUNT(*) FROM event WHERE marketplace_id = $MID AND type LIKE 'tenant.%'")
diag "events: $NM for the marketplace, $NP for the provider, $NT tenant ones"
got=$(await "$NM" '.path == "/m" and .status == 200' 30)
is "$got" "$NM" "the marketplace's subscriber got every event"
got=$(await "$NP" '.path == "/p" and .status == 200' 20)
is "$got" "$NP" "the provider's subscriber got every listing event"
got=$(await "$NT" '.path == "/t" and .status == 200' 20)
is "$got" "$NT" "the admin's tenant subscriber got the tenant events only"
sleep 1
is "$(arrived '.sig_ok == false')" "0" "every arrival carried a valid signature"
is "$(jq -r 'select(.path == "/m" and .status == 200) | .id' "$ARRIVALS" | sort | uniq -d | wc -l)" "0" "no event arrived twice"
want=$(sql "SELECT uid FROM event WHERE marketplace_id = $MID ORDER BY uid" | tr '\n' ' ')
have=$(jq -r 'select(.path == "/m" and .status == 200) | .id' "$ARRIVALS" | sort | tr '\n' ' ')
is "$have" "$want" "exactly the marketplace's event ids, by stable id"
for t in listing.requested listing.approved listing.rejected listing.unpublished \
    listing.republished app.changed environment.changed marketplace.certificate_renewed \
    marketplace.certificate_revoked tenant.created tenant.deleted tenant.apps_changed; do
	is "$(arrived ".path == \"/m\" and .type == \"$t\"")" "$(ev $t)" "$t delivered once per event"
done
is "$(arrived '.path == "/p" and (.type | startswith("listing.") | not)')" "0" "the provider hears only its listings"
is "$(sql "SELECT COUNT(*) FROM delivery WHERE subscription_id = $HM AND state <> 'delivered'")" "0" "every delivery of the marketplace's hook is delivered"
admin GET /api/v1/admin/webhooks/$HM/deliveries
jqok '(.deliveries | length) > 0 and all(.deliveries[]; .state == "delivered" and .attempts == 1 and .last_status == 200)' "the deliveries list says so"
as "$M" GET /api/v1/marketplace/webhooks/$HM/deliveries
status 200 "the marketplace reads its deliveries"

# --- the secret: shown once, rotated with a grace period --------------------
admin POST /api/v1/admin/webhooks/$HT/rotate-secret
status 200 "the secret rotates"
NEWSEC=$(jqv .secret)
jqok '.old_secret_valid_until != null' "the old one signs until the grace period ends"
admin POST /api/v1/admin/webhooks/$HT/test
status 202 "a test event is queued"
E1=$(jqv .event_id)
got=$(await 1 ".id == \"$E1\"" 15)
is "$(jq -r "select(.id == \"$E1\") | .sigs" "$ARRIVALS" | head -1)" "2" "during the grace period two signatures are sent"
is "$(jq -r "select(.id == \"$E1\") | .status" "$ARRIVALS" | head -1)" "200" "the receiver, still on the old secret, accepts it"
sed -i "s|^/t .*|/t $NEWSEC|" "$SECRETS"
sleep "$(sed -n 's/^secret_grace *= *//p' "$AGORA_CONF")"
sleep 1
admin POST /api/v1/admin/webhooks/$HT/test
E2=$(jqv .event_id)
got=$(await 1 ".id == \"$E2\" and .status == 200" 15)
is "$got" "1" "after the grace period the new secret alone signs"
is "$(jq -r "select(.id == \"$E2\") | .sigs" "$ARRIVALS" | head -1)" "1" "one signature"

finish
