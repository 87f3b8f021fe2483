#!/bin/bash
# Tenant apps through the admin API: create, edit (rank, featured, point
# at another app), delete, bulk; only live apps attach (422); the catalog
# follows on the next request and the tenant's updated_at moves every
# time. Unpublishing keeps the relation but drops the app from catalogs.
. "$(dirname "$0")/lib.sh"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
# An app live only on another marketplace.
sql "INSERT IGNORE INTO marketplace (nid, name, environment, hub_url, api_key)
    VALUES ('other2', 'Other', 'uat', 'https://hub.other2.test', 'mk_other2');
    INSERT IGNORE INTO app (uid, provider_id, nid, name, description)
    SELECT 'app-elsewhere', id, 'elsewhere', 'Elsewhere', 'x' FROM provider
    WHERE nid = 'demo-provider';
    INSERT IGNORE INTO listing (app_id, marketplace_id, state, hub_api_id)
    SELECT a.id, m.id, 'approved', 'other2-elsewhere' FROM app a
    JOIN marketplace m ON m.nid = 'other2' WHERE a.nid = 'elsewhere'"
T=/api/v1/admin/tenants
app_id() { sql "SELECT id FROM app WHERE nid = '$1'"; }
upd() { sql "SELECT DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), version FROM tenant WHERE id = $TID" | tr '\t' ' '; }

admin POST $T $(json '{"marketplace":"demo","name":"Apps Test","metadata":{"app_management":"tenant"}}')
status 201 "a tenant in tenant mode"
TID=$(jqv .id); AUTH="$(jqv .uid):$(jqv .key)"
catalog() { req GET "/api/mnoe/v2/apps${1:-}" -g -u "$AUTH"; }
catalog
jqok '.meta.record_count == 0' "its catalog starts empty"

u0=$(upd)
admin POST $T/$TID/apps $(json '{"app":"ledgerly","rank":5}')
status 201 "attach an app by nid"
jqok '.app_nid == "ledgerly" and .rank == 5 and .featured == false and .live == true' \
    "answered with rank, featured and live"
R1=$(jqv .id)
u1=$(upd)
isnt "$u1" "$u0" "updated_at and version moved"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'tenant_app.create' AND target_id = $R1")" 1 "audited"
catalog
jqok '[.data[].attributes.nid] == ["ledgerly"] and .data[0].attributes.rank == 5' \
    "the catalog shows it at once with the tenant's rank"
admin POST $T/$TID/apps $(json '{"app_id":'"$(app_id payroll-hub)"',"featured":true}')
status 201 "attach by app_id"
R2=$(jqv .id)
admin POST $T/$TID/apps $(json '{"app":"app-demo-03","rank":1}')
status 201 "attach by uid"
catalog
jqok '[.data[].attributes.nid] == ["pipeline-crm","payroll-hub","ledgerly"]' \
    "tenant ranks first; unranked falls back to the app's rank (2)"
jqok '[.data[] | select(.attributes.nid == "payroll-hub") | .attributes.featured] == [true]' \
    "featured is shown"

sum=$(db_checksum)
admin POST $T/$TID/apps $(json '{"app":"ledgerly"}')
status 409 "attaching twice is 409"
admin POST $T/$TID/apps $(json '{"app":"elsewhere"}')
status 422 "an app live only on another marketplace is 422"
jqok '.errors[] | select(.field == "app")' "named app"
admin POST $T/$TID/apps $(json '{"app":"no-such-app"}')
status 422 "an unknown app is 422"
admin POST $T/$TID/apps $(json '{"rank":1}')
status 400 "app is required"
admin POST $T/$TID/apps $(json '{"app":"ledgerly","rank":"1"}')
status 400 "rank must be an integer"
admin POST $T/$TID/apps $(json '{"app":"ledgerly","featured":1}')
status 400 "featured must be a boolean"
admin POST $T/999999/apps $(json '{"app":"ledgerly"}')
status 404 "an unknown tenant is 404"
admin PATCH $T/$TID/apps/$R1 $(json '{"app":"elsewhere"}')
status 422 "pointing at an app not live is 422"
admin PATCH $T/$TID/apps/$R1 $(json '{"app":"payroll-hub"}')
status 409 "pointing at an app already attached is 409"
admin PATCH $T/$TID/apps/999999 $(json '{"rank":1}')
status 404 "an unknown relation is 404"
is "$(db_checksum)" "$sum" "refused changes changed nothing"

# Edit: rank, featured, another app.
u1=$(upd)
admin PATCH $T/$TID/apps/$R1 $(json '{"rank":0,"featured":true}')
status 200 "edit rank and featured"
jqok '.rank == 0 and .featured == true' "answered"
isnt "$(upd)" "$u1" "updated_at moved"
catalog
jqok '[.data[].attributes.nid][0] == "ledgerly"' "the catalog order follows"
admin PATCH $T/$TID/apps/$R1 $(json '{"rank":null}')
jqok '.rank == null and .featured == true' "rank null unranks; featured kept"
u1=$(upd)
admin PATCH $T/$TID/apps/$R1 $(json '{"app":"stock-keeper"}')
status 200 "point the relation at another app"
isnt "$(upd)" "$u1" "updated_at moved"
catalog
jqok '([.data[].attributes.nid] | index("stock-keeper")) != null and ([.data[].attributes.nid] | index("ledgerly")) == null' \
    "the catalog shows the new app, not the old one"
admin GET $T/$TID/apps
status 200 "list the tenant's apps"
jqok '(.tenant_apps | length) == 3' "three relations"

# Delete.
u1=$(upd)
admin DELETE $T/$TID/apps/$R2
status 204 "delete a relation"
isnt "$(upd)" "$u1" "updated_at moved"
catalog
jqok '([.data[].attributes.nid] | index("payroll-hub")) == null' "gone from the catalog at once"
admin DELETE $T/$TID/apps/$R2
status 404 "deleting twice is 404"

# Bulk, one transaction.
sum=$(db_checksum)
admin POST $T/$TID/apps/bulk $(json '{"enable":['"$(app_id mail-rocket),$(app_id elsewhere)"']}')
status 422 "a bulk with one app not live is 422"
jqok '.errors[] | select(.field == "enable[1]" or .field == "ids[1]")' "naming the bad id"
is "$(db_checksum)" "$sum" "and nothing changed (not even the good id)"
admin POST $T/$TID/apps/bulk $(json '{}')
status 400 "an empty bulk is 400"
admin POST $T/$TID/apps/bulk $(json '{"enable":["x"]}')
status 400 "ids must be ids"
u1=$(upd)
admin POST $T/$TID/apps/bulk $(json '{"enable":['"$(app_id mail-rocket),$(app_id time-tracker)"'],"disable":['"$(app_id stock-keeper)"']}')
status 200 "bulk enable two and disable one"
jqok '.changed == 3' "three rows changed"
is "$(sql "SELECT CONCAT(target_kind, ':', target_id) FROM audit
    WHERE action = 'tenant_app.bulk' ORDER BY id DESC LIMIT 1")" "tenant:$TID" \
    "a bulk change is audited on the tenant"
isnt "$(upd)" "$u1" "updated_at moved"
catalog
jqok '[.data[].attributes.nid] | sort == ["mail-rocket","pipeline-crm","time-tracker"]' \
    "the catalog follows"
u1=$(upd)
admin POST $T/$TID/apps/bulk $(json '{"enable":['"$(app_id mail-rocket)"']}')
jqok '.changed == 0' "enabling an attached app changes nothing"
is "$(upd)" "$u1" "and updated_at stays"

# Unpublish: the relation stays, the app leaves every catalog at once.
OPEN=tnt_demo_open:demo-open-key
sql "UPDATE listing l JOIN app a ON a.id = l.app_id SET l.state = 'unpublished'
    WHERE a.nid = 'mail-rocket'"
catalog
jqok '([.data[].attributes.nid] | index("mail-rocket")) == null' "unpublished: gone from the tenant's catalog"
req GET '/api/mnoe/v2/apps?filter[scope]=all' -g -u $OPEN
jqok '([.data[].attributes.nid] | index("mail-rocket")) == null' "and from every catalog"
admin GET $T/$TID/apps
jqok '[.tenant_apps[] | select(.app_nid == "mail-rocket") | .live] == [false]' \
    "the relation is kept, marked not live"
admin POST $T/$TID/apps $(json '{"app":"mail-rocket"}')
status 422 "an unpublished app cannot be attached anew"
sql "UPDATE listing l JOIN app a ON a.id = l.app_id SET l.state = 'approved'
    WHERE a.nid = 'mail-rocket'"
catalog
jqok '([.data[].attributes.nid] | index("mail-rocket")) != null' "republished: back in the catalog"

# Unpublishing and approving through the API moves the updated_at of
# every tenant of the marketplace (their catalogs changed).
LID=$(sql "SELECT l.id FROM listing l JOIN app a ON a.id = l.app_id
    WHERE a.nid = 'mail-rocket'")
OTHER=$(sql "SELECT DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM tenant
    WHERE uid = 'tnt_demo_open'")
u1=$(upd)
admin POST /api/v1/admin/listings/$LID/unpublish $(json '{"note":"pause"}')
status 200 "an admin unpublishes mail-rocket"
isnt "$(upd)" "$u1" "this tenant's updated_at moved"
isnt "$(sql "SELECT DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM tenant
    WHERE uid = 'tnt_demo_open'")" "$OTHER" "and so did every other tenant of the marketplace"
u1=$(upd)
admin POST /api/v1/admin/listings/$LID/approve $(json '{}')
status 200 "and approves it again"
isnt "$(upd)" "$u1" "updated_at moved again"

# Marketplace mode ignores relations; the mode switch is immediate.
admin PATCH $T/$TID $(json '{"metadata":{"app_management":"marketplace"}}')
catalog
jqok '.meta.record_count == 12' "switched to marketplace mode: every live app"
admin PATCH $T/$TID $(json '{"metadata":{"app_management":"tenant"}}')
catalog
jqok '.meta.record_count == 3' "and back to tenant mode: its own list"

finish
