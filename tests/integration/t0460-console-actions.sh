#!/bin/bash
# Admin console actions that used to need agoractl, SQL or curl: each
# new POST refuses a missing or wrong CSRF token and a stale version
# (nothing changes, no audit row), and on success changes the data
# through the shared db function with its audit row. Providers (create,
# edit, rotate), marketplace endpoints and certificates, tenant delete,
# listing unpublish/republish, admins (create, disable, the last active
# admin, password reset, API tokens), list paging/sorting/filters and
# CSV, the audit log's action and tenant filters, dashboard sentences.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

S=$(openssl rand -hex 3)
# audits: the number of audit rows (a refused POST adds none).
audits() { sql "SELECT COUNT(*) FROM audit"; }
# unchanged LABEL: the database and the audit log are as in $before/$ab.
unchanged() {
	is "$(db_checksum) $(audits)" "$before $ab" "$1 changes nothing"
}
snap() { before=$(db_checksum); ab=$(audits); }
# hidden NAME: the value of hidden field NAME on the last page.
hidden() { grep -o "name=\"$1\" value=\"[^\"]*\"" "$BODY" | head -1 |
    sed 's/.*value="//; s/"$//'; }

RT=$(regtoken)
req POST /api/v1/marketplaces -H "Authorization: Bearer $RT" -H 'Content-Type: application/json' --data-binary "{\"nid\":\"ac-$S\",\"name\":\"Actions $S\",\"environment\":\"uat\",\"endpoints\":{\"hub\":\"https://hub.ac-$S.test\",\"impac\":\"https://impac.ac-$S.test\"}}"
status 201 "a marketplace registers"
MID=$(jqv .id)
admin POST /api/v1/admin/providers -H 'Content-Type: application/json' --data-binary "{\"nid\":\"ac-prov-$S\",\"name\":\"Act provider\",\"email\":\"p@ac-$S.test\"}"
PAUTH="$(jqv .api_key):$(jqv .api_secret)"
req POST /api/v1/apps -u "$PAUTH" -H "Content-Type: application/json" --data-binary "{\"nid\":\"ac-app-$S\",\"name\":\"Ledgerly $S\",\"description\":\"d\"}"
APP=$(jqv .id)
is "$(sql "SELECT JSON_VALUE(after_json, '$.id') = target_id AND JSON_VALUE(after_json, '$.version') = 1 AND JSON_VALUE(after_json, '$.created_at') IS NOT NULL FROM audit WHERE action = 'app.create' AND target_id = $APP")" \
    "1" "the app.create audit row records the row as committed (id, version, created_at)"
req POST "/api/v1/apps/$APP/environments" -u "$PAUTH" -H "Content-Type: application/json" --data-binary '{"nid":"production","host":"https://ledgerly.example.com"}'
ENV=$(jqv .id)
is "$(sql "SELECT JSON_VALUE(after_json, '$.id') = target_id AND JSON_VALUE(after_json, '$.version') = 1 AND JSON_VALUE(after_json, '$.created_at') IS NOT NULL FROM audit WHERE action = 'environment.create' AND target_id = $ENV")" \
    "1" "the environment.create audit row records the row as committed"
req POST "/api/v1/apps/$APP/listings" -u "$PAUTH" -H 'Content-Type: application/json' --data-binary "{\"marketplace\":\"ac-$S\"}"
LID=$(jqv .id)
admin POST "/api/v1/admin/listings/$LID/approve" -H 'Content-Type: application/json' --data-binary '{}'
status 200 "the listing is live"

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page /admin
TOK=$(csrf)

# --- Providers. ---
page /admin/providers/new
status 200 "the new provider form"
snap
req POST /admin/providers -b "$CJ" --data-urlencode "nid=np-$S" --data-urlencode "name=New" --data-urlencode "email=n@x.test"
status 403 "create without the token is refused"
unchanged "a provider create without the token"
post /admin/providers --data-urlencode "nid=np-$S" --data-urlencode "name=New" --data-urlencode "email=not-an-email"
status 400 "a bad e-mail is refused"
ok "the error is beside the e-mail" grep -q '<div class="field has-error"><label for="email">' "$BODY"
ok "the input is kept" grep -q "value=\"np-$S\"" "$BODY"
unchanged "a refused provider create"
post /admin/providers --data-urlencode "nid=np-$S" --data-urlencode "name=New provider" --data-urlencode "email=n@np-$S.test"
status 200 "a provider is created"
NKEY=$(grep -o 'pk_[0-9a-zA-Z_]*' "$BODY" | head -1)
NSEC=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
ok "its secret is shown once" test -n "$NSEC"
req GET /api/v1/apps -u "$NKEY:$NSEC"
status 200 "the new provider's key and secret work"
NP=$(sql "SELECT id FROM provider WHERE nid = 'np-$S'")
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'provider.create' AND target_id = $NP AND actor = 'admin:$ADMIN_EMAIL'")" "1" "the create is audited"
post /admin/providers --data-urlencode "nid=np-$S" --data-urlencode "name=Again" --data-urlencode "email=a@np.test"
status 409 "a taken nid is a conflict"

page "/admin/providers/$NP/edit"
status 200 "the provider edit form"
PV=$(hidden version)
ok "it carries the version" test -n "$PV"
snap
post "/admin/providers/$NP" --data-urlencode "version=2000-01-01 00:00:00.000000" --data-urlencode "name=Stale" --data-urlencode "email=n@np-$S.test"
status 409 "a stale provider edit is refused"
ok "the input is kept" grep -q 'value="Stale"' "$BODY"
unchanged "a stale provider edit"
req POST "/admin/providers/$NP" -b "$CJ" --data-urlencode "csrf=$(printf '%064d' 0)" --data-urlencode "version=$PV" --data-urlencode "name=X" --data-urlencode "email=n@np-$S.test"
status 403 "an edit with a wrong token is refused"
unchanged "an edit with a wrong token"
post "/admin/providers/$NP" --data-urlencode "version=$PV" --data-urlencode "name=Renamed $S" --data-urlencode "email=r@np-$S.test"
is "$STATUS $(header Location)" "303 /admin/providers/$NP?done=saved" "the provider edit redirects"
is "$(sql "SELECT CONCAT(name, ' ', email) FROM provider WHERE id = $NP")" "Renamed $S r@np-$S.test" "the provider is renamed"
is "$(sql "SELECT JSON_VALUE(before_json, '$.name'), JSON_VALUE(after_json, '$.name') FROM audit WHERE action = 'provider.update' AND target_id = $NP" | tr '\t' '|')" \
    "New provider|Renamed $S" "the edit is audited with before and after"
post "/admin/providers/$NP" --data-urlencode "version=$PV" --data-urlencode "name=Again" --data-urlencode "email=r@np-$S.test"
status 409 "the same version twice is stale"

page "/admin/providers/$NP/rotate"
ok "rotate asks first, naming the grace period" grep -q 'class="confirm"' "$BODY"
snap
req POST "/admin/providers/$NP/rotate" -b "$CJ" --data "csrf="
status 403 "rotate with an empty token is refused"
unchanged "a refused rotation"
post "/admin/providers/$NP/rotate"
status 200 "the secret is rotated"
NSEC2=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
isnt "$NSEC2" "$NSEC" "a new secret is shown"
req GET /api/v1/apps -u "$NKEY:$NSEC2"
status 200 "the new secret works"
req GET /api/v1/apps -u "$NKEY:$NSEC"
status 200 "the old one works during the grace period"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'provider.secret_rotate' AND target_id = $NP")" "1" "the rotation is audited"
page "/admin/providers/$NP/rotate"
ok "rotate offers to revoke the current secret now" grep -q 'name="revoke_now"' "$BODY"
post "/admin/providers/$NP/rotate" --data-urlencode "revoke_now=1"
status 200 "rotated with revoke now"
NSEC3=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
req GET /api/v1/apps -u "$NKEY:$NSEC2"
status 401 "the revoked secret no longer authenticates"
req GET /api/v1/apps -u "$NKEY:$NSEC3"
status 200 "the new one does"
PID=$(sql "SELECT id FROM provider WHERE nid = 'ac-prov-$S'")
page "/admin/providers/$PID"
ok "a provider's page lists its apps" grep -q ">Ledgerly $S</a>" "$BODY"

# --- Marketplaces: endpoints and certificates. ---
page "/admin/marketplaces/$MID"
ok "the current certificate's subject" grep -q "<dt>Subject</dt><dd>$(sql "SELECT c.subject_cn FROM certificate c JOIN marketplace m ON m.cert_id = c.id WHERE m.id = $MID")</dd>" "$BODY"
ok "its serial" grep -q "$(sql "SELECT c.serial FROM certificate c JOIN marketplace m ON m.cert_id = c.id WHERE m.id = $MID")" "$BODY"
ok "its SHA-256 fingerprint" grep -q "$(sql "SELECT c.fp_sha256 FROM certificate c JOIN marketplace m ON m.cert_id = c.id WHERE m.id = $MID")" "$BODY"
ok "the certificate history" grep -q '<h2>Certificate history</h2>' "$BODY"
page "/admin/marketplaces/$MID/edit"
status 200 "the endpoints form"
MV=$(hidden version)
snap
post "/admin/marketplaces/$MID" --data-urlencode "version=$MV" --data-urlencode "name=Actions $S" \
    --data-urlencode "endpoints.hub=http://hub.ac.test" --data-urlencode "endpoints.impac="
status 400 "an http hub is refused, as by the API"
ok "the error is beside the hub field" grep -q '<div class="field has-error"><label for="endpoints.hub">' "$BODY"
unchanged "a refused endpoints edit"
post "/admin/marketplaces/$MID" --data-urlencode "version=$((MV + 5))" --data-urlencode "name=Actions $S" \
    --data-urlencode "endpoints.hub=https://hub2.ac-$S.test"
status 409 "a stale endpoints edit is refused"
unchanged "a stale endpoints edit"
post "/admin/marketplaces/$MID" --data-urlencode "version=$MV" --data-urlencode "name=Actions $S" \
    --data-urlencode "endpoints.hub=https://hub2.ac-$S.test" --data-urlencode "endpoints.impac=" \
    --data-urlencode "endpoints.connec=https://connec.ac-$S.test" --data-urlencode "endpoints.nex="
is "$STATUS $(header Location)" "303 /admin/marketplaces/$MID?done=saved" "the endpoints edit redirects"
is "$(sql "SELECT CONCAT_WS(' ', hub_url, COALESCE(impac_url, '-'), connec_url) FROM marketplace WHERE id = $MID")" \
    "https://hub2.ac-$S.test - https://connec.ac-$S.test" "hub changed, impac removed, connec added"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'marketplace.update' AND target_id = $MID AND actor = 'admin:$ADMIN_EMAIL'")" "1" "the edit is audited"

# --- Tenants: delete, its tenant apps shown first. ---
admin POST /api/v1/admin/tenants -H 'Content-Type: application/json' --data-binary "{\"marketplace\":\"ac-$S\",\"name\":\"Doomed $S\",\"metadata\":{\"app_management\":\"tenant\"}}"
TID=$(jqv .id)
page "/admin/tenants/$TID/apps/new?q=ac-app-$S"
ok "the new tenant app form finds the app by a search" grep -q ">Ledgerly $S</option>" "$BODY"
page "/admin/tenants/$TID/apps/new?q=no-such-app-$S"
ok "and leaves out what does not match" sh -c "! grep -q '>Ledgerly $S</option>' '$BODY'"
# 600 more live apps (by SQL, as a seed would): the chooser pages them.
PROV=$(sql "SELECT id FROM provider WHERE nid = 'ac-prov-$S'")
sql "INSERT INTO app (uid, provider_id, nid, name, description) SELECT CONCAT('pg', seq, '$S'), $PROV, CONCAT('pg-', seq, '-$S'), CONCAT('Zz paged ', LPAD(seq, 3, '0'), ' $S'), 'd' FROM seq_1_to_600"
sql "INSERT INTO listing (app_id, marketplace_id, state, hub_api_id) SELECT id, $MID, 'approved', CONCAT('h', id, '$S') FROM app WHERE nid LIKE 'pg-%-$S'"
page "/admin/tenants/$TID/apps/new"
ok "a chooser of 601 apps shows the first 500 and says so" grep -q 'Rows 1-500 of 601 (page 1 of 2)' "$BODY"
ok "it links to the next page" grep -q "href=\"/admin/tenants/$TID/apps/new?page=2\" rel=\"next\"" "$BODY"
page "/admin/tenants/$TID/apps/new?page=2"
ok "page 2 holds the rest, in name order" sh -c "grep -q '>Zz paged 600 $S</option>' '$BODY' && ! grep -q '>Ledgerly $S</option>' '$BODY'"
page "/admin/tenants/$TID/apps/new?q=paged%2059&page=1"
ok "a search narrows the pages" sh -c "grep -q '>Zz paged 590 $S</option>' '$BODY' && ! grep -q 'Rows 1-500' '$BODY'"
post "/admin/tenants/$TID/apps" --data-urlencode "app=$APP" --data-urlencode "rank=1"
is "$STATUS" "303" "a tenant app through the console"
TA=$(sql "SELECT id FROM tenant_app WHERE tenant_id = $TID")
page "/admin/tenants/$TID/apps/$TA/edit?page=2"
ok "its edit form pages the apps too" grep -q 'Rows 501-601 of 601 (page 2 of 2)' "$BODY"
ok "and keeps its own app chosen on any page" grep -q "<option value=\"$APP\" selected[^>]*>Ledgerly $S</option>" "$BODY"
page /admin
ok "the dashboard says it in a sentence" grep -q "enabled <em>Ledgerly $S</em> for <em>Doomed $S</em>" "$BODY"
ok "with the JSON one click away" grep -q '<details class="change"><summary>JSON</summary>' "$BODY"
page "/admin/audit?tenant=$TID"
ok "the tenant's trail includes its tenant apps" sh -c "grep -q '>tenant_app.create</a>' '$BODY' && grep -q '>tenant.create</a>' '$BODY'"
page "/admin/audit?action=tenant_app.create&target=tenant_app"
ok "the audit log filters by action" sh -c "grep -q '>tenant_app.create</a>' '$BODY' && ! grep -q '>tenant.create</a>' '$BODY'"
page "/admin/audit?action=DROP%20TABLE"
status 400 "a malformed action filter is refused"
page "/admin/tenants/$TID/delete"
ok "delete lists the tenant apps that go with it" grep -q "<li>Ledgerly $S (ac-app-$S)</li>" "$BODY"
TV=$(hidden version)
snap
post "/admin/tenants/$TID/delete" --data-urlencode "version=$((TV + 1))"
status 409 "a stale delete is refused"
unchanged "a stale delete"
req POST "/admin/tenants/$TID/delete" -b "$CJ" --data-urlencode "version=$TV" -H "Origin: https://evil.example"
status 403 "a cross-site delete is refused"
unchanged "a cross-site delete"
post "/admin/tenants/$TID/delete" --data-urlencode "version=$TV"
is "$STATUS $(header Location)" "303 /admin/tenants?done=deleted" "the delete redirects"
is "$(sql "SELECT COUNT(*) FROM tenant WHERE id = $TID") $(sql "SELECT COUNT(*) FROM tenant_app WHERE tenant_id = $TID")" "0 0" \
    "the tenant and its tenant apps are gone"
is "$(sql "SELECT JSON_VALUE(before_json, '$.tenant_apps') FROM audit WHERE action = 'tenant.delete' AND target_id = $TID")" "1" \
    "the delete is audited with the tenant as it was"

# --- Listings: unpublish and republish. ---
page "/admin/listings/$LID"
ok "a live listing offers unpublish" grep -q "listings/$LID/unpublish" "$BODY"
snap
req POST "/admin/listings/$LID/unpublish" -b "$CJ" --data "note=x"
status 403 "unpublish without the token is refused"
unchanged "a refused unpublish"
post "/admin/listings/$LID/unpublish" --data-urlencode "note=taken down <for now>"
is "$STATUS $(header Location)" "303 /admin/listings/$LID?done=unpublished" "unpublish redirects"
is "$(sql "SELECT state FROM listing WHERE id = $LID")" "unpublished" "the listing is unpublished"
post "/admin/listings/$LID/unpublish"
status 409 "unpublishing twice is a conflict"
page "/admin/listings/$LID"
ok "an unpublished listing offers republish" grep -q '<button type="submit" class="primary">Republish</button>' "$BODY"
ok "its history shows the note, escaped" grep -q '<td>taken down &lt;for now&gt;</td>' "$BODY"
post "/admin/listings/$LID/approve"
is "$STATUS $(header Location)" "303 /admin/listings/$LID?done=republished" "republish redirects"
is "$(sql "SELECT state FROM listing WHERE id = $LID")" "approved" "the listing is live again"
is "$(sql "SELECT COUNT(*) FROM audit WHERE target_kind = 'listing' AND target_id = $LID AND action = 'listing.unpublish' AND actor = 'admin:$ADMIN_EMAIL'") $(sql "SELECT COUNT(*) FROM audit WHERE target_kind = 'listing' AND target_id = $LID AND action = 'listing.approve'")" "1 2" \
    "both are audited (the approve twice: first through the API)"

# --- Admins. ---
page /admin/admins
status 200 "the admins list"
ok "it lists the admin" grep -q ">$ADMIN_EMAIL</a>" "$BODY"
snap
post /admin/admins --data-urlencode "email=nope"
status 400 "a bad e-mail is refused"
unchanged "a refused admin create"
post /admin/admins --data-urlencode "email=ops-$S@agora.test"
status 200 "an admin is created"
OPW=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
ok "its first password is shown once" test -n "$OPW"
OID=$(sql "SELECT id FROM admin_user WHERE email = 'ops-$S@agora.test'")
is "$(sql "SELECT JSON_VALUE(after_json, '$.id') = $OID AND JSON_VALUE(after_json, '$.created_at') IS NOT NULL FROM audit WHERE action = 'admin.create' AND target_id = $OID")" "1" \
    "the admin.create audit row records the row as committed"
post /admin/admins --data-urlencode "email=ops-$S@agora.test"
status 409 "a taken e-mail is a conflict"
OJ=$T_TMP/ops.jar
login "ops-$S@agora.test" "$OPW" "$OJ"
is "$STATUS" "303" "the new admin logs in"

# API tokens with an expiry, shown once, revoked.
page "/admin/admins/$OID"
post "/admin/admins/$OID/tokens" --data-urlencode "label=ci" --data-urlencode "expires_days=x"
status 400 "a bad expiry is refused"
post "/admin/admins/$OID/tokens" --data-urlencode "label=ci $S" --data-urlencode "expires_days=30"
status 200 "a token is created"
ATOK=$(grep -o 'agat_[0-9a-zA-Z_]*' "$BODY" | head -1)
admin_as() { req GET /api/v1/admin/tenants -H "Authorization: Bearer $1"; }
admin_as "$ATOK"
status 200 "the token works on the admin API"
ATID=$(sql "SELECT id FROM admin_token WHERE admin_id = $OID AND label = 'ci $S'")
is "$(sql "SELECT TIMESTAMPDIFF(HOUR, NOW(6), expires_at) BETWEEN 719 AND 720 FROM admin_token WHERE id = $ATID")" "1" "it expires in 30 days"
page "/admin/admins/$OID/tokens/$ATID/revoke"
ok "revoking a token asks first" grep -q 'class="confirm"' "$BODY"
snap
req POST "/admin/admins/$OID/tokens/$ATID/revoke" -b "$CJ" --data "csrf=$TOK" -H "Sec-Fetch-Site: cross-site"
status 403 "a cross-site revoke is refused"
unchanged "a cross-site revoke"
post "/admin/admins/$OID/tokens/$ATID/revoke"
is "$STATUS $(header Location)" "303 /admin/admins/$OID?done=revoked" "the revoke redirects"
admin_as "$ATOK"
status 401 "the revoked token is refused"
post "/admin/admins/$OID/tokens/$ATID/revoke"
status 409 "revoking twice is a conflict"
post "/admin/admins/$OID/tokens" --data-urlencode "label=short $S" --data-urlencode "expires_days=1"
ATOK2=$(grep -o 'agat_[0-9a-zA-Z_]*' "$BODY" | head -1)
sql "UPDATE admin_token SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE label = 'short $S'"
admin_as "$ATOK2"
status 401 "an expired token is refused"

# Password reset: the old password and sessions end.
page "/admin/admins/$OID/password"
OV=$(hidden version)
snap
post "/admin/admins/$OID/password" --data-urlencode "version=$((OV + 1))"
status 409 "a stale reset is refused"
unchanged "a stale reset"
post "/admin/admins/$OID/password" --data-urlencode "version=$OV"
status 200 "the password is reset"
OPW2=$(grep -o '<code class="token">[^<]*' "$BODY" | sed 's/.*>//')
req GET /admin -b "$OJ"
is "$STATUS" "303" "the admin's session ended"
login "ops-$S@agora.test" "$OPW" "$OJ"
is "$STATUS" "401" "the old password is refused"
login "ops-$S@agora.test" "$OPW2" "$OJ"
is "$STATUS" "303" "the new password logs in"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'admin.password_reset' AND target_id = $OID AND after_json NOT LIKE '%$OPW2%'")" "1" \
    "the reset is audited, without the password"

# Disable: sessions end, tokens stop; enable again.
post "/admin/admins/$OID/tokens" --data-urlencode "label=live $S" --data-urlencode "expires_days=0"
ATOK3=$(grep -o 'agat_[0-9a-zA-Z_]*' "$BODY" | head -1)
page "/admin/admins/$OID/disable"
OV=$(hidden version)
snap
post "/admin/admins/$OID/disable" --data-urlencode "version=$((OV + 1))"
status 409 "a stale disable is refused"
unchanged "a stale disable"
post "/admin/admins/$OID/disable" --data-urlencode "version=$OV"
is "$STATUS $(header Location)" "303 /admin/admins/$OID?done=admin_disabled" "disable redirects"
req GET /admin -b "$OJ"
is "$STATUS" "303" "the disabled admin's session ended"
login "ops-$S@agora.test" "$OPW2" "$OJ"
is "$STATUS" "401" "a disabled admin cannot log in"
admin_as "$ATOK3"
status 401 "a disabled admin's token is refused"
page "/admin/admins/$OID/enable"
post "/admin/admins/$OID/enable" --data-urlencode "version=$(hidden version)"
is "$STATUS" "303" "enable again"
admin_as "$ATOK3"
status 200 "its token works again"

# The last active admin cannot be disabled: disable every other one
# but the new admin; then two disables cross (each admin disables the
# other at once): one wins; the other is refused (409), or, when the
# winner committed first, finds its own session ended (303 to the
# login); one admin stays active.
ME=$(sql "SELECT id FROM admin_user WHERE email = '$ADMIN_EMAIL'")
others=$(sql "SELECT id FROM admin_user WHERE disabled_at IS NULL AND id NOT IN ($ME, $OID)")
for o in $others; do
	page "/admin/admins/$o/disable"
	post "/admin/admins/$o/disable" --data-urlencode "version=$(hidden version)"
done
is "$(sql "SELECT COUNT(*) FROM admin_user WHERE disabled_at IS NULL")" "2" "two active admins are left"
login "ops-$S@agora.test" "$OPW2" "$OJ"
req GET /admin -b "$OJ"
OTOK=$(csrf)
VME=$(sql "SELECT version FROM admin_user WHERE id = $ME")
VOID=$(sql "SELECT version FROM admin_user WHERE id = $OID")
cross() {	# JAR TOKEN TARGET VERSION OUT
	curl -sS --cacert "$CACERT" -o /dev/null -w '%{http_code} %{redirect_url}\n' -b "$1" \
	    --data-urlencode "csrf=$2" --data-urlencode "version=$4" \
	    "$BASE/admin/admins/$3/disable" > "$5"
}
cross "$CJ" "$TOK" "$OID" "$VOID" "$T_TMP/x1" &
cross "$OJ" "$OTOK" "$ME" "$VME" "$T_TMP/x2" &
wait
is "$(cat "$T_TMP/x1" "$T_TMP/x2" | grep -c 'done=admin_disabled')" "1" \
    "two crossing disables: exactly one wins"
ok "the other is refused or logged out" sh -c "cat '$T_TMP/x1' '$T_TMP/x2' | grep -v done= | grep -Eq '^(409 |303 .*/admin/login)'"
is "$(sql "SELECT COUNT(*) FROM admin_user WHERE disabled_at IS NULL")" "1" "one active admin is left"
# Whoever lost its seat is enabled again by the other.
if [ "$(sql "SELECT disabled_at IS NULL FROM admin_user WHERE id = $ME")" = 1 ]; then
	page "/admin/admins/$OID/enable"
	post "/admin/admins/$OID/enable" --data-urlencode "version=$(hidden version)"
	LAST=$ME
else
	req GET "/admin/admins/$ME/enable" -b "$OJ"
	req POST "/admin/admins/$ME/enable" -b "$OJ" --data-urlencode "csrf=$OTOK" \
	    --data-urlencode "version=$(hidden version)"
	login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
	page /admin
	TOK=$(csrf)
	LAST=$OID
fi
is "$(sql "SELECT COUNT(*) FROM admin_user WHERE disabled_at IS NULL")" "2" "the loser is enabled again"
page "/admin/admins/$OID/disable"
post "/admin/admins/$OID/disable" --data-urlencode "version=$(hidden version)"
is "$STATUS" "303" "the new admin is disabled"
page "/admin/admins/$ME/disable"
snap
post "/admin/admins/$ME/disable" --data-urlencode "version=$(hidden version)"
status 409 "the last active admin cannot be disabled"
ok "the page says why" grep -q 'last active admin' "$BODY"
unchanged "disabling the last active admin"
for o in $others $OID; do
	page "/admin/admins/$o/enable"
	post "/admin/admins/$o/enable" --data-urlencode "version=$(hidden version)"
done
is "$(sql "SELECT COUNT(*) FROM admin_user WHERE disabled_at IS NULL AND id IN ($(echo $others $ME $OID | tr ' ' ','))")" \
    "$(echo $others $ME $OID | wc -w)" "the others are enabled again"

# --- Lists: pages, per page, sort on every column, filters, CSV. ---
page "/admin/listings?marketplace=ac-$S&per=10"
status 200 "per=10"
page "/admin/tenants?per=7"
status 400 "a per-page outside the choices is refused"
for k in name uid marketplace domain app_management apps created_at updated_at; do
	page "/admin/tenants?sort=-$k"
	[ "$STATUS" = 200 ] || fail "tenants sort by -$k ($STATUS)"
done
pass "tenants sort on every column"
for k in nid name environment hub certificate fingerprint expires tenants listings updated_at; do
	page "/admin/marketplaces?sort=$k"
	[ "$STATUS" = 200 ] || fail "marketplaces sort by $k ($STATUS)"
done
pass "marketplaces sort on every column"
page "/admin/marketplaces?certificate=bogus"
status 400 "an unknown filter choice is refused"
page "/admin/marketplaces?q=ac-$S&certificate=valid"
ok "the marketplace filters combine" grep -q 'Rows 1-1 of 1 ' "$BODY"
for i in $(seq 1 12); do echo "INSERT INTO tenant (uid, marketplace_id, name) VALUES ('ac-$S-$i', $MID, 'Pt $S $i');"; done > "$T_TMP/t.sql"
sql "$(cat "$T_TMP/t.sql")"
page "/admin/tenants?marketplace=$MID&per=10&page=2"
ok "page 2 of 2 at 10 a page" grep -q 'Rows 11-12 of 12 (page 2 of 2)' "$BODY"
ok "a first link" grep -q "href=\"/admin/tenants?marketplace=$MID&amp;per=10&amp;page=1\" rel=\"first\"" "$BODY"
ok "numbered pages" grep -q '<span aria-current="page">2</span>' "$BODY"
page "/admin/tenants?marketplace=$MID&per=10"
ok "a last link" grep -q "href=\"/admin/tenants?marketplace=$MID&amp;per=10&amp;page=2\" rel=\"last\"" "$BODY"
ok "the CSV link keeps the filters" grep -q "href=\"/admin/tenants.csv?marketplace=$MID&amp;per=10\"" "$BODY"
req GET "/admin/tenants.csv?marketplace=$MID&sort=-name" -b "$CJ"
status 200 "the tenants CSV"
is "$(header Content-Type)" "text/csv; charset=utf-8" "it is CSV"
is "$(head -1 "$BODY" | tr -d '\r')" '"Name","Tenant id","Marketplace","Domain","App management","Tenant apps","Created","Updated"' "its header is the columns shown"
is "$(tail -n +2 "$BODY" | wc -l)" "12" "every filtered row, not one page"
is "$(sed -n 2p "$BODY" | cut -d, -f1)" "\"Pt $S 9\"" "in the chosen order"
for l in marketplaces providers apps listings admins registration-tokens; do
	req GET "/admin/$l.csv" -b "$CJ"
	[ "$STATUS" = 200 ] || fail "the $l CSV ($STATUS)"
done
pass "every list exports CSV"
page "/admin/registration-tokens?sort=-label&state=active"
status 200 "registration tokens sort and filter like every list"
page "/admin/registration-tokens?sort=token_hash"
status 400 "but not on what they do not show"
req GET "/admin/apps.csv?active=maybe" -b "$CJ"
status 400 "a CSV with a bad filter is refused"
req GET "/admin/admins.csv?q=ops-$S" -b "$CJ"
is "$(tail -n +2 "$BODY" | cut -d, -f1,2 | tr -d '\r')" "\"ops-$S@agora.test\",\"active\"" "the admins CSV filtered"

# --- Every new POST, without the token and with a foreign Origin. ---
page "/admin/admins/$OID"
snap
for path in /admin/providers "/admin/providers/$NP" "/admin/providers/$NP/rotate" \
    "/admin/marketplaces/$MID" "/admin/tenants/$(sql "SELECT id FROM tenant WHERE uid = 'ac-$S-1'")/delete" \
    "/admin/listings/$LID/unpublish" /admin/admins "/admin/admins/$OID/disable" \
    "/admin/admins/$OID/enable" "/admin/admins/$OID/password" "/admin/admins/$OID/tokens" \
    "/admin/admins/$OID/tokens/$ATID/revoke"; do
	req POST "$path" -b "$CJ" --data "version=1&email=z@z.test&nid=zz-$S&name=z"
	[ "$STATUS" = 403 ] || fail "POST $path without the token: $STATUS"
	req POST "$path" -b "$CJ" --data-urlencode "csrf=$TOK" --data "version=1&email=z@z.test&nid=zz-$S&name=z" \
	    -H "Origin: https://attacker.example"
	[ "$STATUS" = 403 ] || fail "POST $path from another origin: $STATUS"
done
pass "every new POST refuses a missing token and a foreign Origin"
unchanged "the refused POSTs together"

# --- Reading: times, yes/no, breadcrumbs. ---
page "/admin/apps?q=ac-app-$S"
ok "booleans read yes or no" grep -q '<td>yes</td>' "$BODY"
ok "times carry UTC in <time datetime>" grep -q '<time datetime="[0-9-]*T[0-9:]*Z" title="[0-9-]* [0-9:]* UTC">' "$BODY"
page "/admin/tenants/$(sql "SELECT id FROM tenant WHERE uid = 'ac-$S-1'")/apps"
ok "breadcrumbs: Partners > Tenants > tenant > Tenant apps" grep -q '<nav class="crumbs" aria-label="breadcrumb"><ol><li><a href="/admin">Dashboard</a></li><li><span>Partners</span></li><li><a href="/admin/tenants">Tenants</a></li><li><a href="/admin/tenants/[0-9]*">Pt [0-9a-f]* 1</a></li><li><span>Tenant apps</span></li></ol></nav>' "$BODY"

finish
