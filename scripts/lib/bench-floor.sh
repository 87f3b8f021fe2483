# bench-floor.sh: sourced by `scripts/bench --floor` once its stack runs,
# bench-data.sh has built the data (without measuring) and floor_start
# has the floor workers answering. Interleaved rounds of hello-world,
# the floor (hello-world plus a cached hit's one statement, asked with
# the same request headers as agora), agora's tenant-mode catalog as a
# 304 and gzipped, the floor answering the catalog's bytes, agora's
# plain catalog and autoconfigure plain and gzipped: every read the
# issue sets a goal for beside the ceiling it is measured against.
# Each round runs them in the opposite order of the last, so none
# always follows another. A whole
# run measures the floor minutes after hello-world, and this machine's
# speed drifts by a third within one run: the rounds are what say how
# close agora comes to the floor.
#
# Needs from scripts/bench: PORT2, API, DUR, AB_ROUNDS, AB_CONNS,
# FLOOR_BYTES, FLOOR_AUTH, FLOOR_INM (floor_start), EB (bench-data.sh:
# the environment's credentials), basic, bench_measure, row, ROWS, OUT,
# say.

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
	7) bench_measure "agora autoconfigure, plain" "$AB_CONNS" \
	    "$API/api/config/v1/marketplaces" -H "$(basic "$EB")" ;;
	8) bench_measure "agora autoconfigure, gzip" "$AB_CONNS" \
	    "$API/api/config/v1/marketplaces" -H "$(basic "$EB")" \
	    -H "Accept-Encoding: gzip" ;;
	esac
}

row '%-48s %5s %10s %9s %9s\n' "what" "conns" "req/s" "p50" "p99"
for r in $(seq 1 "$AB_ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="1 2 3 4 5 6 7 8"; else order="8 7 6 5 4 3 2 1"; fi
	for n in $order; do
		fl_read "$n"
	done
done

# Each read's mean and range, then the shares: the floor of hello-world
# (the price of asking the database once); each of agora's reads of
# hello-world with its p99 against hello-world's (the issue's goals),
# and of the floor that answers like it: the 304, gzipped catalog and
# gzipped autoconfigure of the floor, the plain catalog of the floor
# that sends the same bytes. Plain autoconfigure (~9.5 KB) has no floor
# of its size.
jq -s -r '
	def mean(r): map(select(.route == r) | .rps) | add / length;
	def p99(r): map(select(.route == r) | .p99_ms) | add / length;
	def pct(a; b): (100 * a / b) | floor;
	def goal(r): "\(pct(mean(r); mean("hello-world")))% of " +
	    "hello-world, p99 \((p99(r) / p99("hello-world") * 100 | floor) /
	    100)x";
	(group_by(.route)[] | "\(.[0].route): mean " +
	    "\(map(.rps) | add / length | floor) req/s " +
	    "(\(map(.rps) | min | floor)-\(map(.rps) | max | floor)), " +
	    "p99 \(map(.p99_ms) | add / length * 100 | floor / 100) ms"),
	((map(select(.route | startswith("floor with"))) | .[0].route) as $fb |
	mean("floor") as $f | mean($fb) as $b |
	"the floor: \(pct($f; mean("hello-world")))% of hello-world; " +
	    "with the catalog: \(pct($b; mean("hello-world")))%",
	"agora 304: \(pct(mean("agora catalog, 304"); $f))% of the floor, " +
	    goal("agora catalog, 304"),
	"agora gzip: \(pct(mean("agora catalog, gzip"); $f))% of the floor, " +
	    goal("agora catalog, gzip"),
	"agora plain: \(pct(mean("agora catalog, plain"); $b))% of the " +
	    "floor with the catalog, " + goal("agora catalog, plain"),
	"agora autoconfigure, gzip: \(pct(mean("agora autoconfigure, gzip");
	    $f))% of the floor, " + goal("agora autoconfigure, gzip"),
	"agora autoconfigure, plain: " + goal("agora autoconfigure, plain"))
' "$ROWS" | tee -a "$OUT/bench.txt"
jq -s . "$ROWS" > "$OUT/bench.json"
rm -f "$ROWS"
say "$AB_ROUNDS rounds of ${DUR}s at $AB_CONNS connections"
say "table in $OUT/bench.txt, rows as JSON in $OUT/bench.json"
