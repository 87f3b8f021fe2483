#!/bin/bash
# sql/seed/demo.sql: idempotent, by natural keys; a seeded database
# answers the hub API with the documented demo keys; rows changed by SQL
# show on the very next request (no cache).
. "$(dirname "$0")/lib.sh"

SEED=$AGORA_TOP/sql/seed/demo.sql
CUR=tnt_demo_curated:demo-curated-key
OPEN=tnt_demo_open:demo-open-key
hub() { req "$1" "/api/mnoe/v2$2" -g -u "$3" "${@:4}"; }
# Every table the seed touches, and the auto-increment counters (but the
# event outbox's, which records the round trip below as it happens).
seed_sum() {
	db_checksum
	sql "SELECT table_name, auto_increment FROM information_schema.tables
	    WHERE table_schema = 'agora' AND table_name NOT IN ('event',
	    'delivery', 'delivery_attempt') ORDER BY table_name" | tr '\n' ' '
}

ok "agoractl seed runs demo.sql" "$AGORACTL" seed "$SEED"
c1=$(seed_sum)
ok "agoractl seed runs it again" "$AGORACTL" seed "$SEED"
c2=$(seed_sum)
is "$c2" "$c1" "a second run changes nothing (checksums and counters equal)"
ok "a plain mariadb client runs it too" \
    mariadb --no-defaults -uroot --socket="$PREFIX/mysql/mysql.sock" agora \
    -e "source $SEED"
is "$(seed_sum)" "$c1" "a third run through the client changes nothing"
is "$(sql "SELECT COUNT(*) FROM listing l JOIN marketplace m
    ON m.id = l.marketplace_id WHERE m.nid = 'demo'
    AND l.hub_key_enc IS NOT NULL")" 12 "agoractl seed sealed a hub key for each seeded listing"

is "$(sql "SELECT COUNT(*) FROM app a JOIN provider p ON p.id = a.provider_id
    WHERE p.nid = 'demo-provider' AND a.uid LIKE 'app-demo-%'")" 12 "a dozen apps"
is "$(sql "SELECT COUNT(*) FROM listing l JOIN marketplace m
    ON m.id = l.marketplace_id WHERE m.nid = 'demo' AND state = 'approved'")" \
    12 "all live on the demo marketplace"
is "$(sql "SELECT COUNT(*) FROM tenant_app ta JOIN tenant t
    ON t.id = ta.tenant_id WHERE t.uid = 'tnt_demo_curated'")" 5 \
    "the curated tenant has five tenant apps"
is "$(sql "SELECT COUNT(*) FROM listing_history
    WHERE actor = 'seed:demo.sql'")" 12 "one history row per listing"
fp=$(sql "SELECT pem FROM certificate WHERE serial = '44454D4F0000000000000001'" |
    sed 's/\\n/\n/g' | openssl x509 -noout -fingerprint -sha1 | cut -d= -f2)
is "$fp" "$(sql "SELECT fp_sha1 FROM certificate
    WHERE serial = '44454D4F0000000000000001'")" "the demo certificate's SHA-1 is real"
is "$(sql "SELECT COUNT(*) FROM marketplace m JOIN certificate c
    ON c.id = m.cert_id WHERE m.nid = 'demo'")" 1 "the marketplace points at it"

# The seeded tenants answer with their documented keys.
hub GET /tenant "$CUR"
status 200 "the curated tenant's demo key works"
jqok '.data.id == "tnt_demo_curated" and .data.attributes.metadata.app_management == "tenant"' \
    "GET /tenant shows its metadata"
hub GET /apps "$CUR"
status 200 "the curated catalog"
jqok '.meta.record_count == 5 and (.data | length) == 5' "exactly its five tenant apps"
jqok '[.data[].attributes.nid] == ["pipeline-crm","ledgerly","helpdesk-plus","mail-rocket","time-tracker"]' \
    "in the tenant's rank order, unranked last by name"
hub GET /apps "$OPEN"
status 200 "the open catalog"
jqok '.meta.record_count == 12' "every live app of the marketplace"
jqok '[.data[].attributes.nid][0:3] == ["ledgerly","payroll-hub","pipeline-crm"]' \
    "ordered by the apps' rank"
jqok '[.data[].attributes.rank] | .[-4:] == [null,null,null,null]' "unranked apps last"
hub GET /apps "tnt_demo_open:demo-curated-key"
status 401 "a tenant id with another tenant's key is refused"

# SQL behind agora's back shows on the next request.
sql "UPDATE app SET name = 'Ledgerly Pro' WHERE nid = 'ledgerly'"
hub GET '/apps?filter[nid]=ledgerly' "$OPEN"
jqok '.data[0].attributes.name == "Ledgerly Pro"' "an app renamed by SQL shows at once"
sql "UPDATE tenant SET metadata = '{\"app_management\":\"marketplace\"}'
    WHERE uid = 'tnt_demo_curated'"
hub GET /apps "$CUR"
jqok '.meta.record_count == 12' "metadata switched by SQL: the whole catalog at once"
sql "UPDATE tenant SET metadata =
    '{\"app_management\":\"tenant\",\"can_manage_apps\":true}'
    WHERE uid = 'tnt_demo_curated'"
hub GET /apps "$CUR"
jqok '.meta.record_count == 5' "and back to its own list"
sql "UPDATE listing l JOIN app a ON a.id = l.app_id SET l.state = 'unpublished'
    WHERE a.nid = 'pipeline-crm'"
hub GET /apps "$CUR"
jqok '.meta.record_count == 4 and ([.data[].attributes.nid] | index("pipeline-crm")) == null' \
    "an unpublished listing leaves the catalog at once"
sql "UPDATE listing l JOIN app a ON a.id = l.app_id SET l.state = 'approved'
    WHERE a.nid = 'pipeline-crm'"
sql "UPDATE app SET name = 'Ledgerly' WHERE nid = 'ledgerly'"
ok "the seed still changes nothing after the round trip" test "$(seed_sum)" = "$c1"

# A listing written by SQL gets its hub key from agoractl.
sql "UPDATE listing SET hub_key_enc = NULL WHERE hub_api_id = 'demo-ledgerly'"
is "$("$AGORACTL" hub-keys)" "sealed a hub key for 1 live listing" \
    "agoractl hub-keys seals a listing written by SQL"
is "$("$AGORACTL" hub-keys)" "" "and has nothing to do the second time"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'listing.key'
    AND target_id = (SELECT id FROM listing WHERE hub_api_id = 'demo-ledgerly')")" 2 \
    "each sealing is audited"
req GET "/api/v1/marketplace/listings?app=ledgerly" -u mk_demo:demo-marketplace-secret
jqok '.listings[0].api_key | test("^[0-9a-f]{64}$")' "the demo marketplace reads the new key"
hk=$(jqv '.listings[0].api_key')
ok "which is not in the database in clear" sh -c "! mariadb-dump --no-defaults -uroot \
    --socket='$PREFIX/mysql/mysql.sock' agora | grep -q '$hk'"

# A tenant seeded by hand, as doc/seeding.md shows.
sql "INSERT INTO tenant (uid, marketplace_id, name, domain, metadata)
    SELECT 'tnt_by_hand', id, 'By Hand', 'hand.demo.agora.test',
    '{\"app_management\":\"tenant\"}' FROM marketplace WHERE nid = 'demo';
    INSERT INTO credential (kind, key_id, secret_hash, owner_id)
    SELECT 'tenant', uid, UNHEX(SHA2('hand-key', 256)), id FROM tenant
    WHERE uid = 'tnt_by_hand';
    INSERT INTO tenant_app (tenant_id, app_id, app_rank)
    SELECT t.id, a.id, 1 FROM tenant t JOIN app a ON a.nid = 'stock-keeper'
    WHERE t.uid = 'tnt_by_hand'"
hub GET /apps tnt_by_hand:hand-key
status 200 "a tenant seeded by hand authenticates"
jqok '.meta.record_count == 1 and .data[0].attributes.nid == "stock-keeper"' \
    "and lists its hand-seeded app"

finish
