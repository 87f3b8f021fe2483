#!/bin/bash
# A console CSV export of 100,000 rows streams: every row arrives (the
# reply has no Content-Length: nothing was held to count it), and no
# worker's peak memory grows by anything like the size of the file.
# The rows are removed afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

N=100000
S=$(openssl rand -hex 3)
RT=$(regtoken)
req POST /api/v1/marketplaces -H "Authorization: Bearer $RT" -H 'Content-Type: application/json' --data-binary "{\"nid\":\"big-$S\",\"name\":\"Big $S\",\"environment\":\"uat\",\"endpoints\":{\"hub\":\"https://hub.big-$S.test\"}}"
status 201 "a marketplace registers"
MID=$(jqv .id)
sql "INSERT INTO tenant (uid, marketplace_id, name, domain) SELECT CONCAT('big-$S-', seq), $MID, CONCAT('Big tenant ', LPAD(seq, 6, '0'), ' with a name long enough to weigh something'), CONCAT('t', seq, '.big-$S.example.com') FROM seq_1_to_$N"
is "$(sql "SELECT COUNT(*) FROM tenant WHERE marketplace_id = $MID")" "$N" "$N tenants"

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
# Each worker's peak resident size is reset to its current size
# (clear_refs 5), so the peak after the export is what it needed.
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
declare -A rss0
for p in $(worker_pids); do
	echo 5 > "/proc/$p/clear_refs" || fail "reset the peak RSS of worker $p"
	rss0[$p]=$(kb "$p" VmRSS)
done
t0=$(date +%s.%N)
req GET "/admin/tenants.csv?marketplace=$MID&sort=name" -b "$CJ"
t1=$(date +%s.%N)
grow=0
for p in "${!rss0[@]}"; do
	g=$(($(kb "$p" VmHWM) - ${rss0[$p]}))
	[ "$g" -gt "$grow" ] && grow=$g
done
status 200 "the export answers"
is "$(tail -n +2 "$BODY" | wc -l)" "$N" "every row is in it"
is "$(sed -n 2p "$BODY" | cut -d, -f1)" '"Big tenant 000001 with a name long enough to weigh something"' "in the chosen order"
is "$(tail -1 "$BODY" | cut -d, -f1)" '"Big tenant 100000 with a name long enough to weigh something"' "to the last row"
ok "it is streamed: no Content-Length (HTTP/2 frames, or chunks)" sh -c "! grep -qi '^content-length' '$HDRS'"
size=$(($(wc -c < "$BODY") / 1024))
diag "CSV ${size} kB in $(echo "$t1 - $t0" | bc) s; the most any worker's RSS rose meanwhile: ${grow} kB"
ok "no worker's peak memory grew by half the file (+${grow} kB for ${size} kB)" test "$grow" -lt $((size / 2))

# A list page deep into the same rows, sorted on a column: a figure.
t0=$(date +%s.%N)
req GET "/admin/tenants?marketplace=$MID&sort=-domain&per=100&page=900" -b "$CJ"
t1=$(date +%s.%N)
ok "page 900 of 1000, sorted by domain" grep -q 'Rows 89901-90000 of 100000 (page 900 of 1000)' "$BODY"
diag "that page took $(echo "$t1 - $t0" | bc) s"

sql "DELETE FROM tenant WHERE marketplace_id = $MID"
is "$(sql "SELECT COUNT(*) FROM tenant WHERE marketplace_id = $MID")" "0" "the rows are removed"
finish
