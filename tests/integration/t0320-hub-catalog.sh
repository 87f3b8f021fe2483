#!/bin/bash
# The MnoHub v2 API as an express frontend calls it: JSON:API shapes,
# both catalog modes, filters, sorting, paging, sparse fieldsets,
# include, ETag/304, PATCH /tenant, enable/disable.
. "$(dirname "$0")/lib.sh"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
admin POST /api/v1/admin/tenants $(json '{"marketplace":"demo","name":"Hub Test"}')
TUID=$(jqv .uid); AUTH="$TUID:$(jqv .key)"; TID=$(jqv .id)
hub() { req "$1" "/api/mnoe/v2$2" -g -u "$AUTH" "${@:3}"; }
japi() {
	local f
	f=$(mktemp "$T_TMP/japi.XXXXXX")
	printf '%s' "$1" > "$f"
	printf '%s\n' -H "Content-Type:application/vnd.api+json" --data-binary "@$f"
}
app_id() { sql "SELECT id FROM app WHERE nid = '$1'"; }

# Shapes.
hub GET '/apps?_locale=en'
status 200 "GET /apps (with _locale)"
is "$(header Content-Type)" "application/vnd.api+json" "JSON:API media type"
jqok '.meta.record_count == 12 and (.data | length) == 12' "marketplace mode: every live app"
jqok 'all(.data[]; (.id | type) == "string" and .type == "apps")' "ids are strings, type apps"
jqok 'all(.data[]; .relationships.app_shared_entities.data == [])' "app_shared_entities is an empty relationship"
jqok '.data[0].attributes | has("uid") and has("nid") and has("name") and has("active") and has("stack") and has("logo") and has("website") and has("slug") and has("description") and has("tiny_description") and has("categories") and has("tags") and has("key_benefits") and has("key_features") and has("rank") and has("appinfo") and has("multi_instantiable") and has("sso_enabled") and has("terms_url") and has("support_url") and has("free_trial_duration") and has("free_trial_unit") and has("pricing_plans") and has("pictures") and has("created_at") and has("updated_at")' \
    "Maestrano's attribute names"
jqok 'all(.data[]; .attributes.updated_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' "ISO-8601 UTC times"
jqok '.data[0].attributes.pricing_plans.default[0].currency == "USD" and (.data[0].attributes.categories | type) == "array"' \
    "JSON fields are JSON"
jqok '.links.self and .links.first and .links.last and (has("included") | not)' "links; no included without include"
jqok '[.data[].attributes.rank] as $r | ($r | map(select(. != null))) == ($r | map(select(. != null)) | sort) and ($r[-4:] | all(. == null))' \
    "default order: rank ascending, unranked last"
E1=$(header ETag)
hub GET '/apps?_locale=en' -H "If-None-Match: $E1"
status 304 "If-None-Match gives 304"

hub GET '/apps?filter[active]=true&include=app_shared_entities,app_shared_entities.shared_entity&sort=name&_locale=en'
status 200 "the marketplace call mno-enterprise makes"
jqok '.included == [] and ([.data[].attributes.name] == ([.data[].attributes.name] | sort_by(ascii_downcase)))' \
    "included is [] and names are sorted"
hub GET '/apps?sort=-name'
jqok '[.data[].attributes.name] == ([.data[].attributes.name] | sort_by(ascii_downcase) | reverse)' "sort=-name"
hub GET '/apps?sort=-rank'
jqok '[.data[].attributes.rank][0:8] == ([.data[].attributes.rank][0:8] | sort | reverse) and ([.data[].attributes.rank][-4:] | all(. == null))' \
    "sort=-rank, unranked still last"
hub GET '/apps?sort=rank'
jqok '[.data[].attributes.rank][0:8] == ([.data[].attributes.rank][0:8] | sort) and ([.data[].attributes.rank][-4:] | all(. == null))' \
    "sort=rank, unranked last"
cp "$BODY" "$T_TMP/by-rank.json"
hub GET '/apps'
is "$(jq -c '[.data[].id]' "$BODY")" "$(jq -c '[.data[].id]' "$T_TMP/by-rank.json")" "no sort is sort=rank"
sql "UPDATE app SET updated_at = '2030-01-01 00:00:00' WHERE nid = 'shift-planner'"
hub GET '/apps?fields[apps]=updated_at&page[number]=1&page[size]=1&sort=-updated_at'
status 200 "the cache-timestamp call"
jqok '.data[0].attributes == {"updated_at":"2030-01-01T00:00:00Z"} and .meta.record_count == 12' \
    "newest first, sparse fields only"
hub GET '/apps?sort=updated_at'
jqok '.data[-1].attributes.nid == "shift-planner"' "sort=updated_at ascending"
hub GET '/apps?fields[apps]=name,id,logo,nid,tiny_description,categories'
jqok '.data[0].attributes | keys == ["categories","logo","name","nid","tiny_description"]' \
    "fields[apps] as the admin panel sends it"
jqok '(.data[0] | has("relationships")) | not' "no relationship unless asked"

# Paging.
hub GET '/apps?page[size]=5'
jqok '(.data | length) == 5 and .links.next and (.links | has("prev") | not) and .meta.record_count == 12' \
    "page 1 of 3"
p1=$(jqv '[.data[].id] | join(",")')
hub GET '/apps?page[size]=5&page[number]=2'
p2=$(jqv '[.data[].id] | join(",")')
jqok '.links.prev and .links.next' "page 2 has prev and next"
hub GET '/apps?page[size]=5&page[number]=3'
jqok '(.data | length) == 2 and (.links | has("next") | not) and (.links.last | test("page%5Bnumber%5D=3"))' \
    "page 3 is the last"
p3=$(jqv '[.data[].id] | join(",")')
hub GET '/apps?page[size]=100'
is "$p1,$p2,$p3" "$(jqv '[.data[].id] | join(",")')" "pages concatenate to the whole list"
hub GET '/apps?page[size]=5&page[number]=9'
jqok '.data == [] and .meta.record_count == 12' "past the end: empty data"

# Filters.
sql "UPDATE app SET active = 0 WHERE nid = 'time-tracker'"
hub GET '/apps?filter[active]=true'
jqok '.meta.record_count == 11' "filter[active]=true"
hub GET '/apps?filter[active]=false'
jqok '[.data[].attributes.nid] == ["time-tracker"]' "filter[active]=false"
sql "UPDATE app SET active = 1 WHERE nid = 'time-tracker'"
hub GET '/apps?filter[nid]=ledgerly,shop-connect'
jqok '[.data[].attributes.nid] | sort == ["ledgerly","shop-connect"]' "filter[nid] comma list"
hub GET '/apps?filter[stack]=connector'
jqok '[.data[].attributes.nid] == ["shop-connect"]' "filter[stack]"
sum=$(db_checksum)
for q in 'filter[active]=yes' 'filter[scope]=mine' 'filter[nid]=Bad_Nid' 'sort=price' \
    'page[size]=0' 'page[size]=501' 'page[number]=0' 'fields[apps]=secret' 'filter[owner_id]=3'; do
	hub GET "/apps?$q"
	status 400 "bad parameter $q is 400"
done
jqok '.errors[0].status == "400" and .errors[0].title and .errors[0].detail and .errors[0].source.parameter' \
    "errors carry status, title, detail, source.parameter"
is "$(db_checksum)" "$sum" "bad queries changed nothing"

# One app.
LID=$(app_id ledgerly)
hub GET /apps/$LID
status 200 "GET /apps/{id}"
jqok '.data.id == "'"$LID"'" and .data.attributes.nid == "ledgerly" and .data.attributes.slug == "'"$LID"'-ledgerly"' "the app"
E2=$(header ETag)
hub GET /apps/$LID -H "If-None-Match: $E2"
status 304 "304 on one app"
hub GET /apps/99999999
status 404 "unknown app is 404"
jqok '.errors[0].status == "404" and .errors[0].detail == "Record not found"' "JSON:API error"

# The tenant.
hub GET /tenant
status 200 "GET /tenant"
jqok '.data.type == "tenants" and .data.id == "'"$TUID"'" and .data.attributes.metadata.app_management == "marketplace" and .data.attributes.frontend_config == {}' \
    "the tenant resource"
TE=$(header ETag); TU=$(jqv .data.attributes.updated_at)
hub GET /tenant -H "If-None-Match: $TE"
status 304 "304 on the tenant"
sum=$(db_checksum)
hub PATCH /tenant $(japi '{"data":{"type":"apps","attributes":{"name":"x"}}}')
status 409 "a wrong type is 409"
hub PATCH /tenant $(japi '{"data":{"type":"tenants","attributes":{"metadata":{"app_management":"both"}}}}')
status 400 "bad metadata is 400"
jqok '.errors[0].source.parameter == "metadata.app_management"' "naming metadata.app_management"
hub PATCH /tenant $(japi '{"data":{"type":"tenants","attributes":{"keystore":{}}}}')
status 400 "an unknown attribute is 400"
hub PATCH /tenant $(japi '{"name":"x"}')
status 400 "a body without data is 400"
is "$(db_checksum)" "$sum" "refused PATCHes changed nothing"
hub PATCH /tenant $(japi '{"data":{"id":"'"$TUID"'","type":"tenants","attributes":{"name":"Hub Test 2","domain":"hub2.example.com","frontend_config":{"system":{"x":1}},"metadata":{"app_management":"marketplace"}}}}')
status 200 "PATCH /tenant"
jqok '.data.attributes.name == "Hub Test 2" and .data.attributes.frontend_config.system.x == 1 and .data.attributes.metadata.app_management == "marketplace"' \
    "the tenant is updated"
# app_management is the platform admin's (the hub takes what an express
# decides: t0335 has the allow-list).
admin PATCH /api/v1/admin/tenants/$TID $(json '{"metadata":{"app_management":"tenant"}}')
ok "updated_at moved" test "$(jqv .data.attributes.updated_at)" \> "$TU"
hub GET /tenant -H "If-None-Match: $TE"
status 200 "the old ETag no longer matches"

# Tenant mode: enable/disable through the v2 routes.
hub GET /apps
jqok '.meta.record_count == 0' "tenant mode with no tenant apps: empty"
E3=$(header ETag)
hub GET '/apps?filter[scope]=all'
jqok '.meta.record_count == 12' "filter[scope]=all: every live app"
TU=$(sql "SELECT updated_at FROM tenant WHERE id = $TID")
hub PATCH /apps/$LID/enable
status 200 "PATCH /apps/{id}/enable"
jqok '.meta.changed == 1' "one relation created"
TU2=$(sql "SELECT updated_at FROM tenant WHERE id = $TID")
ok "tenant updated_at moved" test "$TU2" \> "$TU"
hub GET /apps -H "If-None-Match: $E3"
status 200 "the catalog's ETag changed"
jqok '[.data[].attributes.nid] == ["ledgerly"]' "the enabled app is listed"
hub PATCH /apps/enable $(japi '{"ids":['"$(app_id payroll-hub)"',"'"$(app_id shop-connect)"'"]}')
status 200 "PATCH /apps/enable with ids"
jqok '.meta.changed == 2' "two relations created"
hub GET /apps
jqok '.meta.record_count == 3' "three apps listed"
sum=$(db_checksum)
hub PATCH /apps/enable $(japi '{}')
status 400 "enable without ids is 400"
hub PATCH /apps/enable $(japi '{"ids":[]}')
status 400 "enable with empty ids is 400"
hub PATCH /apps/enable $(japi '{"ids":[99999999,'"$LID"']}')
status 404 "enable with an unknown id is 404"
hub PATCH /apps/99999999/enable
status 404 "enable an unknown app is 404"
hub PATCH /apps/99999999/disable
status 404 "disable an unknown app is 404"
is "$(db_checksum)" "$sum" "refused enables changed nothing"
TU=$(sql "SELECT updated_at FROM tenant WHERE id = $TID")
hub PATCH /apps/$LID/disable
status 200 "PATCH /apps/{id}/disable"
ok "tenant updated_at moved" test "$(sql "SELECT updated_at FROM tenant WHERE id = $TID")" \> "$TU"
hub GET /apps
jqok '.meta.record_count == 2 and ([.data[].attributes.nid] | index("ledgerly")) == null' "disabled app gone"

# Back to marketplace mode (the admin's decision).
admin PATCH /api/v1/admin/tenants/$TID $(json '{"metadata":{"app_management":"marketplace"}}')
hub GET /apps
jqok '.meta.record_count == 12' "marketplace mode again: the whole catalog"

finish
