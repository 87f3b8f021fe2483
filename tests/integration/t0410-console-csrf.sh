#!/bin/bash
# Admin console: every POST needs the session's CSRF token and a
# same-origin request; a refused POST changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

# Everything a console POST could change, the audit log included.
# (admin_session.seen_at moves on every request: compare its rows' ids.)
state() { echo "$(db_checksum) $(sql "CHECKSUM TABLE audit" | awk '{print $2}')" \
    "$(sql "SELECT GROUP_CONCAT(id ORDER BY id), GROUP_CONCAT(csrf) FROM admin_session")"; }

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
is "$STATUS" "303" "logged in"
req GET /admin/registration-tokens -b "$CJ"
status 200 "the registration tokens page"
TOK=$(csrf)
is "${#TOK}" "64" "the page carries a 64-hex CSRF token"
ok "the create form carries the token" grep -q "action=\"/admin/registration-tokens\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"$TOK\"" "$BODY"

# A second admin's session, for a token that is valid but not ours.
echo "other-password-1234" | ctl create-admin other@agora.test >/dev/null
login other@agora.test other-password-1234 "$T_TMP/other"
req GET /admin -b "$T_TMP/other"
OTHER=$(csrf)
isnt "$OTHER" "$TOK" "each session has its own CSRF token"

form='label=csrf-test&max_uses=1&expires_hours=1'
before=$(state)
req POST /admin/registration-tokens -b "$CJ" --data "$form"
status 403 "a POST without a CSRF token is 403"
is "$(state)" "$before" "and changes nothing"
req POST /admin/registration-tokens -b "$CJ" --data "$form&csrf="
status 403 "a POST with an empty CSRF token is 403"
req POST /admin/registration-tokens -b "$CJ" --data "$form&csrf=$(printf '%064d' 0)"
status 403 "a POST with a wrong CSRF token is 403"
req POST /admin/registration-tokens -b "$CJ" --data "$form&csrf=${TOK:0:63}"
status 403 "a POST with a truncated CSRF token is 403"
req POST /admin/registration-tokens -b "$CJ" --data "$form&csrf=$OTHER"
status 403 "a POST with another session's CSRF token is 403"
req POST /admin/registration-tokens -b "$CJ" -H 'Sec-Fetch-Site: cross-site' \
    --data "$form&csrf=$TOK"
status 403 "a cross-site POST is 403 even with the token"
req POST /admin/registration-tokens -b "$CJ" -H 'Sec-Fetch-Site: same-site' \
    --data "$form&csrf=$TOK"
status 403 "a same-site (other subdomain) POST is 403"
req POST /admin/registration-tokens -b "$CJ" -H 'Origin: https://evil.example' \
    --data "$form&csrf=$TOK"
status 403 "a POST from another Origin is 403 even with the token"
req POST /admin/registration-tokens -b "$CJ" -H 'Origin: null' -H 'Sec-Fetch-Site: cross-site' \
    --data "$form&csrf=$TOK"
status 403 "a POST from an opaque origin that is cross-site is 403"
req POST /admin/registration-tokens -b "$CJ" -H 'Content-Type: application/json' \
    --data "{\"csrf\":\"$TOK\"}"
status 415 "a JSON body is refused"
req POST /admin/registration-tokens -b "$CJ" --data "$form&csrf=$TOK&x=%00"
status 400 "a NUL byte in the form is refused"
req POST /admin/logout -b "$CJ" --data "csrf=$OTHER"
status 403 "logout with a wrong token is refused"
is "$(state)" "$before" "none of the refused POSTs changed anything"
req GET /admin -b "$CJ"
status 200 "the session still works after the refused logout"

# Field errors are shown beside the field and the input is kept.
req POST /admin/registration-tokens -b "$CJ" \
    --data "label=keep+me&max_uses=0&expires_hours=1&csrf=$TOK"
status 400 "a bad value is 400"
ok "the error is beside its field" grep -q 'name="max_uses" value="0"></div>\|name="max_uses" value="0"><span class="error">' "$BODY"
ok "the error names the rule" grep -q 'class="error">must be an integer from 1 to 1000000' "$BODY"
ok "the other input is kept" grep -q 'name="label" value="keep me"' "$BODY"
is "$(state)" "$before" "a refused form changes nothing"

# The right token works, shows the token once and is audited.
n=$(sql "SELECT COUNT(*) FROM registration_token")
req POST /admin/registration-tokens -b "$CJ" -H 'Sec-Fetch-Site: same-origin' \
    -H "Origin: $(sed -n 's/^public_url *= *//p' "$AGORA_CONF")" --data "$form&csrf=$TOK"
status 200 "a POST with the right token is accepted"
RT=$(grep -o 'agrt_[0-9a-f]*' "$BODY" | head -1)
is "${#RT}" "69" "the new token is shown once"
is "$(sql "SELECT COUNT(*) FROM registration_token")" "$((n + 1))" "one token was created"
is "$(sql "SELECT COUNT(*) FROM registration_token WHERE token_hash = UNHEX(SHA2('$RT', 256))")" "1" \
    "only its hash is stored"
is "$(sql "SELECT actor FROM audit WHERE action = 'registration_token.create' ORDER BY id DESC LIMIT 1")" \
    "admin:$ADMIN_EMAIL" "the change is audited with the admin as actor"
req GET /admin/registration-tokens -b "$CJ"
ok "the list does not show the token again" sh -c "! grep -q '$RT' '$BODY'"
ok "the list shows the new token's label" grep -q '<td>csrf-test</td>' "$BODY"

finish
