/* Unit tests: the statement table (db_sql.c) is complete and static. */
#include "config.h"

#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

int
main(void)
{
	size_t	 i, missing = 0, printf_like = 0, multi = 0;

	for (i = 0; i < STMT__MAX; i++) {
		if (db_sql[i] == NULL) {
			printf("# statement %zu has no SQL text\n", i);
			missing++;
			continue;
		}
		if (strstr(db_sql[i], "%s") || strstr(db_sql[i], "%d"))
			printf_like++;
		if (strchr(db_sql[i], ';') != NULL)
			multi++;
	}
	is_int(missing, 0, "every enum stmt has SQL text");
	is_int(printf_like, 0, "no statement is a printf template");
	is_int(multi, 0, "no statement holds several statements");
	return done();
}
