#!/bin/bash
# Install and package: make distcheck, then the Debian package built from a copy of the
# checkout (dpkg-buildpackage -b: configure --prefix=/usr
# --sysconfdir=/etc --localstatedir=/var, make, make install
# DESTDIR=debian/agora), the installed tree (paths, modes, compiled-in
# paths), the installed programs, the systemd units (systemd-analyze
# verify), the man pages (mandoc -T lint, man -l), the .deb (dpkg-deb,
# lintian: no error) and the maintainer scripts (postinst in a DPKG_ROOT
# with stub user tools). TAP, then "N passed, N failed".
AGORA_TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$AGORA_TOP/tests/integration/lib.sh"

W=$T_TMP
VERSION=$(sed -n 's/^AC_INIT(\[agora\], \[\([^]]*\)\].*/\1/p' "$AGORA_TOP/configure.ac")
SRC=$W/agora-$VERSION

# --- man pages -------------------------------------------------------------------
for m in "$AGORA_TOP"/man/*.[58]; do
	out=$(mandoc -T lint -W warning "$m" 2>&1)
	is "$out" "" "mandoc -T lint: $(basename "$m") is clean"
	ok "man -l renders $(basename "$m")" sh -c \
	    "MANWIDTH=80 man -l '$m' 2>&1 >/dev/null | grep -q . && exit 1 || exit 0"
done

# --- the package -------------------------------------------------------------------
mkdir -p "$SRC"
(cd "$AGORA_TOP" && git ls-files -z -co --exclude-standard |
    grep -zv '^tests/browser/node_modules' | tar --null -T - -cf -) |
    (cd "$SRC" && tar xf -)
# make distcheck (out of tree; its unit tests run there).
t0=$(date +%s)
(cd "$SRC" && autoreconf -fi && mkdir -p "$W/dist" && cd "$W/dist" &&
    "$SRC/configure" -q && make -j2 distcheck) > "$W/distcheck.log" 2>&1
rc=$?
diag "make distcheck took $(( $(date +%s) - t0 )) s"
is "$rc" 0 "make distcheck passes"
[ "$rc" -eq 0 ] || tail -20 "$W/distcheck.log" | sed 's/^/# /'
ok "the tarball carries debian/ and the units, no node_modules" sh -c \
    "tar tzf '$W/dist/agora-$VERSION.tar.gz' > '$W/tarball' && grep -q 'debian/rules$' '$W/tarball' && grep -q 'systemd/agora.service.in$' '$W/tarball' && ! grep -q node_modules '$W/tarball'"
rm -rf "$W/dist/_build" "$W/dist/src" "$W/dist/tests"

t0=$(date +%s)
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b > "$W/build.log" 2>&1)
rc=$?
diag "dpkg-buildpackage took $(( $(date +%s) - t0 )) s"
is "$rc" 0 "dpkg-buildpackage -us -uc -b builds"
[ "$rc" -eq 0 ] || tail -30 "$W/build.log" | sed 's/^/# /'
DEB=$(ls "$W"/agora_"$VERSION"_*.deb 2>/dev/null | head -1)
ok "the .deb is agora_${VERSION}_<arch>.deb" test -f "$DEB"

# --- the installed tree (make install DESTDIR=debian/agora) ---------------------------
D=$SRC/debian/agora
mode() { stat -c '%a' "$D$1" 2>/dev/null; }
is "$(mode /usr/sbin/agora-fcgi)" 755 "/usr/sbin/agora-fcgi, 0755"
is "$(mode /usr/sbin/agoractl)" 755 "/usr/sbin/agoractl, 0755"
is "$(mode /usr/share/agora/sql/migrations/0001_init.sql)" 644 "migrations in /usr/share/agora/sql"
is "$(mode /usr/share/agora/sql/seed/demo.sql)" 644 "seeds in /usr/share/agora/sql"
is "$(mode /usr/share/agora/nginx/agora.conf.in)" 644 "the nginx template"
is "$(mode /usr/share/agora/admin-assets/console.css)" 644 "the console assets"
is "$(mode /usr/libexec/agora/nginx-site)" 755 "the nginx site filler"
for m in man8/agoractl.8 man8/agora-fcgi.8 man5/agora.conf.5; do
	ok "man page $m installed" test -f "$D/usr/share/man/$m.gz"
done
for u in agora.service agora-crl.service agora-crl.timer agora-notify.service; do
	is "$(mode /lib/systemd/system/$u)" 644 "systemd unit $u"
done
is "$(cd "$D" && find . -path ./DEBIAN -prune -o -type f -print | grep -v -e '^./usr/' -e '^./lib/systemd/system/' | head -3)" "" \
    "nothing installed outside /usr and /lib/systemd/system"
ok "no file in the tree is writable by group or others" \
    test -z "$(find "$D/usr" "$D/lib" -perm /022 ! -type l)"

# The programs find the installed configuration and SQL.
CTL=$D/usr/sbin/agoractl
ok "agoractl --help names /etc/agora/agora.conf" sh -c "'$CTL' --help | grep -q /etc/agora/agora.conf"
ok "agoractl reads migrations from /usr/share/agora/sql" grep -q /usr/share/agora/sql/migrations "$CTL"
ok "agora-fcgi reads /etc/agora/agora.conf" grep -q /etc/agora/agora.conf "$D/usr/sbin/agora-fcgi"
is "$("$CTL" --version)" "agoractl $VERSION (schema $(sed -n 's/^#define AGORA_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p' "$AGORA_TOP/src/extern.h"))" "agoractl --version"
out=$("$CTL" frobnicate 2>&1); rc=$?
is "$rc" 2 "an unknown command exits 2"
ok "an unknown command says so" sh -c "printf '%s' '$out' | grep -q 'unknown command \"frobnicate\"'"
ok "agoractl help status describes it" sh -c "'$CTL' help status | grep -q 'CA certificate expires'"
ok "agoractl db-init --help is help db-init" sh -c "'$CTL' db-init --help | grep -q 'least\|root connection\|accounts'"
out=$("$CTL" -c "$W/none.conf" status 2>&1); rc=$?
ok "a missing configuration is named" sh -c "test $rc -eq 1 && printf '%s' '$out' | grep -q none.conf"

# --- systemd units -------------------------------------------------------------------
ok "agora.service runs /usr/sbin/agora-fcgi with /etc/agora/agora.conf" \
    grep -q '/usr/sbin/agora-fcgi -c /etc/agora/agora.conf$' "$D/lib/systemd/system/agora.service"
ok "agora.service restarts always" grep -qx 'Restart=always' "$D/lib/systemd/system/agora.service"
ok "agora.service is hardened" sh -c "grep -q '^ProtectSystem=strict' '$D/lib/systemd/system/agora.service' && grep -q '^NoNewPrivileges=yes' '$D/lib/systemd/system/agora.service'"
ok "agora-notify.service runs /usr/sbin/agora-notify as agora" sh -c \
    "grep -q '^ExecStart=/usr/sbin/agora-notify -c /etc/agora/agora.conf$' '$D/lib/systemd/system/agora-notify.service' && grep -qx 'User=agora' '$D/lib/systemd/system/agora-notify.service' && grep -qx 'Restart=always' '$D/lib/systemd/system/agora-notify.service'"
ok "agora-crl.service reloads nginx" grep -q 'reload.*nginx' "$D/lib/systemd/system/agora-crl.service"
# Verified as installed, but with the programs of this tree (the host
# has no /usr/sbin/agoractl) and without looking for the man pages.
mkdir -p "$W/units"
for u in agora.service agora-crl.service agora-crl.timer agora-notify.service; do
	sed "s|/usr/sbin/|$D/usr/sbin/|g" "$D/lib/systemd/system/$u" > "$W/units/$u"
done
out=$(cd "$W/units" && systemd-analyze verify --man=no \
    agora.service agora-crl.service agora-crl.timer agora-notify.service 2>&1)
rc=$?
is "$rc:$out" "0:" "systemd-analyze verify is clean"

# --- the .deb ----------------------------------------------------------------------
dpkg-deb -c "$DEB" > "$W/contents"
ok "dpkg-deb -c: agoractl root-owned 0755" grep -qE '^-rwxr-xr-x root/root .* \./usr/sbin/agoractl$' "$W/contents"
ok "dpkg-deb -c: agora-fcgi" grep -q '\./usr/sbin/agora-fcgi$' "$W/contents"
ok "dpkg-deb -c: migrations" grep -q '\./usr/share/agora/sql/migrations/0001_init.sql$' "$W/contents"
ok "dpkg-deb -c: agora.service" grep -q '\./lib/systemd/system/agora.service$' "$W/contents"
ok "dpkg-deb -c: agora-notify.service" grep -q '\./lib/systemd/system/agora-notify.service$' "$W/contents"
ok "dpkg-deb -c: no /etc/agora/agora.conf (made by postinst)" sh -c "! grep -q 'etc/agora' '$W/contents'"
dpkg-deb -f "$DEB" Depends > "$W/depends"
ok "Depends: spawn-fcgi, multiwatch, adduser, openssl" sh -c \
    "grep -q spawn-fcgi '$W/depends' && grep -q multiwatch '$W/depends' && grep -q adduser '$W/depends' && grep -q openssl '$W/depends'"
t0=$(date +%s)
lintian --no-tag-display-limit "$DEB" > "$W/lintian" 2>&1
diag "lintian took $(( $(date +%s) - t0 )) s"
errs=$(grep -c '^E:' "$W/lintian")
is "$errs" 0 "lintian: no error"
[ "$errs" -eq 0 ] || grep '^E:' "$W/lintian" | head -10 | sed 's/^/# /'
grep '^W:' "$W/lintian" | head -10 | sed 's/^/# lintian /'

# --- maintainer scripts: postinst in a DPKG_ROOT, user tools stubbed ------------------
dpkg-deb -e "$DEB" "$W/ctrl"
ok "postinst and postrm are shipped, executable" test -x "$W/ctrl/postinst" -a -x "$W/ctrl/postrm"
R=$W/root
trap 'cat "$W/postinst.log" 2>/dev/null | tail -5 | sed "s/^/# postinst: /"; rm -rf "$T_TMP"' EXIT
mkdir -p "$R" "$W/stub"
dpkg-deb -x "$DEB" "$R"
for t in getent addgroup adduser chown; do
	cat > "$W/stub/$t" <<-EOF
	#!/bin/sh
	echo "$t \$*" >> "$W/stub.log"
	[ "$t" = getent ] && exit 2
	exit 0
	EOF
	chmod 755 "$W/stub/$t"
done
# deb-systemd-helper and friends from #DEBHELPER# do nothing on an
# empty DPKG_ROOT-less system dir; stub systemctl anyway.
printf '#!/bin/sh\nexit 0\n' > "$W/stub/deb-systemd-helper"
printf '#!/bin/sh\nexit 0\n' > "$W/stub/systemctl"
chmod 755 "$W/stub/deb-systemd-helper" "$W/stub/systemctl"
PATH="$W/stub:$PATH" DPKG_ROOT=$R sh "$W/ctrl/postinst" configure > "$W/postinst.log" 2>&1
is "$?" 0 "postinst configure runs"
ok "postinst creates the system group and user" sh -c \
    "grep -q '^addgroup --quiet --system agora' '$W/stub.log' && grep -q '^adduser --quiet --system --ingroup agora' '$W/stub.log'"
is "$(stat -c %a "$R/etc/agora/agora.conf" 2>/dev/null)" 640 "the config is 0640"
ok "the config is given to root:agora" grep -q "^chown root:agora $R/etc/agora/.agora.conf" "$W/stub.log"
ok "the config has fresh secrets" grep -qE '^data_key = [0-9a-f]{64}$' "$R/etc/agora/agora.conf"
is "$(stat -c %a "$R/var/lib/agora/ca")" 700 "the CA directory is 0700"
is "$(stat -c %a "$R/var/lib/agora/ca/ca.key")" 600 "the CA key is 0600"
ok "the CA certificate is a CA" sh -c "openssl x509 -in '$R/var/lib/agora/ca/ca.pem' -noout -text | grep -q 'CA:TRUE'"
ok "postinst fills the nginx server block from the config" sh -c \
    "grep -q 'server_name $(hostname -f 2>/dev/null || hostname);' '$R/etc/agora/nginx/agora.conf' && grep -q 'ssl_client_certificate /var/lib/agora/ca/ca.pem;' '$R/etc/agora/nginx/agora.conf' && ! grep -v '^[[:space:]]*#' '$R/etc/agora/nginx/agora.conf' | grep -q '@[A-Z_]*@'"
ok "the FastCGI parameters point at /run/agora/agora.sock" \
    grep -q 'fastcgi_pass unix:/run/agora/agora.sock;' "$R/etc/agora/nginx/agora_fastcgi.conf"
ok "the config loads (agoractl reads it)" sh -c \
    "'$CTL' -c '$R/etc/agora/agora.conf' status 2>&1 | grep -q '^config'"
# The filled server block is one nginx accepts (with a test
# certificate and the CA of this root).
sed "s|/var/lib/agora/|$R/var/lib/agora/|" "$R/etc/agora/agora.conf" > "$W/site.conf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$W/tls.key" -out "$W/tls.pem" -subj /CN=localhost -days 1 2>/dev/null
mkdir -p "$W/site/logs"
"$R/usr/libexec/agora/nginx-site" -c "$W/site.conf" -o "$W/site/nginx" \
    -t "$R/usr/share/agora/nginx" -C "$W/tls.pem" -K "$W/tls.key" -l 127.0.0.1 \
    > /dev/null
printf 'pid %s/nginx.pid;\nerror_log %s/logs/error.log;\nevents {}\nhttp {\n include /etc/nginx/mime.types;\n include %s/nginx/agora.conf;\n}\n' \
    "$W/site" "$W/site" "$W/site" > "$W/site/nginx.conf"
out=$(nginx -t -q -p "$W/site" -c "$W/site/nginx.conf" -e "$W/site/logs/error.log" 2>&1)
is "$?:$out" "0:" "nginx -t accepts the server block nginx-site filled in"
sum=$(cat "$R/var/lib/agora/ca/ca.key" "$R/var/lib/agora/ca/ca.pem" "$R/etc/agora/agora.conf" | sha256sum)
PATH="$W/stub:$PATH" DPKG_ROOT=$R sh "$W/ctrl/postinst" configure >> "$W/postinst.log" 2>&1
is "$?" 0 "postinst configure runs again (upgrade)"
is "$(cat "$R/var/lib/agora/ca/ca.key" "$R/var/lib/agora/ca/ca.pem" "$R/etc/agora/agora.conf" | sha256sum)" "$sum" \
    "a second run overwrites neither the CA nor the config"
PATH="$W/stub:$PATH" DPKG_ROOT=$R sh "$W/ctrl/postrm" purge >> "$W/postinst.log" 2>&1
ok "postrm purge removes the config, the site and the state" \
    test ! -e "$R/etc/agora" -a ! -e "$R/var/lib/agora"

finish
