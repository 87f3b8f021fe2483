#!/bin/bash
# A tenant never sees another tenant's data or another marketplace's
# apps: hundreds of cross-tenant attempts, every one a 401 (wrong key) or
# a 404 whose body is byte-identical to the one for an id that does not
# exist, and none changes the database.
. "$(dirname "$0")/lib.sh"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
# Another marketplace with three apps live only there, and its tenant.
sql "INSERT IGNORE INTO marketplace (nid, name, environment, hub_url, api_key)
    VALUES ('iso', 'Iso', 'uat', 'https://hub.iso.test', 'mk_iso');
    INSERT IGNORE INTO app (uid, provider_id, nid, name, description)
    SELECT CONCAT('app-iso-', n), p.id, CONCAT('iso-app-', n), CONCAT('Iso ', n), 'x'
    FROM provider p JOIN (SELECT 1 AS n UNION SELECT 2 UNION SELECT 3) v
    WHERE p.nid = 'demo-provider';
    INSERT IGNORE INTO listing (app_id, marketplace_id, state, hub_api_id)
    SELECT a.id, m.id, 'approved', CONCAT('iso-', a.nid) FROM app a
    JOIN marketplace m ON m.nid = 'iso' WHERE a.nid LIKE 'iso-app-%';
    INSERT IGNORE INTO app (uid, provider_id, nid, name, description)
    SELECT 'app-draft', id, 'draft-app', 'Draft', 'x' FROM provider
    WHERE nid = 'demo-provider';
    INSERT IGNORE INTO listing (app_id, marketplace_id, state, hub_api_id)
    SELECT a.id, m.id, 'submitted', 'demo-draft' FROM app a
    JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'draft-app'"
admin POST /api/v1/admin/tenants $(json '{"marketplace":"iso","name":"Iso T","metadata":{"app_management":"tenant"}}')
IUID=$(jqv .uid); IKEY=$(jqv .key); ITID=$(jqv .id)
admin POST /api/v1/admin/tenants/$ITID/apps $(json '{"app":"iso-app-1"}')
status 201 "the iso tenant has a relation"
CUR=tnt_demo_curated:demo-curated-key
OPEN=tnt_demo_open:demo-open-key
n=0
hub() { n=$((n + 1)); req "$1" "/api/mnoe/v2$2" -g -u "$3" "${@:4}"; }

# The reference answers: an id that does not exist, and a wrong key.
hub GET /apps/999999999 "$OPEN"
cp "$BODY" "$T_TMP/nf"
hub GET /tenant "$IUID:wrong"
cp "$BODY" "$T_TMP/unauth"
same() { cmp -s "$BODY" "$T_TMP/$1"; }

sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id)
    SELECT 'marketplace', 'mk_iso', UNHEX(SHA2('iso-secret', 256)), id
    FROM marketplace WHERE nid = 'iso'"
sum=$(db_checksum)
ISO_IDS=$(sql "SELECT id FROM app WHERE nid LIKE 'iso-app-%' OR nid = 'draft-app'" | tr '\n' ' ')
bad=0
# Apps of another marketplace, or not live: every route, both demo tenants.
for id in $ISO_IDS; do
	for who in "$OPEN" "$CUR"; do
		for r in "GET /apps/$id" "PATCH /apps/$id/enable" "PATCH /apps/$id/disable"; do
			hub ${r%% *} "${r#* }" "$who"
			{ [ "$STATUS" = 404 ] && same nf; } || { bad=$((bad + 1)); diag "$who $r: $STATUS"; }
		done
		hub PATCH /apps/enable "$who" $(json '{"ids":['"$id"']}')
		{ [ "$STATUS" = 404 ] && same nf; } || bad=$((bad + 1))
		hub GET "/apps?filter[nid]=$(sql "SELECT nid FROM app WHERE id = $id")&filter[scope]=all" "$who"
		[ "$(jqv .meta.record_count)" = 0 ] || bad=$((bad + 1))
	done
done
is "$bad" 0 "another marketplace's and unlisted apps: 404 identical to an unknown id, never listed"

# A relation whose listing was unpublished: the tenant cannot see the
# app, so it cannot disable it either; the relation waits for a republish.
LED=$(sql "SELECT id FROM app WHERE nid = 'ledgerly'")
CREL="SELECT COUNT(*) FROM tenant_app ta JOIN tenant t ON t.id = ta.tenant_id
    WHERE t.uid = 'tnt_demo_curated' AND ta.app_id = $LED"
is "$(sql "$CREL")" 1 "the curated tenant has ledgerly"
LEDL=$(sql "SELECT l.id FROM listing l JOIN marketplace m ON m.id = l.marketplace_id
    WHERE l.app_id = $LED AND m.nid = 'demo'")
sql "UPDATE listing SET state = 'unpublished' WHERE id = $LEDL"
hub PATCH /apps/$LED/disable "$CUR"
ok "disabling its unpublished app is the 404 of an unknown id" \
    sh -c "[ '$STATUS' = 404 ] && cmp -s '$BODY' '$T_TMP/nf'"
is "$(sql "$CREL")" 1 "and the relation stays"
sql "UPDATE listing SET state = 'approved' WHERE id = $LEDL"
hub GET /apps/$LED "$CUR"
status 200 "republished, the app is back in the tenant's catalog"

# Every app id in the database, seen from the iso tenant: only its own
# marketplace's three apps exist for it.
bad=0; seen=0
for id in $(sql "SELECT id FROM app"); do
	hub GET /apps/$id "$IUID:$IKEY"
	if [ "$STATUS" = 200 ]; then
		seen=$((seen + 1))
		case "$(jqv .data.attributes.nid)" in iso-app-*) ;; *) bad=$((bad + 1)) ;; esac
	elif ! same nf; then
		bad=$((bad + 1))
	fi
done
is "$bad" 0 "every other app id is the same 404 for the iso tenant"
is "$seen" 3 "it sees exactly its marketplace's three apps"
hub GET '/apps?filter[scope]=all&page[size]=500' "$IUID:$IKEY"
jqok '[.data[].attributes.nid] | sort == ["iso-app-1","iso-app-2","iso-app-3"]' "scope=all is its marketplace only"
hub GET /apps "$IUID:$IKEY"
jqok '[.data[].attributes.nid] == ["iso-app-1"]' "its catalog is its own relation"

# Wrong keys: another tenant's key, random keys, empty and malformed.
bad=0
for pair in "$IUID:demo-open-key" "tnt_demo_open:$IKEY" "tnt_demo_open:demo-curated-key" \
    "tnt_demo_curated:demo-open-key" "tnt_demo_curated:" "nobody:demo-open-key"; do
	for r in "GET /tenant" "GET /apps" "PATCH /apps/1/enable"; do
		hub ${r%% *} "${r#* }" "$pair"
		{ [ "$STATUS" = 401 ] && same unauth; } || { bad=$((bad + 1)); diag "$pair $r: $STATUS"; }
	done
done
for i in $(seq 1 10); do
	hub GET /apps "tnt_demo_open:$(openssl rand -hex 32)"
	{ [ "$STATUS" = 401 ] && same unauth; } || bad=$((bad + 1))
done
is "$bad" 0 "wrong keys: 401, always the same body"
req GET /api/mnoe/v2/apps -H "Authorization: Bearer $ADMIN_TOKEN"; n=$((n + 1))
status 401 "an admin token is not a tenant credential"
req GET /api/mnoe/v2/apps -u mk_demo:demo-marketplace-secret; n=$((n + 1))
status 401 "a marketplace credential is not a tenant credential"
req GET /api/v1/admin/tenants -u "$IUID:$IKEY"; n=$((n + 1))
status 401 "a tenant credential does not open the admin API"
req GET /api/v1/marketplace/tenants -u "$IUID:$IKEY"; n=$((n + 1))
status 401 "nor the marketplace API"

# Another tenant's record through PATCH /tenant: the same 404.
# Its own PATCH is a real change: keep what it was, to put it back.
CURSAVE=$(sql "SELECT CONCAT_WS(',', QUOTE(name), version, QUOTE(updated_at))
    FROM tenant WHERE uid = 'tnt_demo_curated'")
bad=0
for other in tnt_demo_open tnt_demo_curated "$IUID" no-such-tenant; do
	hub PATCH /tenant "$CUR" $(json '{"data":{"id":"'"$other"'","type":"tenants","attributes":{"name":"Hijacked"}}}')
	if [ "$other" = tnt_demo_curated ]; then
		[ "$STATUS" = 200 ] || bad=$((bad + 1))
	else
		{ [ "$STATUS" = 404 ] && same nf; } || { bad=$((bad + 1)); diag "$other: $STATUS"; }
	fi
done
is "$bad" 0 "PATCH /tenant naming another tenant is the same 404"
IFS=, read -r CURNAME CURVER CURUPD <<<"$CURSAVE"
sql "UPDATE tenant SET name = $CURNAME, version = $CURVER,
    updated_at = $CURUPD WHERE uid = 'tnt_demo_curated'"

# Other tenants' relations: disabling an app the caller has not enabled
# touches nobody else's rows.
PIPE=$(sql "SELECT id FROM app WHERE nid = 'pipeline-crm'")
before=$(sql "SELECT COUNT(*) FROM tenant_app")
hub PATCH /apps/$PIPE/disable "$OPEN"
status 200 "the open tenant disables an app it never enabled"
jqok '.meta.changed == 0' "nothing of its own to delete"
is "$(sql "SELECT COUNT(*) FROM tenant_app")" "$before" "the curated tenant's relation is intact"
hub GET /apps "$CUR"
jqok '([.data[].attributes.nid] | index("pipeline-crm")) != null' "and still in its catalog"
hub GET '/apps?page[size]=500' "$OPEN"
jqok '.meta.record_count == 12 and ([.data[].attributes.featured] | all(. == false))' \
    "the open tenant never sees the curated tenant's featured flags"

# The admin face as the iso marketplace: the demo tenants are 404.
CID=$(sql "SELECT id FROM tenant WHERE uid = 'tnt_demo_curated'")
bad=0
for r in "GET /$CID" "GET /$CID/apps" "POST /$CID/rotate-key" "DELETE /$CID" \
    "GET /$CID/apps/1" "DELETE /$CID/apps/1"; do
	req ${r%% *} "/api/v1/marketplace/tenants${r#* }" -u mk_iso:iso-secret; n=$((n + 1))
	[ "$STATUS" = 404 ] || { bad=$((bad + 1)); diag "$r: $STATUS"; }
done
req POST /api/v1/marketplace/tenants/$CID/apps/bulk -u mk_iso:iso-secret $(json '{"disable":['"$PIPE"']}'); n=$((n + 1))
[ "$STATUS" = 404 ] || bad=$((bad + 1))
is "$bad" 0 "another marketplace's tenants are 404 on the marketplace API"

is "$(db_checksum)" "$sum" "no cross-tenant attempt changed the database"
ok "at least 100 cross-tenant attempts ($n)" test "$n" -ge 100

finish
