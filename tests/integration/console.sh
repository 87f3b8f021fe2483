# console.sh: helpers for the admin console tests (t04NN-console-*.sh),
# sourced after lib.sh. A cookie jar per browser, the login form's
# double-submit token, the session's CSRF token from the last page.

CJ=$T_TMP/cookies

# nginx rate-limits /admin/login (429): wait and retry, as a person would.
lreq() {
	local i
	for i in $(seq 1 40); do
		req "$@"
		[ "$STATUS" = 429 ] || return 0
		sleep 0.25
	done
}

# csrf: the (first) CSRF token of the last page.
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -1 |
    sed 's/.*value="//; s/"$//'; }

# login EMAIL PASSWORD [JAR]: fetch the form (its token cookie), post it.
login() {
	local jar=${3:-$CJ} t
	lreq GET /admin/login -c "$jar" -b "$jar"
	t=$(csrf)
	lreq POST /admin/login -c "$jar" -b "$jar" --data-urlencode "csrf=$t" \
	    --data-urlencode "email=$1" --data-urlencode "password=$2"
}

# page PATH: GET with the session; post PATH [curl args]: POST a form
# with the session's token (TOK, set by the test from csrf).
page() { req GET "$1" -b "$CJ"; }
post() { local p=$1; shift; req POST "$p" -b "$CJ" --data-urlencode "csrf=$TOK" "$@"; }
