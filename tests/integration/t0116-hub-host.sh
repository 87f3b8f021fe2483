#!/bin/bash
# The CA certifies a marketplace's hub host, so a hub host belongs to one
# marketplace, and moving the hub to another host waits for an admin's
# approval in the console: until then the certificate keeps the old host.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$(dirname "$0")/console.sh"

S=$(rnd)
san() { jqv .certificate | openssl x509 -noout -ext subjectAltName 2>/dev/null | tail -1 | tr -d ' '; }
renew() { as "$1" POST /api/v1/marketplace/certificate/renew -H "$CT" --data '{"key_type":"p256"}'; }
mkt_new "hh1-$S"
M1=$MKT_CRED
mkt_new "hh2-$S"
M2=$MKT_CRED
M2ID=$MKT_ID

tok=$(regtoken)
sum=$(db_checksum)
req POST /api/v1/marketplaces -H "Authorization: Bearer $tok" -H "$CT" \
    --data "{\"nid\":\"hh3-$S\",\"name\":\"Three\",\"environment\":\"uat\",\"endpoints\":{\"hub\":\"https://HUB.hh1-$S.example.com:8443/x\"}}"
status 409 "registering another marketplace's hub host is refused"
jqok '.errors[] | select(.field == "endpoints.hub")' "naming endpoints.hub"
asj "$M2" PATCH /api/v1/marketplace "{\"endpoints\":{\"hub\":\"https://hub.hh1-$S.example.com/\"}}"
status 409 "so is moving onto it"
req POST /api/v1/marketplaces -u "$M2" -H "$CT" \
    --data "{\"nid\":\"hh2-$S\",\"name\":\"Marketplace hh2-$S\",\"environment\":\"production\",\"endpoints\":{\"hub\":\"https://hub.hh1-$S.example.com\",\"connec\":\"https://connec.hh2-$S.example.com\"}}"
status 409 "or re-registering with it"
is "$(db_checksum)" "$sum" "those refusals changed nothing"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE hub_host = 'hub.hh1-$S.example.com'")" 1 \
    "the hub host is derived in the database (SQL writers are held to it too)"

# Another path on the same host applies at once.
asj "$M2" PATCH /api/v1/marketplace "{\"endpoints\":{\"hub\":\"https://hub.hh2-$S.example.com/mnoe\"}}"
status 200 "a new path on the same host applies at once"
jqok ".endpoints.hub == \"https://hub.hh2-$S.example.com/mnoe\" and .hub_change == null" "no approval needed"

# Another host waits for an admin.
asj "$M2" PATCH /api/v1/marketplace '{"endpoints":{"hub":"https://localhost/"}}'
status 200 "asking for another host is accepted"
jqok ".endpoints.hub == \"https://hub.hh2-$S.example.com/mnoe\"" "but the hub stays"
jqok '.hub_change.hub == "https://localhost/"' "and the request is shown"
renew "$M2"
status 201 "a renewal meanwhile"
is "$(san)" "DNS:hub.hh2-$S.example.com" "still names the old host"
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page "/admin/marketplaces/$M2ID"
ok "the console shows the request" grep -q 'Hub change requested' "$BODY"
TOK=$(csrf)
post "/admin/marketplaces/$M2ID/hub/refuse"
status 303 "an admin refuses it"
as "$M2" GET /api/v1/marketplace
jqok ".hub_change == null and .endpoints.hub == \"https://hub.hh2-$S.example.com/mnoe\"" "the request is gone, the hub unchanged"
post "/admin/marketplaces/$M2ID/hub/approve"
status 404 "nothing left to approve"

req POST /api/v1/marketplaces -u "$M2" -H "$CT" \
    --data "{\"nid\":\"hh2-$S\",\"name\":\"Marketplace hh2-$S\",\"environment\":\"production\",\"endpoints\":{\"hub\":\"https://hub.new-$S.example.com\",\"connec\":\"https://connec.hh2-$S.example.com\"}}"
status 200 "a re-registration with another hub host"
jqok ".hub_change.hub == \"https://hub.new-$S.example.com\" and .endpoints.hub == \"https://hub.hh2-$S.example.com/mnoe\"" \
    "only asks for it too"
req POST /api/v1/marketplaces -u "$M2" -H "$CT" \
    --data "{\"nid\":\"hh2-$S\",\"name\":\"Marketplace hh2-$S\",\"environment\":\"production\",\"endpoints\":{\"hub\":\"https://hub.new-$S.example.com\",\"connec\":\"https://connec.hh2-$S.example.com\"}}"
status 200 "a restarting node asking again"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'marketplace.update' AND target_id = $M2ID
    AND after_json LIKE '%hub.new-$S%'")" 1 "changes nothing more"
post "/admin/marketplaces/$M2ID/hub/approve"
status 303 "an admin approves"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'marketplace.hub_approve' AND target_id = $M2ID")" 1 \
    "the approval is audited"
renew "$M2"
status 201 "the next renewal"
is "$(san)" "DNS:hub.new-$S.example.com" "names the approved host"
jqok ".endpoints.hub == \"https://hub.new-$S.example.com\" and .hub_change == null" "which is now the hub"

# A pending host does not reserve it: the approval checks again.
asj "$M1" PATCH /api/v1/marketplace "{\"endpoints\":{\"hub\":\"https://hub.late-$S.example.com\"}}"
status 200 "marketplace one asks for a free host"
mkt_new "hh4-$S" "https://hub.late-$S.example.com"
ok "another marketplace registers that host first" test -n "$MKT_ID"
M1ID=$(sql "SELECT id FROM marketplace WHERE nid = 'hh1-$S'")
post "/admin/marketplaces/$M1ID/hub/approve"
status 409 "approving a host that became another's is refused"
finish
