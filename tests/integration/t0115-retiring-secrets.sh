#!/bin/bash
# A secret in its grace period (the one a rotation replaced) still reads,
# but cannot create, rotate or read a credential: no tenant, tenant key,
# environment or hub key outlives the rotation that retired it. "Revoke
# now" (grace 0) through the API, the console and agoractl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"
. "$(dirname "$0")/console.sh"

S=$(rnd)
provider_new "rs-$S"
P=$P_CRED
PID=$P_ID
app_new "$P" "rsapp-$S" '"self_publish":["*"]'
AID=$APP_ID
app_new "$P" "rsapp2-$S" '"self_publish":["*"]'
env_new "$P" "$AID" "rsenv-$S"
EID=$ENV_ID
E=$ENV_CRED
mkt_new "rsm-$S"
M=$MKT_CRED
MID=$MKT_ID

asj "$M" POST /api/v1/marketplace/listings "{\"app\":\"rsapp-$S\"}"
status 201 "the marketplace publishes an app onto itself"
L=$(jqv .id)
jqok '.api_key | type == "string" and length > 0' "it is given the app's hub key"
asj "$M" POST /api/v1/marketplace/tenants '{"name":"Before"}'
status 201 "the marketplace creates a tenant"
TID=$(jqv .id)
TCRED="$(jqv .uid):$(jqv .key)"

# --- a marketplace's retiring secret --------------------------------------
as "$M" POST /api/v1/marketplace/secret/rotate
status 200 "the marketplace rotates its secret (with the grace period)"
jqok ".previous_secret_valid_for == $SECRET_GRACE" "the old one lives the configured grace"
M2="${M%%:*}:$(jqv .api_secret)"
sum=$(db_checksum)
as "$M" GET /api/v1/marketplace
status 200 "the retiring secret still reads the registration"
as "$M" GET /api/v1/marketplace/tenants
status 200 "and lists tenants (no key in that answer)"
asj "$M" POST /api/v1/marketplace/tenants '{"name":"Minted"}'
status 403 "it cannot create a tenant (a new credential)"
jqok '.detail | test("grace period")' "the refusal says why"
as "$M" POST /api/v1/marketplace/tenants/$TID/rotate-key
status 403 "nor rotate a tenant's key"
as "$M" GET /api/v1/marketplace/listings
status 403 "nor list listings with their hub keys"
as "$M" GET /api/v1/marketplace/listings/$L
status 403 "nor read one listing with its hub key"
as "$M" GET /api/v1/listings/$L
status 403 "nor through the shared listing route"
asj "$M" POST /api/v1/marketplace/listings "{\"app\":\"rsapp2-$S\"}"
status 403 "nor publish an app (a new hub key)"
is "$(db_checksum)" "$sum" "the refusals changed nothing"
as "$M2" GET /api/v1/marketplace/listings
status 200 "the new secret lists listings"
jqok ".listings[] | select(.id == $L) | .api_key | type == \"string\"" "with their hub keys"
asj "$M2" POST /api/v1/marketplace/tenants '{"name":"After"}'
status 201 "and creates tenants"

# --- a provider's retiring secret -----------------------------------------
admin POST /api/v1/admin/providers/$PID/rotate
status 200 "an admin rotates the provider's secret"
P2="${P%%:*}:$(jqv .api_secret)"
sum=$(db_checksum)
as "$P" GET /api/v1/apps/$AID
status 200 "the retiring provider secret still reads its app"
asj "$P" POST /api/v1/apps/$AID/environments "{\"nid\":\"minted-$S\",\"host\":\"https://m.example.com\"}"
status 403 "it cannot create an environment (a new credential)"
as "$P" POST /api/v1/apps/$AID/environments/$EID/rotate
status 403 "nor rotate an environment's secret"
is "$(db_checksum)" "$sum" "the refusals changed nothing"

# --- revoke now: the API ----------------------------------------------------
sum=$(db_checksum)
adminj POST /api/v1/admin/providers/$PID/rotate '{"grace_seconds":-1}'
status 400 "a negative grace is refused"
jqok '.errors[] | select(.field == "grace_seconds")' "naming grace_seconds"
adminj POST /api/v1/admin/providers/$PID/rotate "{\"grace_seconds\":$((SECRET_GRACE + 1))}"
status 400 "a grace longer than the configured one is refused"
adminj POST /api/v1/admin/providers/$PID/rotate '{"grace":0}'
status 400 "an unknown option is refused"
jqok '.errors[] | select(.field == "grace")' "naming it"
adminj POST /api/v1/admin/providers/$PID/rotate '{"grace_seconds":"0"}'
status 400 "a string is not a number of seconds"
is "$(db_checksum)" "$sum" "bad options change nothing"
adminj POST /api/v1/admin/providers/$PID/rotate '{"grace_seconds":0}'
status 200 "an admin rotates the provider's secret with grace 0"
jqok '.previous_secret_valid_for == 0' "the answer says the old one is revoked"
P3="${P%%:*}:$(jqv .api_secret)"
as "$P2" GET /api/v1/apps
status 401 "the replaced secret stops at once"
as "$P" GET /api/v1/apps
status 401 "so does the older one still in its grace period"
as "$P3" GET /api/v1/apps
status 200 "the new one works"
is "$(sql "SELECT JSON_VALUE(after_json, '$.grace_seconds') FROM audit
    WHERE action = 'provider.secret_rotate' AND target_id = $PID
    ORDER BY id DESC LIMIT 1")" 0 "the audit row records grace 0"

asj "$P3" POST /api/v1/apps/$AID/environments/$EID/rotate '{"grace_seconds":0}'
status 200 "a provider rotates an environment secret with grace 0"
jqok '.previous_secret_valid_for == 0' "it says so"
E2="${E%%:*}:$(jqv .api_secret)"
as "$E" GET /api/config/v1/marketplaces
status 401 "the old environment secret stops at once"
as "$E2" GET /api/config/v1/marketplaces
status 200 "the new one configures the app"

asj "$M2" POST /api/v1/marketplace/tenants/$TID/rotate-key '{"grace_seconds":0}'
status 200 "a marketplace rotates a tenant key with grace 0"
jqok '.old_key_grace_seconds == 0' "it says so"
TCRED2="${TCRED%%:*}:$(jqv .key)"
as "$TCRED" GET /api/mnoe/v2/tenant
status 401 "the old tenant key stops at once"
as "$TCRED2" GET /api/mnoe/v2/tenant
status 200 "the new one works"
adminj POST /api/v1/admin/tenants/$TID/rotate-key '{"grace_seconds":0}'
status 200 "so does an admin"
as "$TCRED2" GET /api/mnoe/v2/tenant
status 401 "and the key it replaced stops at once"

asj "$M2" POST /api/v1/marketplace/secret/rotate '{"grace_seconds":0}'
status 200 "the marketplace rotates its own secret with grace 0"
jqok '.previous_secret_valid_for == 0' "it says so"
M3="${M%%:*}:$(jqv .api_secret)"
as "$M2" GET /api/v1/marketplace
status 401 "the replaced secret stops at once"
as "$M3" GET /api/v1/marketplace
status 200 "the new one works"

# --- revoke now: agoractl -------------------------------------------------
M4="${M%%:*}:$(ctl rotate-secret "rsm-$S" -n 2>/dev/null)"
ok "agoractl rotate-secret -n prints a new secret" grep -Eq ':mks_[0-9a-f]{64}$' <<<"$M4"
as "$M3" GET /api/v1/marketplace
status 401 "the replaced secret stops at once"
as "$M4" GET /api/v1/marketplace
status 200 "the printed one works"
ctl rotate-secret "rsm-$S" -x >/dev/null 2>&1
ok "an unknown option is a usage error" test $? -eq 2
P4="${P%%:*}:$(ctl provider rotate "rs-$S" -n 2>/dev/null)"
as "$P3" GET /api/v1/apps
status 401 "agoractl provider rotate -n stops the old provider secret"
as "$P4" GET /api/v1/apps
status 200 "and the printed one works"

# --- revoke now: the console ----------------------------------------------
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page "/admin/marketplaces/$MID/rotate"
status 200 "the console asks before rotating"
ok "with a revoke-now box" grep -q 'name="revoke_now"' "$BODY"
TOK=$(csrf)
sum=$(db_checksum)
post "/admin/marketplaces/$MID/rotate" --data-urlencode "revoke_now=yes"
status 400 "a value a checkbox never sends is refused"
is "$(db_checksum)" "$sum" "and changes nothing"
post "/admin/marketplaces/$MID/rotate" --data-urlencode "revoke_now=1"
status 200 "revoke now rotates"
ok "the page says the old one is revoked" grep -q 'revoked now' "$BODY"
M5="${M%%:*}:$(grep -o 'mks_[0-9a-f]*' "$BODY" | head -1)"
as "$M4" GET /api/v1/marketplace
status 401 "the replaced secret stops at once"
as "$M5" GET /api/v1/marketplace
status 200 "the new one works"
post "/admin/marketplaces/$MID/rotate"
status 200 "without the box the rotation keeps the grace period"
M6="${M%%:*}:$(grep -o 'mks_[0-9a-f]*' "$BODY" | head -1)"
as "$M5" GET /api/v1/marketplace
status 200 "and the replaced secret still reads"
page "/admin/tenants/$TID/rotate-key"
ok "the tenant key rotation has the box too" grep -q 'name="revoke_now"' "$BODY"
admin POST /api/v1/admin/tenants/$TID/rotate-key
TCRED3="${TCRED%%:*}:$(jqv .key)"
post "/admin/tenants/$TID/rotate-key" --data-urlencode "revoke_now=1"
status 200 "the console rotates a tenant key with revoke now"
as "$TCRED3" GET /api/mnoe/v2/tenant
status 401 "the replaced key stops at once"

# --- after the grace period nothing a retiring secret made survives -------
sleep $((SECRET_GRACE + 1))
as "$M5" GET /api/v1/marketplace
status 401 "the secret the console left in grace has expired"
is "$(sql "SELECT COUNT(*) FROM tenant WHERE name = 'Minted'")" 0 \
    "no tenant was minted by a retiring secret"
is "$(sql "SELECT COUNT(*) FROM environment WHERE nid = 'minted-$S'")" 0 \
    "no environment was minted by a retiring secret"
as "$M6" GET /api/v1/marketplace/listings
status 200 "the current secret still works"
finish
