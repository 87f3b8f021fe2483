#!/bin/bash
# Admin console pages over the shared data functions: marketplaces
# (rotate the secret, revoke the certificate), providers, apps, the
# listings review queue, registration tokens (revoke), tenant lists
# (filter, search, sort, paging). Destructive actions ask first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

# A marketplace registered through the API, a provider, two apps asking
# for listings.
RT=$(regtoken)
req POST /api/v1/marketplaces -H "Authorization: Bearer $RT" -H 'Content-Type: application/json' --data-binary '{"nid":"pg-mkt","name":"Pages","environment":"uat","endpoints":{"hub":"https://hub.pg.test"}}'
status 201 "a marketplace registers"
MID=$(jqv .id); MKEY=$(jqv .api_key); MSEC=$(jqv .api_secret)
admin POST /api/v1/admin/providers -H 'Content-Type: application/json' --data-binary '{"nid":"pg-prov","name":"Pages provider","email":"p@pg.test"}'
PAUTH="$(jqv .api_key):$(jqv .api_secret)"
for a in one two; do
	req POST /api/v1/apps -u "$PAUTH" -H "Content-Type: application/json" --data-binary "{\"nid\":\"pg-$a\",\"name\":\"Pg $a\",\"description\":\"d\"}"
	req POST "/api/v1/apps/$(jqv .id)/listings" -u "$PAUTH" -H 'Content-Type: application/json' --data-binary '{"marketplace":"pg-mkt"}'
done
L1=$(sql "SELECT l.id FROM listing l JOIN app a ON a.id = l.app_id WHERE a.nid = 'pg-one'")
L2=$(sql "SELECT l.id FROM listing l JOIN app a ON a.id = l.app_id WHERE a.nid = 'pg-two'")

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page /admin
status 200 "the dashboard"
TOK=$(csrf)
ok "the dashboard counts listings to review" grep -q "<strong>$(sql "SELECT COUNT(*) FROM listing WHERE state = 'submitted'")</strong><span>Listings to review</span>" "$BODY"

# Marketplaces.
page "/admin/marketplaces?q=pg-mkt"
status 200 "the marketplaces list"
ok "it lists the marketplace with its fingerprint" grep -q "$(sql "SELECT fp_sha1 FROM certificate WHERE marketplace_id = $MID")" "$BODY"
page "/admin/marketplaces?sort=-nid"
status 200 "sorted by nid descending"
page "/admin/marketplaces?sort=api_key"
status 400 "a sort key outside the allow-list is refused"
page "/admin/marketplaces/$MID"
status 200 "the marketplace page"
ok "it shows the hub endpoint" grep -q 'https://hub.pg.test' "$BODY"
ok "it shows the certificate expiry" grep -q "$(sql "SELECT DATE_FORMAT(not_after, '%Y-%m-%dT%H:%i:%sZ') FROM certificate WHERE marketplace_id = $MID")" "$BODY"
page "/admin/marketplaces/99999"
status 404 "an unknown marketplace is 404"
page "/admin/marketplaces/abc"
status 404 "a malformed id is 404"

page "/admin/marketplaces/$MID/rotate"
ok "rotate asks first" grep -q 'class="confirm"' "$BODY"
req GET /api/v1/marketplace -u "$MKEY:$MSEC"
status 200 "the marketplace's secret works"
before=$(db_checksum)
req POST "/admin/marketplaces/$MID/rotate" -b "$CJ" --data "csrf=bad"
status 403 "rotate without the token is refused"
is "$(db_checksum)" "$before" "and changes nothing"
post "/admin/marketplaces/$MID/rotate"
status 200 "rotate shows the new secret"
NSEC=$(grep -o 'mks_[0-9a-f]*' "$BODY" | head -1)
ok "the new secret is shown once" test -n "$NSEC"
req GET /api/v1/marketplace -u "$MKEY:$NSEC"
status 200 "the new secret works"
is "$(sql "SELECT COUNT(*) FROM audit WHERE target_kind = 'marketplace' AND target_id = $MID AND actor = 'admin:$ADMIN_EMAIL'")" \
    "1" "the rotation is audited with the admin as actor"

page "/admin/marketplaces/$MID/revoke"
ok "revoke asks first, with a reason" grep -q '<select id="reason" name="reason">' "$BODY"
post "/admin/marketplaces/$MID/revoke" --data-urlencode "reason=bogus"
status 400 "an unknown reason is refused"
is "$(sql "SELECT COUNT(*) FROM certificate WHERE marketplace_id = $MID AND revoked_at IS NOT NULL")" "0" "nothing is revoked yet"
post "/admin/marketplaces/$MID/revoke" --data-urlencode "reason=keyCompromise"
is "$STATUS $(header Location)" "303 /admin/marketplaces/$MID?done=revoked" "revoke redirects"
is "$(sql "SELECT revoke_reason FROM certificate WHERE marketplace_id = $MID AND revoked_at IS NOT NULL")" "keyCompromise" \
    "the certificate is revoked with the reason"
post "/admin/marketplaces/$MID/revoke" --data-urlencode "reason=keyCompromise"
status 409 "revoking twice is a conflict"

# Providers and apps.
page "/admin/providers?q=pg-prov"
ok "the providers list" grep -q '>pg-prov</a>' "$BODY"
PID=$(sql "SELECT id FROM provider WHERE nid = 'pg-prov'")
page "/admin/providers/$PID"
ok "the provider page" grep -q 'p@pg.test' "$BODY"
page "/admin/apps?q=pg-"
ok "the apps list" grep -q '>Pg one</a>' "$BODY"
page "/admin/apps?page=abc"
status 400 "a malformed page is refused"
page "/admin/apps?provider=$PID"
ok "apps filtered by provider" grep -q 'Rows 1-2 of 2 ' "$BODY"
page "/admin/apps?provider=$PID&q=one"
ok "apps searched" sh -c "grep -q 'Rows 1-1 of 1 ' '$BODY' && grep -q '>Pg one</a>' '$BODY'"
page "/admin/apps?provider=$PID&sort=-name"
is "$(grep -o '<tbody><tr><td><a href="/admin/apps/[0-9]*">[^<]*' "$BODY" | sed 's/.*>//')" "Pg two" "apps sorted by name descending"
page "/admin/apps?provider=$PID&sort=-provider"
status 200 "apps sort by provider too"
page "/admin/apps?sort=api_key"
status 400 "an app sort outside the allow-list is refused"
page "/admin/providers?q=p%40pg.test"
ok "providers searched by e-mail" grep -q 'Rows 1-1 of 1 ' "$BODY"

# The listings review queue: approve, reject with a reason, history.
page /admin/listings
status 200 "the review queue"
ok "it lists the submitted listings" sh -c "grep -q '/admin/listings/$L1\"' '$BODY' && grep -q '/admin/listings/$L2\"' '$BODY'"
page "/admin/listings?state=bogus"
status 400 "an unknown state is refused"
page "/admin/listings/$L1"
ok "the listing page offers approve and reject" sh -c "grep -q 'listings/$L1/approve' '$BODY' && grep -q 'listings/$L1/reject' '$BODY'"
post "/admin/listings/$L1/approve" --data-urlencode "note=looks good"
is "$STATUS $(header Location)" "303 /admin/listings/$L1?done=approved" "approve redirects"
is "$(sql "SELECT state FROM listing WHERE id = $L1")" "approved" "the listing is live"
before=$(db_checksum)
post "/admin/listings/$L2/reject" --data-urlencode "reason="
status 400 "reject without a reason is refused"
ok "the reason error is beside the field" grep -q '<div class="field has-error"><label for="reason">' "$BODY"
is "$(db_checksum)" "$before" "and changes nothing"
post "/admin/listings/$L2/reject" --data-urlencode "reason=no <logo> yet"
is "$STATUS $(header Location)" "303 /admin/listings/$L2?done=rejected" "reject redirects"
page "/admin/listings/$L2"
ok "the history shows the reason, escaped" grep -q '<td>no &lt;logo&gt; yet</td>' "$BODY"
post "/admin/listings/$L2/reject" --data-urlencode "reason=again"
status 409 "rejecting a rejected listing is a conflict"
page "/admin/listings?state=approved&marketplace=pg-mkt"
ok "filter by state and marketplace" sh -c "grep -q '/admin/listings/$L1\"' '$BODY' && ! grep -q '/admin/listings/$L2\"' '$BODY'"

# Registration tokens: revoke asks first.
RT2=$(regtoken)
RID=$(sql "SELECT id FROM registration_token ORDER BY id DESC LIMIT 1")
page "/admin/registration-tokens/$RID/revoke"
ok "revoking a token asks first" grep -q 'class="confirm"' "$BODY"
is "$(sql "SELECT revoked_at IS NULL FROM registration_token WHERE id = $RID")" "1" "asking revokes nothing"
post "/admin/registration-tokens/$RID/revoke"
is "$STATUS $(header Location)" "303 /admin/registration-tokens?done=revoked" "revoke redirects"
req POST /api/v1/marketplaces -H "Authorization: Bearer $RT2" -H 'Content-Type: application/json' --data-binary '{"nid":"pg-mkt2","name":"P2","environment":"uat","endpoints":{"hub":"https://hub.pg2.test"}}'
status 401 "the revoked token no longer registers"
page "/admin/registration-tokens?state=revoked"
ok "the state filter lists it" grep -q "<td>$RID</td>" "$BODY"

# A tenant created in the console; its key is shown once and works.
page /admin/tenants/new
status 200 "the new tenant form"
before=$(db_checksum)
post /admin/tenants --data-urlencode "marketplace=$MID" --data-urlencode "name=Console tenant" \
    --data-urlencode "metadata={\"app_management\": 5}" --data-urlencode "frontend_config={}"
status 400 "bad metadata on create is refused"
ok "the error is beside the metadata" grep -q '<div class="field has-error"><label for="metadata">' "$BODY"
ok "the name is kept" grep -q 'name="name" value="Console tenant"' "$BODY"
post /admin/tenants --data-urlencode "marketplace=" --data-urlencode "name=Console tenant" \
    --data-urlencode "metadata={}" --data-urlencode "frontend_config={}"
status 400 "a tenant without a marketplace is refused"
is "$(db_checksum)" "$before" "refused creates change nothing"
post /admin/tenants --data-urlencode "marketplace=$MID" --data-urlencode "name=Console tenant" \
    --data-urlencode "uid=console-t1" --data-urlencode "metadata={}" --data-urlencode "frontend_config={}"
status 200 "a tenant is created"
TKEY=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
ok "its key is shown once" test -n "$TKEY"
req GET /api/mnoe/v2/tenant -u "console-t1:$TKEY"
status 200 "the new tenant's key works on the hub API"
CT=$(sql "SELECT id FROM tenant WHERE uid = 'console-t1'")
page "/admin/tenants/$CT/rotate-key"
ok "rotating the key asks first" grep -q 'class="confirm"' "$BODY"
post "/admin/tenants/$CT/rotate-key"
status 200 "the key is rotated"
TKEY2=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
isnt "$TKEY2" "$TKEY" "a new key is shown"
req GET /api/mnoe/v2/tenant -u "console-t1:$TKEY2"
status 200 "the new key works"

# Tenants: many, paged, searched, sorted.
for i in $(seq -w 1 30); do
	echo "INSERT INTO tenant (uid, marketplace_id, name) VALUES ('pg-t$i', $MID, 'Tenant $i');"
done > "$T_TMP/t.sql"
sql "$(cat "$T_TMP/t.sql")"
page "/admin/tenants?marketplace=$MID"
ok "page 1 of the marketplace's tenants" grep -q 'Rows 1-25 of 31 (page 1 of 2)' "$BODY"
ok "a next link keeps the filter" grep -q "href=\"/admin/tenants?marketplace=$MID&amp;page=2\" rel=\"next\"" "$BODY"
page "/admin/tenants?marketplace=$MID&page=2"
ok "page 2" grep -q 'Rows 26-31 of 31' "$BODY"
page "/admin/tenants?marketplace=$MID&sort=-name"
is "$(grep -o '<tbody><tr><td><a href="/admin/tenants/[0-9]*">[^<]*' "$BODY" | sed 's/.*>//')" "Tenant 30" "sort by name descending"
page "/admin/tenants?q=nant%2007"
ok "search by name" grep -q 'Rows 1-1 of 1 ' "$BODY"
page "/admin/tenants?q=%25"
ok "a LIKE wildcard in the search matches literally" grep -q 'No rows.' "$BODY"
page "/admin/tenants?marketplace=x"
status 400 "a malformed marketplace filter is refused"

finish
