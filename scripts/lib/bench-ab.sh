# bench-ab.sh: sourced by `scripts/bench --ab REV` once its stack runs
# and bench-data.sh has built the data (without measuring). Compares the
# worker built from REV with the current tree's on this one stack, in
# interleaved rounds: the binary is swapped and the workers restarted
# between rounds, and each round measures the same reads and a
# registration, with the CPU each request cost MariaDB, the workers and
# nginx (utime + stime from /proc/PID/stat around wrk). On a shared VM
# whole runs minutes apart differ by as much as a change does;
# interleaved rounds on one stack are what compare two trees. The
# schema is the current tree's: REV's worker must run on it.
#
# With AB_DB set instead (scripts/bench --ab-db FLAGS), the worker stays
# and MariaDB is what changes: restarted between rounds as the stack
# runs it ("old") or with FLAGS after the stack's options ("new").
#
# Needs from scripts/bench: PREFIX, PORT, API, DUR, AB_ROUNDS, AB_CONNS, AB_OLD
# (REV's agora-fcgi) or AB_DB, BUILD, row, ROWS, bench_workers, to_ms,
# basic, catalog_etag;
# from bench-data.sh: EB, TT, TOKEN.

ab_hz=$(getconf CLK_TCK)

# The PIDs whose CPU a round counts (the workers: bench_workers).
ab_nginx() {
	local m
	for m in $(pgrep -f "nginx: master process.*$PREFIX"); do
		echo "$m"
		pgrep -P "$m"
	done
}
ab_mariadb() { cat "$PREFIX/mysql/mysql.pid"; }

# ab_ticks PID...: their CPU so far, in clock ticks.
ab_ticks() {
	local p s=0 t
	for p in "$@"; do
		t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) ||
		    t=0
		s=$((s + ${t:-0}))
	done
	echo "$s"
}

# ab_swap BIN: BIN becomes the workers' binary; the workers restart
# (multiwatch starts new ones) and answer before the round begins.
ab_swap() {
	local p old _
	if ! install -m 0755 "$1" "$PREFIX/bin/agora-fcgi.new" ||
	    ! mv -f "$PREFIX/bin/agora-fcgi.new" "$PREFIX/bin/agora-fcgi"; then
		die "cannot install $1"
	fi
	old=$(bench_workers)
	for p in $old; do
		kill "$p" 2>/dev/null
	done
	for _ in $(seq 1 100); do
		[ "$(bench_workers | wc -l)" -ge "$WORKERS" ] &&
		    ! bench_workers | grep -qxF -e "$old" && break
		sleep 0.1
	done
	for _ in $(seq 1 20); do
		C -o /dev/null "https://localhost:$PORT/healthz" && break
		sleep 0.1
	done
}

# ab_db FLAGS: MariaDB restarted with FLAGS after the stack's options
# (none: as the stack runs it). A second of /readyz from 8 connections
# reaches every worker, so each has found its connection gone and made a
# new one before the round begins; then /readyz must answer.
ab_db() {
	stop_pidfile "$PREFIX/mysql/mysql.pid"
	STACK_DB_FLAGS=$1 stack_db_start
	wrk -t2 -c8 -d1s "$API/readyz" >/dev/null 2>&1
	C -f -o /dev/null "https://localhost:$PORT/readyz" ||
	    die "the workers did not reconnect to MariaDB"
}

# ab_measure TREE LABEL URL [wrk args]: one round of one read.
ab_measure() {
	local tree=$1 label=$2 url=$3 out rps p99 n m0 w0 g0 m1 w1 g1 mp wp gp
	shift 3
	mp=$(ab_mariadb)
	wp=$(bench_workers | tr '\n' ' ')
	gp=$(ab_nginx | tr '\n' ' ')
	# shellcheck disable=SC2086
	{ m0=$(ab_ticks $mp); w0=$(ab_ticks $wp); g0=$(ab_ticks $gp); }
	out=$(wrk -t2 -c"$AB_CONNS" -d"${DUR}s" --latency "$@" "$url" 2>&1)
	# shellcheck disable=SC2086
	{ m1=$(ab_ticks $mp); w1=$(ab_ticks $wp); g1=$(ab_ticks $gp); }
	rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
	n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
	[ "${n:-0}" -gt 0 ] || n=1
	printf '%s\n' "$out" | grep -qE 'Non-2xx|Socket errors' &&
	    say "warning: $tree, $label: $(printf '%s\n' "$out" |
	    grep -E 'Non-2xx|Socket errors' | tr -s ' ' | tr '\n' ' ')"
	jq -cn --arg tree "$tree" --arg route "$label" \
	    --argjson rps "${rps:-0}" --argjson p99 "$(to_ms "${p99:-0}")" \
	    --argjson db "$(( (m1 - m0) * 1000000 / ab_hz / n ))" \
	    --argjson wk "$(( (w1 - w0) * 1000000 / ab_hz / n ))" \
	    --argjson ng "$(( (g1 - g0) * 1000000 / ab_hz / n ))" \
	    '{tree: $tree, route: $route, rps: $rps, p99_ms: $p99, mariadb_us: $db,
	    workers_us: $wk, nginx_us: $ng}' >> "$ROWS"
	row '%-5s %-40s %9s %9s %7s %7s %7s\n' "$tree" "$label" "${rps:-?}" \
	    "${p99:-?}" "$(( (m1 - m0) * 1000000 / ab_hz / n ))" \
	    "$(( (w1 - w0) * 1000000 / ab_hz / n ))" \
	    "$(( (g1 - g0) * 1000000 / ab_hz / n ))"
}

# ab_round TREE: every read once, and registrations.
ab_round() {
	local tree=$1 ae at etag
	ae=$(basic "$EB")
	at=$(basic "$TT")
	ab_measure "$tree" "autoconfigure" "$API/api/config/v1/marketplaces" \
	    -H "$ae"
	ab_measure "$tree" "catalog, tenant mode, gzip" \
	    "$API/api/mnoe/v2/apps" -H "$at" -H "Accept-Encoding: gzip"
	etag=$(catalog_etag "$TT")
	ab_measure "$tree" "catalog, tenant mode, 304" \
	    "$API/api/mnoe/v2/apps" -H "$at" -H "If-None-Match: $etag"
	CSR_FILE="$PREFIX/bench.csr" ab_measure "$tree" \
	    "registration with a CSR" "$API" \
	    -s "$AGORA_TOP/tests/bench/register.lua"
}

[ -n "$AB_DB" ] || cp "$PREFIX/bin/agora-fcgi" "$PREFIX/ab-new"
row '%-5s %-40s %9s %9s %7s %7s %7s\n' "tree" \
    "what ($AB_CONNS connections)" "req/s" "p99" "db us" "wk us" "ngx us"
for r in $(seq 1 "$AB_ROUNDS"); do
	# Which goes first alternates, so neither always follows the other.
	if [ $((r % 2)) = 1 ]; then order="old new"; else order="new old"; fi
	for t in $order; do
		if [ -n "$AB_DB" ]; then
			if [ "$t" = old ]; then ab_db ""; else ab_db "$AB_DB"; fi
		elif [ "$t" = old ]; then
			ab_swap "$AB_OLD"
		else
			ab_swap "$PREFIX/ab-new"
		fi
		ab_round "$t"
	done
done

# Means per tree and read, and the change from old to new.
jq -s -r '
	def means(t): map(select(.tree == t)) | {
	    rps: (map(.rps) | add / length),
	    p99: (map(.p99_ms) | add / length),
	    db: (map(.mariadb_us) | add / length),
	    wk: (map(.workers_us) | add / length),
	    ng: (map(.nginx_us) | add / length)};
	group_by(.route)[] | means("old") as $o | means("new") as $n |
	"\(.[0].route): \($o.rps | floor) -> \($n.rps | floor) req/s " +
	"(\((100 * ($n.rps - $o.rps) / $o.rps) | floor)%), p99 " +
	"\($o.p99 * 100 | floor / 100) -> \($n.p99 * 100 | floor / 100) ms, " +
	"per request " +
	"MariaDB \($o.db | floor) -> \($n.db | floor) us, workers " +
	"\($o.wk | floor) -> \($n.wk | floor) us, nginx \($o.ng | floor) " +
	"-> \($n.ng | floor) us"
' "$ROWS" | tee -a "$OUT/bench.txt"
jq -s . "$ROWS" > "$OUT/bench.json"
rm -f "$ROWS"
if [ -n "$AB_DB" ]; then
	say "old: MariaDB as the stack runs it; new: with $AB_DB; $AB_ROUNDS rounds of ${DUR}s at $AB_CONNS connections"
else
	say "old: $AB_REV; new: the working tree; $AB_ROUNDS rounds of ${DUR}s at $AB_CONNS connections"
fi
say "table in $OUT/bench.txt, rows as JSON in $OUT/bench.json"
