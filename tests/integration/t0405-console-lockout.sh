#!/bin/bash
# The console lock-out is per e-mail and client address, with a back-off:
# someone who knows an admin's e-mail locks out only their own address.
# (Other loopback addresses stand for other clients: curl --interface.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

PW=lockout-$(openssl rand -hex 6)
E=lockout-$(openssl rand -hex 3)@agora.test
echo "$PW" | ctl create-admin "$E" >/dev/null
loginfrom() {	# loginfrom ADDR EMAIL PASSWORD JAR
	local t
	lreq GET /admin/login -4 --interface "$1" -c "$4" -b "$4"
	t=$(csrf)
	lreq POST /admin/login -4 --interface "$1" -c "$4" -b "$4" \
	    --data-urlencode "csrf=$t" --data-urlencode "email=$2" \
	    --data-urlencode "password=$3"
}
lockrow() { sql "SELECT $1 FROM login_lock WHERE email = '$E' AND addr = '$2'"; }

for i in 1 2 3 4 5; do loginfrom 127.0.0.2 "$E" "wrong-$i" "$T_TMP/a"; done
status 401 "five failures from one address"
is "$(lockrow 'locked_until > NOW(6)' 127.0.0.2)" 1 "lock that address out"
d1=$(lockrow 'TIMESTAMPDIFF(SECOND, NOW(6), locked_until)' 127.0.0.2)
ok "for login_lock seconds ($d1)" test "$d1" -gt 850 -a "$d1" -le 900
loginfrom 127.0.0.2 "$E" "$PW" "$T_TMP/a"
status 401 "the right password is refused from there"
loginfrom 127.0.0.3 "$E" "$PW" "$T_TMP/b"
is "$STATUS $(header Location)" "303 /admin" "the admin logs in from another address meanwhile"
is "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'admin.lock' AND after_json LIKE '%127.0.0.2%'")" 1 \
    "the lock is audited with the address"

# Back-off: the next lock of the same pair lasts twice as long.
sql "UPDATE login_lock SET locked_until = NOW(6) - INTERVAL 1 SECOND WHERE email = '$E'"
for i in 1 2 3 4 5; do loginfrom 127.0.0.2 "$E" "wrong-again-$i" "$T_TMP/a"; done
d2=$(lockrow 'TIMESTAMPDIFF(SECOND, NOW(6), locked_until)' 127.0.0.2)
ok "a second lock lasts twice as long ($d2 s)" test "$d2" -gt 1750 -a "$d2" -le 1800
sql "UPDATE login_lock SET locks = 20, locked_until = NOW(6) - INTERVAL 1 SECOND WHERE email = '$E'"
for i in 1 2 3 4 5; do loginfrom 127.0.0.2 "$E" "wrong-more-$i" "$T_TMP/a"; done
d3=$(lockrow 'TIMESTAMPDIFF(SECOND, NOW(6), locked_until)' 127.0.0.2)
ok "at most a day ($d3 s)" test "$d3" -gt 86000 -a "$d3" -le 86400

# Unknown e-mails are counted alike (the answers never tell them apart).
for i in 1 2 3 4 5; do loginfrom 127.0.0.4 "nobody-$E" "x-$i" "$T_TMP/c"; done
is "$(sql "SELECT locked_until > NOW(6) FROM login_lock WHERE email = 'nobody-$E'")" 1 \
    "an unknown e-mail locks the same way"
sql "UPDATE login_lock SET locked_until = NOW(6) - INTERVAL 1 SECOND WHERE email = '$E'"
loginfrom 127.0.0.2 "$E" "$PW" "$T_TMP/a"
is "$STATUS $(header Location)" "303 /admin" "once the lock ends the right password works"
is "$(sql "SELECT COUNT(*) FROM login_lock WHERE email = '$E' AND addr = '127.0.0.2'")" 0 \
    "and a success clears the pair"
finish
