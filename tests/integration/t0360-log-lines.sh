#!/bin/bash
# The workers' log under concurrent load: each line is written with one
# write(2), so the lines of four workers sharing agora.log never
# interleave. wrk sends a burst of requests whose access lines are long
# (a 2 KB path); afterwards every line of the log is one whole logfmt
# line, and each request has exactly one access line.
. "$(dirname "$0")/lib.sh"

LOGF="$PREFIX/log/agora.log"
mark="lines$(openssl rand -hex 6)"
long="/$mark/$(head -c 2000 /dev/zero | tr '\0' a)"
before=$(wc -l < "$LOGF")
out=$(wrk -t2 -c32 -d2s "$BASE$long" 2>&1)
n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
ok "wrk sent a burst ($n requests)" test "${n:-0}" -gt 200
sleep 0.5

tail -n +"$((before + 1))" "$LOGF" > "$T_TMP/new"
bad=$(grep -cvE '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z level=(debug|info|warn|error) app=[a-z-]+ pid=[0-9]+( rid=[0-9a-f]{32})? fn=[A-Za-z_0-9]+( .*)?$' "$T_TMP/new")
is "$bad" 0 "every line written during the burst is one whole logfmt line"
whole=$(grep -cE "fn=access method=GET path=\"/$mark/a{2000}\" status=404 ms=[0-9]+\.[0-9]{2} who=\"-\"$" "$T_TMP/new")
# wrk counts the answers it read before it stopped; up to one request
# per connection was still in flight then.
ok "one whole access line per request ($whole for $n counted by wrk)" \
    test "$whole" -ge "$n" -a "$whole" -le $((n + 32))
is "$(grep -c "$mark" "$T_TMP/new")" "$whole" "and the path appears in no other line"

finish
