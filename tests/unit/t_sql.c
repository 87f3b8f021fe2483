/* Unit tests: the statement table (db_sql.c) is complete and static. */
#include "config.h"

#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

/* 1 if s holds a printf conversion outside SQL string literals. */
static int
printf_like(const char *s)
{
	int	 quoted = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\'')
			quoted = !quoted;
		else if (!quoted && s[0] == '%' && s[1] != '\0' &&
		    strchr("sdiuxlz", s[1]) != NULL)
			return 1;
	}
	return 0;
}

int
main(void)
{
	size_t	 i, missing = 0, nprintf = 0, multi = 0;

	for (i = 0; i < STMT__MAX; i++) {
		if (db_sql[i] == NULL) {
			printf("# statement %zu has no SQL text\n", i);
			missing++;
			continue;
		}
		if (printf_like(db_sql[i]))
			nprintf++;
		if (strchr(db_sql[i], ';') != NULL)
			multi++;
	}
	is_int(missing, 0, "every enum stmt has SQL text");
	is_int((long long)db_stmt_nnames, STMT__MAX,
	    "every enum stmt has a name for the log");
	is_str(db_stmt_name(STMT_TENANT_GET), "STMT_TENANT_GET",
	    "a statement's name is its enum name");
	is_str(db_stmt_name(STMT__MAX - 1), db_stmt_names[STMT__MAX - 1],
	    "the last one too");
	is_int(nprintf, 0, "no statement is a printf template");
	is_int(multi, 0, "no statement holds several statements");
	return done();
}
