# stack.sh: build, set up, start and stop a private agora stack (MariaDB,
# the FastCGI worker pool, nginx) under one prefix directory. Sourced by
# scripts/run, scripts/test and scripts/bench. Nothing outside the prefix
# is touched, except installing missing Debian packages.
#
# Inputs (environment, with defaults):
#	AGORA_TOP	the checkout
#	PREFIX		state directory (var/ for scripts/run)
#	PORT		HTTPS port on 127.0.0.1
#	BUILD		build directory holding src/agora-fcgi, src/agoractl
#	WORKERS		FastCGI workers (default 4)
#	REG_RATE, REG_BURST, LOGIN_RATE, LOGIN_BURST	nginx limit_req
#	AGORA_CA_KEY	key of a new CA: p256 (default), rsa3072, rsa4096
#	CACHE_BYTES	each worker's answer cache (default 4 MiB)
#	NOTIFY_CONF	extra agora.conf lines for agora-notify (tests)
#	NGINX_PROXY_LISTEN	nginx lines for a PROXY-protocol port (scripts/cluster)
#	STACK_DB_FLAGS	extra mariadbd options, after the stack's own
#			(scripts/bench --ab-db)

: "${WORKERS:=4}"
: "${REG_RATE:=10r/s}"
: "${REG_BURST:=20}"
: "${LOGIN_RATE:=5r/s}"
: "${LOGIN_BURST:=10}"
: "${BODY_MAX:=65536}"

RUNTIME_PKGS="mariadb-server mariadb-client nginx spawn-fcgi multiwatch
	openssl curl jq iproute2 procps util-linux libfcgi-bin"
# scripts/cluster (and its test): Galera, SST by mariabackup, the front.
CLUSTER_PKGS="galera-4 mariadb-backup socat rsync haproxy"
BUILD_PKGS="gcc make autoconf automake pkg-config libc6-dev libfcgi-dev
	libfcgi-bin libjson-c-dev libmariadb-dev libssl-dev libcurl4-openssl-dev zlib1g-dev"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Install the Debian packages named that are not installed yet. Services
# the packages ship are not started (policy-rc.d), so nothing listens on
# the system's ports.
stack_packages() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	local SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	local made_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	$SUDO apt-get update -qq >&2 || true
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >&2
	local rc=$?
	[ -n "$made_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
	[ $rc -eq 0 ] || die "apt-get install failed"
}

# Configure (once) and build into $BUILD with extra configure flags.
# agoractl reads the migrations of this checkout, and var/agora.conf of
# it when neither -c nor $AGORA_CONF says otherwise (the same flags for
# every build of a checkout, so no build is configured twice).
stack_build() {
	local flags="$* --with-config=$AGORA_TOP/var/agora.conf --with-sqldir=$AGORA_TOP/sql"
	(cd "$AGORA_TOP" && { [ -x configure ] && [ configure -nt configure.ac ] &&
	    [ Makefile.in -nt Makefile.am ] || autoreconf -fi >&2; }) ||
	    die "autoreconf failed"
	mkdir -p "$BUILD"
	if [ ! -f "$BUILD/Makefile" ] || [ "$(cat "$BUILD/.flags" 2>/dev/null)" != "$flags" ]; then
		(cd "$BUILD" && CC=${CC:-gcc} "$AGORA_TOP/configure" -q $flags >&2) ||
		    die "configure failed"
		# Objects built with other flags are not rebuilt by make.
		make -C "$BUILD" -s clean >/dev/null 2>&1
		echo "$flags" > "$BUILD/.flags"
	fi
	make -C "$BUILD" -j"$(nproc)" -s >&2 || die "build failed"
}

# Who runs what. As root: MariaDB as mysql, the workers as agora and
# nginx's workers as www-data (stack_users_split). Otherwise everything
# runs as the invoking user.
stack_users() {
	if [ "$(id -u)" -eq 0 ]; then
		DB_USER_OS=mysql
		APP_USER=www-data
		APP_GROUP=www-data
	else
		DB_USER_OS=$(id -un)
		APP_USER=$(id -un)
		APP_GROUP=$(id -gn)
	fi
	stack_users_split
}

# Random hex of $1 bytes.
randhex() { openssl rand -hex "$1"; }

# reachable DIR: 0 when the users the services run as (MariaDB's, the
# workers' and nginx's) can all reach DIR, that is search every
# directory above it. A checkout under /root (0700) is not.
reachable() {
	local u
	[ "$(id -u)" -eq 0 ] || return 0
	for u in mysql www-data; do
		id "$u" >/dev/null 2>&1 || continue
		setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
		    test -x "$1" 2>/dev/null || return 1
	done
	return 0
}

# stack_prefix: the state directory of scripts/run. var/ in the checkout
# when the service users can reach it; otherwise (a checkout under a
# 0700 home) /var/lib/agora-dev/NAME-HASH, with var/ a symbolic link to
# it, so var/... still names everything from the checkout. The services
# are given the real path, never one through the checkout.
stack_prefix() {
	local top=$1 dir
	if [ -L "$top/var" ]; then
		readlink -f "$top/var"
		return 0
	fi
	if reachable "$top"; then
		echo "$top/var"
		return 0
	fi
	dir=/var/lib/agora-dev/$(basename "$top")-$(printf '%s' "$top" |
	    sha256sum | cut -c1-8)
	if [ -d "$top/var" ]; then
		# A first run that failed before this fix left only logs.
		[ -d "$top/var/mysql/data/mysql" ] &&
		    die "$top/var holds a database the mysql user cannot reach; move it away"
		rm -rf "$top/var"
	fi
	mkdir -p "$dir" && chmod 755 /var/lib/agora-dev "$dir" &&
	    ln -s "$dir" "$top/var" || die "cannot make $dir"
	echo "$dir"
}

# Create the prefix: directories, config, CA, TLS certificate, database.
# Existing pieces are kept, so running it again loses nothing.
stack_init() {
	stack_users
	umask 022
	mkdir -p "$PREFIX"/run "$PREFIX"/log "$PREFIX"/ca "$PREFIX"/tls \
	    "$PREFIX"/nginx/tmp "$PREFIX"/mysql
	chmod 755 "$PREFIX" "$PREFIX"/run

	# The configuration, with fresh secrets on first run only.
	if [ ! -f "$PREFIX/agora.conf" ]; then
		local dbpw dbapw
		dbpw=$(randhex 24)
		dbapw=$(randhex 24)
		cat > "$PREFIX/agora.conf" <<-EOF
		# agora configuration (created by scripts/run; edit freely).
		db_socket = $PREFIX/mysql/mysql.sock
		db_user = agora
		db_password = $dbpw
		db_admin_user = agora_admin
		db_admin_password = $dbapw
		db_name = agora
		ca_cert = $PREFIX/ca/ca.pem
		ca_key = $PREFIX/ca/ca.key
		ca_crl = $PREFIX/ca/crl.pem
		cert_days = 365
		body_max = $BODY_MAX
		secret_grace = ${SECRET_GRACE:-600}
		cache_bytes = ${CACHE_BYTES:-4194304}
		data_key = $(randhex 32)
		public_url = https://localhost:$PORT
		log_level = info
		metrics_file = $PREFIX/run/metrics
		metrics_allow = ${METRICS_ALLOW:-127.0.0.1 ::1}
		EOF
		if [ -n "${NOTIFY_CONF:-}" ]; then
			printf '%b\n' "$NOTIFY_CONF" >> "$PREFIX/agora.conf"
		fi
	fi
	# Keys added since the file was made.
	grep -q '^metrics_file' "$PREFIX/agora.conf" ||
	    echo "metrics_file = $PREFIX/run/metrics" >> "$PREFIX/agora.conf"
	stack_conf_modes
	stack_conf_crl_hook

	stack_ca
	stack_db_init
}

# agora's CA (key 0600, readable by the workers only) and a TLS
# certificate for localhost issued by it.
stack_ca() {
	local ca="$PREFIX/ca"
	if [ ! -f "$ca/ca.key" ]; then
		# A new CA signs with P-256 (fast: registrations sign a
		# certificate each); AGORA_CA_KEY=rsa3072 or rsa4096 for an
		# operator who needs RSA. An existing CA is never replaced.
		local kopt
		case "${AGORA_CA_KEY:-p256}" in
		p256)	 kopt="-algorithm EC -pkeyopt ec_paramgen_curve:P-256" ;;
		rsa3072) kopt="-algorithm RSA -pkeyopt rsa_keygen_bits:3072" ;;
		rsa4096) kopt="-algorithm RSA -pkeyopt rsa_keygen_bits:4096" ;;
		*)	 die "AGORA_CA_KEY must be p256, rsa3072 or rsa4096" ;;
		esac
		# shellcheck disable=SC2086
		(umask 077 && openssl genpkey $kopt -out "$ca/ca.key.new" \
		    2>/dev/null) || die "CA key"
		openssl req -x509 -new -key "$ca/ca.key.new" -sha256 -days 3650 \
		    -subj "/O=agora/CN=agora platform CA $(randhex 4)" \
		    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    -addext "subjectKeyIdentifier=hash" \
		    -out "$ca/ca.pem" 2>/dev/null || die "CA certificate"
		mv "$ca/ca.key.new" "$ca/ca.key"
	fi
	chown -R "$APP_USER:$APP_GROUP" "$ca" 2>/dev/null || true
	chmod 700 "$ca"
	chmod 600 "$ca/ca.key"
	stack_tls
}

conf_get() { sed -n "s/^$1 *= *//p" "$PREFIX/agora.conf"; }

mysql_root() {
	mariadb --no-defaults -uroot \
	    --socket="${STACK_DB_SOCKET:-$PREFIX/mysql/mysql.sock}" "$@"
}

stack_db_init() {
	if [ ! -d "$PREFIX/mysql/data/mysql" ]; then
		mkdir -p "$PREFIX/mysql/data"
		chown -R "$DB_USER_OS" "$PREFIX/mysql"
		mariadb-install-db --no-defaults --datadir="$PREFIX/mysql/data" \
		    --user="$DB_USER_OS" --auth-root-authentication-method=socket \
		    --skip-test-db > "$PREFIX/log/mariadb-install.log" 2>&1 ||
		    die "mariadb-install-db failed (see $PREFIX/log/mariadb-install.log)"
	fi
}

# proc_running PID: the process exists and has not exited. A killed
# process whose parent is gone can stay a zombie (state Z) until PID 1
# reaps it, and kill -0 still succeeds on it: a MariaDB killed that way
# must count as stopped, or stack_db_start would not start a new one.
proc_running() {
	kill -0 "$1" 2>/dev/null &&
	    ! grep -qs '^State:[[:space:]]*[ZX]' "/proc/$1/status"
}

pid_alive() { [ -f "$1" ] && proc_running "$(cat "$1")"; }

stack_db_start() {
	pid_alive "$PREFIX/mysql/mysql.pid" && return 0
	chown -R "$DB_USER_OS" "$PREFIX/mysql"
	touch "$PREFIX/log/mariadb.log"
	chown "$DB_USER_OS" "$PREFIX/log/mariadb.log"
	# The thread pool: a few threads serve every connection's short
	# statements, instead of a thread each that sleeps and wakes per
	# statement; on two cores the cached reads got ~10 % faster at 64
	# connections and the 304's p99 there about halved (doc/bench.md).
	# The query cache on demand: only the statements that ask for it
	# (SQL_CACHE: a cached hit's generation check) are kept, and any
	# write to a table they read drops them; a hit then costs MariaDB a
	# third of what it did (doc/bench.md). STACK_DB_FLAGS is split into
	# options on purpose.
	# shellcheck disable=SC2086
	mariadbd --no-defaults --datadir="$PREFIX/mysql/data" \
	    --socket="$PREFIX/mysql/mysql.sock" --pid-file="$PREFIX/mysql/mysql.pid" \
	    --skip-networking --user="$DB_USER_OS" \
	    --log-error="$PREFIX/log/mariadb.log" \
	    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
	    --innodb-buffer-pool-size=128M --innodb-log-file-size=48M \
	    --innodb-flush-log-at-trx-commit=1 --max-connections=300 \
	    --thread-handling=pool-of-threads \
	    --query-cache-type=DEMAND --query-cache-size=16M \
	    --skip-name-resolve ${STACK_DB_FLAGS:-} </dev/null >/dev/null 2>&1 &
	local i
	for i in $(seq 1 100); do
		mysql_root -e 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "MariaDB did not start (see $PREFIX/log/mariadb.log)"
}

# Database, two accounts, migrations, and the runtime account's grants
# (the workers may read and write data but never change the schema, and
# the audit table is append-only for them): agoractl db-init, as a host
# install does it, over the private server's socket as root. The accounts
# are for DB_ACCOUNT_HOST (localhost: the socket; scripts/cluster:
# 127.0.0.1).
stack_db_setup() {
	AGORA_CONF="$PREFIX/agora.conf" "$BUILD/src/agoractl" db-init \
	    ${DB_ACCOUNT_HOST:+-H "$DB_ACCOUNT_HOST"} \
	    ${STACK_DB_SOCKET:+-S "$STACK_DB_SOCKET"} >&2 ||
	    die "agoractl db-init failed"
}

# The worker and notifier binaries and the console's assets, copied
# under the prefix: the workers' user and nginx run them from there,
# wherever the checkout is.
stack_install_bin() {
	WORKER_BIN=$PREFIX/bin/agora-fcgi
	mkdir -p "$PREFIX/bin" "$PREFIX/assets"
	chmod 755 "$PREFIX/bin" "$PREFIX/assets"
	local b
	for b in agora-fcgi agora-notify; do
		if [ ! -f "$PREFIX/bin/$b" ] ||
		    ! cmp -s "$BUILD/src/$b" "$PREFIX/bin/$b"; then
			install -m 0755 "$BUILD/src/$b" "$PREFIX/bin/$b.new" &&
			    mv -f "$PREFIX/bin/$b.new" "$PREFIX/bin/$b" ||
			    die "cannot copy $b"
		fi
	done
	cp -f "$AGORA_TOP"/admin-assets/* "$PREFIX/assets/" &&
	    chmod 644 "$PREFIX"/assets/* || die "cannot copy the console assets"
}

# fcgi_probe: 0 when a worker answers GET /healthz on the socket.
fcgi_probe() {
	REQUEST_METHOD=GET REQUEST_URI=/healthz SCRIPT_FILENAME=/ \
	    timeout 1 cgi-fcgi -bind -connect "$PREFIX/run/agora.sock" \
	    2>/dev/null | grep -q '^Status: 200'
}

stack_workers_start() {
	stack_install_bin
	# A rebuilt worker replaces the running pool; otherwise keep it.
	if pid_alive "$PREFIX/run/supervise.pid"; then
		[ "$WORKER_BIN" -nt "$PREFIX/run/supervise.pid" ] ||
		    return 0
		say "restarting the worker pool on the new build"
		stop_pidfile "$PREFIX/run/supervise.pid"
	fi
	local sockopts=""
	if [ "$(id -u)" -eq 0 ]; then
		sockopts="-u $APP_USER -g $APP_GROUP -U $APP_USER -G $NGINX_GROUP"
	fi
	rm -f "$PREFIX/run/agora.sock"
	touch "$PREFIX/log/agora.log"
	# The shared counters: made here, so workers need not write run/.
	[ -f "$PREFIX/run/metrics" ] || install -m 0600 /dev/null "$PREFIX/run/metrics"
	chown "$APP_USER:$APP_GROUP" "$PREFIX/run/metrics" 2>/dev/null || true
	# shellcheck disable=SC2086
	nohup "$AGORA_TOP/scripts/lib/supervise" "$PREFIX/run/supervise.pid" \
	    spawn-fcgi -n -s "$PREFIX/run/agora.sock" -M 0660 $sockopts -- \
	    /usr/bin/multiwatch -f "$WORKERS" -r 1000000 -t 1000 -s TERM -- \
	    ${WORKER_WRAP:-} "$WORKER_BIN" -c "$PREFIX/agora.conf" \
	    </dev/null >>"$PREFIX/log/agora.log" 2>&1 &
	# Up means a worker answers, not only that the socket exists:
	# multiwatch restarts a worker that cannot run for ever, so give
	# up after 10 s, stop the pool and say why.
	local end=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$end" ]; do
		[ -S "$PREFIX/run/agora.sock" ] && fcgi_probe && return 0
		sleep 0.1
	done
	stop_pidfile "$PREFIX/run/supervise.pid"
	say "the last lines of $PREFIX/log/agora.log:"
	tail -n 5 "$PREFIX/log/agora.log" | sed 's/^/    /' >&2
	die "the worker pool did not start: no worker answered on $PREFIX/run/agora.sock within 10 s (can $APP_USER run $WORKER_BIN and read $PREFIX/agora.conf?)"
}

# agora-notify, the webhook notifier, under the same supervisor as the
# workers (restarted 0.5 s after it dies; a new build replaces it).
stack_notify_start() {
	if pid_alive "$PREFIX/run/notify.pid"; then
		[ "$PREFIX/bin/agora-notify" -nt "$PREFIX/run/notify.pid" ] ||
		    return 0
		say "restarting agora-notify on the new build"
		stop_pidfile "$PREFIX/run/notify.pid"
	fi
	touch "$PREFIX/log/notify.log"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$APP_USER:$APP_GROUP" "$PREFIX/log/notify.log"
		nohup "$AGORA_TOP/scripts/lib/supervise" "$PREFIX/run/notify.pid" \
		    setpriv --reuid="$APP_USER" --regid="$APP_GROUP" --init-groups -- \
		    ${WORKER_WRAP:-} "$PREFIX/bin/agora-notify" -c "$PREFIX/agora.conf" \
		    </dev/null >>"$PREFIX/log/notify.log" 2>&1 &
	else
		nohup "$AGORA_TOP/scripts/lib/supervise" "$PREFIX/run/notify.pid" \
		    ${WORKER_WRAP:-} "$PREFIX/bin/agora-notify" -c "$PREFIX/agora.conf" \
		    </dev/null >>"$PREFIX/log/notify.log" 2>&1 &
	fi
	local i
	for i in $(seq 1 50); do
		[ -f "$PREFIX/run/notify.pid" ] && return 0
		sleep 0.1
	done
	die "agora-notify did not start (see $PREFIX/log/notify.log)"
}

stack_nginx_conf() {
	local crl="" user="" sock="$PREFIX/run/agora.sock"
	[ -s "$PREFIX/ca/crl.pem" ] && crl="ssl_crl $PREFIX/ca/crl.pem;"
	[ "$(id -u)" -eq 0 ] && user="user $NGINX_USER $NGINX_GROUP;"
	mkdir -p "$PREFIX/nginx/tmp"
	# nginx reads the CRL as root at start; the copy beside it is public.
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@SOCK@|$sock|g" \
	    "$AGORA_TOP/nginx/agora_fastcgi.conf.in" > "$PREFIX/nginx/agora_fastcgi.conf"
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LISTEN@|127.0.0.1|g" \
	    -e "s|@PORT@|$PORT|g" -e "s|@SERVER_NAME@|localhost|g" \
	    -e "s|@TLS_CERT@|$PREFIX/tls/server.pem|g" \
	    -e "s|@TLS_KEY@|$PREFIX/tls/server.key|g" \
	    -e "s|@CA_CERT@|$PREFIX/ca/ca.pem|g" -e "s|@SSL_CRL@|$crl|g" \
	    -e "s|@BODY_MAX@|$BODY_MAX|g" -e "s|@ASSETS@|$PREFIX/assets|g" \
	    -e "s|@REG_RATE@|$REG_RATE|g" -e "s|@REG_BURST@|$REG_BURST|g" \
	    -e "s|@LOGIN_RATE@|$LOGIN_RATE|g" -e "s|@LOGIN_BURST@|$LOGIN_BURST|g" \
	    -e "s|@PROXY_LISTEN@|${NGINX_PROXY_LISTEN:-}|g" \
	    "$AGORA_TOP/nginx/agora.conf.in" > "$PREFIX/nginx/agora.conf"
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@USER@|$user|g" \
	    -e "s|@EXTRA@|${NGINX_EXTRA:-}|g" \
	    "$AGORA_TOP/nginx/nginx.conf.in" > "$PREFIX/nginx/nginx.conf"
	nginx -t -q -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" -e "$PREFIX/log/nginx-error.log" ||
	    die "nginx -t failed on $PREFIX/nginx/nginx.conf"
}

stack_nginx_start() {
	stack_nginx_conf
	if pid_alive "$PREFIX/run/nginx.pid"; then
		nginx -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" -e "$PREFIX/log/nginx-error.log" -s reload
		return 0
	fi
	nginx -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" -e "$PREFIX/log/nginx-error.log" ||
	    die "nginx did not start (see $PREFIX/log/nginx-error.log)"
	local i
	for i in $(seq 1 50); do
		curl -s -o /dev/null --cacert "$PREFIX/ca.pem" "https://localhost:$PORT/healthz" && return 0
		sleep 0.1
	done
	die "nginx does not answer on port $PORT"
}

# Reload nginx after the CRL changed (agoractl and the workers call the
# configured crl_hook; this is what scripts/run points it at).
stack_nginx_reload() {
	stack_nginx_conf && nginx -p "$PREFIX/nginx" -c "$PREFIX/nginx/nginx.conf" \
	    -e "$PREFIX/log/nginx-error.log" -s reload
}

# Write the CRL from the database (agora's revocations), so nginx always
# has a current one; scripts/run does it on every start, and a daily
# `agoractl crl` plus an nginx reload keeps it from expiring (crl_days).
stack_crl() {
	AGORA_CONF="$PREFIX/agora.conf" "$BUILD/src/agoractl" crl >/dev/null ||
	    die "agoractl crl failed"
	chown "$APP_USER:$APP_GROUP" "$PREFIX/ca/crl.pem" 2>/dev/null || true
	chmod 644 "$PREFIX/ca/crl.pem"
}

stack_start() {
	stack_log_modes
	stack_db_start
	stack_db_setup
	stack_crl
	stack_workers_start
	stack_notify_start
	stack_nginx_start
	stack_crl_watch_start
}

# --- hardening: the CRL reaches nginx within seconds; logs are 0640 ------

# The crl_hook that reloads this prefix's nginx (scripts/lib/crl-hook),
# set in a config that has none.
stack_conf_crl_hook() {
	grep -q '^crl_hook *=' "$PREFIX/agora.conf" ||
	    printf 'crl_hook = %s\n' "$AGORA_TOP/scripts/lib/crl-hook" \
	    >> "$PREFIX/agora.conf"
}

# scripts/lib/crl-watch beside nginx: reloads it when a worker rewrote
# the CRL (a worker may not signal nginx's master), and rewrites a CRL
# older than a day so it never reaches its nextUpdate.
stack_crl_watch_start() {
	pid_alive "$PREFIX/run/crl-watch.pid" && return 0
	nohup "$AGORA_TOP/scripts/lib/crl-watch" "$PREFIX/run/crl-watch.pid" \
	    "$PREFIX" "$BUILD/src/agoractl" </dev/null \
	    >>"$PREFIX/log/crl-watch.log" 2>&1 &
}

# --- hardening: who runs what, who reads what ------------------------------
#
# As root the FastCGI workers run as their own system user (agora), nginx's
# workers as www-data: one nginx bug does not give away the CA key, which
# only the workers' user can read. The socket is the workers', group
# nginx's (0660). Without root everything is the invoking user's.
stack_users_split() {
	if [ "$(id -u)" -eq 0 ]; then
		id -u agora >/dev/null 2>&1 ||
		    useradd --system --user-group --no-create-home \
		    --home-dir /nonexistent --shell /usr/sbin/nologin agora ||
		    die "cannot create the system user agora"
		APP_USER=agora
		APP_GROUP=agora
		NGINX_USER=www-data
		NGINX_GROUP=www-data
	else
		NGINX_USER=$APP_USER
		NGINX_GROUP=$APP_GROUP
	fi
}

# The configuration holds the database password and the data key: as
# root it is root's, readable by the workers' group (0640), so the
# workers cannot rewrite what root later runs (crl_hook); agoractl
# refuses, as root, a config or hook root does not own or others can
# write.
stack_conf_modes() {
	if [ "$(id -u)" -eq 0 ]; then
		chown "root:$APP_GROUP" "$PREFIX/agora.conf"
		chmod 640 "$PREFIX/agora.conf"
	else
		chmod 600 "$PREFIX/agora.conf"
	fi
}

# nginx's TLS server certificate comes from a CA of its own (tls/ca.*),
# not from the platform CA that certifies marketplaces: its key never
# signs what the platform trusts. A server certificate of an older
# prefix, issued by the platform CA, is replaced. $PREFIX/ca.pem, what
# clients trust, holds the platform CA first, then the TLS CA.
stack_tls() {
	local t="$PREFIX/tls"
	# A web host of a cluster has the TLS CA's certificate and its own
	# server certificate, not the TLS CA's key (scripts/cluster).
	if [ ! -f "$t/ca.pem" ]; then
		(umask 077 && openssl genpkey -algorithm EC \
		    -pkeyopt ec_paramgen_curve:P-256 -out "$t/ca.key" 2>/dev/null) ||
		    die "TLS CA key"
		openssl req -x509 -new -key "$t/ca.key" -sha256 -days 3650 \
		    -subj "/O=agora/CN=agora TLS CA $(randhex 4)" \
		    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    -out "$t/ca.pem" 2>/dev/null || die "TLS CA certificate"
		rm -f "$t/server.pem"
	fi
	if [ ! -f "$t/server.pem" ] ||
	    ! openssl verify -CAfile "$t/ca.pem" "$t/server.pem" >/dev/null 2>&1; then
		[ -f "$t/ca.key" ] ||
		    die "$t/server.pem is missing or not issued by $t/ca.pem, and there is no $t/ca.key to issue one"
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$t/server.key" \
		    -subj "/CN=localhost" -out "$t/server.csr" 2>/dev/null ||
		    die "TLS key"
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n' \
		    > "$t/ext.cnf"
		openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" \
		    -CAkey "$t/ca.key" -CAcreateserial -days 825 \
		    -extfile "$t/ext.cnf" -out "$t/server.pem" 2>/dev/null ||
		    die "TLS certificate"
		rm -f "$t/server.csr" "$t/ext.cnf" "$t/ca.srl"
	fi
	chmod 600 "$t/server.key"
	[ ! -f "$t/ca.key" ] || chmod 600 "$t/ca.key"
	cat "$PREFIX/ca/ca.pem" "$t/ca.pem" > "$PREFIX/ca.pem"
	chmod 644 "$PREFIX/ca.pem"
}

# Logs are 0640: created so before the daemons open them (they keep the
# mode of an existing file), and made so on every start.
stack_log_modes() {
	local f
	mkdir -p "$PREFIX/log"
	for f in agora.log nginx-access.log nginx-error.log mariadb.log \
	    crl-watch.log; do
		touch "$PREFIX/log/$f"
	done
	chmod 640 "$PREFIX"/log/*.log
}

# Stop by PID what this prefix started, and wait for it to go.
stop_pidfile() {
	local f=$1 pid i
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	kill -TERM "$pid" 2>/dev/null || { rm -f "$f"; return 0; }
	for i in $(seq 1 100); do
		proc_running "$pid" || break
		sleep 0.1
	done
	proc_running "$pid" && kill -KILL "$pid" 2>/dev/null
	rm -f "$f"
}

stack_stop() {
	stop_pidfile "$PREFIX/run/crl-watch.pid"
	stop_pidfile "$PREFIX/run/nginx.pid"
	stop_pidfile "$PREFIX/run/supervise.pid"
	stop_pidfile "$PREFIX/run/notify.pid"
	stop_pidfile "$PREFIX/mysql/mysql.pid"
	rm -f "$PREFIX/run/agora.sock"
}

# A free TCP port on 127.0.0.1 at or above $1.
free_port() {
	local p=$1
	while ss -Htan "sport = :$p" 2>/dev/null | grep -q .; do
		p=$((p + 1))
	done
	echo "$p"
}
