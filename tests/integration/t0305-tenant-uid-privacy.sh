#!/bin/bash
# A marketplace choosing a tenant uid learns nothing about other
# marketplaces' tenants: a uid taken anywhere gets the very answer of a
# malformed uid (admins, who see every tenant, still get 409).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

S=$(rnd)
mkt_new "up1-$S"
M1=$MKT_CRED
mkt_new "up2-$S"
M2=$MKT_CRED
asj "$M1" POST /api/v1/marketplace/tenants "{\"uid\":\"tnt_taken-$S\",\"name\":\"One\"}"
status 201 "marketplace one creates tenant tnt_taken-$S"

sum=$(db_checksum)
asj "$M2" POST /api/v1/marketplace/tenants "{\"uid\":\"tnt_taken-$S\",\"name\":\"Two\"}"
status 400 "marketplace two asking for the same uid gets a 400"
jq -S 'del(.request_id)' "$BODY" > "$T_TMP/taken"
asj "$M2" POST /api/v1/marketplace/tenants "{\"uid\":\"tnt bad $S\",\"name\":\"Two\"}"
status 400 "a malformed uid is a 400"
jq -S 'del(.request_id)' "$BODY" > "$T_TMP/bad"
ok "the two answers are the same, byte for byte" cmp -s "$T_TMP/taken" "$T_TMP/bad"
jqok '.errors[0].field == "uid"' "naming uid"
is "$(db_checksum)" "$sum" "and nothing changed"
admin POST /api/v1/admin/tenants -H "$CT" --data "{\"marketplace\":\"up2-$S\",\"uid\":\"tnt_taken-$S\",\"name\":\"Admin\"}"
status 409 "an admin still gets 409"
finish
