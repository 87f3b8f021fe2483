# bench-floor.sh: sourced by `scripts/bench --floor` once its stack runs,
# bench-data.sh has built the data (without measuring) and floor_start
# has the floor workers answering. Interleaved rounds of hello-world,
# the floor (hello-world plus a cached hit's one statement, asked with
# the same request headers as agora), agora's tenant-mode catalog as a
# 304 and gzipped, the floor answering the catalog's bytes and agora's
# plain catalog; each round runs them in the opposite order of the
# last, so none always follows another. A whole
# run measures the floor minutes after hello-world, and this machine's
# speed drifts by a third within one run: the rounds are what say how
# close agora comes to the floor.
#
# Needs from scripts/bench: PORT2, API, DUR, AB_ROUNDS, AB_CONNS,
# FLOOR_BYTES, FLOOR_AUTH, FLOOR_INM (floor_start), bench_measure, row,
# ROWS, OUT, say.

# fl_read N: the Nth read of a round.
fl_read() {
	case $1 in
	1) bench_measure "hello-world" "$AB_CONNS" \
	    "https://127.0.0.1:$PORT2/hello" ;;
	2) bench_measure "floor" "$AB_CONNS" \
	    "https://127.0.0.1:$PORT2/floor" -H "$FLOOR_AUTH" -H "$FLOOR_INM" ;;
	3) bench_measure "agora catalog, 304" "$AB_CONNS" \
	    "$API/api/mnoe/v2/apps" -H "$FLOOR_AUTH" -H "$FLOOR_INM" ;;
	4) bench_measure "agora catalog, gzip" "$AB_CONNS" \
	    "$API/api/mnoe/v2/apps" -H "$FLOOR_AUTH" -H "Accept-Encoding: gzip" ;;
	5) bench_measure "floor with the catalog ($FLOOR_BYTES B)" \
	    "$AB_CONNS" "https://127.0.0.1:$PORT2/floor?body" -H "$FLOOR_AUTH" ;;
	6) bench_measure "agora catalog, plain" "$AB_CONNS" \
	    "$API/api/mnoe/v2/apps" -H "$FLOOR_AUTH" ;;
	esac
}

row '%-48s %5s %10s %9s %9s\n' "what" "conns" "req/s" "p50" "p99"
for r in $(seq 1 "$AB_ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="1 2 3 4 5 6"; else order="6 5 4 3 2 1"; fi
	for n in $order; do
		fl_read "$n"
	done
done

# Each read's mean and range, then the shares: the floor of hello-world
# (the price of asking the database once), agora's 304 and gzip of the
# floor, its plain catalog of the floor that sends the same bytes, and
# each of hello-world (the goals).
jq -s -r '
	def mean(r): map(select(.route == r) | .rps) | add / length;
	def pct(a; b): (100 * a / b) | floor;
	(group_by(.route)[] | "\(.[0].route): mean " +
	    "\(map(.rps) | add / length | floor) req/s " +
	    "(\(map(.rps) | min | floor)-\(map(.rps) | max | floor)), " +
	    "p99 \(map(.p99_ms) | add / length * 100 | floor / 100) ms"),
	((map(select(.route | startswith("floor with"))) | .[0].route) as $fb |
	mean("hello-world") as $h | mean("floor") as $f | mean($fb) as $b |
	mean("agora catalog, 304") as $n | mean("agora catalog, gzip") as $z |
	mean("agora catalog, plain") as $p |
	"the floor: \(pct($f; $h))% of hello-world; " +
	    "with the catalog: \(pct($b; $h))%",
	"agora 304: \(pct($n; $f))% of the floor, " +
	    "\(pct($n; $h))% of hello-world",
	"agora gzip: \(pct($z; $f))% of the floor, " +
	    "\(pct($z; $h))% of hello-world",
	"agora plain: \(pct($p; $b))% of the floor with the catalog, " +
	    "\(pct($p; $h))% of hello-world")
' "$ROWS" | tee -a "$OUT/bench.txt"
jq -s . "$ROWS" > "$OUT/bench.json"
rm -f "$ROWS"
say "$AB_ROUNDS rounds of ${DUR}s at $AB_CONNS connections"
say "table in $OUT/bench.txt, rows as JSON in $OUT/bench.json"
