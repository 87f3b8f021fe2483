#!/bin/bash
# A worker that has checked a tenant's or an environment's secret keeps
# what it found and, on the next request with the same key and secret,
# asks the database only for the generations (migration 0008). Every
# change to a credential row made by hand with the mariadb client must
# still show on the very next request on every worker: a changed or
# deleted secret is refused, a hand-made second secret works at once,
# an owner moved by hand answers as the new owner, and a grace period
# ends on time with no write at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
provider_new "memop-$S"
P=$P_CRED
app_new "$P" "ma-$S" '"rank":1,"self_publish":["*"]'
A1=$APP_ID
app_new "$P" "mb-$S" '"rank":2'
A2=$APP_ID
env_new "$P" "$A1" production
E=$ENV_CRED
EID=$ENV_ID
mkt_new "mm-$S"
M=$MKT_CRED
asj "$M" POST /api/v1/marketplace/listings "{\"app\":\"ma-$S\"}"
status 201 "the marketplace publishes the app onto itself"
tenant_new "mm-$S" "Memo One"
T1=$TEN_CRED
T1ID=$TEN_ID
tenant_new "mm-$S" "Memo Two"
T2ID=$TEN_ID
K1=${T1%%:*}
EK=${E%%:*}

CAT=/api/mnoe/v2/apps
TEN=/api/mnoe/v2/tenant
CFG=/api/config/v1/marketplaces

get() { req GET "$2" -g -u "$1" "${@:3}"; }

# every WANT DESC CRED PATH: twelve requests (every worker takes some)
# all answer WANT.
every() {
	local want=$1 d=$2 cred=$3 path=$4 i bad=0 seen=
	for i in $(seq 1 12); do
		get "$cred" "$path"
		[ "$STATUS" = "$want" ] || { bad=1; seen=$STATUS; }
	done
	if [ "$bad" = 0 ]; then
		pass "$d"
	else
		fail "$d"
		diag "a request answered $seen, not $want"
	fi
}

# Warm: every worker has checked T1's and E's secrets and keeps them.
# Then of twelve more requests each, all but a worker's first (if the
# warm-up missed it) are confirmed by their generations alone, so what
# follows tests the kept checks.
every 200 "the tenant's catalog answers on every worker" "$T1" $CAT
every 200 "the environment's autoconfigure answers on every worker" "$E" $CFG
k0=$(metric agora_credentials_kept_total)
every 200 "the tenant's catalog again" "$T1" $CAT
every 200 "the environment's autoconfigure again" "$E" $CFG
k1=$(metric agora_credentials_kept_total)
ok "of those 24, $((k1 - k0)) were kept checks" \
    test "$((k1 - k0))" -ge $((24 - 2 * ${WORKERS:-4})) -a "$((k1 - k0))" -le 24
every 401 "a wrong secret for a key a worker keeps is refused" \
    "$K1:not-the-key" $CAT

# The secret's hash changed by hand, then put back.
H1=$(sql "SELECT HEX(secret_hash) FROM credential WHERE kind = 'tenant' AND key_id = '$K1'")
sql "UPDATE credential SET secret_hash = UNHEX(SHA2('other', 256)) WHERE kind = 'tenant' AND key_id = '$K1'"
k0=$(metric agora_credentials_kept_total)
every 401 "a secret replaced by hand is refused on the very next requests" \
    "$T1" $CAT
is "$(metric agora_credentials_kept_total)" "$k0" \
    "none of them passed a kept check"
every 200 "the replacing secret works at once" "$K1:other" $CAT
sql "UPDATE credential SET secret_hash = UNHEX('$H1') WHERE kind = 'tenant' AND key_id = '$K1'"
every 200 "the secret put back by hand works again" "$T1" $CAT

# Deleted by hand, then inserted back by hand.
ROW=$(sql "SELECT id, owner_id FROM credential WHERE kind = 'tenant' AND key_id = '$K1'")
CID=$(cut -f1 <<<"$ROW")
sql "DELETE FROM credential WHERE id = $CID"
every 401 "a credential deleted by hand is refused at once" "$T1" $CAT
every 401 "on the hub tenant too" "$T1" $TEN
sql "INSERT INTO credential (id, kind, key_id, secret_hash, owner_id) VALUES ($CID, 'tenant', '$K1', UNHEX('$H1'), $T1ID)"
every 200 "inserted back by hand, it works at once" "$T1" $CAT

# A second secret for the same key, inserted by hand: both work.
sql "INSERT INTO credential (kind, key_id, secret_hash, owner_id) VALUES ('tenant', '$K1', UNHEX(SHA2('second-$S', 256)), $T1ID)"
every 200 "a second secret inserted by hand works at once" \
    "$K1:second-$S" $CAT
every 200 "and the first one still does" "$T1" $CAT
sql "DELETE FROM credential WHERE kind = 'tenant' AND key_id = '$K1' AND id <> $CID"
every 401 "the second one deleted by hand is refused" "$K1:second-$S" $CAT

# The owner moved by hand: the key answers as the other tenant.
get "$T1" $TEN
jqok '.data.attributes.name == "Memo One"' "the key is Memo One's"
sql "UPDATE credential SET owner_id = $T2ID WHERE id = $CID"
good=1
for i in $(seq 1 12); do
	get "$T1" $TEN
	[ "$STATUS" = 200 ] &&
	    jq -e '.data.attributes.name == "Memo Two"' "$BODY" >/dev/null ||
	    good=0
done
is "$good" 1 "its owner moved by hand, every next request is Memo Two's"
sql "UPDATE credential SET owner_id = $T1ID WHERE id = $CID"
get "$T1" $TEN
jqok '.data.attributes.name == "Memo One"' "and moved back, Memo One's again"

# A grace period set by hand ends on time, with no write at all.
sql "UPDATE credential SET expires_at = NOW(6) + INTERVAL 3 SECOND WHERE id = $CID"
every 200 "a secret in a grace period set by hand still works" "$T1" $CAT
sleep 4
every 401 "and is refused on every worker once it has passed" "$T1" $CAT
sql "UPDATE credential SET expires_at = NULL WHERE id = $CID"
every 200 "its expiry lifted by hand, it works again" "$T1" $CAT

# The environment's credential: deleted, expired, moved with its
# environment to another app.
EROW=$(sql "SELECT id, HEX(secret_hash) FROM credential WHERE kind = 'environment' AND key_id = '$EK'")
ECID=$(cut -f1 <<<"$EROW")
EH=$(cut -f2 <<<"$EROW")
sql "DELETE FROM credential WHERE id = $ECID"
every 401 "an environment's credential deleted by hand is refused at once" \
    "$E" $CFG
sql "INSERT INTO credential (id, kind, key_id, secret_hash, owner_id) VALUES ($ECID, 'environment', '$EK', UNHEX('$EH'), $EID)"
every 200 "inserted back by hand, it works at once" "$E" $CFG
sql "UPDATE credential SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE id = $ECID"
every 401 "expired by hand, it is refused at once" "$E" $CFG
sql "UPDATE credential SET expires_at = NULL WHERE id = $ECID"
get "$E" $CFG
jqok ".marketplaces | length == 1 and .[0].marketplace == \"mm-$S\"" \
    "the environment's app is listed on one marketplace"
sql "UPDATE environment SET app_id = $A2 WHERE id = $EID"
good=1
for i in $(seq 1 12); do
	get "$E" $CFG
	[ "$STATUS" = 200 ] &&
	    jq -e '.marketplaces == []' "$BODY" >/dev/null || good=0
done
is "$good" 1 "its environment moved by hand to an unlisted app, every next answer is that app's"

# A registration's marketplace credential moves no generation.
before=$(sql "SELECT COUNT(*), COALESCE(SUM(n), 0) FROM gen")
mkt_new "mn-$S"
after=$(sql "SELECT COUNT(*), COALESCE(SUM(n), 0) FROM gen")
is "$after" "$before" "a registration's credential moves no generation"

finish
