#!/bin/bash
# Who may read and write what. As root the stack runs the FastCGI workers
# and nginx's workers as different users; the config is root's, 0640 to
# the workers' group; only the workers' user can read the CA key; nginx's
# TLS certificate comes from a CA of its own; agoractl, as root, refuses
# a config or crl_hook root does not own or others may write (it runs
# the hook: the workers' user must not become root through it).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	# Without root everything is one user's: nothing here can differ.
	pass "not root: the stack runs as one user (nothing to separate)"
	finish
	exit
fi
C=$PREFIX/agora.conf

is "$(stat -c '%U:%G %a' "$C")" "root:agora 640" "the config is root's, 0640 to the workers' group"
ok "the workers' user cannot rewrite it" sh -c "! setpriv --reuid=agora --regid=agora --clear-groups sh -c 'echo x >> $C' 2>/dev/null"
is "$(stat -c '%U %a' "$PREFIX/ca/ca.key")" "agora 600" "the CA key is the workers' user's, 0600"
ok "nginx's worker user cannot read it" sh -c "! setpriv --reuid=www-data --regid=www-data --clear-groups cat '$PREFIX/ca/ca.key' >/dev/null 2>&1"
users=$(for p in $(worker_pids); do ps -o user= -p "$p"; done | sort -u)
is "$users" "agora" "the FastCGI workers run as agora"
nw=$(pgrep -P "$(cat "$PREFIX/run/nginx.pid")" | head -1)
is "$(ps -o user= -p "$nw")" "www-data" "nginx's workers run as www-data"
is "$(stat -c '%U:%G %a' "$PREFIX/run/agora.sock")" "agora:www-data 660" \
    "the socket is the workers', group nginx's"
ok "the TLS certificate is not issued by the platform CA" \
    sh -c "! openssl verify -CAfile '$PREFIX/ca/ca.pem' '$PREFIX/tls/server.pem' >/dev/null 2>&1"
ok "but by the stack's TLS CA" openssl verify -CAfile "$PREFIX/tls/ca.pem" "$PREFIX/tls/server.pem"
ok "which clients trust through ca.pem" openssl verify -CAfile "$CACERT" "$PREFIX/tls/server.pem"
req GET /healthz
status 200 "and curl --cacert ca.pem reaches the server"

# agoractl as root and what it runs.
W=$T_TMP
cp "$C" "$W/c.conf"
chmod 640 "$W/c.conf"
ok "agoractl accepts a root-owned 0640 config" "$AGORACTL" -c "$W/c.conf" status
chown agora "$W/c.conf"
"$AGORACTL" -c "$W/c.conf" status > "$W/out" 2>&1
is "$?" 1 "it refuses one the workers' user owns"
ok "saying why" grep -q "not owned by root" "$W/out"
chown root "$W/c.conf"; chmod 666 "$W/c.conf"
"$AGORACTL" -c "$W/c.conf" status > "$W/out" 2>&1
is "$?" 1 "it refuses one others may write"
ok "saying why" grep -q "writable by its group or others" "$W/out"
chmod 640 "$W/c.conf"
printf '#!/bin/sh\nexit 0\n' > "$W/hook"
chmod 755 "$W/hook"
chown agora "$W/hook"
sed -i 's|^crl_hook *=.*|crl_hook = '"$W"'/hook|' "$W/c.conf"
"$AGORACTL" -c "$W/c.conf" crl > "$W/out" 2>&1
is "$?" 1 "it refuses a crl_hook the workers' user owns"
ok "naming the hook" grep -q "crl_hook" "$W/out"
chown root "$W/hook"
mkdir -p "$W/open"; chmod 1777 "$W/open"; cp -p "$W/hook" "$W/open/hook"
sed -i 's|^crl_hook *=.*|crl_hook = '"$W"'/open/hook|' "$W/c.conf"
"$AGORACTL" -c "$W/c.conf" crl > "$W/out" 2>&1
is "$?" 1 "it refuses a hook in a directory others may write"
sed -i 's|^crl_hook *=.*|crl_hook = '"$W"'/hook|' "$W/c.conf"
ok "a root-owned hook in a root-owned directory runs" "$AGORACTL" -c "$W/c.conf" crl
finish
