#!/bin/bash
# Registration abuse: malformed bodies, bad CSRs, wrong media types, wrong
# credentials. Each gets a 4xx naming the problem, never a 5xx, and the
# database is unchanged (db_checksum).
. "$(dirname "$0")/lib.sh"

# nginx rate-limits this route: a 429 is not what these tests are about.
retry_on_429

W=$T_TMP
TOK=$(regtoken 100)
HUB='"endpoints":{"hub":"https://hub.abuse.example.com"}'
GOOD='"nid":"abuse-one","name":"Abuse","environment":"production",'"$HUB"

# Material for the CSR cases.
openssl req -new -newkey rsa:2048 -nodes -keyout "$W/k.pem" -subj "/CN=a" \
    -out "$W/good.csr" 2>/dev/null
openssl req -new -newkey rsa:1024 -nodes -keyout "$W/k1024.pem" -subj "/CN=a" \
    -out "$W/small.csr" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 -nodes \
    -keyout "$W/k256k1.pem" -subj "/CN=a" -out "$W/k1.csr" 2>/dev/null
openssl req -in "$W/good.csr" -outform DER -out "$W/good.der" 2>/dev/null
# Flip one bit of the signature (the last byte of the DER).
last=$(tail -c 1 "$W/good.der" | od -An -tu1 | tr -d ' ')
head -c -1 "$W/good.der" > "$W/bad.der"
printf "\\$(printf '%03o' $((last ^ 1)))" >> "$W/bad.der"
{ echo "-----BEGIN CERTIFICATE REQUEST-----"; base64 -w 64 "$W/bad.der"
  echo "-----END CERTIFICATE REQUEST-----"; } > "$W/badsig.csr"
openssl x509 -in "$CACERT" > "$W/notacsr.pem"
{ cat "$W/good.csr"; echo "trailing garbage"; } > "$W/trail.csr"
csrbody() { jq -cn --rawfile c "$1" --argjson base "{$GOOD}" '$base + {csr: $c}'; }
# An encrypted PEM block (its pass-phrase prompt must never be reached),
# and a P-256 key spelled with explicit curve parameters (RFC 5480 allows
# only a named curve), beside the same key named.
sed '1a Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n' \
    "$W/good.csr" > "$W/enc.csr"
openssl ecparam -name prime256v1 -genkey -noout -out "$W/kn.pem" 2>/dev/null
openssl pkey -in "$W/kn.pem" -ec_param_enc explicit -out "$W/kx.pem" 2>/dev/null
openssl req -new -key "$W/kx.pem" -subj "/CN=a" -out "$W/explicit.csr" 2>/dev/null
openssl req -new -key "$W/kn.pem" -subj "/CN=a" -out "$W/named.csr" 2>/dev/null
# The fixtures are what they claim (not a test of agora: a broken
# fixture fails the run instead of passing vacuously).
if openssl req -verify -noout -in "$W/badsig.csr" 2>&1 | grep -q 'verify OK' ||
    ! openssl req -verify -noout -in "$W/good.csr" 2>&1 | grep -q 'verify OK' ||
    ! grep -q ENCRYPTED "$W/enc.csr" ||
    ! openssl req -noout -text -in "$W/explicit.csr" 2>/dev/null | grep -q 'Field Type'; then
	fail "the CSR fixtures are broken"
fi

# bad DESC WANT FIELD [curl args...]: POST a registration, expect WANT,
# the problem naming FIELD (or "-"), and the database unchanged.
bad() {
	local d=$1 want=$2 field=$3; shift 3
	local before
	before=$(db_checksum)
	req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" "$@"
	status "$want" "$d"
	case "$STATUS" in 5*) fail "$d: never a 5xx";; esac
	if [ "$field" != - ]; then
		jqok "[.errors[]?.field] | index(\"$field\") != null" "$d: names $field"
	fi
	is "$(db_checksum)" "$before" "$d: database unchanged"
}
J=(-H 'Content-Type: application/json')
body() { printf '%s' "$1" > "$W/in.json"; }

body '{}';			bad "empty object" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body '[]';			bad "an array" 400 - "${J[@]}" --data-binary @"$W/in.json"
body '"hello"';			bad "a string" 400 - "${J[@]}" --data-binary @"$W/in.json"
body 'null';			bad "null" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD";			bad "truncated JSON" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD} x";		bad "trailing garbage" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD}{}";		bad "two objects" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{\"nid\":\"abuse-two\",$GOOD}"; bad "duplicate key" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"x\":NaN}";	bad "NaN" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"x\":Infinity}";	bad "Infinity" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{'nid':'abuse-x'}";	bad "single quotes" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,}";		bad "trailing comma" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/abuse-one/ABUSE}}"; bad "upper-case nid" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/abuse-one/abuse_one}}"; bad "nid with underscore" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/abuse-one/-abuse}}"; bad "nid starting with -" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/abuse-one/$(printf 'a%.0s' $(seq 65))}}"; bad "nid of 65 bytes" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/\"abuse-one\"/42}}"; bad "nid as a number" 400 nid "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/\"Abuse\"/\"\"}}"; bad "empty name" 400 name "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/\"Abuse\"/\"$(printf 'n%.0s' $(seq 256))\"}}"; bad "name of 256 bytes" 400 name "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/\"Abuse\"/\"a\\u0001b\"}}"; bad "control character in name" 400 name "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/\"Abuse\"/\"a\\u0000b\"}}"; bad "NUL in a string" 400 - "${J[@]}" --data-binary @"$W/in.json"
printf '{"nid":"abuse-one","name":"\xff\xfe","environment":"production",%s}' "$HUB" > "$W/in.json"
				bad "invalid UTF-8" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{${GOOD/production/staging}}"; bad "unknown environment" 400 environment "${J[@]}" --data-binary @"$W/in.json"
body "{\"nid\":\"abuse-one\",\"name\":\"A\",$HUB}"; bad "missing environment" 400 environment "${J[@]}" --data-binary @"$W/in.json"
body '{"nid":"abuse-one","name":"A","environment":"uat"}'; bad "missing endpoints" 400 endpoints "${J[@]}" --data-binary @"$W/in.json"
body '{"nid":"abuse-one","name":"A","environment":"uat","endpoints":"https://hub.x.com"}'; bad "endpoints as a string" 400 endpoints "${J[@]}" --data-binary @"$W/in.json"
body '{"nid":"abuse-one","name":"A","environment":"uat","endpoints":{}}'; bad "endpoints without hub" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u() { body "{\"nid\":\"abuse-one\",\"name\":\"A\",\"environment\":\"uat\",\"endpoints\":{\"hub\":\"$1\"}}"; }
u "http://hub.x.com";		bad "http hub" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "https://user:pw@hub.x.com";	bad "credentials in the hub URL" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "https://hub.x.com/#frag";	bad "fragment in the hub URL" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "https://";			bad "hub URL without host" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "https://hub x.com";		bad "space in the hub URL" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "https://hub.x.com:99999";	bad "port out of range" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
u "javascript:alert(1)";	bad "javascript: URL" 400 endpoints.hub "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD}"; body "$(jq -c '.endpoints.impac = "not a url"' "$W/in.json")"
				bad "impac not a URL" 400 endpoints.impac "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD}"; body "$(jq -c '.endpoints.connec = 5' "$W/in.json")"
				bad "connec as a number" 400 endpoints.connec "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD}"; body "$(jq -c '.endpoints.extra = "https://x.com"' "$W/in.json")"
				bad "unknown key in endpoints" 400 endpoints.extra "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"foo\":1}";	bad "unknown key" 400 foo "${J[@]}" --data-binary @"$W/in.json"
for k in id api_key api_secret secret certificate private_key serial fingerprint_sha1 created_at; do
	body "{$GOOD,\"$k\":\"x\"}"
	bad "server-owned key $k" 400 "$k" "${J[@]}" --data-binary @"$W/in.json"
done
body "{$GOOD,\"csr\":\"hello\"}"; bad "csr that is not PEM" 400 csr "${J[@]}" --data-binary @"$W/in.json"
csrbody "$W/badsig.csr" > "$W/in.json"; bad "csr with a bad signature" 400 csr "${J[@]}" --data-binary @"$W/in.json"
jqok '.errors[0].detail | test("signature")' "the error says the signature does not verify"
csrbody "$W/enc.csr" > "$W/in.json"; bad "an encrypted PEM csr" 400 csr "${J[@]}" --data-binary @"$W/in.json"
ok "no pass phrase was ever asked for" sh -c "! grep -qi 'pass phrase' '$PREFIX/log/agora.log'"
csrbody "$W/explicit.csr" > "$W/in.json"; bad "csr with explicit EC parameters" 400 csr "${J[@]}" --data-binary @"$W/in.json"
jqok '.errors[0].detail | test("explicit")' "the error says named curves only"
csrbody "$W/small.csr" > "$W/in.json"; bad "csr with an RSA-1024 key" 400 csr "${J[@]}" --data-binary @"$W/in.json"
csrbody "$W/k1.csr" > "$W/in.json"; bad "csr on secp256k1" 400 csr "${J[@]}" --data-binary @"$W/in.json"
csrbody "$W/notacsr.pem" > "$W/in.json"; bad "a certificate instead of a csr" 400 csr "${J[@]}" --data-binary @"$W/in.json"
csrbody "$W/trail.csr" > "$W/in.json"; bad "csr with trailing text" 400 csr "${J[@]}" --data-binary @"$W/in.json"
jq -cn --arg c "-----BEGIN CERTIFICATE REQUEST-----
$(head -c 15000 /dev/zero | base64 -w 64)
-----END CERTIFICATE REQUEST-----" --argjson base "{$GOOD}" '$base + {csr: $c}' > "$W/in.json"
				bad "csr too long" 400 csr "${J[@]}" --data-binary @"$W/in.json"
csrbody "$W/good.csr" | jq -c '.key_type = "p256"' > "$W/in.json"
				bad "csr and key_type together" 400 key_type "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"key_type\":\"rsa4096\"}"; bad "unknown key_type" 400 key_type "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"key_type\":1}";	bad "key_type as a number" 400 key_type "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD,\"a\":$(printf '[%.0s' $(seq 12))$(printf ']%.0s' $(seq 12))}"
				bad "nesting deeper than 8" 400 - "${J[@]}" --data-binary @"$W/in.json"
body "{$GOOD}"
bad "Content-Type text/plain" 415 - -H 'Content-Type: text/plain' --data-binary @"$W/in.json"
bad "no Content-Type" 415 - -H 'Content-Type:' --data-binary @"$W/in.json"
bad "form encoding" 415 - --data-urlencode "nid=abuse-one"
bad "empty body" 400 - "${J[@]}" --data-binary ''
head -c 70000 /dev/zero | tr '\0' 'a' > "$W/big"
bad "a body over the cap" 413 - "${J[@]}" --data-binary @"$W/big"
bad "a bad Idempotency-Key" 400 Idempotency-Key "${J[@]}" --data-binary @"$W/in.json" \
    -H "Idempotency-Key: $(printf 'k%.0s' $(seq 300))"

# Credentials and methods.
before=$(db_checksum)
req POST /api/v1/marketplaces "${J[@]}" --data-binary @"$W/in.json"
status 401 "no credentials is 401"
req POST /api/v1/marketplaces -H "Authorization: Bearer $ADMIN_TOKEN" "${J[@]}" --data-binary @"$W/in.json"
status 401 "an admin token is not a registration token"
req POST /api/v1/marketplaces -H "Authorization: Basic !!!" "${J[@]}" --data-binary @"$W/in.json"
status 401 "malformed Basic is 401"
req POST /api/v1/marketplaces -H "Authorization: Digest x" "${J[@]}" --data-binary @"$W/in.json"
status 401 "another scheme is 401"
req GET /api/v1/marketplace -H "Authorization: Bearer $TOK"
status 401 "a registration token cannot read a marketplace"
req PUT /api/v1/marketplaces -H "Authorization: Bearer $TOK"
status 405 "PUT is 405"
req POST /api/v1/admin/marketplaces/abc/certificate/revoke -H "Authorization: Bearer $ADMIN_TOKEN"
status 404 "a malformed marketplace id is 404"
# One answer for a malformed path id on every route, whatever the method.
for p in "GET /api/v1/admin/marketplaces/abc" "GET /api/v1/admin/marketplaces/01" \
    "POST /api/v1/admin/providers/-1/rotate" "POST /api/v1/admin/listings/1.5/approve" \
    "GET /api/v1/admin/tenants/abc" "DELETE /api/v1/admin/tenants/1/apps/x" \
    "GET /api/v1/admin/webhooks/0" "PUT /api/v1/admin/tenants/abc/apps"; do
	req ${p%% *} "${p#* }" -H "Authorization: Bearer $ADMIN_TOKEN"
	echo "$STATUS $(jq -r .detail "$BODY")" >> "$T_TMP/badid"
done
is "$(sort -u "$T_TMP/badid")" "404 no such resource (an id in a path is a positive integer)" \
    "a malformed path id is 404 on every route, whatever the method"
req POST /api/v1/admin/registration-tokens -H "Authorization: Bearer $ADMIN_TOKEN" "${J[@]}" \
    --data-binary '{"max_uses":"2"}'
status 400 "max_uses as a string is 400"
jqok '.errors[0].field == "max_uses"' "names max_uses"
req POST /api/v1/admin/registration-tokens -H "Authorization: Bearer $ADMIN_TOKEN" "${J[@]}" \
    --data-binary '{"expires_in":5}'
status 400 "expires_in under a minute is 400"
is "$(db_checksum)" "$before" "none of that changed the database"

# After all this, the good body still registers, once; so do the
# untampered CSR and the same P-256 key with its curve named: the
# refusals above are agora's answer to what was changed.
body "{$GOOD}"
req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" "${J[@]}" --data-binary @"$W/in.json"
status 201 "the good body registers"
for c in good named; do
	jq -cn --rawfile c "$W/$c.csr" '{nid: "abuse-'$c'", name: "Abuse", environment: "production",
	    endpoints: {hub: "https://hub.abuse-'$c'.example.com"}, csr: $c}' > "$W/in.json"
	req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" "${J[@]}" --data-binary @"$W/in.json"
	status 201 "the $c CSR is accepted"
done

finish
