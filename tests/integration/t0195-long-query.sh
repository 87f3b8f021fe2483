#!/bin/bash
# A long query string on a list route: the Link header echoes the query
# four times, which once made a response header nginx refused (502). The
# header is left out when it would not fit; the list is still answered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
provider_new "lq-$(rnd)"
P=$P_CRED
long=$(head -c 7000 /dev/zero | tr '\0' 'a')
for path in "/api/v1/admin/tenants?limit=1&x=$long" "/api/v1/admin/marketplaces?limit=1&x=$long" \
    "/api/v1/admin/providers?limit=1&x=$long" "/api/v1/admin/listings?limit=1&x=$long"; do
	admin GET "$path"
	status 200 "a ~7 KB query on ${path%%\?*} is answered"
	ok "with X-Total-Count" test -n "$(header X-Total-Count)"
	is "$(header Link)" "" "and no Link header it could not carry"
done
as "$P" GET "/api/v1/apps?limit=1&x=$long"
status 200 "the provider's app list too"
admin GET "/api/v1/admin/tenants?limit=1&x=short"
status 200 "a short query"
ok "keeps its Link header, with the query" sh -c "grep -i '^Link:' '$HDRS' | grep -q 'x=short'"
finish
