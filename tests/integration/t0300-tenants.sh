#!/bin/bash
# Tenants through the admin API and a marketplace's own API: create (key
# shown once, stored as SHA-256), list, show, update with ETag/If-Match,
# rotate the key, delete; validation of metadata; marketplace scoping.
. "$(dirname "$0")/lib.sh"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
# A second marketplace with its own credential.
sql "INSERT IGNORE INTO marketplace (nid, name, environment, hub_url, api_key)
    VALUES ('other', 'Other', 'uat', 'https://hub.other.test', 'mk_other');
    INSERT INTO credential (kind, key_id, secret_hash, owner_id)
    SELECT 'marketplace', 'mk_other', UNHEX(SHA2('other-secret', 256)), id
    FROM marketplace WHERE nid = 'other' AND NOT EXISTS (SELECT 1 FROM
    credential WHERE key_id = 'mk_other')"
MKT=mk_demo:demo-marketplace-secret
OTHER=mk_other:other-secret
T=/api/v1/admin/tenants
M=/api/v1/marketplace/tenants

# Create.
admin POST $T $(json '{"marketplace":"demo","name":"Acme Express","domain":"acme.example.com"}')
status 201 "an admin creates a tenant"
jqok '.uid | test("^tnt_[0-9a-f]{16}$")' "its uid is generated as tnt_<16 hex>"
jqok '.key | test("^tk_[0-9a-f]{64}$")' "its key (256 bits) is shown once"
jqok '.metadata == {"app_management":"marketplace"} and .app_management == "marketplace"' \
    "metadata defaults to app_management marketplace"
jqok '.marketplace == "demo" and .frontend_config == {} and .version == 1' \
    "marketplace, frontend_config and version are answered"
TID=$(jqv .id); TUID=$(jqv .uid); TKEY=$(jqv .key)
is "$(header Location)" "$T/$TID" "Location names the tenant"
is "$(sql "SELECT HEX(secret_hash) FROM credential WHERE kind = 'tenant'
    AND key_id = '$TUID'")" "$(printf '%s' "$TKEY" | sha256sum | cut -c1-64 |
    tr a-f A-F)" "the key is stored as its SHA-256"
is "$(sql "SELECT COUNT(*) FROM audit WHERE after_json LIKE '%$TKEY%'
    OR before_json LIKE '%$TKEY%'")" 0 "the key is not in the audit log"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'tenant.create'
    AND target_id = $TID")" 1 "the create is audited"
req GET /api/mnoe/v2/tenant -u "$TUID:$TKEY"
status 200 "the new key works on the hub"
req GET $T/$TID
status 401 "the admin API wants credentials"
req GET $T -u "$TUID:$TKEY"
status 401 "a tenant key is not an admin credential"

admin POST $T $(json '{"marketplace_id":'"$(sql "SELECT id FROM marketplace WHERE nid='demo'")"',"uid":"tnt_given-1","name":"Given","metadata":{"app_management":"tenant","can_manage_apps":true,"custom":{"x":[1,2]}},"frontend_config":{"system":{"color":"#fff"}}}')
status 201 "a seed script may give the uid; marketplace by id"
jqok '.uid == "tnt_given-1" and .metadata.custom.x == [1,2] and .metadata.can_manage_apps == true' \
    "unknown metadata keys are kept as given"
jqok '.app_management == "tenant" and .frontend_config.system.color == "#fff"' \
    "app_management and frontend_config are stored"
GID=$(jqv .id)

# Bad input: 4xx naming the field, database unchanged.
sum=$(db_checksum)
admin POST $T $(json '{"marketplace":"demo","uid":"tnt_given-1","name":"Dup"}')
status 409 "a taken uid is 409"
admin POST $T $(json '{"marketplace":"demo"}')
status 400 "a missing name is 400"
jqok '.errors[] | select(.field == "name")' "the error names name"
admin POST $T $(json '{"marketplace":"demo","name":"X","metadata":{"app_management":"everything"}}')
status 400 "app_management must be marketplace or tenant"
jqok '.errors[] | select(.field == "metadata.app_management")' "named metadata.app_management"
admin POST $T $(json '{"marketplace":"demo","name":"X","metadata":{"can_manage_apps":"yes"}}')
status 400 "can_manage_apps must be a boolean"
jqok '.errors[] | select(.field == "metadata.can_manage_apps")' "named metadata.can_manage_apps"
admin POST $T $(json '{"marketplace":"demo","name":"X","metadata":{"invoicing_currency":"dollars"}}')
status 400 "invoicing_currency must be a currency code"
admin POST $T $(json '{"marketplace":"demo","name":"X","metadata":["app_management"]}')
status 400 "metadata must be an object"
jqok '.errors[] | select(.field == "metadata")' "named metadata"
admin POST $T $(json '{"marketplace":"demo","name":"X","frontend_config":"{}"}')
status 400 "frontend_config must be an object"
admin POST $T $(json '{"marketplace":"demo","name":"X","domain":"not a domain"}')
status 400 "a bad domain is 400"
jqok '.errors[] | select(.field == "domain")' "named domain"
admin POST $T $(json '{"marketplace":"demo","name":"X","uid":"bad uid!"}')
status 400 "a bad uid is 400"
admin POST $T $(json '{"marketplace":"nowhere","name":"X"}')
status 422 "an unknown marketplace is 422"
jqok '.errors[] | select(.field == "marketplace")' "named marketplace"
admin POST $T $(json '{"marketplace":"demo","name":"X","id":5}')
status 400 "a server-owned key is refused"
admin POST $T $(json '{"marketplace":"demo","name":"","domain":""}')
status 400 "an empty name is 400"
admin POST $T -H 'Content-Type: text/plain' --data-binary '{"name":"x"}'
status 415 "a non-JSON body is 415"
admin POST $T $(json '{"marketplace":"demo","name":"X","name":"Y"}')
status 400 "duplicate keys are refused"
is "$(db_checksum)" "$sum" "refused creates changed nothing"

# List, filter, search, paging.
for i in 1 2 3; do
	admin POST $T $(json '{"marketplace":"demo","name":"Page '$i'","domain":"p'$i'.paging.test"}')
done
admin GET "$T?marketplace=demo&limit=2"
status 200 "list by marketplace"
total=$(sql "SELECT COUNT(*) FROM tenant t JOIN marketplace m ON m.id = t.marketplace_id WHERE m.nid = 'demo'")
is "$(header X-Total-Count)" "$total" "X-Total-Count counts the marketplace's tenants"
jqok '(.tenants | length) == 2' "limit applies"
ok "a Link header names the next page" grep -qi '^Link:.*rel="next"' "$HDRS"
admin GET "$T?filter%5Bmarketplace%5D=demo&limit=2&offset=2"
jqok '(.tenants | length) == 2' "filter[marketplace] and offset work"
admin GET "$T?q=PAGING.test"
is "$(header X-Total-Count)" 3 "q searches the domain, case-insensitively"
admin GET "$T?q=page%202"
jqok '[.tenants[].name] == ["Page 2"]' "q searches the name"
admin GET "$T?marketplace=other"
is "$(header X-Total-Count)" 0 "another marketplace has none"
admin GET "$T?marketplace=Bad_Nid"
status 400 "a malformed marketplace filter is 400"
admin GET "$T?limit=0"
status 400 "a bad limit is 400"

# Show, ETag, If-Match.
admin GET $T/$TID
status 200 "show a tenant"
E1=$(header ETag)
ok "it has an ETag" test -n "$E1"
U1=$(jqv .updated_at)
admin GET $T/$TID -H "If-None-Match: $E1"
status 304 "If-None-Match gives 304"
admin GET $T/999999
status 404 "an unknown tenant is 404"
admin GET $T/abc
status 404 "a malformed id is 404"

sum=$(db_checksum)
admin PATCH $T/$TID -H 'If-Match: "stale"' $(json '{"name":"Acme 2"}')
status 412 "a stale If-Match is 412"
admin PATCH $T/$TID $(json '{"metadata":{"app_management":1}}')
status 400 "bad metadata on update is 400"
admin PATCH $T/$TID $(json '{"uid":"tnt_x"}')
status 400 "the uid cannot be changed"
admin PATCH $T/$TID $(json '{"name":null}')
status 400 "name cannot be null"
is "$(db_checksum)" "$sum" "refused updates changed nothing"
sleep 0.01
admin PATCH $T/$TID -H "If-Match: $E1" $(json '{"name":"Acme 2","metadata":{"app_management":"tenant","kpi_enabled":true}}')
status 200 "a matching If-Match updates"
jqok '.name == "Acme 2" and .version == 2 and .metadata.kpi_enabled == true' \
    "the update is answered with version 2"
jqok '.domain == "acme.example.com"' "fields not given are unchanged"
U2=$(jqv .updated_at)
isnt "$U2" "$U1" "updated_at moved"
ok "updated_at moved forward" test "$U2" \> "$U1"
isnt "$(header ETag)" "$E1" "the ETag changed"
admin PATCH $T/$TID -H "If-Match: $E1" $(json '{"name":"Acme 3"}')
status 412 "the old ETag is now stale"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'tenant.update' AND target_id = $TID")" 1 \
    "the update is audited once"
sql "UPDATE tenant SET name = 'Renamed by SQL' WHERE id = $TID"
admin GET $T/$TID -H "If-None-Match: $(header ETag)"
status 200 "a change made by SQL gives a new representation (no 304)"
jqok '.name == "Renamed by SQL"' "and shows at once"

# Rotate the key (SECRET_GRACE seconds of grace for the old one).
admin POST $T/$TID/rotate-key
status 200 "rotate the tenant key"
NKEY=$(jqv .key)
isnt "$NKEY" "$TKEY" "a new key"
req GET /api/mnoe/v2/tenant -u "$TUID:$NKEY"
status 200 "the new key works"
req GET /api/mnoe/v2/tenant -u "$TUID:$TKEY"
status 200 "the old key works during the grace period"
sleep "${SECRET_GRACE:-3}"; sleep 1
req GET /api/mnoe/v2/tenant -u "$TUID:$TKEY"
status 401 "the old key fails after it"
admin POST $T/999999/rotate-key
status 404 "rotating an unknown tenant is 404"

# The marketplace's own face.
req POST $M -u $MKT $(json '{"name":"Mine","domain":"mine.demo.test"}')
status 201 "a marketplace creates its own tenant"
jqok '.marketplace == "demo"' "on itself"
MID=$(jqv .id)
is "$(header Location)" "$M/$MID" "Location is under the marketplace API"
req POST $M -u $MKT $(json '{"name":"Theirs","marketplace":"other"}')
status 400 "a marketplace cannot name another marketplace"
req GET "$M?limit=200" -u $MKT
status 200 "a marketplace lists tenants"
is "$(jqv '[.tenants[].marketplace] | unique | join(",")')" "demo" "only its own"
is "$(header X-Total-Count)" "$(sql "SELECT COUNT(*) FROM tenant t JOIN marketplace m ON m.id = t.marketplace_id WHERE m.nid = 'demo'")" \
    "all of its own"
req GET "$M?marketplace=other" -u $MKT
jqok '[.tenants[].marketplace] | all(. == "demo")' "a filter cannot widen the scope"
req GET $M/$MID -u $MKT
status 200 "it shows its tenant"
ME=$(header ETag)
req PATCH $M/$MID -u $MKT -H "If-Match: $ME" $(json '{"domain":"mine2.demo.test"}')
status 200 "it updates its tenant"

# Another marketplace sees nothing of it: the same 404 as no tenant.
req GET $M/999999 -u $OTHER
status 404 "unknown tenant, as the other marketplace"
cp "$BODY" "$T_TMP/nf"
sum=$(db_checksum)
for m in GET PATCH DELETE; do
	req $m $M/$MID -u $OTHER $(json '{"name":"hijack"}')
	status 404 "$m another marketplace's tenant is 404"
	is "$(jq -c 'del(.request_id)' "$BODY")" "$(jq -c 'del(.request_id)' "$T_TMP/nf")" \
	    "$m: the body is the same as for an unknown id"
done
req POST $M/$MID/rotate-key -u $OTHER
status 404 "rotating another marketplace's tenant key is 404"
is "$(db_checksum)" "$sum" "the other marketplace changed nothing"

# Idempotency-Key on create.
admin POST $T -H 'Idempotency-Key: tnt-create-1' $(json '{"marketplace":"demo","name":"Idem"}')
status 201 "create with an Idempotency-Key"
cp "$BODY" "$T_TMP/idem1"
admin POST $T -H 'Idempotency-Key: tnt-create-1' $(json '{"marketplace":"demo","name":"Idem"}')
status 201 "the retry is answered"
is "$(jq -c . "$BODY")" "$(jq -c . "$T_TMP/idem1")" "with the first answer"
is "$(sql "SELECT COUNT(*) FROM tenant WHERE name = 'Idem'")" 1 "and one tenant"

# Delete.
sum=$(db_checksum)
admin DELETE $T/$GID -H 'If-Match: "stale"'
status 412 "a stale If-Match refuses the delete"
is "$(db_checksum)" "$sum" "nothing deleted"
req DELETE $M/$MID -u $MKT
status 204 "a marketplace deletes its tenant"
admin DELETE $T/$TID
status 204 "an admin deletes a tenant"
admin GET $T/$TID
status 404 "it is gone"
req GET /api/mnoe/v2/tenant -u "$TUID:$NKEY"
status 401 "its key no longer works"
is "$(sql "SELECT COUNT(*) FROM credential WHERE kind = 'tenant' AND owner_id = $TID")" 0 \
    "its credentials are gone"
admin DELETE $T/$TID
status 404 "deleting twice is 404"

finish
