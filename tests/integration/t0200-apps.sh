#!/bin/bash
# Providers, apps and environments: create, read, page, update with
# ETag/If-Match, deactivate, secrets shown once and stored hashed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)

# --- providers (admin API) ---
adminj POST /api/v1/admin/providers "{\"nid\":\"acme-$S\",\"name\":\"Acme\",\"email\":\"dev@acme.example.com\"}"
status 201 "an admin creates a provider"
jqok '.api_key | test("^pk_[0-9a-f]{16}$")' "the provider key looks like pk_<16 hex>"
jqok '.api_secret | test("^[0-9a-f]{64}$")' "the provider secret is 256 bits of hex"
jqok '.nid == "acme-'$S'" and .email == "dev@acme.example.com" and (.id|type) == "number"' "the provider is answered"
is "$(header Location)" "/api/v1/admin/providers/$(jqv .id)" "Location names the provider"
PID=$(jqv .id)
PKEY=$(jqv .api_key)
PSECRET=$(jqv .api_secret)
P="$PKEY:$PSECRET"
is "$(sql "SELECT LOWER(HEX(secret_hash)) FROM credential WHERE kind = 'provider' AND key_id = '$PKEY'")" \
    "$(printf '%s' "$PSECRET" | sha256sum | cut -d' ' -f1)" "only the secret's SHA-256 is stored"

sum=$(db_checksum)
adminj POST /api/v1/admin/providers "{\"nid\":\"acme-$S\",\"name\":\"Again\",\"email\":\"a@b.example.com\"}"
status 409 "a provider nid is unique"
adminj POST /api/v1/admin/providers '{"nid":"x-'$S'","name":"X","email":"not-an-email"}'
status 400 "a bad e-mail is refused"
jqok '.errors[] | select(.field == "email")' "the error names email"
adminj POST /api/v1/admin/providers '{"nid":"y-'$S'","name":"Y","email":"y@y.example.com","api_key":"pk_0000000000000000"}'
status 400 "a client cannot choose the provider key"
jqok '.errors[] | select(.field == "api_key")' "the error names api_key"
is "$(db_checksum)" "$sum" "refused provider requests change nothing"

admin GET /api/v1/admin/providers/$PID
status 200 "an admin reads a provider"
jqok 'has("api_secret") | not' "the secret is never shown again"
admin GET "/api/v1/admin/providers?limit=1"
status 200 "an admin lists providers"
jqok '.providers | length == 1' "limit is honoured"
ok "X-Total-Count is set" test "$(header X-Total-Count)" -ge 1
admin GET /api/v1/admin/providers/999999999
status 404 "an unknown provider is 404"
as "$P" GET /api/v1/admin/providers
status 401 "a provider cannot use the admin API"

# --- agoractl ---
out=$(ctl provider create "cli-$S" "CLI Provider" "cli@cli.example.com")
ok "agoractl provider create succeeds" test $? -eq 0
CKEY=$(printf '%s\n' "$out" | awk '$1 == "key" {print $2}')
CSECRET=$(printf '%s\n' "$out" | awk '$1 == "secret" {print $2}')
ok "agoractl prints a key" test -n "$CKEY"
ok "agoractl prints the secret" grep -Eq '^[0-9a-f]{64}$' <<<"$CSECRET"
as "$CKEY:$CSECRET" GET /api/v1/apps
status 200 "the printed credentials work"
ok "agoractl provider list shows it" grep -q "cli-$S" <<<"$(ctl provider list)"
ctl provider list | grep -q "$CSECRET" && fail "list leaks the secret" || pass "list does not leak the secret"

# Rotating a provider's secret: agoractl and the admin API; the old one
# works for the grace period (SECRET_GRACE), then stops.
NEWSEC=$(ctl provider rotate "cli-$S" 2>/dev/null)
ok "agoractl provider rotate prints a new secret" grep -Eq '^[0-9a-f]{64}$' <<<"$NEWSEC"
as "$CKEY:$NEWSEC" GET /api/v1/apps
status 200 "the new secret works"
as "$CKEY:$CSECRET" GET /api/v1/apps
status 200 "the old one too, during the grace period"
CID=$(ctl provider list | awk -v n="cli-$S" '$2 == n {print $1}')
admin POST /api/v1/admin/providers/$CID/rotate
status 200 "an admin rotates it through the API"
is "$(header Cache-Control)" "no-store" "the answer is not cached"
jqok '.nid == "cli-'$S'" and .api_key == "'$CKEY'" and (.api_secret | test("^[0-9a-f]{64}$")) and .previous_secret_valid_for == '"$SECRET_GRACE" \
    "it shows the key, the new secret and the grace period"
API_SEC=$(jqv .api_secret)
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'provider.secret_rotate' AND target_id = $CID")" 2 \
    "both rotations are audited"
ok "no secret is stored in clear" sh -c "! mariadb-dump --no-defaults -uroot \
    --socket='$PREFIX/mysql/mysql.sock' agora | grep -q -e '$API_SEC' -e '$NEWSEC'"
admin POST /api/v1/admin/providers/999999999/rotate
status 404 "an unknown provider is 404"
sleep $((SECRET_GRACE + 1))
as "$CKEY:$CSECRET" GET /api/v1/apps
status 401 "after the grace period the first secret is refused"
as "$CKEY:$API_SEC" GET /api/v1/apps
status 200 "and the newest one works"

# --- apps ---
asj "$P" POST /api/v1/apps "{\"nid\":\"mini-$S\",\"name\":\"Mini\"}"
status 201 "a provider creates an app with just nid and name"
jqok '.uid | test("^app-[0-9a-f]+$")' "uid is app-<random>"
jqok '.stack == "cloud" and .active == true and .sso_enabled == true and .multi_instantiable == false' "defaults are set"
jqok '.pictures == [] and .categories == [] and .pricing_plans == {} and .appinfo == {} and .rank == null' "empty defaults have their JSON types"
jqok '.provider == "acme-'$S'" and .version == 1' "provider and version are answered"
is "$(header ETag)" '"1"' "ETag is the quoted version"
MINI=$(jqv .id)
is "$(header Location)" "/api/v1/apps/$MINI" "Location names the app"

FULL='{"nid":"full-'$S'","name":"Full App","description":"A **full** app","tiny_description":"Full",
"logo":"https://cdn.example.com/logo.png","pictures":["https://cdn.example.com/1.png"],
"website":"https://full.example.com","categories":["CRM","Accounting"],"tags":["Finance"],
"key_benefits":["Fast"],"key_features":["Sync"],
"pricing_plans":{"default":[{"name":"Monthly Plan","price":"20.0","currency":"AUD","factor":"/month"}]},
"free_trial_duration":30,"free_trial_unit":"days","stack":"connector",
"terms_url":"https://full.example.com/terms","support_url":"https://full.example.com/support",
"rank":3,"appinfo":{"responsive":true,"coming_soon":false},"sso_enabled":false,
"multi_instantiable":true,"active":true}'
asj "$P" POST /api/v1/apps "$FULL"
status 201 "an app with every field"
FID=$(jqv .id)
jq -e --argjson want "$FULL" '. as $a | $want | to_entries | all(.value == $a[.key])' "$BODY" >/dev/null &&
    pass "every field comes back as sent, with its type" || fail "every field comes back as sent, with its type"

sum=$(db_checksum)
asj "$P" POST /api/v1/apps "{\"nid\":\"full-$S\",\"name\":\"Dup\"}"
status 409 "an app nid is unique"
asj "$P" POST /api/v1/apps "{\"nid\":\"bad-$S\",\"name\":\"Bad\",\"stack\":\"mainframe\"}"
status 400 "an unknown stack is refused"
jqok '.errors[] | select(.field == "stack")' "the error names stack"
asj "$P" POST /api/v1/apps "{\"nid\":\"bad-$S\",\"name\":\"Bad\",\"pricing_plans\":{\"default\":\"free\"}}"
status 400 "pricing_plans must be lists of plans"
jqok '.errors[] | select(.field == "pricing_plans")' "the error names pricing_plans"
asj "$P" POST /api/v1/apps "{\"nid\":\"bad-$S\",\"name\":\"Bad\",\"appinfo\":{\"responsive\":\"yes\"}}"
status 400 "appinfo flags must be booleans"
asj "$P" POST /api/v1/apps "{\"nid\":\"Bad Nid\",\"name\":\"Bad\"}"
status 400 "a nid must be a slug"
asj "$P" POST /api/v1/apps "{\"nid\":\"bad-$S\",\"name\":\"Bad\",\"logo\":\"javascript:alert(1)\"}"
status 400 "a logo must be an https URL"
asj "$P" POST /api/v1/apps "{\"nid\":\"bad-$S\",\"name\":\"Bad\",\"colour\":\"red\"}"
status 400 "an unknown field is refused"
jqok '.errors[] | select(.field == "colour")' "the error names the unknown field"
as "$P" POST /api/v1/apps -H 'Content-Type: text/plain' --data-binary '{"nid":"x"}'
status 415 "a body that is not JSON is 415"
is "$(db_checksum)" "$sum" "refused app creates change nothing"

# Idempotency-Key: the same create twice is one app and the same answer.
asj "$P" POST /api/v1/apps "{\"nid\":\"idem-$S\",\"name\":\"Idem\"}" -H "Idempotency-Key: k-$S"
status 201 "a create with an Idempotency-Key"
first=$(jqv .uid)
asj "$P" POST /api/v1/apps "{\"nid\":\"idem-$S\",\"name\":\"Idem\"}" -H "Idempotency-Key: k-$S"
status 201 "the retry gets the same status"
is "$(jqv .uid)" "$first" "the retry gets the same app"
is "$(header Idempotent-Replayed)" "true" "the retry is marked as replayed"
is "$(sql "SELECT COUNT(*) FROM app WHERE nid = 'idem-$S'")" "1" "one app was created"

# Paging.
as "$P" GET "/api/v1/apps?limit=2"
status 200 "a provider lists its apps"
jqok '.apps | length == 2' "limit=2 gives two"
is "$(header X-Total-Count)" "3" "X-Total-Count counts the provider's apps only"
ok "Link has a next page" grep -q 'rel="next"' <<<"$(header Link)"
as "$P" GET "/api/v1/apps?limit=2&offset=2"
jqok '.apps | length == 1' "the last page has the rest"
as "$P" GET "/api/v1/apps?limit=0"
status 400 "limit=0 is refused"
jqok '.errors[] | select(.field == "limit")' "the error names limit"
admin GET "/api/v1/apps?limit=200"
status 200 "an admin lists every app"
ok "the admin sees at least the provider's apps" test "$(header X-Total-Count)" -ge 3

# Read, conditional read.
as "$P" GET /api/v1/apps/$FID
status 200 "a provider reads its app"
is "$(header ETag)" '"1"' "GET answers the ETag"
as "$P" GET /api/v1/apps/$FID -H 'If-None-Match: "1"'
status 304 "If-None-Match with the current ETag is 304"
admin GET /api/v1/apps/$FID
status 200 "an admin reads any app"
as "$P" GET /api/v1/apps/abc
status 404 "a malformed id is 404"

# PATCH with If-Match.
asj "$P" PATCH /api/v1/apps/$FID '{"name":"Full App 2","rank":null,"tags":["a","b"]}' -H 'If-Match: "1"'
status 200 "PATCH with the current If-Match"
jqok '.name == "Full App 2" and .rank == null and .tags == ["a","b"] and .version == 2' "the change is applied"
jqok '.stack == "connector" and .free_trial_duration == 30' "untouched fields stay"
is "$(header ETag)" '"2"' "the ETag moves"
sum=$(db_checksum)
asj "$P" PATCH /api/v1/apps/$FID '{"name":"Lost update"}' -H 'If-Match: "1"'
status 412 "a stale If-Match is 412"
is "$(db_checksum)" "$sum" "a stale write changes nothing"
asj "$P" PATCH /api/v1/apps/$FID "{\"nid\":\"other-$S\"}"
status 400 "the nid cannot be changed"
asj "$P" PATCH /api/v1/apps/$FID '{"stack":"nope"}'
status 400 "PATCH validates like create"
is "$(db_checksum)" "$sum" "refused patches change nothing"
asj "$P" PATCH /api/v1/apps/$FID '{"description":"no If-Match"}'
status 200 "PATCH without If-Match is honoured"
sum=$(db_checksum)
V=$(jqv .version)
asj "$P" PATCH /api/v1/apps/$FID '{"description":"no If-Match","tags":["a","b"]}'
status 200 "a PATCH that changes nothing is 200"
is "$(jqv .version) $(header ETag)" "$V \"$V\"" "and keeps the version and ETag"
is "$(db_checksum)" "$sum" "and writes nothing, not even an audit row"
admin PATCH /api/v1/apps/$FID -H "$CT" --data-binary '{"name":"admin"}'
status 401 "an admin token cannot write a provider's app"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'app.update' AND target_id = $FID")" "2" "each update is audited"

# Deactivate.
as "$P" POST /api/v1/apps/$MINI/deactivate
status 200 "a provider deactivates its app"
jqok '.active == false' "the app is inactive"
is "$(sql "SELECT active FROM app WHERE id = $MINI")" "0" "the row says inactive"

# --- environments ---
asj "$P" POST /api/v1/apps/$FID/environments '{"nid":"production","host":"https://full.example.com",
"sso_init_path":"/mno/init/%{marketplace}","initialization_path":null,"external_ids":false}'
status 201 "a provider adds an environment"
jqok '.api_key | test("^ek_[0-9a-f]{16}$")' "the environment key looks like ek_<16 hex>"
jqok '.api_secret | test("^[0-9a-f]{64}$")' "the environment secret is shown"
jqok '.sso_init_path == "/mno/init/%{marketplace}" and .external_ids == false and .initialization_path == null' "fields are kept"
jqok '.group_path == "/maestrano/account/groups/:id/%{marketplace}"' "left-out templates get Maestrano's defaults"
jqok '.synchronization_status_path | endswith(":cld-uid")' "sync templates keep :cld-uid"
EID=$(jqv .id)
EKEY=$(jqv .api_key)
ESECRET=$(jqv .api_secret)
is "$(sql "SELECT LOWER(HEX(secret_hash)) FROM credential WHERE kind = 'environment' AND key_id = '$EKEY'")" \
    "$(printf '%s' "$ESECRET" | sha256sum | cut -d' ' -f1)" "the environment secret is stored as SHA-256"
sum=$(db_checksum)
asj "$P" POST /api/v1/apps/$FID/environments '{"nid":"production","host":"https://x.example.com"}'
status 409 "an environment nid is unique per app"
asj "$P" POST /api/v1/apps/$FID/environments '{"nid":"uat","host":"ftp://x"}'
status 400 "a host must be an http(s) URL"
asj "$P" POST /api/v1/apps/$FID/environments '{"nid":"uat","host":"https://x.example.com","group_path":"no-slash"}'
status 400 "a path template must start with /"
jqok '.errors[] | select(.field == "group_path")' "the error names group_path"
is "$(db_checksum)" "$sum" "refused environment creates change nothing"

as "$P" GET /api/v1/apps/$FID/environments
status 200 "a provider lists environments"
jqok '.environments | length == 1 and (.[0] | has("api_secret") | not)' "the list never shows a secret"
as "$P" GET /api/v1/apps/$FID/environments/$EID
status 200 "a provider reads an environment"
ETAG=$(header ETag)
asj "$P" PATCH /api/v1/apps/$FID/environments/$EID '{"host":"https://full2.example.com","idm":"https://idm.example.com"}' -H "If-Match: $ETAG"
status 200 "a provider updates an environment"
jqok '.host == "https://full2.example.com" and .idm == "https://idm.example.com"' "the update is applied"
asj "$P" PATCH /api/v1/apps/$FID/environments/$EID '{"host":"https://stale.example.com"}' -H "If-Match: $ETAG"
status 412 "a stale environment write is 412"
as "$P" GET /api/v1/apps/$FID/environments/$EID -H "If-None-Match: $(header ETag)"
ETAG2=$(header ETag)
as "$P" GET /api/v1/apps/$FID/environments/$EID -H "If-None-Match: $ETAG2"
status 304 "an environment GET with its ETag is 304"
asj "$P" PATCH /api/v1/apps/$FID/environments/$EID '{"host":"https://full2.example.com"}'
is "$STATUS $(header ETag)" "200 $ETAG2" "an environment PATCH that changes nothing keeps its ETag"
as "$P" GET /api/v1/apps/$MINI/environments/$EID
status 404 "an environment is reached only through its app"

as "$P" POST /api/v1/apps/$FID/environments/$EID/rotate
status 200 "a provider rotates an environment secret"
NSECRET=$(jqv .api_secret)
isnt "$NSECRET" "$ESECRET" "the new secret differs"
is "$(jqv .api_key)" "$EKEY" "the key stays"
as "$EKEY:$NSECRET" GET /api/config/v1/marketplaces
status 200 "the new secret works"

# Nothing secret in a dump.
D=$(dump)
case "$D" in *"$PSECRET"*|*"$ESECRET"*|*"$NSECRET"*|*"$CSECRET"*) fail "a secret appears in the dump";;
*) pass "no provider or environment secret appears in the dump";; esac

finish
