/*
 * agoractl: the operator's command line. It reads the same configuration
 * as the workers ($AGORA_CONF or var/agora.conf under the checkout) and
 * talks to the same database. Secrets it creates are printed once.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#ifndef AGORA_SQLDIR
#define AGORA_SQLDIR	"sql"
#endif

#define MIGRATION_MAX	256
#define SCRIPT_MAX	(4 * 1024 * 1024)

struct ctl {
	struct conf	 conf;
	struct db	*db;
	struct req	 r;	/* carries conf, db and the audit actor */
};

struct cmd {
	const char	*name;
	const char	*usage;
	int		(*fn)(struct ctl *, int, char *[]);
	int		 multi;	/* 1: DB_MULTI connection, -1: no database */
};

static int	cmd_migrate(struct ctl *, int, char *[]);
static int	cmd_seed(struct ctl *, int, char *[]);
static int	cmd_create_admin(struct ctl *, int, char *[]);
static int	cmd_set_password(struct ctl *, int, char *[]);
static int	cmd_admin_token(struct ctl *, int, char *[]);
static int	cmd_regtoken(struct ctl *, int, char *[]);
static int	cmd_status(struct ctl *, int, char *[]);
static int	cmd_routes(struct ctl *, int, char *[]);

static const struct cmd cmds[] = {
	{ "migrate", "migrate [-d dir]", cmd_migrate, 1 },
	{ "seed", "seed file.sql", cmd_seed, 1 },
	{ "create-admin", "create-admin email (password on stdin)",
	    cmd_create_admin, 0 },
	{ "set-password", "set-password email (password on stdin)",
	    cmd_set_password, 0 },
	{ "admin-token", "admin-token create email [-l label]",
	    cmd_admin_token, 0 },
	{ "registration-token", "registration-token create [-u uses] "
	    "[-e expires (e.g. 3600, 30m, 24h, 7d)] [-l label]",
	    cmd_regtoken, 0 },
	{ "status", "status", cmd_status, 0 },
	{ "routes", "routes", cmd_routes, -1 },
};

#define CMDSZ	(sizeof(cmds) / sizeof(cmds[0]))

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: agoractl [-c conf] command ...\n");
	for (i = 0; i < CMDSZ; i++)
		fprintf(stderr, "       agoractl %s\n", cmds[i].usage);
	exit(2);
}

/* Read a whole file of at most max bytes; owned, NUL-terminated, or NULL. */
static char *
slurp(const char *path, size_t max, size_t *sz)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "agoractl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	p = xmalloc(max + 1);
	n = fread(p, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		fprintf(stderr, "agoractl: %s: larger than %zu bytes\n",
		    path, max);
		free(p);
		return NULL;
	}
	p[n] = '\0';
	*sz = n;
	return p;
}

static int
mig_filter(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return n > 9 && strspn(d->d_name, "0123456789") == 4 &&
	    d->d_name[4] == '_' && strcmp(d->d_name + n - 4, ".sql") == 0;
}

/*
 * migrate: apply sql/migrations/NNNN_name.sql in order, once each, and
 * record each with its SHA-256. A recorded migration whose file changed
 * is refused: add a new one instead.
 */
static int
cmd_migrate(struct ctl *c, int argc, char *argv[])
{
	static const char boot[] =
	    "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version INT UNSIGNED NOT NULL PRIMARY KEY, "
	    "name VARCHAR(255) NOT NULL, checksum CHAR(64) NOT NULL, "
	    "applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
	struct dirent	**ents = NULL;
	struct dbres	*rs = NULL;
	struct dbp	 p[3];
	const char	*dir = AGORA_SQLDIR "/migrations";
	char		*path, *sql, *sum;
	size_t		 sz, row;
	long long	 ver;
	int		 n, i, ch, rc = 1, applied = 0, found;

	optind = 1;
	while ((ch = getopt(argc, argv, "d:")) != -1)
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		default:
			usage();
		}
	if (db_run_script(c->db, boot, sizeof(boot) - 1) == -1)
		return 1;
	if ((n = scandir(dir, &ents, mig_filter, alphasort)) == -1) {
		fprintf(stderr, "agoractl: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (db_query(c->db, STMT_MIGRATION_LIST, NULL, 0, &rs) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		char num[5];

		memcpy(num, ents[i]->d_name, 4);
		num[4] = '\0';
		if (num_parse(num, 1, 9999, &ver) == -1) {
			fprintf(stderr, "agoractl: %s: bad number\n",
			    ents[i]->d_name);
			goto out;
		}
		path = xasprintf("%s/%s", dir, ents[i]->d_name);
		sql = slurp(path, SCRIPT_MAX, &sz);
		free(path);
		if (sql == NULL)
			goto out;
		sum = crypto_sha256_hex(sql, sz);
		for (found = 0, row = 0; row < rs->nrow; row++)
			if (dbres_int(rs, row, 0) == ver) {
				found = 1;
				break;
			}
		if (found) {
			if (strcmp(dbres_str(rs, row, 2), sum) != 0) {
				fprintf(stderr, "agoractl: %s was applied "
				    "with another checksum: applied "
				    "migrations must not change\n",
				    ents[i]->d_name);
				free(sql);
				free(sum);
				goto out;
			}
			free(sql);
			free(sum);
			continue;
		}
		if (db_run_script(c->db, sql, sz) == -1) {
			fprintf(stderr, "agoractl: %s failed\n",
			    ents[i]->d_name);
			free(sql);
			free(sum);
			goto out;
		}
		p[0] = dbp_int(ver);
		p[1] = dbp_str(ents[i]->d_name);
		p[2] = dbp_str(sum);
		free(sql);
		if (db_exec(c->db, STMT_MIGRATION_ADD, p, 3, NULL, NULL) != 1) {
			free(sum);
			goto out;
		}
		free(sum);
		printf("applied %s\n", ents[i]->d_name);
		applied++;
	}
	if (ver != AGORA_SCHEMA_VERSION)
		fprintf(stderr, "agoractl: warning: newest migration is %lld, "
		    "this build expects %d\n", ver, AGORA_SCHEMA_VERSION);
	printf("schema at version %lld (%d applied now)\n", ver, applied);
	rc = 0;
out:
	dbres_free(rs);
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

/* seed: run an idempotent SQL seed script. */
static int
cmd_seed(struct ctl *c, int argc, char *argv[])
{
	char	*sql;
	size_t	 sz;
	int	 rc;

	if (argc != 2)
		usage();
	if ((sql = slurp(argv[1], SCRIPT_MAX, &sz)) == NULL)
		return 1;
	rc = db_run_script(c->db, sql, sz) == -1 ? 1 : 0;
	free(sql);
	if (rc == 0)
		printf("seeded %s\n", argv[1]);
	return rc;
}

/* A password from stdin (first line), 12..256 bytes; owned or NULL. */
static char *
read_password(void)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if ((n = getline(&line, &cap, stdin)) == -1) {
		free(line);
		fprintf(stderr, "agoractl: no password on standard input\n");
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n < 12 || n > 256 || !valid_text(line, 12, 256)) {
		fprintf(stderr, "agoractl: the password must be 12 to 256 "
		    "printable characters\n");
		explicit_bzero(line, cap);
		free(line);
		return NULL;
	}
	return line;
}

static int
cmd_create_admin(struct ctl *c, int argc, char *argv[])
{
	char		*pw;
	long long	 id;
	int		 rc;

	if (argc != 2)
		usage();
	if (!valid_email(argv[1])) {
		fprintf(stderr, "agoractl: email: not an e-mail address\n");
		return 1;
	}
	if ((pw = read_password()) == NULL)
		return 1;
	rc = db_admin_create(&c->r, argv[1], pw, &id);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (rc == 0) {
		fprintf(stderr, "agoractl: %s already exists\n", argv[1]);
		return 3;
	}
	if (rc == -1)
		return 1;
	printf("admin %s created (id %lld)\n", argv[1], id);
	return 0;
}

static int
cmd_set_password(struct ctl *c, int argc, char *argv[])
{
	char	*pw;
	int	 rc;

	if (argc != 2)
		usage();
	if ((pw = read_password()) == NULL)
		return 1;
	rc = db_admin_setpw(&c->r, argv[1], pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (rc == 0) {
		fprintf(stderr, "agoractl: no admin %s\n", argv[1]);
		return 1;
	}
	if (rc == -1)
		return 1;
	printf("password changed; sessions of %s ended\n", argv[1]);
	return 0;
}

static int
cmd_admin_token(struct ctl *c, int argc, char *argv[])
{
	struct dbres	*rs;
	struct dbp	 p;
	const char	*label = "agoractl";
	char		*tok;
	long long	 id;
	int		 ch;

	if (argc < 3 || strcmp(argv[1], "create") != 0)
		usage();
	optind = 3;
	while ((ch = getopt(argc, argv, "l:")) != -1)
		switch (ch) {
		case 'l':
			label = optarg;
			break;
		default:
			usage();
		}
	p = dbp_str(argv[2]);
	if (db_query(c->db, STMT_ADMIN_BY_EMAIL, &p, 1, &rs) == -1)
		return 1;
	if (rs->nrow == 0) {
		dbres_free(rs);
		fprintf(stderr, "agoractl: no admin %s\n", argv[2]);
		return 1;
	}
	id = dbres_int(rs, 0, 0);
	dbres_free(rs);
	if (db_admin_token_create(&c->r, id, label, &tok) == -1)
		return 1;
	printf("%s\n", tok);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	return 0;
}

/* "3600", "30m", "24h", "7d" to seconds; -1 if malformed. */
static long long
parse_duration(const char *s)
{
	char		 num[32];
	size_t		 n = strlen(s);
	long long	 v, mul = 1;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mul = 1; num[n - 1] = '\0'; break;
	case 'm': mul = 60; num[n - 1] = '\0'; break;
	case 'h': mul = 3600; num[n - 1] = '\0'; break;
	case 'd': mul = 86400; num[n - 1] = '\0'; break;
	default: break;
	}
	if (num_parse(num, 1, 3650LL * 86400 / mul, &v) == -1)
		return -1;
	return v * mul;
}

static int
cmd_regtoken(struct ctl *c, int argc, char *argv[])
{
	const char	*label = "";
	char		*tok;
	long long	 uses = 1, ttl = 0, id;
	int		 ch;

	if (argc < 2 || strcmp(argv[1], "create") != 0)
		usage();
	optind = 2;
	while ((ch = getopt(argc, argv, "u:e:l:")) != -1)
		switch (ch) {
		case 'u':
			if (num_parse(optarg, 1, 1000000, &uses) == -1) {
				fprintf(stderr, "agoractl: uses: 1 to "
				    "1000000\n");
				return 1;
			}
			break;
		case 'e':
			if ((ttl = parse_duration(optarg)) == -1) {
				fprintf(stderr, "agoractl: expires: a "
				    "duration like 3600, 30m, 24h or 7d\n");
				return 1;
			}
			break;
		case 'l':
			label = optarg;
			break;
		default:
			usage();
		}
	if (!valid_text(label, 0, 255)) {
		fprintf(stderr, "agoractl: label: at most 255 characters\n");
		return 1;
	}
	if (db_regtoken_create(&c->r, label, uses, ttl, &tok, &id) == -1)
		return 1;
	printf("%s\n", tok);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	return 0;
}

/* routes: the route table, "METHOD PATTERN" per line (no database). */
static int
cmd_routes(struct ctl *c, int argc, char *argv[])
{
	size_t	 i;

	(void)c;
	(void)argc;
	(void)argv;
	for (i = 0; i < routesz; i++)
		printf("%s %s\n", method_name(routes[i].method),
		    routes[i].pattern);
	return 0;
}

static int
cmd_status(struct ctl *c, int argc, char *argv[])
{
	struct dbres	*rs;

	(void)argc;
	(void)argv;
	if (db_query(c->db, STMT_SCHEMA_VERSION, NULL, 0, &rs) == -1)
		return 1;
	printf("schema version %lld (binary expects %d)\n",
	    dbres_int(rs, 0, 0), AGORA_SCHEMA_VERSION);
	dbres_free(rs);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct ctl	 c;
	const char	*path = NULL, *user;
	char		 err[256];
	size_t		 i;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "+c:")) != -1)
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < CMDSZ; i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (i == CMDSZ)
		usage();

	log_init("agoractl", LOGL_WARN);
	if (cmds[i].multi == -1)
		return cmds[i].fn(NULL, argc, argv);
	if (path == NULL)
		path = conf_path();
	memset(&c, 0, sizeof(c));
	if (conf_load(path, &c.conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "agoractl: %s: %s\n", path, err);
		return 1;
	}
	/* Schema changes use the admin account when one is configured. */
	if (cmds[i].multi == 1 && c.conf.db_admin_user != NULL) {
		free(c.conf.db_user);
		free(c.conf.db_password);
		c.conf.db_user = xstrdup(c.conf.db_admin_user);
		c.conf.db_password = c.conf.db_admin_password ?
		    xstrdup(c.conf.db_admin_password) : NULL;
	}
	c.db = db_open(&c.conf, cmds[i].multi == 1 ? DB_MULTI : 0);
	if (!db_connected(c.db)) {
		fprintf(stderr, "agoractl: cannot reach the database "
		    "(is the stack running? scripts/run)\n");
		rc = 1;
		goto out;
	}
	c.r.conf = &c.conf;
	c.r.db = c.db;
	if ((user = getenv("USER")) == NULL || !valid_uid(user))
		user = "operator";
	snprintf(c.r.pr.label, sizeof(c.r.pr.label), "agoractl:%s", user);
	rc = cmds[i].fn(&c, argc, argv);
out:
	db_close(c.db);
	conf_free(&c.conf);
	return rc;
}
