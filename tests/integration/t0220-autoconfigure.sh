#!/bin/bash
# The SDK autoconfigure API end to end: provider, app, environment,
# listing request, approval, a marketplace publishing directly, then
# GET /api/config/v1/marketplaces checked key by key and type by type,
# asked the way each Maestrano SDK asks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
M1N="acme-$S"
M2N="beta-$S"
provider_new "cp-$S"
P=$P_CRED
app_new "$P" "capp-$S" '"self_publish":["*"]'
AID=$APP_ID
env_new "$P" "$AID" production '"sso_init_path":"/maestrano/auth/saml/init?marketplace=%{marketplace}","group_path":"/maestrano/account/groups/:id/%{marketplace}","initialization_path":null,"external_ids":true,"synchronization_start_path":"/maestrano/%{marketplace}/synchronizations"'
E=$ENV_CRED
EKEY=${E%%:*}
ESECRET=${E#*:}
env_new "$P" "$AID" uat '"host":"https://uat.example.com:8443","idm":"https://idm-%{marketplace}.example.com","initialization_path":"/init/%{marketplace}","external_ids":false'
status 201 "a second environment with templates in idm and initialization_path"
EU=$ENV_CRED
UATENV=$ENV_ID
app_new "$P" "lonely-$S"
env_new "$P" "$APP_ID" production
ELONE=$ENV_CRED

mkt_new "$M1N" "https://hub.$M1N.example.com" "https://connec.$M1N.example.com"
M1=$MKT_CRED
M1ID=$MKT_ID
M1PEM=$MKT_PEM
mkt_new "$M2N" "https://hub.$M2N.example.com" ""
M2=$MKT_CRED

cfg() { as "$1" GET /api/config/v1/marketplaces "${@:2}"; }

# No listing yet: an empty array.
cfg "$E"
status 200 "autoconfigure answers before any listing"
jqok '.marketplaces == []' "an app on no marketplace gets an empty array"
is "$(header Content-Type)" "application/json" "the answer is JSON"

# The provider asks, an admin approves.
asj "$P" POST /api/v1/apps/$AID/listings "{\"marketplace\":\"$M1N\"}"
status 201 "the provider asks for a listing on $M1N"
L1=$(jqv .id)
HUB1=$(jqv .hub_api_id)
cfg "$E"
jqok '.marketplaces == []' "a submitted listing is not live"
admin POST /api/v1/admin/listings/$L1/approve
status 200 "an admin approves"

cfg "$E"
status 200 "autoconfigure after approval"
jqok '.marketplaces | type == "array" and length == 1' "one marketplace"
jq '.marketplaces[0]' "$BODY" > "$T_TMP/item"
it() { if jq -e "$1" "$T_TMP/item" >/dev/null 2>&1; then pass "$2"; else fail "$2"; diag "$(head -c 900 "$T_TMP/item")"; fi; }

it 'keys == ["api","app","connec","environment","marketplace","nid","sso","webhooks"]' "exactly the keys the SDKs read (no webhook)"
it 'has("webhook") | not' "no singular webhook key"
it '.nid == "capp-'$S'-production-'$M1N'"' "nid is <app>-<env>-<marketplace>"
it '.marketplace == "'$M1N'"' "marketplace is the marketplace nid"
it '.environment == "production"' "environment is the environment nid"
it '.app | keys == ["host","synchronization_start_path","synchronization_status_path","synchronization_toggle_path"]' "app has its four keys"
it '.app.host == "https://production.app.example.com"' "app.host"
it '.app.synchronization_start_path == "/maestrano/'$M1N'/synchronizations"' "sync start rendered"
it '.app.synchronization_toggle_path == "/maestrano/'$M1N'/synchronizations/toggle_sync"' "sync toggle rendered"
it '.app.synchronization_status_path == "/maestrano/'$M1N'/synchronizations/:cld-uid"' ":cld-uid stays literal"
it '.api | keys == ["base","host","id","key"]' "api has its four keys"
it '.api.id == "'$HUB1'"' "api.id is the listing's hub id"
it '.api.key | test("^[0-9a-f]{64}$")' "api.key is 64 hex"
it '.api.host == "https://hub.'$M1N'.example.com"' "api.host is the marketplace hub"
it '.api.base == "/api/v1/" and (.api.base | endswith("/"))' "api.base is /api/v1/ (ends in /)"
it '.sso | keys == ["consume_path","idm","idp","init_path","x509_certificate","x509_fingerprint"]' "sso has its six keys"
it '.sso.idm == "https://production.app.example.com"' "sso.idm falls back to the app host"
it '.sso.init_path == "/maestrano/auth/saml/init?marketplace='$M1N'"' "%{marketplace} is rendered in init_path"
it '.sso.consume_path == "/maestrano/auth/saml/consume?marketplace='$M1N'"' "consume_path rendered"
it '.sso.idp == "https://hub.'$M1N'.example.com"' "sso.idp is the hub"
it '.sso.x509_fingerprint | test("^([0-9A-F]{2}:){19}[0-9A-F]{2}$")' "the fingerprint is 20 colon-separated hex pairs"
it '.sso.x509_certificate | startswith("-----BEGIN CERTIFICATE-----\n") and endswith("-----END CERTIFICATE-----\n")' "the certificate is PEM with \\n line breaks"
jq -r '.sso.x509_certificate' "$T_TMP/item" > "$T_TMP/served.pem"
FP=$(openssl x509 -in "$T_TMP/served.pem" -noout -fingerprint -sha1 | cut -d= -f2)
is "$(jq -r .sso.x509_fingerprint "$T_TMP/item")" "$FP" "the fingerprint is the SHA-1 of the served certificate"
is "$(openssl x509 -in "$T_TMP/served.pem" -noout -fingerprint -sha1)" \
    "$(openssl x509 -in "$M1PEM" -noout -fingerprint -sha1)" "the served certificate is the marketplace's"
it '.connec | keys == ["base_path","host","timeout"]' "connec has its three keys"
it '.connec.host == "https://connec.'$M1N'.example.com"' "connec.host is the marketplace's Connec!"
it '.connec.base_path == "/api/v2"' "connec.base_path"
it '.connec.timeout == 300 and (.connec.timeout | type == "number")' "connec.timeout is the number 300"
it '.webhooks | keys == ["account","connec"]' "webhooks has account and connec"
it '.webhooks.account.group_path == "/maestrano/account/groups/:id/'$M1N'"' "group_path rendered, :id literal"
it '.webhooks.account.group_user_path == "/maestrano/account/groups/:group_id/users/:id/'$M1N'"' "group_user_path rendered, :group_id literal"
it '.webhooks.connec | keys == ["external_ids","initialization_path","notification_path"]' "webhooks.connec has its three keys"
it '.webhooks.connec.external_ids == true and (.webhooks.connec.external_ids | type == "boolean")' "external_ids is a JSON boolean"
it '.webhooks.connec | has("initialization_path") and .initialization_path == null' "initialization_path is present (null)"
it '.webhooks.connec.notification_path == "/maestrano/connec/notifications/'$M1N'"' "notification_path rendered"
ok "no %{marketplace} is left anywhere" sh -c "! grep -q '%{' '$BODY'"
KEY1=$(jq -r .api.key "$T_TMP/item")

# The other environment of the same app: its own templates, same listing.
cfg "$EU"
jq '.marketplaces[0]' "$BODY" > "$T_TMP/item"
it '.environment == "uat" and .app.host == "https://uat.example.com:8443"' "the uat environment sees its own host"
it '.sso.idm == "https://idm-'$M1N'.example.com"' "an idm template is rendered too"
it '.webhooks.connec.external_ids == false' "external_ids false stays a boolean"
it '.webhooks.connec.initialization_path == "/init/'$M1N'"' "initialization_path rendered when set"
it '.api.id == "'$HUB1'" and .api.key == "'$KEY1'"' "environments of one app share the listing's hub identity"
asj "$P" PATCH "/api/v1/apps/$AID/environments/$UATENV" \
    '{"host":"https://uat.example.com:8443/","idm":"https://idm-%{marketplace}.example.com//"}'
status 200 "base URLs with trailing slashes are accepted"
cfg "$EU"
jq '.marketplaces[0]' "$BODY" > "$T_TMP/item"
it '.app.host == "https://uat.example.com:8443" and .sso.idm == "https://idm-'$M1N'.example.com"' \
    "and handed to the SDKs without them (they append paths starting with /)"

# The second marketplace publishes the app directly.
asj "$M2" POST /api/v1/marketplace/listings "{\"app\":\"capp-$S\"}"
status 201 "marketplace $M2N publishes the app onto itself"
L2=$(jqv .id)
cfg "$E"
jqok '[.marketplaces[].marketplace] == ["'$M1N'","'$M2N'"]' "both marketplaces are answered"
jqok '.marketplaces[1].connec.host == "https://hub.'$M2N'.example.com"' "a marketplace without Connec! answers its hub host"
jqok '.marketplaces[1].api.id != .marketplaces[0].api.id and .marketplaces[1].api.key != .marketplaces[0].api.key' "each marketplace has its own hub identity"
jqok '.marketplaces[1].sso.init_path == "/maestrano/auth/saml/init?marketplace='$M2N'"' "templates are rendered per marketplace"
KEY2=$(jqv '.marketplaces[1].api.key')
cp "$BODY" "$T_TMP/canon"

# The hub that must accept api.id:api.key learns the pair from its own
# listings; nobody else sees the key.
as "$M2" GET "/api/v1/marketplace/listings/$L2"
jqok '.hub_api_id == "'"$(jq -r '.marketplaces[1].api.id' "$T_TMP/canon")"'" and .api_key == "'$KEY2'"' \
    "the marketplace reads the hub identity the app was given"
as "$M2" GET "/api/v1/marketplace/listings?app=capp-$S"
jqok '[.listings[].api_key] == ["'$KEY2'"]' "and in its listing list"
as "$M1" GET "/api/v1/marketplace/listings?app=capp-$S"
jqok '[.listings[].api_key] == ["'$KEY1'"]' "each marketplace its own key"
admin GET "/api/v1/admin/listings?app=capp-$S"
jqok '(.listings | length) == 2 and ([.listings[] | has("api_key")] | any | not)' \
    "an admin's listing list carries no hub key"

# Every SDK's way of asking gets the same 200 and body.
same() {
	if [ "$STATUS" = 200 ] && cmp -s "$BODY" "$T_TMP/canon"; then pass "$1"; else
		fail "$1"; diag "status $STATUS: $(head -c 300 "$BODY")"; fi
}
as "$E" GET /api/config/v1/marketplaces -H 'Accept: application/json' -H 'Content-Type: application/json'
same "ruby: Accept and Content-Type application/json"
as "$E" GET /api/config/v1/marketplaces -H 'Accept: application/json' \
    -H 'Accept-Encoding: gzip;q=1.0,deflate;q=0.6,identity;q=0.3' --compressed
same "ruby's net/http default Accept-Encoding: gzip, the same body inflated"
is "$(header Content-Encoding)" gzip "sent compressed"
as "$E" GET /api/config/v1/marketplaces -H 'Accept: */*' -H 'User-Agent: Httpful/0.2.20 (cURL/7.58.0 PHP/7.2.0 (Linux))'
same "php: /api/config/v1/ + marketplaces, no JSON Accept"
as "$E" GET /api/config/v1/marketplaces -H 'Accept: application/vnd.api+json' \
    -H 'Content-Type: application/vnd.api+json' -H 'method: GET' -H 'User-Agent: maestrano-java/1.8.0_181'
same "java: vnd.api+json, a stray 'method: GET' header"
as "$E" GET /api/config/v1/marketplaces -H 'Accept: application/vnd.api+json' \
    -H 'Content-Type: application/vnd.api+json' -H 'User-Agent: maestrano-dotnet/1.0.0'
same ".NET: vnd.api+json"
as "$E" GET /api/config/v1/marketplaces/marketplaces -H 'Accept: application/vnd.api+json'
same ".NET with api path /api/config/v1/marketplaces (doubled)"
as "$E" GET /api/config/v1/marketplaces/
same "a trailing slash"
as "$E" GET //api/config/v1//marketplaces --path-as-is
same "doubled slashes"
as "$E" GET /api/config/v1/marketplaces -H 'Accept: text/html'
same "an Accept the server cannot give is ignored"
as "$E" GET /api/config/v1/marketplaces -H 'Content-Type: text/plain' --data-binary 'junk' -X GET
same "a body on the GET is ignored"

# Bad credentials.
as "$EKEY:wrong" GET /api/config/v1/marketplaces
status 401 "a wrong secret is 401"
jqok '(.error | type == "string") and (keys == ["error"])' "the body is {\"error\": ...}"
is "$(header Content-Type)" "application/json" "the error is JSON"
req GET /api/config/v1/marketplaces
status 401 "no credentials is 401"
jqok '.error | length > 0' "with an error message"
as "$P" GET /api/config/v1/marketplaces
status 401 "provider credentials are not environment credentials"
as "$E" POST /api/config/v1/marketplaces
status 405 "only GET"
jqok 'has("error")' "in the simple error style"

cfg "$ELONE"
jqok '.marketplaces == []' "another app's environment sees nothing"

# The hub key is never stored in clear.
D=$(dump)
case "$D" in *"$KEY1"*|*"$KEY2"*) fail "a hub key appears in the dump";; *) pass "no hub key appears in the dump";; esac
case "$D" in *"$ESECRET"*) fail "the environment secret appears in the dump";; *) pass "no environment secret appears in the dump";; esac

# Unpublishing removes the marketplace from the answer.
as "$M2" POST /api/v1/marketplace/listings/$L2/unpublish
status 200 "$M2N unpublishes the app"
cfg "$E"
jqok '[.marketplaces[].marketplace] == ["'$M1N'"]' "the unpublished marketplace is gone"
admin POST /api/v1/admin/listings/$L1/unpublish
cfg "$E"
jqok '.marketplaces == []' "unpublished everywhere: an empty array"
admin POST /api/v1/admin/listings/$L1/approve
cfg "$E"
jqok '.marketplaces[0].api.key == "'$KEY1'" and .marketplaces[0].api.id == "'$HUB1'"' "republished: the same hub identity"

# A renewed certificate and a moved hub show on the next call.
as "$M1" POST /api/v1/marketplace/certificate/renew
status 201 "$M1N renews its certificate"
jqv .certificate > "$T_TMP/new.pem"
ok "the renewal answers a certificate" openssl x509 -in "$T_TMP/new.pem" -noout
reg=$(jq -cn --arg nid "$M1N" '{nid: $nid, name: "Marketplace \($nid)", environment: "production",
    endpoints: {hub: "https://newhub.\($nid).example.com", connec: "https://connec.\($nid).example.com"}}')
asj "$M1" POST /api/v1/marketplaces "$reg"
status 200 "$M1N registers again with a moved hub"
cfg "$E"
jq -r '.marketplaces[0].sso.x509_certificate' "$BODY" > "$T_TMP/served2.pem"
is "$(openssl x509 -in "$T_TMP/served2.pem" -noout -fingerprint -sha1)" \
    "$(openssl x509 -in "$T_TMP/new.pem" -noout -fingerprint -sha1)" "the renewed certificate is served at once"
isnt "$(openssl x509 -in "$T_TMP/served2.pem" -noout -fingerprint -sha1)" \
    "$(openssl x509 -in "$M1PEM" -noout -fingerprint -sha1)" "and it is not the old one"
is "$(jqv '.marketplaces[0].sso.x509_fingerprint')" \
    "$(openssl x509 -in "$T_TMP/new.pem" -noout -fingerprint -sha1 | cut -d= -f2)" "with its fingerprint"
jqok '.marketplaces[0].api.host == "https://hub.'$M1N'.example.com"' \
    "a hub on another host waits for an admin (t0116)"
# An admin approves it in the console: served at once.
. "$(dirname "$0")/console.sh"
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
req GET "/admin/marketplaces/$M1ID" -b "$CJ"
TOK=$(csrf)
post "/admin/marketplaces/$M1ID/hub/approve"
status 303 "an admin approves the moved hub"
cfg "$E"
jqok '.marketplaces[0].api.host == "https://newhub.'$M1N'.example.com" and .marketplaces[0].sso.idp == "https://newhub.'$M1N'.example.com"' "the moved hub is served at once"

# A revoked certificate is never handed out; a renewal brings it back.
adminj POST /api/v1/admin/marketplaces/$M1ID/certificate/revoke '{"reason":"keyCompromise"}'
status 200 "an admin revokes $M1N's certificate"
cfg "$E"
status 200 "autoconfigure still answers"
jqok '.marketplaces == []' "a marketplace without a current certificate is left out"
as "$M1" POST /api/v1/marketplace/certificate/renew
status 201 "$M1N renews again"
jqv .certificate > "$T_TMP/new2.pem"
cfg "$E"
is "$(jqv '.marketplaces[0].sso.x509_fingerprint')" \
    "$(openssl x509 -in "$T_TMP/new2.pem" -noout -fingerprint -sha1 | cut -d= -f2)" "it is back with the new certificate"

finish
