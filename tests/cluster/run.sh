#!/bin/bash
# tests/cluster/run.sh: agora on a Galera cluster, end to end. Starts
# scripts/cluster in a scratch directory on free ports (3 Galera nodes, 2
# hosts with the sanitizer build's workers, haproxy in front), then:
#	1. the three flows and the hub catalog through the front, with each
#	   write on one host and the read that follows on the other; a
#	   revocation reaches the other host's nginx through the database;
#	2. a database node SIGKILLed under a bounded load of writes
#	   (registrations, tenants, tenant apps) and catalog reads through
#	   both hosts, restarted (IST), then every node checked row by row;
#	3. a web host SIGKILLed under load: the front keeps answering;
#	4. two nodes killed: the survivor is not primary and refuses writes;
#	   after the restart all nodes agree.
# TAP output, figures as "# figure: ..." lines, "N passed, N failed" last.
#	BUILD=dir tests/cluster/run.sh
set -u
AGORA_TOP=${AGORA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$AGORA_TOP/build}
REG_RATE=${REG_RATE:-500r/s}
REG_BURST=${REG_BURST:-1000}
LOGIN_RATE=${LOGIN_RATE:-200r/s}
LOGIN_BURST=${LOGIN_BURST:-400}
SECRET_GRACE=${SECRET_GRACE:-5}
export REG_RATE REG_BURST LOGIN_RATE LOGIN_BURST SECRET_GRACE
. "$AGORA_TOP/scripts/lib/stack.sh"

CL=$(mktemp -d /tmp/agora-cl.XXXXXX)
chmod 755 "$CL"
# 50 free ports in a row from a random base, below the kernel's
# ephemeral range (a port some connection uses as its local end cannot
# be bound either), and used by no socket in any state.
eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
for _ in $(seq 1 50); do
	P=$((10000 + RANDOM % (eph - 10000 - 50)))
	busy=""
	for i in $(seq 0 49); do
		ss -Htan "sport = :$((P + i))" 2>/dev/null | grep -q . && { busy=1; break; }
	done
	[ -z "$busy" ] && break
done
mkdir -p "$CL/log"
chmod 777 "$CL/log"
export ASAN_OPTIONS="log_path=$CL/log/asan:detect_leaks=0:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$CL/log/ubsan:print_stacktrace=1"
cluster() {
	AGORA_CLUSTER=$CL AGORA_PORT=$P AGORA_NO_BUILD=1 AGORA_BUILD=$BUILD \
	    "$AGORA_TOP/scripts/cluster" "$@"
}
cleanup() {
	cluster stop >/dev/null 2>&1
	if [ -z "${KEEP:-}" ]; then rm -rf "$CL"; else echo "# kept $CL" >&2; fi
}
trap cleanup EXIT

T0=$(date +%s)
if ! cluster start >"$CL/start.log" 2>&1; then
	tail -30 "$CL/start.log" | sed 's/^/# /'
	echo "not ok 1 - the cluster starts"
	echo "0 passed, 1 failed"
	exit 1
fi

export AGORA_TOP BUILD
export PREFIX=$CL
export BASE="https://localhost:$P"
H1="https://localhost:$((P + 1))"
H2="https://localhost:$((P + 2))"
export CACERT="$CL/ca.pem"
export AGORA_CONF="$CL/agora.conf"
export AGORACTL="$BUILD/src/agoractl"
export ADMIN_EMAIL=admin@agora.test
export ADMIN_TOKEN=$("$AGORACTL" admin-token create "$ADMIN_EMAIL" -l tests)
. "$AGORA_TOP/tests/integration/lib.sh"
. "$AGORA_TOP/tests/integration/t0200-lib.inc"
# lib.sh set its own EXIT trap: keep both.
trap 'rm -rf "$T_TMP"; cleanup' EXIT
pass "the cluster starts ($(( $(date +%s) - T0 )) s)"

# sql [-n N] QUERY: read node N (default 1) as root (what `scripts/cluster
# sql N` runs, without the script around it).
sql() {
	local n=1
	[ "$1" = -n ] && { n=$2; shift 2; }
	mariadb --no-defaults -uroot --socket="$CL/db$n/mysql.sock" -N -B agora -e "$1"
}
# on H REQ...: run a lib.sh request against host H (1, 2) or the front (0).
on() {
	local h=$1 keep=$BASE; shift
	case $h in 1) BASE=$H1 ;; 2) BASE=$H2 ;; *) BASE="https://localhost:$P" ;; esac
	"$@"
	BASE=$keep
}
figure() { echo "# figure: $*"; }

# --- 0. the cluster as scripts/cluster status sees it ----------------------
cluster status > "$T_TMP/status" 2>&1
ok "scripts/cluster status: all nodes and hosts up" cluster status
for n in 1 2 3; do
	is "$(sql -n "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" 3 "node $n: cluster size 3"
done
"$AGORACTL" status > "$T_TMP/ctlstatus" 2>&1
ok "agoractl status on a node: its query cache off, as advised on Galera" \
    grep -qx 'query cache  *off (as advised on Galera)' "$T_TMP/ctlstatus"
is "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'agora' AND (engine <> 'InnoDB' OR table_name NOT IN (SELECT table_name FROM information_schema.table_constraints WHERE table_schema = 'agora' AND constraint_type = 'PRIMARY KEY'))")" 0 \
    "every table is InnoDB with a primary key"

# The front passes the client's address on (PROXY protocol): nginx's
# limits and logs and the workers see 127.0.0.2, not the front's address.
curl -s -o /dev/null --interface 127.0.0.2 --cacert "$CACERT" "$BASE/healthz?from-$P"
access_log_settle
ok "behind the front, a host's nginx sees the client's address" \
    grep -q "^127\.0\.0\.2 .*from-$P" "$CL/host1/log/nginx-access.log" "$CL/host2/log/nginx-access.log"

# --- 1. the flows, writes on one host, reads on the other ------------------
S=$(rnd)
TOK=$(regtoken 5)
on 1 req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK" -H "$CT" \
    --data-binary '{"nid":"cl-'"$S"'","name":"Cluster '"$S"'","environment":"production","endpoints":{"hub":"https://hub.cl-'"$S"'.example.com"}}'
status 201 "flow 1: a marketplace registers on host 1"
MKT="$(jqv .api_key):$(jqv .api_secret)"
MKT_ID=$(jqv .id)
MSERIAL=$(jqv .serial)
jqv .certificate > "$T_TMP/m.pem"
jqv .private_key > "$T_TMP/m.key"
on 2 req GET /api/v1/marketplace -u "$MKT"
status 200 "host 2 knows it at once (its own write, read elsewhere)"
jqok '.nid == "cl-'"$S"'"' "host 2 answers with it"
on 2 req POST /api/v1/marketplaces -u "$MKT" -H "$CT" \
    --data-binary '{"nid":"cl-'"$S"'","name":"Cluster '"$S"'","environment":"production","endpoints":{"hub":"https://hub.cl-'"$S"'.example.com","impac":"https://impac.cl-'"$S"'.example.com"}}'
status 200 "its next start re-registers on host 2: updated, nothing new"
jqok '(.api_secret == null) and (.endpoints.impac == "https://impac.cl-'"$S"'.example.com")' "no new secret, new endpoint"
on 1 req GET /api/v1/marketplace -u "$MKT"
jqok '.endpoints.impac == "https://impac.cl-'"$S"'.example.com"' "host 1 sees the change"

# Idempotency-Key: the replay is in the database, so any host replays it.
TOK2=$(regtoken 2)
IK="idem-$S"
on 1 req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK2" -H "Idempotency-Key: $IK" -H "$CT" \
    --data-binary '{"nid":"ci-'"$S"'","name":"Idem","environment":"uat","endpoints":{"hub":"https://hub.ci-'"$S"'.example.com"}}'
status 201 "a registration with an Idempotency-Key on host 1"
first=$(jqv .api_secret)
on 2 req POST /api/v1/marketplaces -H "Authorization: Bearer $TOK2" -H "Idempotency-Key: $IK" -H "$CT" \
    --data-binary '{"nid":"ci-'"$S"'","name":"Idem","environment":"uat","endpoints":{"hub":"https://hub.ci-'"$S"'.example.com"}}'
status 201 "the same request on host 2 is replayed"
is "$(header Idempotent-Replayed)" true "marked replayed"
is "$(jqv .api_secret)" "$first" "with the first answer"
is "$(sql "SELECT COUNT(*) FROM marketplace WHERE nid = 'ci-$S'")" 1 "one marketplace"

# Flow 2: provider, app, environment, listing; approved on the other host.
on 1 provider_new "clp-$S"
on 2 app_new "$P_CRED" "cla-$S"
status 201 "flow 2: an app created on host 2 by a provider created on host 1"
AID=$APP_ID
on 1 env_new "$P_CRED" "$AID" "prod"
status 201 "its environment on host 1"
on 2 asj "$P_CRED" POST /api/v1/apps/$AID/listings '{"marketplace":"cl-'"$S"'"}'
status 201 "a listing asked on host 2"
LID=$(jqv .id)
on 1 admin POST /api/v1/admin/listings/$LID/approve
status 200 "approved on host 1"
on 2 as "$ENV_CRED" GET /api/config/v1/marketplaces
status 200 "autoconfigure on host 2"
jqok '[.marketplaces[].marketplace] | index("cl-'"$S"'") != null' "lists the marketplace at once"

# Flow 3 and the catalog: tenant mode, a relation on one host, the
# catalog on the other; enable through the hub API, catalog via the front.
on 1 adminj POST /api/v1/admin/tenants '{"marketplace":"cl-'"$S"'","name":"T '"$S"'","metadata":{"app_management":"tenant"}}'
status 201 "flow 3: a tenant in tenant mode on host 1"
TID=$(jqv .id); TAUTH="$(jqv .uid):$(jqv .key)"
on 2 req GET /api/mnoe/v2/apps -u "$TAUTH"
jqok '.meta.record_count == 0' "its catalog on host 2 is empty"
on 2 adminj POST /api/v1/admin/tenants/$TID/apps '{"app":"cla-'"$S"'","rank":3}'
status 201 "a tenant app on host 2"
on 1 req GET /api/mnoe/v2/apps -u "$TAUTH"
jqok '[.data[].attributes.nid] == ["cla-'"$S"'"]' "the catalog on host 1 shows it at once"
etag=$(header ETag)
on 1 req PATCH /api/mnoe/v2/apps/$AID/disable -u "$TAUTH"
status 200 "the express disables it on host 1"
on 2 req GET /api/mnoe/v2/apps -u "$TAUTH" -H "If-None-Match: $etag"
status 200 "host 2 does not answer 304 with the old ETag"
jqok '.meta.record_count == 0' "and its catalog is empty again"
on 0 req PATCH /api/mnoe/v2/apps/$AID/enable -u "$TAUTH"
status 200 "enable through the front"
for i in 1 2 3 4; do
	on 0 req GET /api/mnoe/v2/apps -u "$TAUTH"
	[ "$(jqv '.meta.record_count')" = 1 ] || break
done
is "$(jqv '.meta.record_count')" 1 "four catalog reads through the front (both hosts) agree"
# A hand-made UPDATE on node 3 (no host talks to it first): its trigger
# bumps the app's generation there, the row replicates, and both hosts'
# warm caches answer the new name on the very next read.
hits=0
for h in 1 2; do
	for i in 1 2 3 4 5 6 7 8; do
		on "$h" req GET /api/mnoe/v2/apps -u "$TAUTH"
		[ "$(header X-Cache)" = hit ] && hits=$((hits + 1))
	done
done
ok "the hosts' workers answer the catalog from their caches ($hits hits of 16)" test "$hits" -gt 0
sql -n 3 "UPDATE app SET name = 'Renamed on node 3' WHERE nid = 'cla-$S'"
for h in 1 2; do
	on "$h" req GET /api/mnoe/v2/apps -u "$TAUTH"
	jqok '.data[0].attributes.name == "Renamed on node 3"' "host $h shows a hand-made UPDATE on node 3 at once"
done

# One row written through both hosts at once (the tenant, touched by
# every enable and disable): Galera aborts one of each colliding pair at
# certification (1213) and the worker runs that request again whole.
r0=$(cat "$CL"/host*/log/agora.log | grep -c "error 1213): running the request again")
for i in $(seq 1 12); do
	curl -s -o /dev/null -w '%{http_code}\n' -m 20 --cacert "$CACERT" -X PATCH \
	    -u "$TAUTH" "$H1/api/mnoe/v2/apps/$AID/enable" &
	curl -s -o /dev/null -w '%{http_code}\n' -m 20 --cacert "$CACERT" -X PATCH \
	    -u "$TAUTH" "$H2/api/mnoe/v2/apps/$AID/disable" &
done > "$T_TMP/hot"
wait
r1=$(cat "$CL"/host*/log/agora.log | grep -c "error 1213): running the request again")
is "$(sort "$T_TMP/hot" | uniq -c | awk '$2 != 200 && $2 != 503' | wc -l)" 0 \
    "24 changes of one row on two hosts at once: 200 (or 503), nothing else"
grep -qv '^\(200\|503\)$' "$T_TMP/hot" && why500
ok "Galera aborted some and they ran again ($((r1 - r0)) runs)" test "$r1" -gt "$r0"
figure "one hot row from two hosts: answers $(sort "$T_TMP/hot" | uniq -c | awk '{printf "%s:%s ", $2, $1}'), $((r1 - r0)) runs again after 1213"
for n in 1 2 3; do
	sql -n "$n" "SET SESSION wsrep_sync_wait = 15; SELECT version, updated_at, (SELECT COUNT(*) FROM tenant_app WHERE tenant_id = $TID) FROM tenant WHERE id = $TID" > "$T_TMP/hot$n"
done
ok "the three nodes agree on the row" sh -c "cmp -s $T_TMP/hot1 $T_TMP/hot2 && cmp -s $T_TMP/hot1 $T_TMP/hot3"

# The CRL: revoked on host 1, refused by host 2's nginx within seconds.
on 2 req GET /api/v1/marketplace -u "$MKT" --cert "$T_TMP/m.pem" --key "$T_TMP/m.key"
status 200 "host 2 takes the marketplace's client certificate"
n0=$(sql "SELECT number FROM crl")
t0=$(date +%s.%N)
on 1 adminj POST "/api/v1/admin/marketplaces/$MKT_ID/certificate/revoke" '{"reason":"keyCompromise"}'
status 200 "host 1 revokes it"
for i in $(seq 1 100); do
	on 2 req GET /api/v1/marketplace -u "$MKT" --cert "$T_TMP/m.pem" --key "$T_TMP/m.key"
	[ "$STATUS" = 400 ] && break
	sleep 0.1
done
t1=$(date +%s.%N)
status 400 "host 2's nginx refuses the revoked certificate"
crl_s=$(echo "$t1 - $t0" | bc)
ok "within 5 s ($crl_s s)" test "$(echo "$crl_s < 5" | bc)" = 1
figure "CRL on the other host's nginx: $crl_s s after the revocation"
n1=$(sql "SELECT number FROM crl")
ok "one CRL number sequence: it moved ($n0 -> $n1)" test "$n1" -gt "$n0"
for h in 1 2; do
	openssl crl -in "$CL/host$h/ca/crl.pem" -noout -text > "$T_TMP/crl$h.txt" 2>&1
	ok "host $h's CRL file lists the serial" grep -q "Serial Number: $MSERIAL" "$T_TMP/crl$h.txt"
	got=$(grep -A1 "CRL Number" "$T_TMP/crl$h.txt" | tail -1 | tr -d ' ')
	ok "host $h's CRL file has number $n1 ($got)" test "$got" = "$n1" -o "$got" = "0x$(printf '%X' "$n1")"
done
# Each host's nginx reloads for the new CRL; a reload closes connections
# accepted but not yet read, so the load below starts once both did.
for h in 1 2; do
	for i in $(seq 1 50); do
		grep -q "CRL $n1 loaded" "$CL/host$h/log/crl-sync.log" && break
		sleep 0.1
	done
done
sleep 1

# --- the load ----------------------------------------------------------------
# Records: KIND KEY STATUS START END (seconds, microseconds) in $LD/*.rec.
"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null 2>&1
APPS=$(sql "SELECT a.nid FROM listing l JOIN app a ON a.id = l.app_id JOIN marketplace m ON m.id = l.marketplace_id WHERE m.nid = 'demo' AND l.state = 'approved' ORDER BY a.id LIMIT 6")
on 1 adminj POST /api/v1/admin/tenants '{"marketplace":"demo","name":"Reader '"$S"'"}'
RAUTH="$(jqv .uid):$(jqv .key)"

hit() {	# URL METHOD PATH [curl args]: HS and the body in $bf
	local u=$1 m=$2 p=$3
	shift 3
	HS=$(curl -s -o "$bf" -w '%{http_code}' -m 20 --cacert "$CACERT" \
	    -X "$m" "$@" "$u$p" 2>/dev/null) || true
	[ -n "$HS" ] || HS=000
}
pick() { if [ $(( $1 % 2 )) = 0 ]; then echo "$2"; else echo "$3"; fi; }
reg_writer() {	# LD W N TOKEN URL1 URL2
	local f=$1/reg$2.rec bf=$1/reg$2.body i t0 u
	for i in $(seq 1 "$3"); do
		u=$(pick "$i" "$5" "$6")
		t0=$EPOCHREALTIME
		hit "$u" POST /api/v1/marketplaces -H "Authorization: Bearer $4" -H "$CT" \
		    --data-binary '{"nid":"ld'"$2"'-'"$i-$LTAG"'","name":"Load","environment":"uat","key_type":"p256","endpoints":{"hub":"https://hub.ld'"$2-$i-$LTAG"'.example.com"}}'
		echo "reg ld$2-$i-$LTAG $HS $t0 $EPOCHREALTIME" >> "$f"
	done
}
tenant_writer() {	# LD W N URL1 URL2
	local f=$1/ten$2.rec bf=$1/ten$2.body i t0 u tid a
	for i in $(seq 1 "$3"); do
		u=$(pick "$i" "$4" "$5")
		t0=$EPOCHREALTIME
		hit "$u" POST /api/v1/admin/tenants -H "Authorization: Bearer $ADMIN_TOKEN" -H "$CT" \
		    --data-binary '{"marketplace":"demo","name":"ldt'"$2-$i-$LTAG"'","metadata":{"app_management":"tenant"}}'
		echo "tenant ldt$2-$i-$LTAG $HS $t0 $EPOCHREALTIME" >> "$f"
		[ "$HS" = 201 ] || continue
		tid=$(jq -r .id "$bf")
		for a in $APPS; do
			u=$(pick "$((i + 1))" "$4" "$5")
			t0=$EPOCHREALTIME
			hit "$u" POST "/api/v1/admin/tenants/$tid/apps" -H "Authorization: Bearer $ADMIN_TOKEN" \
			    -H "$CT" --data-binary '{"app":"'"$a"'"}'
			echo "tapp $tid:$a $HS $t0 $EPOCHREALTIME" >> "$f"
		done
	done
}
reader() {	# LD R URL...
	local ld=$1 f=$1/read$2.rec bf=$1/read$2.body i=0 t0
	shift 2
	until [ -f "$ld/stop" ]; do
		i=$((i + 1))
		t0=$EPOCHREALTIME
		hit "${@:$(( i % $# + 1 )):1}" GET "/api/mnoe/v2/apps" -u "$RAUTH"
		echo "read - $HS $t0 $EPOCHREALTIME" >> "$f"
	done
}
# load LD NREG NTEN URL1 URL2: writers and readers in the background.
load() {
	local ld=$1 tok1 tok2
	mkdir -p "$ld"
	LTAG=$(rnd)
	# A token each: one shared token's use counter would be a row both
	# writers update on different nodes, and Galera would abort one of
	# each colliding pair (retried, but not what this load is about).
	tok1=$(ctl registration-token create -u 1000 -e 1h -l load)
	tok2=$(ctl registration-token create -u 1000 -e 1h -l load)
	WRITERS=""
	reg_writer "$ld" 1 "$2" "$tok1" "$4" "$5" &
	WRITERS="$WRITERS $!"
	reg_writer "$ld" 2 "$2" "$tok2" "$5" "$4" &
	WRITERS="$WRITERS $!"
	tenant_writer "$ld" 1 "$3" "$4" "$5" &
	WRITERS="$WRITERS $!"
	tenant_writer "$ld" 2 "$3" "$5" "$4" &
	WRITERS="$WRITERS $!"
	reader "$ld" 1 "$4" "$5" &
	reader "$ld" 2 "https://localhost:$P" &
}
# finish_load LD: wait for the writers (bounded: each request has a 20 s
# client timeout), then stop the readers.
finish_load() {
	local j
	for j in $WRITERS; do
		wait "$j"
	done
	touch "$1/stop"
	wait
}
statuses() { cat "$1"/*.rec | awk '{print $3}' | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'; }

# rows_sum N TABLE...: a digest of each table's rows on node N, read
# causally (after every write the cluster committed). Every column as the
# server prints it, in primary-key order. (CHECKSUM TABLE is not used:
# it was seen to differ between nodes whose SELECT * of marketplace, a
# table with a stored generated column, was byte for byte the same.)
rows_sum() {
	local n=$1 t
	shift
	for t in "$@"; do
		sql -n "$n" "SET SESSION wsrep_sync_wait = 15; SELECT * FROM $t ORDER BY 1" | md5sum | cut -c1-12
	done | tr '\n' ' '
}

# tapp_write N: a write to tenant_app on node N that fires every trigger
# of an insert, rolled back (so nothing changes); fails as agora would.
tapp_write() {
	sql -n "$1" "START TRANSACTION; INSERT INTO tenant_app (tenant_id, app_id) SELECT t.id, a.id FROM tenant t JOIN app a WHERE NOT EXISTS (SELECT 1 FROM tenant_app x WHERE x.tenant_id = t.id AND x.app_id = a.id) LIMIT 1; ROLLBACK"
}

# why500: what the hosts' logs say of each 500 (every request's lines).
why500() {
	local rid
	for rid in $(cat "$CL"/host*/log/agora.log | grep 'answered 50[0-24-9]' |
	    sed -n 's/.* rid=\([0-9a-f]*\) .*/\1/p' | head -3); do
		cat "$CL"/host*/log/agora.log | grep "rid=$rid" | cut -c1-400 | sed 's/^/# /'
	done
}

# check_writes LD: every 2xx write exactly once on every node, an errored
# one absent or whole (with its certificate, credential and audit rows),
# every node the same. One query per node and kind: each row is a write
# found and whether it is whole.
check_writes() {
	local ld=$1 n bad
	cat "$ld"/reg*.rec "$ld"/ten*.rec > "$ld/writes"
	for n in 1 2 3; do
		{
			sql -n "$n" "SELECT 'reg', m.nid, (SELECT COUNT(*) FROM certificate c WHERE c.marketplace_id = m.id) = 1 AND (SELECT COUNT(*) FROM credential k WHERE k.kind = 'marketplace' AND k.owner_id = m.id) = 1 AND (SELECT COUNT(*) FROM audit WHERE target_kind = 'marketplace' AND target_id = m.id) >= 1 FROM marketplace m WHERE m.nid LIKE 'ld%-$LTAG'"
			sql -n "$n" "SELECT 'tenant', t.name, (SELECT COUNT(*) FROM credential k WHERE k.kind = 'tenant' AND k.owner_id = t.id) = 1 FROM tenant t WHERE t.name LIKE 'ldt%-$LTAG'"
			sql -n "$n" "SELECT 'tapp', CONCAT(ta.tenant_id, ':', a.nid), (SELECT COUNT(*) FROM audit WHERE action = 'tenant_app.create' AND target_id = ta.id) = 1 FROM tenant_app ta JOIN app a ON a.id = ta.app_id JOIN tenant t ON t.id = ta.tenant_id WHERE t.name LIKE 'ldt%-$LTAG'"
		} > "$ld/found$n"
		bad=$(awk -F'\t' 'NR == FNR { k = $1 " " $2; cnt[k]++; whole[k] += $3; next }
		    { split($0, f, " "); k = f[1] " " f[2]; c = cnt[k] + 0; w = whole[k] + 0
		      if (f[3] ~ /^2/) { if (c != 1 || w != 1) { print "acknowledged " $0 ": found " c ", whole " w; n++ } else found++ }
		      else if (!(c == 0 || (c == 1 && w == 1))) { print "errored " $0 " half there: found " c ", whole " w; n++ } }
		    END { print found + 0 > "/dev/stderr"; exit n > 0 }' "$ld/found$n" "$ld/writes" 2>"$ld/nfound$n")
		if [ -z "$bad" ]; then
			pass "node $n: every acknowledged write once, every errored one absent or whole"
		else
			fail "node $n: every acknowledged write once, every errored one absent or whole"
			echo "$bad" | head -5 | sed 's/^/# /'
		fi
	done
	for n in 1 2 3; do
		rows_sum "$n" marketplace certificate credential registration_token tenant tenant_app audit idempotency crl > "$ld/sum$n"
	done
	if cmp -s "$ld/sum1" "$ld/sum2" && cmp -s "$ld/sum1" "$ld/sum3"; then
		pass "the three nodes hold the same rows"
	else
		fail "the three nodes hold the same rows"
		diag "$(cat "$ld/sum1"; echo; cat "$ld/sum2"; echo; cat "$ld/sum3")"
	fi
}

# first_ok FILES... K: seconds from K to the end of the first 2xx request
# started at or after K ("-" if none).
first_ok() {
	local k=${!#}
	cat "${@:1:$#-1}" | awk -v k="$k" '$4 >= k && $3 ~ /^2/ { if (m == "" || $5 < m) m = $5 }
	    END { if (m == "") print "-"; else printf "%.2f\n", m - k }'
}
within() { [ "$1" != - ] && [ "$(echo "$1 <= $2" | bc)" = 1 ]; }

# --- 2. a database node killed under load -------------------------------------
LD=$T_TMP/dbkill
log2=$CL/log/db2.log
load "$LD" 80 14 "$H1" "$H2"
sleep 3
cluster kill-db 2 >/dev/null 2>&1
K=$EPOCHREALTIME	# SIGKILL is the command's last act
sleep 6
sz=$(stat -c %s "$log2")
tr0=$EPOCHREALTIME
if cluster start-db 2 >"$T_TMP/startdb.log" 2>&1; then
	pass "the killed node restarts and is Synced"
else
	fail "the killed node restarts and is Synced"
	tail -5 "$T_TMP/startdb.log" | sed 's/^/# /'
fi
rejoin=$(echo "$EPOCHREALTIME - $tr0" | bc)
tail -c +"$((sz + 1))" "$log2" > "$T_TMP/db2-rejoin.log"
ok "it rejoined by IST" grep -q "IST received" "$T_TMP/db2-rejoin.log"
ok "not by SST (no whole copy)" sh -c "! grep -q 'SST completed on joiner' '$T_TMP/db2-rejoin.log'"
finish_load "$LD"
nw=$(cat "$LD"/reg*.rec "$LD"/ten*.rec | wc -l)
nack=$(cat "$LD"/reg*.rec "$LD"/ten*.rec | awk '$3 ~ /^2/' | wc -l)
nrd=$(cat "$LD"/read*.rec | wc -l)
ok "a few hundred writes were tried ($nw)" test "$nw" -ge 300
n5=$(cat "$LD"/*.rec | awk '$3 !~ /^2/ && $3 != 503' | wc -l)
is "$n5" 0 "no answer but 2xx and 503 (no 500, no hung request)"
[ "$n5" -eq 0 ] || why500
cat "$LD"/*.rec | awk '$3 !~ /^2/ && $3 != 503' | head -5 | sed 's/^/# /'
rw=$(first_ok "$LD"/reg*.rec "$LD"/ten*.rec "$K")
rf=$(first_ok "$LD"/read2.rec "$K")
ok "writes succeed again within 5 s of the kill ($rw s)" within "$rw" 5
ok "catalog reads through the front within 5 s ($rf s)" within "$rf" 5
slow=$(cat "$LD"/*.rec | awk '{ d = $5 - $4; if (d > m) m = d } END { printf "%.2f", m }')
check_writes "$LD"
for n in 1 2 3; do
	is "$(sql -n "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" 3 "node $n: cluster size 3 after the restart"
done
figure "database node killed: writes tried $nw, acknowledged $nack, found once and whole on" \
    "nodes 1/2/3 $(cat "$LD/nfound1")/$(cat "$LD/nfound2")/$(cat "$LD/nfound3"), catalog reads $nrd;" \
    "answers $(statuses "$LD"); writes back $rw s and front reads back $rf s after the kill;" \
    "slowest request $slow s; the node rejoined (IST) and was Synced in $rejoin s"

# Under this load a node may be left unable to run tenant_app's triggers
# (a MariaDB 10.11 defect, made on purpose in section 3b; agora moves off
# such a node). A root session on each node tries a write for up to 5 s;
# a node still failing then has the defect, and the remedy doc/cluster.md
# gives (FLUSH TABLES tenant_app on that node) must mend it.
t0=$EPOCHREALTIME
for i in $(seq 1 25); do
	bad=""
	for n in 1 2 3; do
		tapp_write "$n" >/dev/null 2>&1 || bad="$bad $n"
	done
	[ -z "$bad" ] && break
	sleep 0.2
done
if [ -z "$bad" ]; then
	figure "tenant_app writable on all three nodes $(echo "$EPOCHREALTIME - $t0" | bc) s after the load of section 2 ended"
else
	figure "the defect met under load: tenant_app not writable on node(s)$bad 5 s after the load of section 2 ended"
	for n in $bad; do
		sql -n "$n" "FLUSH LOCAL TABLES tenant_app"
		ok "node $n: FLUSH TABLES tenant_app mends it" tapp_write "$n"
	done
fi

# --- 3. a web host killed under load -------------------------------------------
LD=$T_TMP/hostkill
FRONT="https://localhost:$P"
load "$LD" 150 15 "$FRONT" "$FRONT"
# Kill once the load is well under way (a quarter of the registrations),
# not after a fixed time: how long the load lasts depends on the build.
for _ in $(seq 1 100); do
	[ "$(cat "$LD"/reg*.rec 2>/dev/null | wc -l)" -ge 75 ] && break
	sleep 0.1
done
cluster kill-host 1 >/dev/null 2>&1
K=$EPOCHREALTIME	# SIGKILL is the command's last act
finish_load "$LD"
late=$(cat "$LD"/*.rec | awk -v k="$K" '$4 >= k + 1 && ($3 ~ /^5/ || $3 == "000")' | wc -l)
early=$(cat "$LD"/*.rec | awk -v k="$K" '$4 < k + 1 && ($3 ~ /^5/ || $3 == "000")' | wc -l)
after=$(cat "$LD"/*.rec | awk -v k="$K" '$4 >= k + 1' | wc -l)
ok "the front answered requests after the host died ($after)" test "$after" -gt 20
is "$late" 0 "no 5xx and no failed connection past the first second"
[ "$late" -eq 0 ] || why500
cat "$LD"/*.rec | awk -v k="$K" '$4 >= k + 1 && ($3 ~ /^5/ || $3 == "000")' | head -5 | sed 's/^/# /'
check_writes "$LD"
figure "web host killed: $(cat "$LD"/*.rec | wc -l) requests through the front, answers $(statuses "$LD");" \
    "$early failed in the first second, $late after"
ok "the host starts again" cluster start-host 1
for i in $(seq 1 40); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CACERT" "$H1/readyz")" = 200 ] && break
	sleep 0.25
done
on 1 req GET /readyz
status 200 "host 1 is ready again"

# --- 3b. a node that cannot run tenant_app's triggers ----------------------------
# MariaDB 10.11 was seen to keep, after a Galera abort hit a session that
# was opening tenant_app, a copy of the table whose triggers failed to
# load in one node's table cache: every write to tenant_app on that node
# then fails ("Trigger ... has an error in its body", or the procedure
# it calls "does not exist") until FLUSH TABLES there. Made here on
# purpose: the procedure tenant_app's triggers call is dropped on node 1
# alone. Writers that meet it must move to another node, not answer 503.
pdef=$(sql -n 2 "SHOW CREATE PROCEDURE event_tenant_app")
pmode=$(printf '%s' "$pdef" | cut -f2)
sql -n 1 "SET SESSION wsrep_on = OFF; DROP PROCEDURE event_tenant_app"
if tapp_write 1 2>"$T_TMP/broken.err"; then
	fail "node 1 fails writes to tenant_app (the defect, made)"
else
	pass "node 1 fails writes to tenant_app (the defect, made: $(grep -o "ERROR.*" "$T_TMP/broken.err" | head -1 | cut -c1-90))"
fi
moves() { cat "$CL"/host*/log/agora.log | grep -c "failed to load a trigger: moving"; }
m0=$(moves)
TB=$(rnd)
on 1 adminj POST /api/v1/admin/tenants '{"marketplace":"demo","name":"Broken '"$TB"'"}'
BTID=$(jqv .id)
A1=$(echo "$APPS" | head -1)
codes=""
for i in $(seq 1 40); do
	h=$(( i % 2 + 1 ))
	on "$h" adminj POST "/api/v1/admin/tenants/$BTID/apps" '{"app":"'"$A1"'"}'
	codes="$codes $STATUS"
	[ "$STATUS" = 201 ] || break
	taid=$(jqv .id)
	on "$h" admin DELETE "/api/v1/admin/tenants/$BTID/apps/$taid"
	codes="$codes $STATUS"
	[ "$STATUS" = 204 ] || break
	[ "$i" -ge 8 ] && [ "$(moves)" -gt "$m0" ] && break
done
nmov=$(( $(moves) - m0 ))
ok "workers on node 1 met the broken trigger and moved to another node ($nmov)" test "$nmov" -ge 1
is "$(echo "$codes" | tr ' ' '\n' | grep -v '^$' | grep -cv '^20[14]$')" 0 \
    "every tenant-app write through both hosts succeeded ($(echo $codes | wc -w) writes)"
printf 'SET SESSION wsrep_on = OFF;\nSET SESSION sql_mode = %s;\nDELIMITER //\n%b//\n' \
    "'$pmode'" "$(printf '%s' "$pdef" | cut -f3)" |
    mariadb --no-defaults -uroot --socket="$CL/db1/mysql.sock" agora
# A copy of tenant_app cached while the procedure was missing can keep
# failing (the defect itself); the operator's cure, as doc/cluster.md
# says, is FLUSH TABLES tenant_app on that node.
sql -n 1 "FLUSH LOCAL TABLES tenant_app"
if tapp_write 1 2>"$T_TMP/back.err"; then
	pass "node 1 writes tenant_app again once its procedure is back (and FLUSH TABLES tenant_app)"
else
	fail "node 1 writes tenant_app again once its procedure is back (and FLUSH TABLES tenant_app)"
	sed 's/^/# /' "$T_TMP/back.err" | head -3
fi
figure "a node that cannot run tenant_app's triggers: $(echo $codes | wc -w) writes through both hosts, all 2xx; $nmov workers moved off it"

# --- 4. the non-primary side ----------------------------------------------------
dirty() { sql -n 1 "SET SESSION wsrep_dirty_reads = ON; $1"; }
before=$(dirty "SELECT COUNT(*) FROM marketplace")
NP=$(rnd)
TOKNP=$(regtoken 4)
K=$EPOCHREALTIME
cluster kill-db 2 >/dev/null 2>&1
cluster kill-db 3 >/dev/null 2>&1
for i in $(seq 1 100); do
	[ "$(sql -n 1 "SHOW STATUS LIKE 'wsrep_cluster_status'" | cut -f2)" = non-Primary ] && break
	sleep 0.1
done
is "$(sql -n 1 "SHOW STATUS LIKE 'wsrep_cluster_status'" | cut -f2)" non-Primary "the survivor is not primary"
for h in 1 2; do
	t0=$EPOCHREALTIME
	on "$h" req POST /api/v1/marketplaces -H "Authorization: Bearer $TOKNP" -H "$CT" -m 20 \
	    --data-binary '{"nid":"np'"$h-$NP"'","name":"NP","environment":"uat","key_type":"p256","endpoints":{"hub":"https://hub.np'"$h-$NP"'.example.com"}}'
	status 503 "host $h refuses a write ($(echo "$EPOCHREALTIME - $t0" | bc | cut -c1-4) s)"
	ok "with Retry-After" test -n "$(header Retry-After)"
	on "$h" req GET /readyz
	status 503 "host $h: /readyz is 503"
done
is "$(dirty "SELECT COUNT(*) FROM marketplace")" "$before" "nothing was written on the survivor"
ok "node 2 restarts (no majority yet)" cluster start-db 2
ok "node 3 restarts" cluster start-db 3
for i in $(seq 1 300); do
	[ "$(sql -n 1 "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)$(sql -n 2 "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)$(sql -n 3 "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)" = SyncedSyncedSynced ] && break
	sleep 0.2
done
for n in 1 2 3; do
	is "$(sql -n "$n" "SHOW STATUS LIKE 'wsrep_cluster_status'" | cut -f2) $(sql -n "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" "Primary 3" \
	    "node $n: primary, cluster size 3"
	is "$(sql -n "$n" "SELECT COUNT(*) FROM marketplace WHERE nid LIKE 'np%-$NP'")" 0 "node $n: the refused writes are nowhere"
done
for n in 1 2 3; do
	rows_sum "$n" marketplace certificate credential registration_token tenant tenant_app audit crl > "$T_TMP/np$n"
done
ok "after the restart the three nodes agree" sh -c "cmp -s $T_TMP/np1 $T_TMP/np2 && cmp -s $T_TMP/np1 $T_TMP/np3"
for i in $(seq 1 40); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CACERT" "$BASE/readyz")" = 200 ] && break
	sleep 0.25
done
on 0 req POST /api/v1/marketplaces -H "Authorization: Bearer $TOKNP" -H "$CT" \
    --data-binary '{"nid":"np0-'"$NP"'","name":"NP","environment":"uat","key_type":"p256","endpoints":{"hub":"https://hub.np0-'"$NP"'.example.com"}}'
status 201 "writes are taken again through the front"
figure "non-primary: writes refused with 503 on both hosts, nothing written; back after restarting two nodes, $(echo "$EPOCHREALTIME - $K" | bc | cut -d. -f1) s in all"

# What the workers met over the whole run (each host's log).
figure "over the run: $(cat "$CL"/host*/log/agora.log | grep -c 'ended the transaction without an error') statements taken as an abort Galera did not report;" \
    "$(cat "$CL"/host*/log/agora.log | grep -c 'failed to load a trigger: moving') moves off a node that could not load a trigger ($nmov of them in section 3b);" \
    "$(cat "$CL"/host*/log/agora.log | grep -c 'running the request again') requests run again"

# --- the end ----------------------------------------------------------------------
if ls "$CL"/log/asan* "$CL"/log/ubsan* >/dev/null 2>&1; then
	fail "no sanitizer report from any worker"
	cat "$CL"/log/asan* "$CL"/log/ubsan* | head -40 | sed 's/^/# /'
else
	pass "no sanitizer report from any worker"
fi
echo "# cluster test: $(( $(date +%s) - T0 )) s"
finish
