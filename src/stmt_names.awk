# stmt_names.awk: src/stmt_names.c from extern.h's enum stmt, so the log
# names a statement (STMT_TENANT_TOUCH) instead of its number. Built by
# make; t_sql checks that it has one name for each statement.
/^enum stmt \{/	{ on = 1; next }
on && /STMT__MAX/	{ on = 0; next }
on && match($0, /^[ \t]*STMT_[A-Z0-9_]+/) {
	name = substr($0, RSTART, RLENGTH)
	gsub(/[ \t]/, "", name)
	names[n++] = name
}
END {
	print "/* Generated from extern.h by src/stmt_names.awk: do not edit. */"
	print "#include <stddef.h>"
	print ""
	print "extern const char *const db_stmt_names[];"
	print "extern const size_t db_stmt_nnames;"
	print ""
	print "const char *const db_stmt_names[] = {"
	for (i = 0; i < n; i++)
		printf "\t\"%s\",\n", names[i]
	print "};"
	printf "const size_t db_stmt_nnames = %d;\n", n
}
