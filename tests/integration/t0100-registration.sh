#!/bin/bash
# Marketplace self-registration: with and without a CSR, the certificate
# checked with openssl, fingerprints, the secret shown once and stored
# hashed, idempotent re-registration, hijack attempts, Idempotency-Key.
. "$(dirname "$0")/lib.sh"

# nginx rate-limits this route: a 429 is not what these tests are about.
retry_on_429

W=$T_TMP
# regbody NID [extra json members]: a registration body.
regbody() {
	printf '{"nid":"%s","name":"Acme %s","environment":"production",' "$1" "$1"
	printf '"endpoints":{"hub":"https://hub.%s.example.com/","impac":"https://impac.%s.example.com",' "$1" "$1"
	printf '"connec":"https://connec.%s.example.com","nex":null}%s}' "$1" "${2:-}"
}
register() { # TOKEN BODY [curl args]
	local t=$1 b=$2; shift 2
	req POST /api/v1/marketplaces -H "Authorization: Bearer $t" \
	    -H 'Content-Type: application/json' --data-binary "$b" "$@"
}
fp() { openssl x509 -noout -fingerprint "-$2" -in "$1" | cut -d= -f2; }

# --- without a CSR: the platform makes an RSA-2048 key -------------------
TOK=$(regtoken 1)
ok "agoractl made a registration token" test -n "$TOK"
register "$TOK" "$(regbody acme-prod)"
status 201 "register acme-prod without a CSR"
cp "$BODY" "$W/acme.json"
jqok '.nid == "acme-prod" and .environment == "production"' "answer names the marketplace"
jqok '.api_key | test("^mk_[0-9a-f]{16}$")' "api key looks like mk_<16 hex>"
jqok '.api_secret | test("^mks_[0-9a-f]{64}$")' "the secret (256 bits) is shown"
jqok '.private_key | startswith("-----BEGIN PRIVATE KEY-----")' "the generated private key is returned"
jqok '.endpoints.hub == "https://hub.acme-prod.example.com/" and .endpoints.nex == null' "endpoints echoed"
jqok '.key_type == "rsa2048"' "default key type is rsa2048"
jqok '.serial | test("^[0-9A-F]{32}$")' "serial is 128-bit hex"
jqok '.fingerprint_sha1 | test("^([0-9A-F]{2}:){19}[0-9A-F]{2}$")' "SHA-1 fingerprint: 20 colon-separated pairs"
jqok '.fingerprint_sha256 | test("^([0-9A-F]{2}:){31}[0-9A-F]{2}$")' "SHA-256 fingerprint: 32 colon-separated pairs"
jqok '(.not_before | test("Z$")) and (.not_after > .not_before)' "validity dates"
jq -r .certificate "$W/acme.json" > "$W/acme.pem"
jq -r .private_key "$W/acme.json" > "$W/acme.key"
jq -r .ca_certificate "$W/acme.json" > "$W/ca-answer.pem"
KEY=$(jq -r .api_key "$W/acme.json")
SECRET=$(jq -r .api_secret "$W/acme.json")
SERIAL=$(jq -r .serial "$W/acme.json")

# The answer is built from what the registration wrote (the insert
# returns what the database chose), not read back: it must be the
# marketplace as the database has it, field for field.
req GET /api/v1/marketplace -u "$KEY:$SECRET"
status 200 "the new marketplace reads itself"
is "$(jq -cS 'del(.api_secret, .private_key)' "$W/acme.json")" \
    "$(jq -cS . "$BODY")" "the registration's answer is the marketplace as stored"
is "$(jq -r '"\(.not_before) \(.not_after)"' "$W/acme.json")" \
    "$(sql "SELECT CONCAT(DATE_FORMAT(not_before, '%Y-%m-%dT%H:%i:%sZ'), ' ', DATE_FORMAT(not_after, '%Y-%m-%dT%H:%i:%sZ')) FROM certificate WHERE serial = '$SERIAL'")" \
    "its validity is the stored certificate's"

ok "openssl verify -CAfile accepts the certificate" \
    openssl verify -CAfile "$CACERT" -purpose sslclient "$W/acme.pem"
is "$(fp "$W/ca-answer.pem" sha256)" "$(fp "$CACERT" sha256)" "the CA in the answer is the platform CA"
is "$(jq -r .fingerprint_sha1 "$W/acme.json")" "$(fp "$W/acme.pem" sha1)" \
    "SHA-1 fingerprint matches openssl x509 -fingerprint -sha1"
is "$(jq -r .fingerprint_sha256 "$W/acme.json")" "$(fp "$W/acme.pem" sha256)" \
    "SHA-256 fingerprint matches openssl x509 -fingerprint -sha256"
is "$(openssl x509 -noout -serial -in "$W/acme.pem" | cut -d= -f2)" "$SERIAL" \
    "serial in the answer is the certificate's"
TXT=$(openssl x509 -noout -text -in "$W/acme.pem")
case "$TXT" in *"Subject: CN = hub.acme-prod.example.com"*) pass "subject CN is the hub host";; *) fail "subject CN is the hub host";; esac
case "$TXT" in *"DNS:hub.acme-prod.example.com"*) pass "DNS SAN is the hub host";; *) fail "DNS SAN is the hub host";; esac
case "$TXT" in *"CA:FALSE"*) pass "basicConstraints CA:FALSE";; *) fail "basicConstraints CA:FALSE";; esac
case "$TXT" in *"TLS Web Client Authentication"*) pass "EKU clientAuth";; *) fail "EKU clientAuth";; esac
case "$TXT" in *"Digital Signature, Key Encipherment"*) pass "keyUsage";; *) fail "keyUsage";; esac
case "$TXT" in *"Signature Algorithm: sha256WithRSAEncryption"*|*"Signature Algorithm: ecdsa-with-SHA256"*) pass "signed with SHA-256";; *) fail "signed with SHA-256";; esac
case "$TXT" in *"Authority Key Identifier"*"Subject Key Identifier"*|*"Subject Key Identifier"*"Authority Key Identifier"*) pass "AKI and SKI present";; *) fail "AKI and SKI present";; esac
is "$(openssl x509 -noout -pubkey -in "$W/acme.pem" | sha256sum)" \
    "$(openssl pkey -pubout -in "$W/acme.key" | sha256sum)" \
    "the private key belongs to the certificate"
days=$(( ($(date -d "$(openssl x509 -noout -enddate -in "$W/acme.pem" | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
ok "validity is cert_days (365)" test "$days" -ge 364 -a "$days" -le 365

# --- the secret works and is stored only hashed --------------------------
req GET /api/v1/marketplace -u "$KEY:$SECRET"
status 200 "the secret works once shown"
jqok '.nid == "acme-prod" and .serial == "'"$SERIAL"'"' "GET /marketplace is its registration"
jqok 'has("api_secret") | not' "GET never shows the secret"
jqok 'has("private_key") | not' "GET never shows a private key"
req GET /api/v1/marketplace -u "$KEY:wrong$SECRET"
status 401 "a wrong secret is 401"
mariadb-dump --no-defaults -uroot --socket="$PREFIX/mysql/mysql.sock" agora > "$W/dump.sql" 2>/dev/null
ok "mariadb-dump of the test DB worked" test -s "$W/dump.sql"
ok "the secret is not in the database in clear" bash -c "! grep -qF '$SECRET' '$W/dump.sql'"
ok "the secret's random part is not in the database either" bash -c "! grep -qF '${SECRET#mks_}' '$W/dump.sql'"
keyline=$(sed -n 2p "$W/acme.key")
ok "the private key is not in the database" bash -c "! grep -qF '$keyline' '$W/dump.sql'"
ok "no PRIVATE KEY block is in the database" bash -c "! grep -q 'PRIVATE KEY' '$W/dump.sql'"
is "$(sql "SELECT LOWER(HEX(secret_hash)) FROM credential WHERE key_id = '$KEY'")" \
    "$(printf '%s' "$SECRET" | sha256sum | cut -d' ' -f1)" "the credential stores SHA-256 of the secret"
is "$(sql "SELECT uses FROM registration_token ORDER BY id DESC LIMIT 1")" "1" "one token use consumed"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'marketplace.register'")" "1" "an audit row was written"
ok "the audit row holds no secret" bash -c "! sql_out=\$(mariadb --no-defaults -uroot --socket='$PREFIX/mysql/mysql.sock' -N -B agora -e 'SELECT after_json FROM audit'); ! printf '%s' \"\$sql_out\" | grep -qF '$SECRET'"

# --- with a CSR: the key never leaves the marketplace --------------------
openssl req -new -newkey rsa:2048 -nodes -keyout "$W/beta.key" -subj "/CN=evil.example.org" \
    -addext "subjectAltName=DNS:evil.example.org" -out "$W/beta.csr" 2>/dev/null
TOK2=$(regtoken 1)
register "$TOK2" "$(regbody beta-uat | jq -c --rawfile c "$W/beta.csr" '.environment = "uat" | .csr = $c')"
status 201 "register beta-uat with a CSR"
cp "$BODY" "$W/beta.json"
jqok 'has("private_key") | not' "no private key in the answer when a CSR was sent"
jqok '.environment == "uat"' "environment uat"
jq -r .certificate "$W/beta.json" > "$W/beta.pem"
ok "openssl verify accepts the CSR-based certificate" openssl verify -CAfile "$CACERT" "$W/beta.pem"
TXT=$(openssl x509 -noout -text -in "$W/beta.pem")
case "$TXT" in *"CN = hub.beta-uat.example.com"*) pass "CN from the hub host, not the CSR";; *) fail "CN from the hub host, not the CSR";; esac
case "$TXT" in *evil*) fail "nothing from the CSR's subject or SAN";; *) pass "nothing from the CSR's subject or SAN";; esac
is "$(openssl x509 -noout -pubkey -in "$W/beta.pem" | sha256sum)" \
    "$(openssl pkey -pubout -in "$W/beta.key" | sha256sum)" "the certificate is for the CSR's key"
BKEY=$(jq -r .api_key "$W/beta.json")
BSECRET=$(jq -r .api_secret "$W/beta.json")

# p256 keys on request.
TOK3=$(regtoken 1)
register "$TOK3" "$(regbody gamma-prod ',"key_type":"p256"')"
status 201 "register with key_type p256"
jqok '.key_type == "p256" and (.private_key | startswith("-----BEGIN PRIVATE KEY-----"))' "a P-256 key is returned"
jq -r .private_key "$BODY" > "$W/gamma.key"
case "$(openssl pkey -noout -text -in "$W/gamma.key" 2>/dev/null)" in *P-256*|*prime256v1*) pass "the key is EC P-256";; *) fail "the key is EC P-256";; esac

# --- re-registration: idempotent, with its own key:secret ----------------
before_creds=$(sql "SELECT COUNT(*) FROM credential")
req POST /api/v1/marketplaces -u "$KEY:$SECRET" \
    -H 'Content-Type: application/json' --data-binary \
    "$(regbody acme-prod | jq -c '.endpoints.nex = "https://nex.acme.example.com" | .name = "Acme renamed"')"
status 200 "re-registration with the marketplace's own key:secret is 200"
jqok '.serial == "'"$SERIAL"'"' "same certificate serial"
jqok 'has("api_secret") | not' "no new secret"
jqok 'has("private_key") | not' "no new key"
jqok '.endpoints.nex == "https://nex.acme.example.com" and .name == "Acme renamed"' "endpoints and name updated"
is "$(sql "SELECT COUNT(*) FROM credential")" "$before_creds" "no credential added"
is "$(sql "SELECT COUNT(*) FROM certificate WHERE marketplace_id = (SELECT id FROM marketplace WHERE nid = 'acme-prod')")" "1" "no certificate added"
req POST /api/v1/marketplaces -u "$KEY:$SECRET" \
    -H 'Content-Type: application/json' --data-binary \
    "$(regbody acme-prod | jq -c '.endpoints.nex = "https://nex.acme.example.com" | .name = "Acme renamed"')"
status 200 "the same re-registration again is 200"
jqok '.serial == "'"$SERIAL"'"' "still the same certificate"

# --- hijack attempts -----------------------------------------------------
TOKM=$(regtoken 5)
TOKM_ID=$(sql "SELECT MAX(id) FROM registration_token")
sum=$(db_checksum)
register "$TOKM" "$(regbody acme-prod)"
status 409 "a token cannot take over an existing nid"
jqok '.detail | test("already registered")' "409 says it is registered"
is "$(sql "SELECT uses FROM registration_token WHERE id = $TOKM_ID")" "0" "the token use is not consumed"
req POST /api/v1/marketplaces -u "$BKEY:$BSECRET" -H 'Content-Type: application/json' \
    --data-binary "$(regbody acme-prod)"
status 403 "another marketplace's key cannot re-register acme-prod"
req POST /api/v1/marketplaces -u "$KEY:$SECRET" -H 'Content-Type: application/json' \
    --data-binary "$(regbody acme-prod | jq -c '.environment = "uat"')"
status 409 "the environment cannot change on re-registration"
req POST /api/v1/marketplaces -u "$KEY:nope" -H 'Content-Type: application/json' \
    --data-binary "$(regbody acme-prod)"
status 401 "a wrong secret cannot re-register"
req POST /api/v1/marketplaces -H "Authorization: Bearer agrt_0000" -H 'Content-Type: application/json' \
    --data-binary "$(regbody delta-prod)"
status 401 "an unknown token is 401"
is "$(db_checksum)" "$sum" "hijack attempts changed nothing"

# --- a used-up token ----------------------------------------------------
register "$TOK" "$(regbody epsilon-prod)"
status 403 "a used-up token is refused"
jqok '.detail | test("no use left")' "403 says the token is used up"

# --- the early refusals: one order, and nothing signed or spent ---------
register "$TOK" "$(regbody acme-prod)"
status 409 "a taken nid comes before a used-up token"
TOKH=$(regtoken 1)
ncert=$(sql "SELECT COUNT(*) FROM certificate")
register "$TOK" "$(regbody refused-prod | jq -c '.endpoints.hub = "https://hub.acme-prod.example.com/"')"
status 403 "a used-up token comes before a taken hub host"
register "$TOKH" "$(regbody refused-prod | jq -c '.endpoints.hub = "https://HUB.acme-prod.example.com:8443/x"')"
status 409 "another marketplace's hub host is refused"
jqok '.errors[0].field == "endpoints.hub"' "naming endpoints.hub"
is "$(sql "SELECT COUNT(*) FROM certificate")" "$ncert" "no certificate was issued for the refusals"
register "$TOKH" "$(regbody refused-prod)"
status 201 "the refused token's one use is still there"

# --- Idempotency-Key: a retried first registration gets the first answer
TOKI=$(regtoken 1)
IK="reg-$(openssl rand -hex 8)"
B=$(regbody zeta-prod | jq -c --rawfile c "$W/beta.csr" '.csr = $c')
register "$TOKI" "$B" -H "Idempotency-Key: $IK"
status 201 "first registration with an Idempotency-Key"
cp "$BODY" "$W/zeta1.json"
register "$TOKI" "$B" -H "Idempotency-Key: $IK"
status 201 "the retry (token now used up) replays the first answer"
is "$(header Idempotent-Replayed)" "true" "the replay says so"
is "$(jq -r .serial "$BODY")" "$(jq -r .serial "$W/zeta1.json")" "same serial in the replay"
is "$(jq -r .api_secret "$BODY")" "$(jq -r .api_secret "$W/zeta1.json")" "same secret in the replay"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE nid = 'zeta-prod'")" "1" "one marketplace row"
register "$TOKI" "$(regbody zeta-prod)" -H "Idempotency-Key: $IK"
status 422 "the same key with another body is 422"
ok "the idempotent answer is sealed (no secret in clear)" bash -c \
    "! mariadb-dump --no-defaults -uroot --socket='$PREFIX/mysql/mysql.sock' agora 2>/dev/null | grep -qF '$(jq -r .api_secret "$W/zeta1.json")'"

# A retried key-generating registration never replays the private key.
TOKJ=$(regtoken 1)
IK2="reg-$(openssl rand -hex 8)"
register "$TOKJ" "$(regbody eta-prod)" -H "Idempotency-Key: $IK2"
status 201 "key-generating registration with an Idempotency-Key"
jqok 'has("private_key")' "the first answer has the private key"
register "$TOKJ" "$(regbody eta-prod)" -H "Idempotency-Key: $IK2"
status 201 "its retry replays"
jqok '(has("private_key") | not) and .private_key_withheld == true' "the replay withholds the never-stored key"

# --- CA and CRL downloads -----------------------------------------------
req GET /api/v1/ca.pem
status 200 "GET /api/v1/ca.pem"
is "$(header Content-Type)" "application/x-pem-file" "CA content type"
ok "ca.pem is the platform CA" cmp -s "$BODY" "$PREFIX/ca/ca.pem"
req GET /api/v1/crl.pem
status 200 "GET /api/v1/crl.pem"
is "$(header Content-Type)" "application/pkix-crl" "CRL content type"
ok "the CRL verifies against the CA" openssl crl -noout -CAfile "$CACERT" -in "$BODY"

# --- agoractl marketplace list -------------------------------------------
out=$(ctl marketplace list)
case "$out" in *acme-prod*beta-uat*) pass "agoractl marketplace list";; *) fail "agoractl marketplace list"; diag "$out";; esac

# --- a hub host longer than a CN may be ----------------------------------
LONGHOST="hub-$(printf 'x%.0s' $(seq 30)).$(printf 'y%.0s' $(seq 30)).example.com"
register "$(regtoken 1)" '{"nid":"long-host","name":"Long","environment":"uat","key_type":"p256","endpoints":{"hub":"https://'"$LONGHOST"'"}}'
status 201 "a ${#LONGHOST}-character hub host registers"
jqv .certificate > "$W/long.pem"
ok "its certificate names the host in a SAN" openssl x509 -in "$W/long.pem" -noout -checkhost "$LONGHOST"
is "$(openssl x509 -in "$W/long.pem" -noout -subject -nameopt RFC2253)" "subject=" \
    "under an empty subject (a CN holds 64 characters)"
ok "and verifies against the CA" openssl verify -CAfile "$CACERT" -purpose sslclient "$W/long.pem"

finish
