# bench-data.sh: sourced by scripts/bench once its stack runs. Builds the
# data the API benchmarks need through the real APIs (an admin token, a
# provider, apps, an environment on 5 marketplaces, a tenant with 20
# apps) and measures autoconfigure and the hub catalog, uncompressed and
# for a client that accepts gzip. Uses scripts/bench's C, ctl, measure,
# basic and catalog_etag.

ADMIN_EMAIL=bench@agora.test
echo "bench-password-$(randhex 8)" | ctl create-admin "$ADMIN_EMAIL" >/dev/null
ADMIN=$(ctl admin-token create "$ADMIN_EMAIL" -l bench)
TOKEN=$(ctl registration-token create -u 1000000 -e 1h -l bench)
J='Content-Type: application/json'

# Registrations: with a CSR, and with a key the platform generates.
openssl req -new -newkey rsa:2048 -nodes -keyout "$PREFIX/bench.key" \
    -subj "/CN=bench" -out "$PREFIX/bench.csr" 2>/dev/null
export TOKEN
CSR_FILE="$PREFIX/bench.csr" measure "POST /api/v1/marketplaces (CSR)" 8 "$API" \
    -s "$AGORA_TOP/tests/bench/register.lua"
CSR_FILE= measure "POST /api/v1/marketplaces (RSA key made)" 8 "$API" \
    -s "$AGORA_TOP/tests/bench/register.lua"

# Five marketplaces, one provider, one app with one environment live on
# all five (each marketplace publishes the app onto itself).
prov=$(C -X POST -H "Authorization: Bearer $ADMIN" -H "$J" \
    -d '{"nid":"bench-provider","name":"Bench","email":"bench@example.com"}' \
    "https://localhost:$PORT/api/v1/admin/providers")
PB="$(printf '%s' "$prov" | jq -r .api_key):$(printf '%s' "$prov" | jq -r .api_secret)"
app_new() {	# app_new NID RANK -> app id
	C -u "$PB" -X POST -H "$J" -d "{\"nid\":\"$1\",\"name\":\"App $1\",
	    \"description\":\"Benchmark app $1\",\"tiny_description\":\"$1\",
	    \"categories\":[\"Accounting\"],\"stack\":\"cloud\",\"rank\":$2,
	    \"self_publish\":[\"*\"]}" \
	    "https://localhost:$PORT/api/v1/apps" | jq -r .id
}
app=$(app_new bench-app 1)
env=$(C -u "$PB" -X POST -H "$J" -d '{"nid":"production",
    "host":"https://app.bench.example",
    "sso_init_path":"/maestrano/init/%{marketplace}",
    "sso_consume_path":"/maestrano/consume/%{marketplace}",
    "group_path":"/maestrano/account/groups/:id/%{marketplace}",
    "group_user_path":"/maestrano/account/groups/:group_id/users/:id/%{marketplace}",
    "notification_path":"/maestrano/connec/notifications/%{marketplace}",
    "synchronization_start_path":"/maestrano/%{marketplace}/synchronizations",
    "synchronization_toggle_path":"/maestrano/%{marketplace}/synchronizations/toggle_sync",
    "synchronization_status_path":"/maestrano/%{marketplace}/synchronizations/:cld-uid"}' \
    "https://localhost:$PORT/api/v1/apps/$app/environments")
EB="$(printf '%s' "$env" | jq -r .api_key):$(printf '%s' "$env" | jq -r .api_secret)"
for i in 1 2 3 4 5; do
	m=$(C -X POST -H "Authorization: Bearer $TOKEN" -H "$J" \
	    -d "{\"nid\":\"bench-mkt-$i\",\"name\":\"Bench $i\",\"environment\":\"uat\",
	    \"key_type\":\"p256\",\"endpoints\":{\"hub\":\"https://hub$i.bench.example\",
	    \"connec\":\"https://connec$i.bench.example\"}}" \
	    "https://localhost:$PORT/api/v1/marketplaces")
	MB="$(printf '%s' "$m" | jq -r .api_key):$(printf '%s' "$m" | jq -r .api_secret)"
	[ "$i" = 1 ] && MB1=$MB
	C -u "$MB" -X POST -H "$J" -d '{"app":"bench-app"}' \
	    "https://localhost:$PORT/api/v1/marketplace/listings" >/dev/null
done
n=$(C -u "$EB" "https://localhost:$PORT/api/config/v1/marketplaces" | jq '.marketplaces | length')
[ "$n" = 5 ] || say "warning: autoconfigure lists $n marketplaces, not 5"
AUTH=$(basic "$EB")
# The same again as a client that accepts gzip (Ruby's net/http,
# browsers) gets it: the compressed body kept beside the cached one.
GZ="Accept-Encoding: gzip"

# hot LABEL PATH [wrk args]: a hot read at 8, 64 and 256 connections,
# then with a cold cache (every request a miss) at 8 and 64.
hot() {
	local label=$1 path=$2 c
	shift 2
	for c in 8 64 256; do
		measure "$label" "$c" "$API$path" "$@"
	done
	for c in 8 64; do
		measure "  same, cold cache (every request a miss)" "$c" \
		    "$API$path" "$@" -s "$AGORA_TOP/tests/bench/cold.lua"
	done
}

hot "GET /api/config/v1/marketplaces (5 mkts)" /api/config/v1/marketplaces \
    -H "$AUTH"
hot "GET /api/config/v1/marketplaces (5 mkts), gzip" \
    /api/config/v1/marketplaces -H "$AUTH" -H "$GZ"

# The hub catalog: 20 more apps live on marketplace 1, a tenant in each
# mode; the "tenant" one has all 20 as tenant apps.
ids=""
for i in $(seq 1 20); do
	a=$(app_new "bench-cat-$i" "$i")
	ids="$ids${ids:+,}$a"
	C -u "$MB1" -X POST -H "$J" -d "{\"app\":\"bench-cat-$i\"}" \
	    "https://localhost:$PORT/api/v1/marketplace/listings" >/dev/null
done
tenant_new() {	# tenant_new NAME MODE: sets TCRED (uid:key) and TID
	local t
	t=$(C -X POST -H "Authorization: Bearer $ADMIN" -H "$J" \
	    -d "{\"marketplace\":\"bench-mkt-1\",\"name\":\"$1\",
	    \"metadata\":{\"app_management\":\"$2\"}}" \
	    "https://localhost:$PORT/api/v1/admin/tenants")
	TCRED="$(printf '%s' "$t" | jq -r .uid):$(printf '%s' "$t" | jq -r .key)"
	TID=$(printf '%s' "$t" | jq -r .id)
}
tenant_new "Bench marketplace mode" marketplace
TM=$TCRED
tenant_new "Bench tenant mode" tenant
TT=$TCRED
C -X POST -H "Authorization: Bearer $ADMIN" -H "$J" \
    -d "{\"enable\":[$ids]}" \
    "https://localhost:$PORT/api/v1/admin/tenants/$TID/apps/bulk" >/dev/null
for mode in marketplace tenant; do
	[ "$mode" = marketplace ] && cred=$TM || cred=$TT
	n=$(C -u "$cred" "https://localhost:$PORT/api/mnoe/v2/apps" | jq '.meta.record_count')
	AUTH=$(basic "$cred")
	hot "GET /api/mnoe/v2/apps ($mode, $n apps)" /api/mnoe/v2/apps -H "$AUTH"
	etag=$(catalog_etag "$cred")
	for c in 8 64; do
		measure "  same, If-None-Match matches (304)" "$c" \
		    "$API/api/mnoe/v2/apps" -H "$AUTH" -H "If-None-Match: $etag"
	done
	hot "GET /api/mnoe/v2/apps ($mode, $n apps), gzip" /api/mnoe/v2/apps \
	    -H "$AUTH" -H "$GZ"
done
