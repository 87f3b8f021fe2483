#!/bin/bash
# After a revocation nginx refuses the certificate within seconds, with
# no hand-made reload (the crl_hook and scripts/lib/crl-watch that
# scripts/run sets up); /readyz degrades and warns a day before the
# CRL's nextUpdate; the logs are 0640.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t0200-lib.inc"

W=$T_TMP
S=$(rnd)
is "$(sed -n 's/^crl_hook *= *//p' "$AGORA_CONF")" "$AGORA_TOP/scripts/lib/crl-hook" \
    "the stack's config sets a crl_hook"
tok=$(regtoken)
req POST /api/v1/marketplaces -H "Authorization: Bearer $tok" -H "$CT" \
    --data "{\"nid\":\"crl-$S\",\"name\":\"CRL\",\"environment\":\"uat\",\"key_type\":\"p256\",\"endpoints\":{\"hub\":\"https://hub.crl-$S.example.com\"}}"
status 201 "a marketplace registers (the platform makes its key)"
jqv .certificate > "$W/c.pem"
jqv .private_key > "$W/c.key"
MID=$(jqv .id)
req GET /healthz --cert "$W/c.pem" --key "$W/c.key"
status 200 "nginx accepts its client certificate"

admin POST "/api/v1/admin/marketplaces/$MID/certificate/revoke" -H "$CT" --data '{"reason":"keyCompromise"}'
status 200 "an admin revokes it (through a worker)"
t0=$(date +%s%N)
for i in $(seq 1 50); do
	req GET /healthz --cert "$W/c.pem" --key "$W/c.key"
	[ "$STATUS" = 400 ] && break
	sleep 0.1
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
status 400 "nginx refuses the revoked certificate by itself"
diag "nginx refused it after $ms ms"
ok "within 3 seconds ($ms ms)" test "$ms" -lt 3000
req GET /healthz
status 200 "a client without a certificate is still served"
# Two revocations in quick succession (the CRL rewritten twice within a
# second): nginx enforces the second as well as the first.
for n in e f; do
	req POST /api/v1/marketplaces -H "Authorization: Bearer $(regtoken)" -H "$CT" \
	    --data "{\"nid\":\"crl$n-$S\",\"name\":\"CRL $n\",\"environment\":\"uat\",\"key_type\":\"p256\",\"endpoints\":{\"hub\":\"https://hub.crl$n-$S.example.com\"}}"
	jqv .certificate > "$W/$n.pem"
	jqv .private_key > "$W/$n.key"
	eval "ID_$n=$(jqv .id)"
done
admin POST "/api/v1/admin/marketplaces/$ID_e/certificate/revoke" -H "$CT" --data '{}'
status 200 "a first revocation"
admin POST "/api/v1/admin/marketplaces/$ID_f/certificate/revoke" -H "$CT" --data '{}'
status 200 "and a second at once"
t0=$(date +%s%N)
for i in $(seq 1 50); do
	req GET /healthz --cert "$W/f.pem" --key "$W/f.key"
	[ "$STATUS" = 400 ] && break
	sleep 0.1
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
status 400 "nginx refuses the second revoked certificate"
ok "within 3 seconds ($ms ms)" test "$ms" -lt 3000
req GET /healthz --cert "$W/e.pem" --key "$W/e.key"
status 400 "and the first"

# agoractl as the operator: its crl_hook reloads nginx at once.
req POST /api/v1/marketplaces -H "Authorization: Bearer $(regtoken)" -H "$CT" \
    --data "{\"nid\":\"crl2-$S\",\"name\":\"CRL 2\",\"environment\":\"uat\",\"key_type\":\"p256\",\"endpoints\":{\"hub\":\"https://hub.crl2-$S.example.com\"}}"
jqv .certificate > "$W/d.pem"
jqv .private_key > "$W/d.key"
ok "agoractl revokes" ctl certificate revoke "crl2-$S" -r keyCompromise
for i in $(seq 1 30); do
	req GET /healthz --cert "$W/d.pem" --key "$W/d.key"
	[ "$STATUS" = 400 ] && break
	sleep 0.1
done
status 400 "nginx refuses a certificate agoractl revoked"

# /readyz and the CRL's nextUpdate.
req GET /readyz
jqok '.status == "ready"' "ready with a fresh CRL"
sed 's/^crl_days *=.*//' "$AGORA_CONF" > "$W/short.conf"
echo "crl_days = 1" >> "$W/short.conf"
: > "$W/log-mark"
n0=$(wc -l < "$PREFIX/log/agora.log")
AGORA_CONF=$W/short.conf ctl crl >/dev/null
req GET /readyz
status 200 "a CRL due within a day still serves"
jqok '.status == "degraded" and (.warnings[0] | test("nextUpdate"))' "but /readyz says degraded, and why"
sleep 0.2
ok "and a warning is logged" sh -c "tail -n +$((n0 + 1)) '$PREFIX/log/agora.log' | grep 'level=warn' | grep -q nextUpdate"
ctl crl >/dev/null
req GET /readyz
jqok '.status == "ready"' "a rewritten CRL makes it ready again"
mv "$PREFIX/ca/crl.pem" "$W/crl.keep"
req GET /readyz
status 503 "no CRL at all is not ready"
mv "$W/crl.keep" "$PREFIX/ca/crl.pem"
req GET /readyz
status 200 "ready again"

for f in agora.log nginx-access.log nginx-error.log mariadb.log; do
	is "$(stat -c %a "$PREFIX/log/$f")" 640 "log/$f is 0640"
done
finish
