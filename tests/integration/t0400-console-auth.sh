#!/bin/bash
# Admin console: login, session cookie, security headers, redirects,
# logout, lock-out, session end on password change and idle timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

sess() { awk '$6 == "__Host-agora_session" {print $7}' "${1:-$CJ}"; }

# Without a session every page redirects to the login form.
for p in /admin /admin/audit /admin/tenants /admin/audit.csv \
    /admin/registration-tokens /admin/marketplaces; do
	req GET "$p"
	is "$STATUS $(header Location)" "303 /admin/login" "GET $p without a session redirects to login"
done
req POST /admin/logout --data 'csrf=x'
is "$STATUS $(header Location)" "303 /admin/login" "POST without a session redirects to login"
req GET /admin -H 'Cookie: __Host-agora_session=0123456789abcdef'
is "$STATUS $(header Location)" "303 /admin/login" "an unknown session cookie redirects to login"
req GET /active_admin
is "$STATUS $(header Location)" "301 /admin" "/active_admin redirects to /admin"

# The login page and its headers.
lreq GET /admin/login
status 200 "GET /admin/login"
is "$(header Content-Type)" "text/html; charset=utf-8" "the login page is HTML"
csp=$(header Content-Security-Policy)
case "$csp" in *"default-src 'none'"*"frame-ancestors 'none'"*) pass "a strict CSP is sent";;
    *) fail "a strict CSP is sent"; diag "$csp";; esac
case "$csp" in *unsafe-inline*|*unsafe-eval*) fail "the CSP allows no inline code";;
    *) pass "the CSP allows no inline code";; esac
is "$(header X-Frame-Options)" "DENY" "X-Frame-Options DENY"
is "$(header Referrer-Policy)" "no-referrer" "Referrer-Policy no-referrer"
is "$(grep -c -E '<script>|<script [^>]*>[^<]|style=|<style' "$BODY")" "0" "no inline script or style"
req GET /admin/assets/console.css
status 200 "the stylesheet is served by nginx"

# Logging in.
nlogin=$(sql "SELECT COUNT(*) FROM audit WHERE action = 'admin.login' AND actor = 'admin:$ADMIN_EMAIL'")
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
is "$STATUS $(header Location)" "303 /admin" "a good login redirects to the dashboard"
sc=$(grep -i '^set-cookie: __Host-agora_session=' "$HDRS" | tr -d '\r')
case "$sc" in *"; HttpOnly"*) pass "the session cookie is HttpOnly";; *) fail "the session cookie is HttpOnly"; diag "$sc";; esac
case "$sc" in *"; Secure"*) pass "the session cookie is Secure";; *) fail "the session cookie is Secure";; esac
case "$sc" in *"; SameSite=Strict"*) pass "the session cookie is SameSite=Strict";; *) fail "the session cookie is SameSite=Strict";; esac
case "$sc" in *"; Path=/;"*) pass "the session cookie has Path=/";; *) fail "the session cookie has Path=/";; esac
case "$sc" in *"Max-Age="[1-9]*) pass "the session cookie expires";; *) fail "the session cookie expires";; esac
S1=$(sess)
is "${#S1}" "64" "the session token is 256 bits"
is "$(sql "SELECT COUNT(*) FROM admin_session WHERE token_hash = UNHEX(SHA2('$S1', 256))")" "1" \
    "only the token's SHA-256 is stored"
is "$(sql "SELECT COUNT(*) FROM admin_session WHERE HEX(token_hash) LIKE '%$S1%' OR csrf = '$S1'")" "0" \
    "the token itself is not stored"
req GET /admin -b "$CJ"
status 200 "the dashboard with the session"
ok "the dashboard names the admin" grep -q "$ADMIN_EMAIL" "$BODY"
ok "the dashboard shows counts" grep -q 'class="counts"' "$BODY"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'admin.login' AND actor = 'admin:$ADMIN_EMAIL'")" "$((nlogin + 1))" \
    "the login is audited"

# A new session id on every login; the one the browser had ends.
cp "$CJ" "$T_TMP/old"
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
S2=$(sess)
isnt "$S2" "$S1" "a second login gets a new session id"
req GET /admin -b "$T_TMP/old"
is "$STATUS $(header Location)" "303 /admin/login" "the previous session ended at the new login"

# Logout ends the session server-side.
req GET /admin -b "$CJ"
t=$(csrf)
cp "$CJ" "$T_TMP/before-logout"
req POST /admin/logout -b "$CJ" -c "$CJ" --data-urlencode "csrf=$t"
is "$STATUS $(header Location)" "303 /admin/login?done=loggedout" "logout redirects to login"
ok "logout clears the cookie" grep -qi '^set-cookie: __Host-agora_session=;.*Max-Age=0' "$HDRS"
req GET /admin -b "$T_TMP/before-logout"
is "$STATUS $(header Location)" "303 /admin/login" "the old cookie is refused after logout"
is "$(sql "SELECT COUNT(*) FROM admin_session WHERE token_hash = UNHEX(SHA2('$S2', 256))")" "0" \
    "logout deleted the session row"

# Bad credentials: one answer for an unknown e-mail and a wrong password.
login "$ADMIN_EMAIL" "wrong-password-123"
status 401 "a wrong password is 401"
grep -o '<p class="flash error">[^<]*' "$BODY" > "$T_TMP/m1"
ok "no session cookie on failure" sh -c "! grep -qi '^set-cookie: __Host-agora_session=[0-9a-f]' '$HDRS'"
login "nobody@agora.test" "wrong-password-123"
status 401 "an unknown e-mail is 401"
grep -o '<p class="flash error">[^<]*' "$BODY" > "$T_TMP/m2"
ok "the answer is the same for an unknown e-mail and a wrong password" \
    sh -c "test -s '$T_TMP/m1' && cmp -s '$T_TMP/m1' '$T_TMP/m2'"
ok "the e-mail is kept in the form" grep -q 'value="nobody@agora.test"' "$BODY"

# Lock-out after login_max_fail (5) failures, right password refused.
LPW=lockpass-$(randhex 6 2>/dev/null || openssl rand -hex 6)
echo "$LPW" | ctl create-admin lock@agora.test >/dev/null
for i in 1 2 3 4 5; do login lock@agora.test "wrong-password-$i"; done
status 401 "the fifth failure is refused"
ok "the account is locked (from this address)" test "$(sql "SELECT locked_until > NOW(6) FROM login_lock WHERE email = 'lock@agora.test'")" = 1
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'admin.lock'")" "1" "the lock is audited"
login lock@agora.test "$LPW"
status 401 "the right password is refused while locked"
grep -o '<p class="flash error">[^<]*' "$BODY" > "$T_TMP/m3"
ok "the locked answer is the same as a wrong password" cmp -s "$T_TMP/m1" "$T_TMP/m3"
is "$(sql "SELECT COUNT(*) FROM admin_session s JOIN admin_user a ON a.id = s.admin_id WHERE a.email = 'lock@agora.test'")" \
    "0" "no session for a locked account"
sql "UPDATE login_lock SET locked_until = NOW(6) - INTERVAL 1 SECOND WHERE email = 'lock@agora.test'"
login lock@agora.test "$LPW" "$T_TMP/lockjar"
is "$STATUS $(header Location)" "303 /admin" "the right password works once the lock expires"
is "$(sql "SELECT COUNT(*) FROM login_lock WHERE email = 'lock@agora.test'")" "0" "success resets the failure count"

# The login form is protected too.
lreq POST /admin/login --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$ADMIN_PASSWORD"
status 403 "a login post without the form's token is refused"
login "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$T_TMP/j3"
lreq GET /admin/login -c "$T_TMP/j4" -b "$T_TMP/j4"
t=$(csrf)
lreq POST /admin/login -b "$T_TMP/j4" -H 'Sec-Fetch-Site: cross-site' \
    --data-urlencode "csrf=$t" --data-urlencode "email=$ADMIN_EMAIL" \
    --data-urlencode "password=$ADMIN_PASSWORD"
status 403 "a cross-site login post is refused"

# A password change ends existing sessions.
req GET /admin -b "$T_TMP/lockjar"
status 200 "the second admin's session works"
echo "$LPW-new" | ctl set-password lock@agora.test >/dev/null
req GET /admin -b "$T_TMP/lockjar"
is "$STATUS $(header Location)" "303 /admin/login" "a password change ends the session"

# Idle sessions end.
req GET /admin -b "$T_TMP/j3"
status 200 "a fresh session works"
sql "UPDATE admin_session SET seen_at = NOW(6) - INTERVAL 2 DAY"
req GET /admin -b "$T_TMP/j3"
is "$STATUS $(header Location)" "303 /admin/login" "an idle session is refused"

finish
