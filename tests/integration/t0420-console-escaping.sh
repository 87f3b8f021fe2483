#!/bin/bash
# Admin console: hostile values render escaped on every page that shows
# them; tenant and tenant-app forms validate like the API, keep input
# and show errors beside the field; destructive actions ask first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

# Fixtures in SQL (as a seed script would): a marketplace, a provider, an
# app with a hostile name and a plain one, both live, and a tenant.
XSS='<script>alert(1)</script>'
XSS_E='&lt;script&gt;alert(1)&lt;/script&gt;'
sql "INSERT INTO marketplace (nid, name, environment, hub_url, api_key)
    VALUES ('esc-mkt', 'Escaping', 'production', 'https://hub.esc.test', 'mk_esc_t0420');
INSERT INTO provider (nid, name, email, api_key)
    VALUES ('esc-prov', 'Prov', 'p@esc.test', 'pk_esc_t0420');
INSERT INTO app (uid, provider_id, nid, name, description)
    SELECT 'app-esc-xss', id, 'esc-xss', '$XSS', 'x' FROM provider WHERE nid = 'esc-prov';
INSERT INTO app (uid, provider_id, nid, name, description)
    SELECT 'app-esc-plain', id, 'esc-plain', 'Plain app', 'x' FROM provider WHERE nid = 'esc-prov';
INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
    SELECT a.id, m.id, 'approved', CONCAT('hub-esc-', a.id) FROM app a, marketplace m
    WHERE m.nid = 'esc-mkt' AND a.nid IN ('esc-xss', 'esc-plain');
INSERT INTO tenant (uid, marketplace_id, name)
    SELECT 'tnt-esc', id, 'Esc tenant' FROM marketplace WHERE nid = 'esc-mkt';"
TID=$(sql "SELECT id FROM tenant WHERE uid = 'tnt-esc'")
AX=$(sql "SELECT id FROM app WHERE nid = 'esc-xss'")
AP=$(sql "SELECT id FROM app WHERE nid = 'esc-plain'")

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
is "$STATUS" "303" "logged in"
page "/admin/tenants/$TID/edit"
status 200 "the tenant edit form"
TOK=$(csrf)
V=$(grep -o 'name="version" value="[0-9]*"' "$BODY" | sed 's/.*value="//; s/"$//')

# The metadata editor validates the JSON like the API and keeps input.
before=$(db_checksum)
post "/admin/tenants/$TID" --data-urlencode "version=$V" --data-urlencode "name=Esc tenant" \
    --data-urlencode "domain=" --data-urlencode 'metadata={"app_management": "tenant",' \
    --data-urlencode 'frontend_config={}'
status 400 "invalid metadata JSON is refused"
ok "the error is beside the metadata field" grep -q '<div class="field has-error"><label for="metadata">' "$BODY"
ok "the input is kept" grep -q '{&quot;app_management&quot;: &quot;tenant&quot;,</textarea>' "$BODY"
is "$(db_checksum)" "$before" "the refused edit changed nothing"
post "/admin/tenants/$TID" --data-urlencode "version=$V" --data-urlencode "name=Esc tenant" \
    --data-urlencode "domain=" --data-urlencode 'metadata=[1,2]' --data-urlencode 'frontend_config={}'
status 400 "metadata that is not an object is refused"
post "/admin/tenants/$TID" --data-urlencode "version=$V" --data-urlencode "name=" \
    --data-urlencode "domain=" --data-urlencode 'metadata={}' --data-urlencode 'frontend_config={}'
status 400 "an empty name is refused"
ok "the name error is beside the name field" grep -q '<div class="field has-error"><label for="name">' "$BODY"
is "$(db_checksum)" "$before" "refused edits changed nothing"

# A metadata value with quotes and angle brackets, saved through the form.
META='{"app_management": "tenant", "note": "say \"hi\" <b>bold</b> & '"'"'x'"'"' </textarea><script>alert(2)</script>"}'
post "/admin/tenants/$TID" --data-urlencode "version=$V" --data-urlencode "name=Esc tenant" \
    --data-urlencode "domain=" --data-urlencode "metadata=$META" --data-urlencode 'frontend_config={}'
is "$STATUS $(header Location)" "303 /admin/tenants/$TID?done=saved" "a valid edit saves and redirects"
is "$(sql "SELECT JSON_VALUE(metadata, '$.app_management') FROM tenant WHERE id = $TID")" "tenant" \
    "the metadata is stored"
post "/admin/tenants/$TID" --data-urlencode "version=$V" --data-urlencode "name=Esc tenant" \
    --data-urlencode "domain=" --data-urlencode 'metadata={}' --data-urlencode 'frontend_config={}'
status 409 "an edit of a stale version is refused"
ok "the stale edit keeps the input" grep -q '<textarea id="metadata" name="metadata"[^>]*>{}</textarea>' "$BODY"
before=$(sql "SELECT version FROM tenant WHERE id = $TID")
post "/admin/tenants/$TID" --data-urlencode "name=Esc tenant" \
    --data-urlencode "domain=" --data-urlencode 'metadata={}' --data-urlencode 'frontend_config={}'
status 400 "an edit without the version it was made on is refused"
is "$(sql "SELECT version FROM tenant WHERE id = $TID")" "$before" "and saves nothing"

# Tenant apps through the console.
page "/admin/tenants/$TID/apps/new"
status 200 "the new tenant app form"
post "/admin/tenants/$TID/apps" --data-urlencode "app=$AX" --data-urlencode "rank=abc"
status 400 "a bad rank is refused"
ok "the rank error is beside the field" grep -q '<div class="field has-error"><label for="rank">' "$BODY"
ok "the rank input is kept" grep -q 'name="rank" value="abc"' "$BODY"
post "/admin/tenants/$TID/apps" --data-urlencode "app=$AX" --data-urlencode "rank=2" --data-urlencode "featured=1"
is "$STATUS $(header Location)" "303 /admin/tenants/$TID/apps?done=created" "a tenant app is created"
post "/admin/tenants/$TID/apps" --data-urlencode "app=$AX" --data-urlencode "rank=3"
status 409 "attaching the same app twice is refused"
TA=$(sql "SELECT id FROM tenant_app WHERE tenant_id = $TID AND app_id = $AX")

# Every page that shows the hostile values shows them escaped.
check_page() {
	page "$1"
	status 200 "GET $1"
	ok "$1: the raw app name does not appear" sh -c "! grep -qF '$XSS' '$BODY'"
	ok "$1: no unexpected script element" sh -c "test \$(grep -o '<script' '$BODY' | wc -l) -eq 1"
	[ -n "${2:-}" ] && ok "$1: the escaped app name appears" grep -qF "$XSS_E" "$BODY"
	[ -n "${3:-}" ] && ok "$1: the escaped metadata appears" grep -qF 'hi\&quot; &lt;b&gt;bold&lt;/b&gt; &amp; &#39;x&#39; &lt;/textarea&gt;&lt;script&gt;alert(2)' "$BODY"
	return 0
}
check_page "/admin/tenants/$TID/apps" app
check_page "/admin/tenants/$TID/apps/new" app
check_page "/admin/tenants/$TID/apps/$TA/edit" app
check_page "/admin/tenants/$TID/apps/$TA/delete" app
check_page "/admin/tenants/$TID" "" meta
check_page "/admin/tenants/$TID/edit" "" meta
check_page "/admin/audit?target=tenant:$TID" "" meta
check_page "/admin" "" ""
check_page "/admin/apps" app
check_page "/admin/apps/$AX" app
check_page "/admin/listings?state=approved" app
ok "the textarea cannot be closed from inside" sh -c "test \$(grep -o '</textarea>' '$BODY' | wc -l) -eq 0"
page "/admin/tenants/$TID/edit"
is "$(grep -o '</textarea>' "$BODY" | wc -l)" "2" "the edit form has exactly its two textareas"
page "/admin/tenants?q=%3Cscript%3E"
ok "a search term is echoed escaped" grep -q 'name="q" value="&lt;script&gt;"' "$BODY"
page "/admin/audit?actor=%22%3E%3Cscript%3E"
ok "a filter value is echoed escaped" grep -q 'name="actor" value="&quot;&gt;&lt;script&gt;"' "$BODY"
page "/admin/audit?target=%3Cx%3E"
status 400 "a malformed filter is 400"
ok "its error is beside the field" grep -q '<div class="field has-error"><label for="target">' "$BODY"

# Edit: rank; delete: confirmation first, then POST, then it is gone.
post "/admin/tenants/$TID/apps/$TA" --data-urlencode "app=$AX" --data-urlencode "rank=7"
is "$STATUS $(header Location)" "303 /admin/tenants/$TID/apps?done=saved" "a tenant app is edited"
is "$(sql "SELECT app_rank, featured FROM tenant_app WHERE id = $TA" | tr '\t' ' ')" "7 0" "rank and featured saved"
page "/admin/tenants/$TID/apps/$TA/delete"
ok "delete asks first" grep -q 'class="confirm"' "$BODY"
is "$(sql "SELECT COUNT(*) FROM tenant_app WHERE id = $TA")" "1" "asking deletes nothing"
req POST "/admin/tenants/$TID/apps/$TA/delete" -b "$CJ" --data "csrf=0"
status 403 "a delete without the right token is refused"
is "$(sql "SELECT COUNT(*) FROM tenant_app WHERE id = $TA")" "1" "and deletes nothing"
post "/admin/tenants/$TID/apps/$TA/delete"
is "$STATUS $(header Location)" "303 /admin/tenants/$TID/apps?done=deleted" "the delete redirects"
is "$(sql "SELECT COUNT(*) FROM tenant_app WHERE id = $TA")" "0" "the relation is gone"
is "$(sql "SELECT COUNT(*) FROM audit WHERE target_kind = 'tenant_app' AND target_id = $TA AND action LIKE '%delete%'")" "1" \
    "the delete is audited"

# Bulk enable, then bulk disable (which asks first).
post "/admin/tenants/$TID/apps/bulk" --data-urlencode "action=enable" --data-urlencode "ids=$AX" \
    --data-urlencode "ids=$AP"
is "$STATUS $(header Location)" "303 /admin/tenants/$TID/apps?done=enabled" "bulk enable"
is "$(sql "SELECT COUNT(*) FROM tenant_app WHERE tenant_id = $TID")" "2" "both apps enabled"
post "/admin/tenants/$TID/apps/bulk" --data-urlencode "action=disable" --data-urlencode "ids=$AP"
status 200 "bulk disable asks first"
ok "the confirmation carries the selection" grep -q "name=\"ids\" value=\"$AP\"" "$BODY"
is "$(sql "SELECT COUNT(*) FROM tenant_app WHERE tenant_id = $TID")" "2" "asking disables nothing"
post "/admin/tenants/$TID/apps/bulk" --data-urlencode "action=disable" --data-urlencode "confirm=1" \
    --data-urlencode "ids=$AP"
is "$STATUS $(header Location)" "303 /admin/tenants/$TID/apps?done=disabled" "bulk disable"
is "$(sql "SELECT app_id FROM tenant_app WHERE tenant_id = $TID")" "$AX" "only the other app is left"
before=$(db_checksum)
post "/admin/tenants/$TID/apps/bulk" --data-urlencode "action=enable" --data-urlencode "ids=99999"
isnt "$STATUS" "303" "enabling an app that is not live is refused"
is "$(db_checksum)" "$before" "and changes nothing"

finish
