#!/bin/bash
# Docs that run: every fenced block of README.md and doc/*.md says what
# it is (```sh, ```text, ```json, ```sql, ...), and every shell block
# (sh, bash) and SQL block (through the mariadb client, as root) runs
# against this test stack and succeeds, unless its info string marks it
# "norun" (```sh norun: it starts or stops a stack, needs a real host,
# or holds placeholders).
#
# A block runs in `bash -e -o pipefail`, from a scratch directory that
# looks like the checkout after scripts/run: var -> the stack's prefix,
# build -> the build under test, sql/ and scripts/ of the checkout, with
# scripts/run a stub (the stack already runs). The port 8443 becomes the
# stack's, and the placeholder token agrt_... a fresh registration token.
. "$(dirname "$0")/lib.sh"

SB=$T_TMP/checkout
mkdir -p "$SB/scripts"
ln -s "$PREFIX" "$SB/var"
ln -s "$(cd "$BUILD" && pwd)" "$SB/build"
ln -s "$AGORA_TOP/sql" "$SB/sql"
for f in "$AGORA_TOP"/scripts/*; do
	ln -s "$f" "$SB/scripts/$(basename "$f")"
done
rm "$SB/scripts/run"
printf '#!/bin/sh\necho "scripts/run $*: the test stack is running"\n' > "$SB/scripts/run"
chmod 755 "$SB/scripts/run"

# blocks FILE: one record per fenced block, NUL-separated:
# "LINE<TAB>INFO<TAB>TEXT".
blocks() {
	awk '
	/^```/ {
		if (!inb) { inb = 1; line = NR; info = substr($0, 4); text = ""; next }
		inb = 0
		printf "%s\t%s\t%s%c", line, info, text, 0
		next
	}
	inb { text = text $0 "\n" }
	END { if (inb) printf "%s\tUNCLOSED\t%c", line, 0 }' "$1"
}

n=0
for doc in "$AGORA_TOP"/README.md "$AGORA_TOP"/doc/*.md; do
	name=${doc#"$AGORA_TOP"/}
	while IFS=$'\t' read -r -d '' line info text; do
		lang=${info%% *}
		case "$lang" in
		"")
			fail "$name:$line: a fenced block without a language (sh, text, json, sql, ...)"
			continue ;;
		UNCLOSED)
			fail "$name:$line: an unclosed fenced block"
			continue ;;
		sh|bash|shell|sql) ;;
		*) continue ;;
		esac
		case " $info " in *" norun "*) continue ;; esac
		n=$((n + 1))
		tok=$(regtoken 1)
		script=$(printf '%s' "$text" | sed -e "s/8443/$PORT/g" \
		    -e "s/agrt_\.\.\./$tok/g")
		# SQL goes to the stack's database, as root (mariadb client).
		[ "$lang" = sql ] && script=$(printf '%s\n%s\n%s\n' \
		    "mariadb --no-defaults -uroot -S var/mysql/mysql.sock agora <<'SQL'" \
		    "$script" "SQL")
		printf '%s' "$script" > "$T_TMP/block.sh"
		out=$(cd "$SB" && timeout 120 bash -e -o pipefail \
		    "$T_TMP/block.sh" 2>&1 </dev/null)
		rc=$?
		if [ $rc -eq 0 ]; then
			pass "$name:$line runs"
		else
			fail "$name:$line runs (exit $rc)"
			printf '%s\n' "$script" | sed 's/^/#   $ /'
			printf '%s\n' "$out" | tail -15 | sed 's/^/#   /'
		fi
	done < <(blocks "$doc")
done
ok "at least one shell block ran ($n)" test "$n" -gt 0

finish
