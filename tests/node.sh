#!/bin/bash
# node.sh: the checks that run on Node.js: install the pinned packages
# (tests/node/package-lock.json, from the npm registry), lint
# doc/openapi.yaml with Redocly, and check that the document and the
# route table agree both ways. Prints "N passed, N failed" last.
set -u
AGORA_TOP=${AGORA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$AGORA_TOP/build}
case "$BUILD" in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
export AGORA_TOP AGORACTL="$BUILD/src/agoractl"
cd "$AGORA_TOP/tests/node" || exit 1

passed=0
failed=0
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2 || {
		echo "not ok - npm ci in tests/node"
		echo "0 passed, 1 failed"
		exit 1
	}
fi

if out=$(npx --no-install redocly lint --config "$AGORA_TOP/tests/node/redocly.yaml" \
    "$AGORA_TOP/doc/openapi.yaml" 2>&1); then
	echo "ok - doc/openapi.yaml passes the Redocly lint"
	passed=$((passed + 1))
else
	echo "not ok - doc/openapi.yaml fails the Redocly lint"
	printf '%s\n' "$out" | tail -40 | sed 's/^/# /'
	failed=$((failed + 1))
fi

out=$(node routes-check.mjs 2>&1)
printf '%s\n' "$out"
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
