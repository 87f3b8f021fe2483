#!/bin/bash
# The layers call only downward (doc/HACKING.md, "Layers"), checked on
# the objects of the build under test: the data layer (db*.o) and the
# JSON and validation support (json.o, valid.o) reference no symbol of
# the request, auth or handler layers; auth.o and idem.o none of the
# handlers. A call that breaks the rule fails here by name.
. "$(dirname "$0")/lib.sh"

# below OBJ ERE: the undefined symbols of OBJ that match ERE, one a line.
below() { nm -u "$1" | awk '{print $NF}' | grep -E "$2"; }

UPPER='^(req_|reply_|route_|auth_|idem_|h_|con_|html_|tenant_status|tapp_|app_scope|app_load|provider_check)'
n=0
for o in "$BUILD"/src/db*.o "$BUILD"/src/json.o "$BUILD"/src/valid.o; do
	[ -f "$o" ] || continue
	n=$((n + 1))
	bad=$(below "$o" "$UPPER" | tr '\n' ' ')
	is "$bad" "" "$(basename "$o") calls nothing above the data layer"
done
ok "the data and support objects were found ($n)" test "$n" -ge 10
for o in auth idem; do
	bad=$(below "$BUILD/src/$o.o" '^(h_|con_|html_)' | tr '\n' ' ')
	is "$bad" "" "$o.o calls no handler"
done
# The data layer is handed a struct dbx, never a struct req.
is "$(grep -l 'struct req\b' "$AGORA_TOP"/src/db*.c | xargs -r -n1 basename | tr '\n' ' ')" "" \
    "no db*.c names struct req"
# The rule has teeth: a handler's object does reference the request layer.
ok "h_tenant.o references req_fail (the check sees calls)" \
    sh -c "nm -u '$BUILD/src/h_tenant.o' | grep -q ' req_fail$'"
finish
