#!/bin/bash
# dev-stack.sh: a long-lived private stack for developing the console and
# its browser test (run.sh stops its stack when the tests end).
#	BUILD=dir tests/browser/dev-stack.sh start	prints the prefix
#	tests/browser/dev-stack.sh env PREFIX		the test environment
#	BUILD=dir tests/browser/dev-stack.sh restart PREFIX	new worker build
#	tests/browser/dev-stack.sh stop PREFIX
#	tests/browser/dev-stack.sh test PREFIX t0450	run a browser test
set -u
AGORA_TOP=${AGORA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$AGORA_TOP/build}
LOGIN_RATE=${LOGIN_RATE:-200r/s}
LOGIN_BURST=${LOGIN_BURST:-400}
REG_RATE=${REG_RATE:-200r/s}
REG_BURST=${REG_BURST:-400}
SECRET_GRACE=${SECRET_GRACE:-3}
. "$AGORA_TOP/scripts/lib/stack.sh"

case "${1:-}" in
start)
	PREFIX=$(mktemp -d /tmp/agora-dev.XXXXXX)
	chmod 755 "$PREFIX"
	PORT=$(free_port $((10000 + RANDOM % 20000)))
	export ASAN_OPTIONS="log_path=$PREFIX/log/asan:detect_leaks=0"
	stack_init >/dev/null
	stack_start >/dev/null 2>"$PREFIX/log/start.log" || {
		cat "$PREFIX/log/start.log" >&2; exit 1; }
	chmod 777 "$PREFIX/log"
	export AGORA_CONF="$PREFIX/agora.conf"
	pw=$(randhex 12)
	echo "$pw" | "$BUILD/src/agoractl" create-admin admin@agora.test >/dev/null
	tok=$("$BUILD/src/agoractl" admin-token create admin@agora.test -l dev)
	cat > "$PREFIX/env.sh" <<-E
	export AGORA_TOP=$AGORA_TOP BUILD=$BUILD PREFIX=$PREFIX PORT=$PORT
	export BASE=https://localhost:$PORT CACERT=$PREFIX/ca.pem
	export AGORA_CONF=$PREFIX/agora.conf AGORACTL=$BUILD/src/agoractl
	export AGORA_FCGI=$PREFIX/bin/agora-fcgi
	export ADMIN_EMAIL=admin@agora.test ADMIN_PASSWORD=$pw ADMIN_TOKEN=$tok
	E
	echo "$PREFIX"
	;;
env)
	cat "$2/env.sh"
	;;
restart)
	PREFIX=$2
	. "$PREFIX/env.sh"
	stack_users
	stop_pidfile "$PREFIX/run/supervise.pid"
	stack_workers_start
	;;
test)
	PREFIX=$2
	. "$PREFIX/env.sh"
	[ -e "$AGORA_TOP/tests/browser/node_modules" ] ||
	    ln -s ../node/node_modules "$AGORA_TOP/tests/browser/node_modules"
	cd "$AGORA_TOP/tests/browser" && node "${3:-t0450}"*.mjs
	;;
stop)
	PREFIX=$2
	stack_stop
	rm -rf "$PREFIX"
	;;
*)
	echo "usage: $0 start|env|restart|test|stop [PREFIX]" >&2
	exit 2
	;;
esac
