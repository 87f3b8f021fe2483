/*
 * The floor under a cached hit: the hello-world worker plus the one
 * statement every cached catalog hit runs, agora's own tenant
 * generation check (db_sql[STMT_GEN_TENANT], SQL_CACHE and all),
 * prepared once and run per request over the worker's one connection.
 * Any worker that asks the database once per request, as the freshness
 * promise needs, pays at least this; scripts/bench measures it beside
 * hello-world so agora's hit rows can be read against it.
 *	floor CONF TENANT_ID BODY_FILE
 * A request whose query string is "body" is answered with BODY_FILE's
 * bytes (the catalog's answer, as agora serves it); any other with
 * hello-world's. A failed statement answers 500. The connection to
 * nginx is closed as agora closes it.
 */
#include "config.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <mysql.h>

#include "../../src/extern.h"

#define HELLO	"{\"hello\":\"world\"}"
_Static_assert(sizeof(HELLO) - 1 == 17, "Content-Length below is 17");

/* The whole of a file, in memory; exits on failure. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*b;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1)
		err(1, "%s", path);
	if ((b = malloc((size_t)n + 1)) == NULL)
		err(1, NULL);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		errx(1, "%s: short read", path);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/*
 * Run the prepared check for the bound tenant and read its one row as
 * a hit does (db.c: the whole result at once, then the fetch); 0 or -1.
 */
static int
check(MYSQL_STMT *st, MYSQL_BIND *out)
{
	int	 rc;

	if (mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_store_result(st) != 0 ||
	    mysql_stmt_bind_result(st, out) != 0)
		return -1;
	rc = mysql_stmt_fetch(st);
	while (mysql_stmt_fetch(st) == 0)
		;
	mysql_stmt_free_result(st);
	return rc == 0 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	FCGX_Request	 r;
	MYSQL		*my;
	MYSQL_STMT	*st;
	MYSQL_BIND	 in, out[2];
	unsigned long long id, gen[2];
	const char	*q, *sql = db_sql[STMT_GEN_TENANT];
	char		 e[256], head[128], *body;
	size_t		 bodylen;

	if (argc != 4)
		errx(2, "usage: floor CONF TENANT_ID BODY_FILE");
	if (conf_load(argv[1], &c, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	id = strtoull(argv[2], NULL, 10);
	body = slurp(argv[3], &bodylen);
	snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", bodylen);

	/* One connection and one prepared statement for the life. */
	if ((my = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(my, NULL, c.db_user, c.db_password,
	    c.db_name, 0, c.db_socket, 0) == NULL)
		errx(1, "connect: %s", my ? mysql_error(my) : "no memory");
	if ((st = mysql_stmt_init(my)) == NULL ||
	    mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		errx(1, "prepare: %s", mysql_error(my));
	memset(&in, 0, sizeof(in));
	in.buffer_type = MYSQL_TYPE_LONGLONG;
	in.buffer = &id;
	in.is_unsigned = 1;
	memset(out, 0, sizeof(out));
	out[0].buffer_type = out[1].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &gen[0];
	out[1].buffer = &gen[1];
	out[0].is_unsigned = out[1].is_unsigned = 1;
	if (mysql_stmt_bind_param(st, &in) != 0)
		errx(1, "bind: %s", mysql_stmt_error(st));

	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		/* The query, from REQUEST_URI as agora reads it. */
		if ((q = FCGX_GetParam("REQUEST_URI", r.envp)) != NULL &&
		    (q = strchr(q, '?')) != NULL)
			q++;
		if (check(st, out) == -1)
			FCGX_PutS("Status: 500 Internal Server Error\r\n"
			    "Content-Length: 0\r\n\r\n", r.out);
		else if (q != NULL && strcmp(q, "body") == 0) {
			FCGX_PutS(head, r.out);
			FCGX_PutStr(body, (int)bodylen, r.out);
		} else
			FCGX_PutS("Status: 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: 17\r\n\r\n" HELLO, r.out);
		/*
		 * Closed at once, as agora's req_finish does for a request
		 * read whole, not with libfcgi's shutdown and wait for
		 * nginx to close first.
		 */
		if (FCGX_GetChar(r.in) == EOF && FCGX_GetError(r.in) == 0)
			FCGX_Detach(&r);
		FCGX_Finish_r(&r);
	}
	return 0;
}
