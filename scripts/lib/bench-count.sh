# bench-count.sh: sourced by `scripts/bench --count` once its stack runs,
# bench-data.sh has built the data (without measuring) and floor_start
# has the floor answering. Counts the instructions each read costs the
# worker that answers it, in user space (the worker, libfcgi, MariaDB's
# client library, OpenSSL, libc), with valgrind's callgrind: one worker
# runs under it, wrk sends DUR seconds of requests on one connection,
# and the worker's total, less that of the same worker started and
# stopped with no request, is divided by the requests. A count moves
# only when the code does (two runs agree within a few instructions a
# request), where req/s on this shared VM moves by a third: it is what
# says whether a change to the request path made it cheaper. The
# kernel's part (system calls, the network) and nginx's are not in it;
# the CPU per request of `--ab` says those.
#
# Needs from scripts/bench: PREFIX, PORT2, API, DUR, BUILD, HELLO_SOCK,
# FLOOR_SOCK, TID, FLOOR_AUTH, FLOOR_INM, FLOOR_BYTES (floor_start),
# ceiling, ceiling_wait, row, ROWS, OUT, say, die; from bench-data.sh:
# AUTH, GZ.

stack_packages valgrind
CNT_DIR=$PREFIX/run/count
mkdir -p "$CNT_DIR"
chmod 0777 "$CNT_DIR"
CNT_VG="$(command -v valgrind) --tool=callgrind --vgdb=no --callgrind-out-file=$CNT_DIR/cg.%p"

# cnt_total: the instructions of the runs in CNT_DIR (then removed).
cnt_total() {
	local f t=0 v
	for f in "$CNT_DIR"/cg.*; do
		[ -f "$f" ] || continue
		v=$(awk '$1 == "summary:" || $1 == "totals:" { print $2; exit }' "$f")
		t=$((t + ${v:-0}))
		rm -f "$f"
	done
	echo "$t"
}

# cnt_requests URL [wrk args]: DUR seconds on one connection; prints the
# answers wrk read (zero to count a worker's start and stop alone).
cnt_requests() {
	local url=$1
	shift
	[ -n "$url" ] || { echo 0; return; }
	wrk -t1 -c1 -d"${DUR}s" "$@" "$url" 2>&1 |
	    awk '/requests in/ { print $1 }'
}

# cnt_agora URL [wrk args]: one agora worker under callgrind for the
# requests; prints "instructions requests". The pool it replaces is not
# started again: nothing after the counts asks it.
cnt_agora() {
	local n
	stop_pidfile "$PREFIX/run/supervise.pid"
	WORKERS=1 WORKER_WRAP=$CNT_VG stack_workers_start
	n=$(cnt_requests "$@")
	stop_pidfile "$PREFIX/run/supervise.pid"
	echo "$(cnt_total) ${n:-0}"
}

# cnt_ceiling NAME SOCK PROGRAM ARGS -- URL [wrk args]: the same for
# the hello-world or floor pool.
cnt_ceiling() {
	local name=$1 sock=$2 prog=() n
	shift 2
	while [ "$1" != -- ]; do prog+=("$1"); shift; done
	shift
	stop_pidfile "$PREFIX/run/$name.pid"
	# shellcheck disable=SC2086
	WORKERS=1 ceiling "$name" "$sock" $CNT_VG "${prog[@]}"
	ceiling_wait "$name" 100
	n=$(cnt_requests "$@")
	stop_pidfile "$PREFIX/run/$name.pid"
	echo "$(cnt_total) ${n:-0}"
}

HELLO=("$BUILD/tests/bench/hello")
FLOOR=("$BUILD/tests/bench/floor" "$PREFIX/agora.conf" "$TID"
    "$PREFIX/run/floor-body.json")
CAT=$API/api/mnoe/v2/apps
# The start and stop of each program alone, taken from every count.
read -r base_hello _ < <(cnt_ceiling hello "$HELLO_SOCK" "${HELLO[@]}" -- "")
read -r base_floor _ < <(cnt_ceiling floor "$FLOOR_SOCK" "${FLOOR[@]}" -- "")
read -r base_agora _ < <(cnt_agora "")

# cnt_row LABEL BASE "TOTAL REQUESTS": the row, and its JSON. (The
# counts run in subshells, whose die ends only them: a start that
# failed shows here, as a count of nothing.)
cnt_row() {
	local label=$1 base=$2 tot n per
	read -r tot n <<<"$3"
	[ "${base:-0}" -gt 0 ] || die "no start-and-stop count for: $label"
	[ "${n:-0}" -gt 0 ] || die "no request was answered for: $label"
	per=$(( (tot - base) / n ))
	row '%-48s %9s %12s\n' "$label" "$n" "$per"
	jq -cn --arg route "$label" --argjson n "$n" --argjson per "$per" \
	    '{route: $route, requests: $n, instructions: $per}' >> "$ROWS"
}

row '%-48s %9s %12s\n' "what (one worker, one connection)" "requests" "instr/req"
cnt_row "hello-world" "$base_hello" \
    "$(cnt_ceiling hello "$HELLO_SOCK" "${HELLO[@]}" -- \
    "https://127.0.0.1:$PORT2/hello")"
cnt_row "floor" "$base_floor" \
    "$(cnt_ceiling floor "$FLOOR_SOCK" "${FLOOR[@]}" -- \
    "https://127.0.0.1:$PORT2/floor" -H "$FLOOR_AUTH" -H "$FLOOR_INM")"
cnt_row "agora catalog, 304" "$base_agora" \
    "$(cnt_agora "$CAT" -H "$FLOOR_AUTH" -H "$FLOOR_INM")"
cnt_row "agora catalog, gzip" "$base_agora" \
    "$(cnt_agora "$CAT" -H "$FLOOR_AUTH" -H "$GZ")"
cnt_row "floor with the catalog ($FLOOR_BYTES B)" "$base_floor" \
    "$(cnt_ceiling floor "$FLOOR_SOCK" "${FLOOR[@]}" -- \
    "https://127.0.0.1:$PORT2/floor?body" -H "$FLOOR_AUTH")"
cnt_row "agora catalog, plain" "$base_agora" \
    "$(cnt_agora "$CAT" -H "$FLOOR_AUTH")"
cnt_row "agora autoconfigure, gzip" "$base_agora" \
    "$(cnt_agora "$API/api/config/v1/marketplaces" -H "$AUTH" -H "$GZ")"

# agora's own part: each read above the floor that answers like it.
jq -s -r '
	def n(r): map(select(.route == r) | .instructions) | .[0];
	(map(select(.route | startswith("floor with"))) | .[0].route) as $fb |
	"agora 304: \(n("agora catalog, 304") - n("floor")) instructions above the floor",
	"agora gzip: \(n("agora catalog, gzip") - n("floor")) above the floor",
	"agora plain: \(n("agora catalog, plain") - n($fb)) above the floor with the catalog"
' "$ROWS" | tee -a "$OUT/bench.txt"
jq -s . "$ROWS" > "$OUT/bench.json"
rm -f "$ROWS"
say "instructions in user space, by callgrind; ${DUR}s of requests a row"
say "table in $OUT/bench.txt, rows as JSON in $OUT/bench.json"
