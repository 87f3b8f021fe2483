#!/bin/bash
# A marketplace as itself: read and patch its registration (ETag,
# If-Match), rotate its secret (grace period), renew its certificate;
# admins list, read and revoke; the CRL, nginx refusing a revoked client
# certificate, the mTLS check; agoractl; scripts/register-marketplace.
. "$(dirname "$0")/lib.sh"

# nginx rate-limits this route: a 429 is not what these tests are about.
retry_on_429

W=$T_TMP
regbody() {
	printf '{"nid":"%s","name":"%s","environment":"%s",' "$1" "$1" "${2:-production}"
	printf '"endpoints":{"hub":"https://hub.%s.example.net"}}' "$1"
}
# mkreg NID ENV: register with a CSR; leaves $W/NID.{key,pem,json}.
mkreg() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$W/$1.key" -subj "/CN=$1" -out "$W/$1.csr" 2>/dev/null
	req POST /api/v1/marketplaces -H "Authorization: Bearer $(regtoken 1)" \
	    -H 'Content-Type: application/json' --data-binary \
	    "$(regbody "$1" "${2:-production}" | jq -c --rawfile c "$W/$1.csr" '.csr = $c')"
	cp "$BODY" "$W/$1.json"
	jq -r .certificate "$W/$1.json" > "$W/$1.pem"
}
cred() { printf '%s:%s' "$(jq -r .api_key "$W/$1.json")" "$(jq -r .api_secret "$W/$1.json")"; }

# agoractl (root) writes the first CRL, empty; the workers (another user
# when run as root) must still be able to take the CRL lock afterwards.
rm -f "$PREFIX/ca/crl.pem.lock"
ok "agoractl crl writes a CRL" ctl crl
ok "the CRL exists and is not empty" test -s "$PREFIX/ca/crl.pem"
ok "it verifies against the CA" openssl crl -noout -CAfile "$CACERT" -in "$PREFIX/ca/crl.pem"

mkreg self-one
status 201 "register self-one"
mkreg self-two uat
status 201 "register self-two (uat)"
ONE=$(cred self-one)
TWO=$(cred self-two)
ONE_ID=$(jq -r .id "$W/self-one.json")
TWO_ID=$(jq -r .id "$W/self-two.json")

# --- GET and PATCH with entity tags --------------------------------------
req GET /api/v1/marketplace -u "$ONE"
status 200 "GET /api/v1/marketplace"
ETAG=$(header ETag)
ok "an ETag is sent" test -n "$ETAG"
jqok '.certificate | startswith("-----BEGIN CERTIFICATE-----")' "the certificate PEM is included"
jqok '.ca_certificate | startswith("-----BEGIN CERTIFICATE-----")' "the CA PEM is included"
jqok '(has("api_secret") or has("private_key")) | not' "never a secret"
req GET /api/v1/marketplace -u "$ONE" -H "If-None-Match: $ETAG"
status 304 "If-None-Match with the current ETag is 304"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' \
    -H "If-Match: $ETAG" --data-binary '{"name":"Self One","endpoints":{"connec":"https://connec.one.example.net"}}'
status 200 "PATCH with the current If-Match"
jqok '.name == "Self One" and .endpoints.connec == "https://connec.one.example.net" and .endpoints.hub == "https://hub.self-one.example.net"' "name and connec changed, hub kept"
NEWTAG=$(header ETag)
isnt "$NEWTAG" "$ETAG" "the ETag moved"
sum=$(db_checksum)
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' \
    -H "If-Match: $ETAG" --data-binary '{"name":"Stale"}'
status 412 "a stale If-Match is 412"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' --data-binary '{"nid":"other"}'
status 400 "nid cannot be patched"
jqok '.errors[0].field == "nid"' "the error names nid"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' --data-binary '{"endpoints":{"hub":"http://plain.example.net"}}'
status 400 "an http hub is refused"
jqok '.errors[0].field == "endpoints.hub"' "the error names endpoints.hub"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' --data-binary '{"endpoints":{"hub":null}}'
status 400 "the hub cannot be cleared"
is "$(db_checksum)" "$sum" "refused patches changed nothing"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' \
    -H "If-Match: $NEWTAG" --data-binary '{"name":"Self One"}'
status 200 "a PATCH that changes nothing is 200"
is "$(header ETag)" "$NEWTAG" "and keeps the ETag"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' \
    -H "If-Match: $NEWTAG" --data-binary '{"endpoints":{"connec":null}}'
status 200 "an optional endpoint can be cleared"
jqok '.endpoints.connec == null' "connec is null"

# --- secret rotation and its grace period (SECRET_GRACE) --------------------
req POST /api/v1/marketplace/secret/rotate -u "$ONE"
status 200 "rotate the secret"
NEWSEC=$(jqv .api_secret)
ok "a new secret is shown" test -n "$NEWSEC" -a "$NEWSEC" != "${ONE#*:}"
ONE2="${ONE%%:*}:$NEWSEC"
req GET /api/v1/marketplace -u "$ONE2"
status 200 "the new secret works"
req GET /api/v1/marketplace -u "$ONE"
status 200 "the old secret still works during the grace period"
before=$(db_checksum)
req POST /api/v1/marketplace/secret/rotate -u "$ONE"
status 403 "but it cannot rotate the secret again"
req PATCH /api/v1/marketplace -u "$ONE" -H 'Content-Type: application/json' \
    --data '{"endpoints":{"nex":"https://attacker.example.com"}}'
status 403 "nor change the endpoints"
req POST /api/v1/marketplace/certificate/renew -u "$ONE" -H 'Content-Type: application/json' --data '{}'
status 403 "nor renew the certificate"
req GET /api/v1/marketplace -u "$ONE"
jq -c '{nid, name, environment, endpoints}' "$BODY" > "$W/same.json"
req POST /api/v1/marketplaces -u "$ONE" -H 'Content-Type: application/json' --data-binary @"$W/same.json"
status 200 "it still re-registers a restarting node unchanged"
req POST /api/v1/marketplaces -u "$ONE" -H 'Content-Type: application/json' \
    --data-binary "$(jq -c '.endpoints.nex = "https://attacker.example.com"' "$W/same.json")"
status 403 "but not with other endpoints"
is "$(db_checksum)" "$before" "and those refusals changed nothing"
sleep $((SECRET_GRACE + 1))
req GET /api/v1/marketplace -u "$ONE"
status 401 "the old secret stops after the grace period"
req GET /api/v1/marketplace -u "$ONE2"
status 200 "the new secret keeps working"
ONE=$ONE2

# --- certificate renewal --------------------------------------------------
OLD_SERIAL=$(jq -r .serial "$W/self-one.json")
openssl req -new -newkey rsa:2048 -nodes -keyout "$W/one-renew.key" -subj "/CN=x" \
    -out "$W/one-renew.csr" 2>/dev/null
req POST /api/v1/marketplace/certificate/renew -u "$ONE" -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --rawfile c "$W/one-renew.csr" '{csr: $c}')"
status 201 "renew with a new CSR"
NEW_SERIAL=$(jqv .serial)
isnt "$NEW_SERIAL" "$OLD_SERIAL" "a new serial"
jqok 'has("private_key") | not' "no key returned for a CSR"
jqv .certificate > "$W/one-renew.pem"
ok "the renewed certificate verifies" openssl verify -CAfile "$CACERT" "$W/one-renew.pem"
req GET /api/v1/marketplace -u "$ONE"
jqok '.serial == "'"$NEW_SERIAL"'"' "the marketplace's certificate moved to the new one"
admin GET "/api/v1/admin/marketplaces/$ONE_ID"
status 200 "admin reads the marketplace"
jqok '(.certificates | length) == 2 and ([.certificates[] | select(.current)] | length) == 1 and ([.certificates[] | select(.revoked_at == null)] | length) == 2' \
    "two certificates, one current, the old one not revoked"
req POST /api/v1/marketplace/certificate/renew -u "$ONE"
status 201 "renew with no body: a new RSA key"
jqok '.private_key | startswith("-----BEGIN PRIVATE KEY-----")' "the new key is returned"
jqv .certificate > "$W/one-cur.pem"
jqv .private_key > "$W/one-cur.key"
req POST /api/v1/marketplace/certificate/renew -u "$ONE" -H 'Content-Type: application/json' \
    --data-binary '{"csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"}'
status 400 "renew with a broken CSR is 400"
jqok '.errors[0].field == "csr"' "the error names csr"

# --- admin listing ----------------------------------------------------------
admin GET "/api/v1/admin/marketplaces?limit=1"
status 200 "admin list"
ok "X-Total-Count is set" test "$(header X-Total-Count)" -ge 2
jqok '(.marketplaces | length) == 1' "limit is honoured"
case "$(header Link)" in *'rel="next"'*) pass "a Link header with next";; *) fail "a Link header with next";; esac
admin GET "/api/v1/admin/marketplaces?environment=uat&q=self-"
jqok '[.marketplaces[].nid] == ["self-two"]' "filter by environment and nid prefix"
admin GET "/api/v1/admin/marketplaces?environment=staging"
status 400 "an unknown environment filter is 400"
admin GET "/api/v1/admin/marketplaces?limit=0"
status 400 "limit=0 is 400"
# Every list route answers a bad page alike (one req_paging).
for u in marketplaces registration-tokens providers listings tenants webhooks; do
	for q in limit=0 limit=201 offset=-1 offset=x; do
		admin GET "/api/v1/admin/$u?$q"
		jq -c '[.detail, [.errors[].field]]' "$BODY" >> "$T_TMP/paging.answers"
		echo "$STATUS" >> "$T_TMP/paging.status"
	done
done
is "$(sort -u "$T_TMP/paging.status")" 400 "a bad limit or offset is 400 on every admin list"
is "$(sort -u "$T_TMP/paging.answers" | tr '\n' ' ')" '["bad paging parameters",["limit"]] ["bad paging parameters",["offset"]] ' \
    "with the same detail, naming the parameter"
admin GET /api/v1/admin/marketplaces/999999
status 404 "an unknown marketplace is 404"
admin GET /api/v1/admin/marketplaces/01
status 404 "a malformed id is 404, as on every route"
req GET /api/v1/admin/marketplaces -u "$ONE"
status 401 "a marketplace cannot use the admin API"

# --- mTLS: the marketplace's own certificate, not another one's -----------
req GET /api/v1/marketplace -u "$ONE" --cert "$W/one-cur.pem" --key "$W/one-cur.key"
status 200 "Basic plus its own client certificate is 200"
req GET /api/v1/marketplace -u "$ONE" --cert "$W/self-two.pem" --key "$W/self-two.key"
status 403 "Basic plus another marketplace's certificate is 403"
req GET /api/v1/marketplace -u "$TWO" --cert "$W/self-two.pem" --key "$W/self-two.key"
status 200 "self-two with its own certificate is 200"

# --- revocation and the CRL ---------------------------------------------------
TWO_SERIAL=$(jq -r .serial "$W/self-two.json")
# The stack reloads nginx within a second of a new CRL (crl-watch, see
# t0125); paused here, so the worker's own refusal is what answers
# (and req does not wait for that reload meanwhile).
CRL_WAIT=0
kill -STOP "$(cat "$PREFIX/run/crl-watch.pid")"
admin POST "/api/v1/admin/marketplaces/$TWO_ID/certificate/revoke" \
    -H 'Content-Type: application/json' --data-binary '{"reason":"keyCompromise"}'
status 200 "admin revokes self-two's certificate"
jqok '.serial == "'"$TWO_SERIAL"'" and .crl_updated == true' "the CRL was rewritten"
admin POST "/api/v1/admin/marketplaces/$TWO_ID/certificate/revoke"
status 409 "revoking it again is 409"
admin POST "/api/v1/admin/marketplaces/$TWO_ID/certificate/revoke" \
    -H 'Content-Type: application/json' --data-binary '{"reason":"because"}'
status 400 "an unknown reason is 400"
ok "the CRL file exists" test -s "$PREFIX/ca/crl.pem"
is "$(stat -c %a "$PREFIX/ca/crl.pem")" "644" "the CRL file is readable by nginx (0644)"
req GET /api/v1/crl.pem
status 200 "GET /api/v1/crl.pem"
openssl crl -text -noout -in "$BODY" > "$W/crl.txt" 2>&1
ok "openssl crl -text lists the revoked serial" grep -q "Serial Number: $TWO_SERIAL" "$W/crl.txt"
ok "the reason is in the CRL" grep -q "Key Compromise" "$W/crl.txt"
ok "the CRL verifies against the CA" openssl crl -noout -CAfile "$CACERT" -in "$BODY"
req GET /api/v1/marketplace -u "$TWO" --cert "$W/self-two.pem" --key "$W/self-two.key"
status 403 "a revoked certificate is refused by the worker before nginx reloads"
kill -CONT "$(cat "$PREFIX/run/crl-watch.pid")"
CRL_WAIT=1

# nginx picks the CRL up on reload (the config has ssl_crl only if the
# file existed when it was generated: add it the same way stack.sh does).
grep -q ssl_crl "$PREFIX/nginx/agora.conf" ||
    sed -i "s|^\(\tssl_verify_depth .*\)$|\1\n\tssl_crl $PREFIX/ca/crl.pem;|" "$PREFIX/nginx/agora.conf"
ok "nginx.conf now has ssl_crl" grep -q "ssl_crl $PREFIX/ca/crl.pem;" "$PREFIX/nginx/agora.conf"
ok "nginx reloads" nginx -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" -e "$PREFIX/log/nginx-error.log" -s reload
for i in $(seq 1 30); do
	req GET /api/v1/marketplace -u "$TWO" --cert "$W/self-two.pem" --key "$W/self-two.key"
	[ "$STATUS" = 400 ] && break
	sleep 0.2
done
status 400 "nginx refuses the revoked client certificate"
case "$(cat "$BODY")" in *"SSL certificate error"*) pass "nginx says SSL certificate error";; *) fail "nginx says SSL certificate error";; esac
req GET /api/v1/marketplace -u "$ONE" --cert "$W/one-cur.pem" --key "$W/one-cur.key"
status 200 "a valid certificate still passes nginx with the CRL"
req GET /api/v1/marketplace -u "$TWO"
status 200 "without a certificate self-two still works with Basic"

# --- agoractl ------------------------------------------------------------
S2=$(ctl rotate-secret self-two 2>/dev/null)
ok "agoractl rotate-secret prints a secret" test -n "$S2"
req GET /api/v1/marketplace -u "${TWO%%:*}:$S2"
status 200 "the secret from agoractl works"
ONE_SERIAL=$(curl -s --cacert "$CACERT" -u "$ONE" "$BASE/api/v1/marketplace" | jq -r .serial)
ok "agoractl certificate revoke" ctl certificate revoke self-one -r superseded
ok "agoractl crl" ctl crl
openssl crl -text -noout -in "$PREFIX/ca/crl.pem" > "$W/crl2.txt" 2>&1
ok "the CRL written by agoractl has self-one's serial" grep -q "Serial Number: $ONE_SERIAL" "$W/crl2.txt"
ok "and still self-two's" grep -q "Serial Number: $TWO_SERIAL" "$W/crl2.txt"
ok "agoractl certificate revoke of an unknown nid fails" bash -c "! '$AGORACTL' certificate revoke no-such-mkt 2>/dev/null"

# --- registration tokens: admin API and agoractl --------------------------
admin POST /api/v1/admin/registration-tokens -H 'Content-Type: application/json' \
    --data-binary '{"label":"api made","max_uses":2,"expires_in":3600}'
status 201 "admin creates a registration token"
jqok '(.token | startswith("agrt_")) and .max_uses == 2 and .uses == 0 and .state == "active" and .expires_at != null' "token shown once with its limits"
RT=$(jqv .token)
RT_ID=$(jqv .id)
admin GET "/api/v1/admin/registration-tokens?limit=2"
status 200 "admin lists registration tokens"
ok "X-Total-Count on the token list" test "$(header X-Total-Count)" -ge 3
jqok '[.registration_tokens[] | has("token") or has("token_hash")] | any | not' "the list never shows a token"
admin GET "/api/v1/admin/registration-tokens?state=used"
jqok '[.registration_tokens[].state] | all(. == "used")' "filter by state"
admin POST /api/v1/admin/registration-tokens -H 'Content-Type: application/json' --data-binary '{"max_uses":0}'
status 400 "max_uses 0 is refused"
admin POST /api/v1/admin/registration-tokens -H 'Content-Type: application/json' --data-binary '{"token":"agrt_mine"}'
status 400 "a client cannot choose the token"
# A label is one line without tabs, as in the console and agoractl.
n0=$(sql "SELECT COUNT(*) FROM registration_token")
for lab in 'a\tb' 'a\nb'; do
	admin POST /api/v1/admin/registration-tokens -H 'Content-Type: application/json' --data-binary '{"label":"'"$lab"'"}'
	status 400 "a label holding $lab is refused"
	jqok '.errors[] | select(.field == "label")' "naming label"
done
is "$(sql "SELECT COUNT(*) FROM registration_token")" "$n0" "no token was made"
out=$(ctl registration-token create -l "$(printf 'a\tb')" 2>&1) && fail "agoractl refuses a label with a tab" ||
    is "$(echo "$out" | grep -c 'label')" 1 "agoractl refuses a label with a tab, naming it"
is "$(sql "SELECT COUNT(*) FROM registration_token")" "$n0" "still no token was made"
admin POST "/api/v1/admin/registration-tokens/$RT_ID/revoke"
status 200 "admin revokes the token"
jqok '.state == "revoked"' "its state is revoked"
req POST /api/v1/marketplaces -H "Authorization: Bearer $RT" -H 'Content-Type: application/json' \
    --data-binary "$(regbody self-three)"
status 401 "a revoked token no longer authenticates"
admin POST /api/v1/admin/registration-tokens/999999/revoke
status 404 "revoking an unknown token is 404"
T4=$(regtoken 1)
T4_ID=$(sql "SELECT MAX(id) FROM registration_token")
out=$(ctl registration-token list)
case "$out" in *"$T4_ID "*active*) pass "agoractl registration-token list";; *) fail "agoractl registration-token list"; diag "$out";; esac
case "$out" in *agrt_*) fail "the list shows no token";; *) pass "the list shows no token";; esac
ok "agoractl registration-token revoke" ctl registration-token revoke "$T4_ID"
is "$(sql "SELECT revoked_at IS NOT NULL FROM registration_token WHERE id = $T4_ID")" "1" "revoked in the database"

# --- scripts/register-marketplace ---------------------------------------------
RM="$AGORA_TOP/scripts/register-marketplace"
D="$W/mkt-state"
export DEV_PLATFORM_ENDPOINT="$BASE" AGORA_CA="$CACERT" MARKETPLACE_NID=script-prod \
    MARKETPLACE_NAME="Script" MARKETPLACE_ENVIRONMENT=production \
    MNOHUB_ENDPOINT=https://hub.script.example.org IMPAC_ENDPOINT=https://impac.script.example.org \
    CONNEC_ENDPOINT= NEX_ENDPOINT=
AGORA_REGISTRATION_TOKEN=agrt_bogus "$RM" "$D" > "$W/rm0.out" 2>&1
rc=$?
ok "a bad token makes the script fail" test "$rc" -ne 0
ok "with a clear message" grep -q "token was refused" "$W/rm0.out"
AGORA_REGISTRATION_TOKEN=$(regtoken 1) "$RM" "$D" > "$W/rm1.out" 2>&1
is "$?" "0" "first start registers"
is "$(stat -c %a "$D")" "700" "the state dir is 0700"
bad=$(find "$D" -type f ! -perm 600 | wc -l)
is "$bad" "0" "every file is 0600"
ok "the script kept its own key" test -s "$D/key.pem"
is "$(openssl x509 -noout -pubkey -in "$D/cert.pem" | sha256sum)" \
    "$(openssl pkey -pubout -in "$D/key.pem" | sha256sum)" "the certificate is for the script's key"
ok "openssl verify accepts the script's certificate" openssl verify -CAfile "$D/ca.pem" "$D/cert.pem"
K=$(sed -n 's/^api_key=//p' "$D/credentials")
S=$(sed -n 's/^api_secret=//p' "$D/credentials")
req GET /api/v1/marketplace -u "$K:$S"
status 200 "the stored credentials work"
SER1=$(jqv .serial)
cp "$D/credentials" "$W/cred1"
MNOHUB_ENDPOINT=https://hub2.script.example.org AGORA_REGISTRATION_TOKEN= "$RM" "$D" > "$W/rm2.out" 2>&1
is "$?" "0" "second start re-registers"
ok "the credentials are unchanged" cmp -s "$D/credentials" "$W/cred1"
req GET /api/v1/marketplace -u "$K:$S"
jqok '.serial == "'"$SER1"'" and .endpoints.hub == "https://hub.script.example.org" and .hub_change.hub == "https://hub2.script.example.org"' \
    "same certificate; a hub on another host waits for an admin (t0116)"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE nid = 'script-prod'")" "1" "one marketplace"
MNOHUB_ENDPOINT=ftp://x "$RM" "$D" > "$W/rm3.out" 2>&1
ok "a bad endpoint fails with non-zero exit" test $? -ne 0
ok "naming the field" grep -q "endpoints.hub" "$W/rm3.out"

# A revoked certificate, or one renewed with a key the script does not
# hold: the next start renews with its own key.
MID=$(sql "SELECT id FROM marketplace WHERE nid = 'script-prod'")
admin POST /api/v1/admin/marketplaces/$MID/certificate/revoke -H "Content-Type: application/json" --data '{"reason":"keyCompromise"}'
status 200 "an admin revokes the script's certificate"
MNOHUB_ENDPOINT=https://hub2.script.example.org "$RM" "$D" > "$W/rm4.out" 2>&1
is "$?" "0" "the next start succeeds"
ok "saying it renewed a revoked certificate" grep -q "was revoked; renewed" "$W/rm4.out"
ok "the new certificate is for the script's key" sh -c \
    "[ \"\$(openssl x509 -noout -pubkey -in '$D/cert.pem' | sha256sum)\" = \"\$(openssl pkey -pubout -in '$D/key.pem' | sha256sum)\" ]"
req GET /api/v1/marketplace -u "$K:$S"
jqok '.revoked_at == null and .serial != "'"$SER1"'"' "and the platform's current one"
req POST /api/v1/marketplace/certificate/renew -u "$K:$S" -H 'Content-Type: application/json' --data '{"key_type":"p256"}'
status 201 "someone renews with a key the platform makes"
MNOHUB_ENDPOINT=https://hub2.script.example.org "$RM" "$D" > "$W/rm5.out" 2>&1
is "$?" "0" "the next start succeeds"
ok "renewing the certificate that is not for its key" grep -q "not for .*key.pem; renewed" "$W/rm5.out"
ok "cert.pem matches key.pem again" sh -c \
    "[ \"\$(openssl x509 -noout -pubkey -in '$D/cert.pem' | sha256sum)\" = \"\$(openssl pkey -pubout -in '$D/key.pem' | sha256sum)\" ]"

# A first registration whose answer was lost, retried after the
# environment changed: the stored request is replayed (same answer, no
# conflict), then the new settings are applied.
D2="$W/mkt-lost"
mkdir -m 700 "$D2"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$D2/key.pem" 2>/dev/null
openssl req -new -key "$D2/key.pem" -subj /CN=lost -out "$D2/csr.pem" 2>/dev/null
jq -n --arg csr "$(cat "$D2/csr.pem")" '{nid: "script-lost", name: "Lost",
    environment: "production", endpoints: {hub: "https://hub.lost.example.org",
    impac: null, connec: null, nex: null}, csr: $csr}' > "$D2/request.json"
echo "register-script-lost-$(openssl rand -hex 8)" > "$D2/idempotency-key"
chmod 600 "$D2"/*
LOSTTOK=$(regtoken 1)
req POST /api/v1/marketplaces -H "Authorization: Bearer $LOSTTOK" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $(cat "$D2/idempotency-key")" --data-binary @"$D2/request.json"
status 201 "the first attempt registered (its answer is lost)"
MARKETPLACE_NID=script-lost MARKETPLACE_NAME=Lost MNOHUB_ENDPOINT=https://hub.lost.example.org \
    CONNEC_ENDPOINT=https://connec.lost.example.org AGORA_REGISTRATION_TOKEN=$LOSTTOK \
    "$RM" "$D2" > "$W/rm6.out" 2>&1
is "$?" "0" "the retry with a changed environment succeeds"
ok "it got the credentials of the first attempt" test -s "$D2/credentials"
req GET /api/v1/marketplace -u "$(sed -n 's/^api_key=//p' "$D2/credentials"):$(sed -n 's/^api_secret=//p' "$D2/credentials")"
jqok '.nid == "script-lost" and .endpoints.connec == "https://connec.lost.example.org"' \
    "the credentials work and the new setting was applied"
ok "nothing of the first attempt is left to replay" test ! -e "$D2/request.json" -a ! -e "$D2/idempotency-key"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE nid = 'script-lost'")" "1" "one marketplace"

finish
