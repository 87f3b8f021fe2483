/*
 * agoractl: the operator's command line. It reads the same configuration
 * as the workers ($AGORA_CONF or var/agora.conf under the checkout) and
 * talks to the same database. Secrets it creates are printed once.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#ifndef AGORA_SQLDIR
#define AGORA_SQLDIR	"sql"
#endif
#ifndef AGORA_CONF_DEFAULT
#define AGORA_CONF_DEFAULT	"agora.conf"
#endif

#define MIGRATION_MAX	256
#define SCRIPT_MAX	(4 * 1024 * 1024)

struct ctl {
	const char	*path;	/* the configuration file */
	struct conf	 conf;
	struct db	*db;
	struct principal pr;	/* the audit actor: agoractl:$USER */
	struct dbx	 dx;	/* what the data layer sees */
};

/* What a command needs from the database. */
enum ctldb {
	CTL_DB,		/* the workers' account; fail when unreachable */
	CTL_DB_ADMIN,	/* the admin account, multi-statement scripts */
	CTL_DB_OPT,	/* the workers' account if reachable (status) */
	CTL_NODB,	/* no configuration, no database */
	CTL_CONF	/* the configuration only (db-init connects itself) */
};

struct cmd {
	const char	*name;
	const char	*usage;		/* arguments after the name */
	const char	*help;		/* what it does */
	int		(*fn)(struct ctl *, int, char *[]);
	enum ctldb	 db;
};

static int	cmd_migrate(struct ctl *, int, char *[]);
static int	cmd_seed(struct ctl *, int, char *[]);
static int	cmd_create_admin(struct ctl *, int, char *[]);
static int	cmd_set_password(struct ctl *, int, char *[]);
static int	cmd_admin_token(struct ctl *, int, char *[]);
static int	cmd_regtoken(struct ctl *, int, char *[]);
static int	cmd_status(struct ctl *, int, char *[]);
static int	cmd_routes(struct ctl *, int, char *[]);
static int	cmd_marketplace(struct ctl *, int, char *[]);
static int	cmd_crl(struct ctl *, int, char *[]);
static int	cmd_crl_sync(struct ctl *, int, char *[]);
static int	cmd_certificate(struct ctl *, int, char *[]);
static int	cmd_rotate_secret(struct ctl *, int, char *[]);
static int	cmd_audit(struct ctl *, int, char *[]);
static int	cmd_provider(struct ctl *, int, char *[]);
static int	cmd_hub_keys(struct ctl *, int, char *[]);
static int	cmd_db_init(struct ctl *, int, char *[]);
static int	cmd_help(struct ctl *, int, char *[]);

static const struct cmd cmds[] = {
	{ "status", "",
	    "Show the configuration file, whether the database answers (and "
	    "the Galera state of a cluster node), the schema version, when "
	    "the CA certificate expires and when the CRL must be rewritten, "
	    "the counts of marketplaces, apps, tenants and live "
	    "listings, and whether the server runs its query cache and "
	    "thread pool (faster cached reads; not required). Exits 1 when "
	    "something needs attention.",
	    cmd_status, CTL_DB_OPT },
	{ "db-init", "[-u root-user] [-H account-host] [-S root-socket]",
	    "From a root connection to MariaDB (the configured socket or "
	    "host, or the socket given with -S, as on a cluster node whose "
	    "root logs in by socket only; user root, password in "
	    "$AGORA_DB_ROOT_PASSWORD if it needs one): create the database and the two accounts of the "
	    "configuration with their passwords, apply the migrations as "
	    "the admin account, and grant the workers' account row access "
	    "only (append-only on the audit trail). Run it again after "
	    "every upgrade: it is idempotent.",
	    cmd_db_init, CTL_CONF },
	{ "migrate", "[-d dir]",
	    "Apply the migrations of dir (default: the installed sql/"
	    "migrations) once each, recording their checksums; a changed "
	    "applied migration is refused.",
	    cmd_migrate, CTL_DB_ADMIN },
	{ "seed", "file.sql",
	    "Run an idempotent SQL seed script as the admin account, then "
	    "seal hub keys (hub-keys). Shows progress on a terminal.",
	    cmd_seed, CTL_DB_ADMIN },
	{ "hub-keys", "",
	    "Seal a hub key for each live listing written by SQL (which "
	    "cannot seal under the data key). Shows progress on a terminal.",
	    cmd_hub_keys, CTL_DB },
	{ "create-admin", "email",
	    "Create a console admin; the password is read from the first "
	    "line of standard input.",
	    cmd_create_admin, CTL_DB },
	{ "set-password", "email",
	    "Set a console admin's password (first line of standard input) "
	    "and end its sessions.",
	    cmd_set_password, CTL_DB },
	{ "admin-token", "create email [-l label]",
	    "Print a new admin API token (Bearer) for an admin, once.",
	    cmd_admin_token, CTL_DB },
	{ "registration-token", "create [-u uses] [-e expires] [-l label] | "
	    "list | revoke id",
	    "Registration tokens for marketplaces: create prints one once "
	    "(expires as 3600, 30m, 24h or 7d), list shows them without "
	    "the token, revoke ends one.",
	    cmd_regtoken, CTL_DB },
	{ "marketplace", "list",
	    "List marketplaces with their current certificate.",
	    cmd_marketplace, CTL_DB },
	{ "crl", "",
	    "Write the CRL (ca_crl) from the database, even when empty; "
	    "reload nginx afterwards (the agora-crl timer does both daily).",
	    cmd_crl, CTL_DB },
	{ "crl-sync", "",
	    "Make the CRL file the database's current CRL (building the "
	    "next one first if it is stale) and print its number; each "
	    "host of a cluster runs it in a loop (scripts/lib/crl-loop).",
	    cmd_crl_sync, CTL_DB },
	{ "certificate", "revoke nid [-r reason] [-s serial]",
	    "Revoke a marketplace's current certificate (or the one with "
	    "serial), then write the CRL.",
	    cmd_certificate, CTL_DB },
	{ "rotate-secret", "nid [-n]",
	    "Give a marketplace a new secret, printed once; the old one "
	    "works for secret_grace seconds more, or not at all with -n "
	    "(revoke now, for a secret that leaked).",
	    cmd_rotate_secret, CTL_DB },
	{ "provider", "create nid name email | list | rotate nid [-n]",
	    "App providers: create prints the key and secret (once), list "
	    "shows them, rotate prints a new secret once (-n: the old one "
	    "stops working now).",
	    cmd_provider, CTL_DB },
	{ "audit", "export [--actor A] [--target KIND[:ID]] [--since T] "
	    "[--until T]",
	    "Write the audit rows matching the filters as CSV on standard "
	    "output, oldest first. Shows progress on a terminal.",
	    cmd_audit, CTL_DB },
	{ "routes", "",
	    "Print the route table, one METHOD PATTERN a line.",
	    cmd_routes, CTL_NODB },
	{ "help", "[command]",
	    "Describe every command, or one.",
	    cmd_help, CTL_NODB },
};

#define CMDSZ	(sizeof(cmds) / sizeof(cmds[0]))

/* The synopsis of every command on f. */
static void
synopsis(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: agoractl [-c conf] command [argument ...]\n"
	    "       agoractl --help | --version | help command\n"
	    "commands:\n");
	for (i = 0; i < CMDSZ; i++)
		fprintf(f, "  %s%s%s\n", cmds[i].name,
		    *cmds[i].usage ? " " : "", cmds[i].usage);
}

/* Wrong use of a command or of agoractl: the synopsis, exit 2. */
static void
usage(void)
{
	synopsis(stderr);
	exit(2);
}

/*
 * As root, agoractl runs the config's crl_hook (scripts/run, the daily
 * cron): a config or hook that root does not own, or that its group or
 * others may write, would let the workers' user (or anyone) run commands
 * as root. The directory holding each is held to the same rule, since a
 * writable one lets the file be replaced. Returns 0, or -1 with the
 * reason on stderr.
 */
static int
root_trusts(const char *what, const char *path)
{
	struct stat	 sb;
	const char	*p[2];
	char		*dir, *slash;
	size_t		 i;
	int		 rc = 0;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	p[0] = path;
	p[1] = dir;
	for (i = 0; i < 2 && rc == 0; i++) {
		if (stat(p[i], &sb) == -1) {
			fprintf(stderr, "agoractl: %s %s: %s\n", what, p[i],
			    strerror(errno));
			rc = -1;
		} else if (sb.st_uid != 0 ||
		    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
			fprintf(stderr, "agoractl: refusing to run as root: "
			    "%s %s%s is %s\n", what, i ? "directory " : "",
			    p[i], sb.st_uid != 0 ? "not owned by root" :
			    "writable by its group or others");
			rc = -1;
		}
	}
	free(dir);
	return rc;
}


/* The command called name, or NULL. */
static const struct cmd *
cmd_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < CMDSZ; i++)
		if (strcmp(name, cmds[i].name) == 0)
			return &cmds[i];
	return NULL;
}

/* help [COMMAND]: one command's usage and description, or all. */
static int
cmd_help(struct ctl *c, int argc, char *argv[])
{
	const struct cmd	*cm;

	(void)c;
	if (argc == 1) {
		synopsis(stdout);
		printf("\nconfiguration: -c FILE, else $AGORA_CONF, else %s\n"
		    "agoractl help COMMAND describes one command; "
		    "see also agoractl(8).\n", AGORA_CONF_DEFAULT);
		return 0;
	}
	if (argc != 2)
		usage();
	if ((cm = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "agoractl: unknown command \"%s\" (agoractl "
		    "--help lists them)\n", argv[1]);
		return 2;
	}
	printf("usage: agoractl %s%s%s\n\n%s\n", cm->name,
	    *cm->usage ? " " : "", cm->usage, cm->help);
	return 0;
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
	if (db_run_script(c->db, boot, sizeof(boot) - 1, NULL) == -1)
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
		if (db_run_script(c->db, sql, sz, NULL) == -1) {
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

/* seed: run an idempotent SQL seed script (progress: statements). */
static int
cmd_seed(struct ctl *c, int argc, char *argv[])
{
	struct progress	 pg;
	char		*sql;
	size_t		 sz;
	int		 rc;

	if (argc != 2)
		usage();
	if ((sql = slurp(argv[1], SCRIPT_MAX, &sz)) == NULL)
		return 1;
	progress_init(&pg, "seed: statements", 0);
	rc = db_run_script(c->db, sql, sz, &pg) == -1 ? 1 : 0;
	progress_done(&pg);
	free(sql);
	if (rc != 0)
		return rc;
	printf("seeded %s\n", argv[1]);
	return cmd_hub_keys(c, 1, argv);
}

/*
 * hub-keys: a live listing inserted by SQL has no hub key (it is sealed
 * under the data key, which SQL does not know); give each one.
 */
static int
cmd_hub_keys(struct ctl *c, int argc, char *argv[])
{
	struct progress	 pg;
	long long	 n;

	(void)argv;
	if (argc != 1)
		usage();
	if (db_listing_keys(&c->dx, &pg, &n) == -1)
		return 1;
	if (n > 0)
		printf("sealed a hub key for %lld live listing%s\n", n,
		    n == 1 ? "" : "s");
	return 0;
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
	rc = db_admin_create(&c->dx, argv[1], pw, &id);
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
	rc = db_admin_setpw(&c->dx, argv[1], pw);
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
	if (db_admin_token_create(&c->dx, id, label, 0, &tok) == -1)
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

/* A table cell: "-" for SQL NULL. */
static const char *
cell(const char *s)
{
	return s == NULL ? "-" : s;
}

/* registration-token list: every token, newest first, never the token. */
static int
regtoken_list(struct ctl *c, int argc, char *argv[])
{
	struct regtoken_list	 tl;
	const struct regtoken	*t;
	long long		 total, off = 0;
	size_t			 i;

	if (argc != 2)
		usage();
	printf("%-6s %-8s %-5s %-5s %-20s %-20s %s\n", "ID", "STATE", "USES",
	    "MAX", "EXPIRES", "CREATED", "LABEL");
	do {
		if (db_regtoken_list(&c->dx, NULL, 200, off, &tl, &total) == -1)
			return 1;
		for (i = 0; i < tl.n; i++) {
			t = &tl.v[i];
			printf("%-6lld %-8s %-5lld %-5lld %-20s %-20s %s\n",
			    t->id, cell(t->state), t->uses, t->max_uses,
			    cell(t->expires_at), cell(t->created_at),
			    cell(t->label));
		}
		off += (long long)tl.n;
		i = tl.n;
		regtoken_list_free(&tl);
	} while (i > 0 && off < total);
	return 0;
}

/* registration-token revoke ID */
static int
regtoken_revoke(struct ctl *c, int argc, char *argv[])
{
	struct regtoken_list tl;
	long long	 id;
	int		 rc;

	if (argc != 3)
		usage();
	if (!valid_id(argv[2], &id)) {
		fprintf(stderr, "agoractl: id: a positive integer\n");
		return 1;
	}
	if ((rc = db_regtoken_revoke(&c->dx, id)) == -1)
		return 1;
	if (db_regtoken_get(&c->dx, id, &tl) != 1) {
		fprintf(stderr, "agoractl: no registration token %lld\n", id);
		return 1;
	}
	printf("registration token %lld %s\n", id, rc == 1 ?
	    "revoked" : "was already revoked");
	regtoken_list_free(&tl);
	return 0;
}

static int
cmd_regtoken(struct ctl *c, int argc, char *argv[])
{
	const char	*label = "";
	char		*tok;
	long long	 uses = 1, ttl = 0, id;
	int		 ch;

	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return regtoken_list(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
		return regtoken_revoke(c, argc, argv);
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
			/* At least a minute, as the admin API has it. */
			if ((ttl = parse_duration(optarg)) < 60) {
				fprintf(stderr, "agoractl: expires: a "
				    "duration of at least a minute, like "
				    "3600, 30m, 24h or 7d\n");
				return 1;
			}
			break;
		case 'l':
			label = optarg;
			break;
		default:
			usage();
		}
	if (!valid_label(label)) {
		fprintf(stderr, "agoractl: label: at most 255 printable "
		    "characters on one line\n");
		return 1;
	}
	if (db_regtoken_create(&c->dx, label, uses, ttl, &tok, &id) == -1)
		return 1;
	printf("%s\n", tok);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	return 0;
}

/*
 * The grace period of a rotation from its arguments after argv[first]:
 * none, or "-n" (revoke the old secret now). 0, or -1 (usage).
 */
static int
rotate_args(struct ctl *c, int argc, char *argv[], int first,
    long long *grace)
{
	*grace = c->conf.secret_grace;
	if (argc == first)
		return 0;
	if (argc == first + 1 && strcmp(argv[first], "-n") == 0) {
		*grace = 0;
		return 0;
	}
	return -1;
}

/*
 * A new secret (prefix + 64 hex) for the owner id of kind credentials
 * with key, the old ones living grace seconds more: printed once on
 * stdout, the grace period on stderr. The exit status.
 */
static int
rotate_print(struct ctl *c, const char *kind, const char *prefix,
    const char *nid, long long id, const char *key, long long grace)
{
	char	*secret;
	int	 rc;

	secret = crypto_token(prefix);
	rc = db_cred_rotate(&c->dx, kind, id, key, secret, grace, NULL, NULL);
	if (rc == 1) {
		printf("%s\n", secret);
		if (grace == 0)
			fprintf(stderr, "new secret for %s (key %s); the old "
			    "one is revoked\n", nid, key);
		else
			fprintf(stderr, "new secret for %s (key %s); the old "
			    "one works %lld seconds more\n", nid, key, grace);
	}
	secret_free(secret);
	return rc == 1 ? 0 : 1;
}

/* provider rotate NID [-n]: a new secret for the provider. */
static int
provider_rotate(struct ctl *c, const char *nid, long long grace)
{
	struct provider_list pl;
	int		 rc;

	if ((rc = db_provider_by_nid(&c->dx, nid, &pl)) != 1) {
		if (rc == 0)
			fprintf(stderr, "agoractl: no provider %s\n", nid);
		return 1;
	}
	rc = rotate_print(c, "provider", "", nid, pl.v[0].id,
	    pl.v[0].api_key, grace);
	provider_list_free(&pl);
	return rc;
}

/*
 * provider create NID NAME EMAIL: a new app provider; prints its api key
 * and secret (the secret this once). provider list: one provider a
 * line, "id nid api_key email name".
 */
static int
cmd_provider(struct ctl *c, int argc, char *argv[])
{
	struct provider_list pl;
	const struct provider *p;
	char		*key, *secret;
	long long	 id, off = 0, total, grace;
	size_t		 i;
	int		 rc;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		do {
			if (db_provider_list(&c->dx, 200, off, &pl,
			    &total) == -1)
				return 1;
			for (i = 0; i < pl.n; i++) {
				p = &pl.v[i];
				printf("%lld\t%s\t%s\t%s\t%s\n", p->id,
				    p->nid, p->api_key, p->email, p->name);
			}
			off += (long long)pl.n;
			i = pl.n;
			provider_list_free(&pl);
		} while (i > 0 && off < total);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "rotate") == 0) {
		if (rotate_args(c, argc, argv, 3, &grace) == -1)
			usage();
		return provider_rotate(c, argv[2], grace);
	}
	if (argc != 5 || strcmp(argv[1], "create") != 0)
		usage();
	if (!valid_nid(argv[2])) {
		fprintf(stderr, "agoractl: nid: a-z, 0-9 and '-', 2 to 64 "
		    "characters\n");
		return 1;
	}
	if (!valid_text(argv[3], 1, 255)) {
		fprintf(stderr, "agoractl: name: 1 to 255 characters\n");
		return 1;
	}
	if (!valid_email(argv[4])) {
		fprintf(stderr, "agoractl: email: not an e-mail address\n");
		return 1;
	}
	rc = db_provider_create(&c->dx, argv[2], argv[3], argv[4], &key,
	    &secret, &id, NULL, NULL);
	if (rc == 0) {
		fprintf(stderr, "agoractl: a provider %s exists\n", argv[2]);
		return 1;
	}
	if (rc == -1)
		return 1;
	printf("id %lld\nkey %s\nsecret %s\n", id, key, secret);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	free(key);
	return 0;
}

/* Write a chunk of CSV to stdout, counting rows; -1 on a write error. */
static int
audit_emit(void *arg, const char *p, size_t sz)
{
	struct progress	*pg = arg;
	const char	*e = p + sz, *q;
	long long	 n = 0;

	for (q = p; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++)
		n++;
	progress_step(pg, n);
	return fwrite(p, 1, sz, stdout) == sz ? 0 : -1;
}

/*
 * audit export: the audit rows matching the filters as CSV on stdout,
 * oldest first; the same filters and format as the console's export.
 */
static int
cmd_audit(struct ctl *c, int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "actor", required_argument, NULL, 'a' },
		{ "target", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct afilter	 f;
	struct progress	 pg;
	const char	*actor = NULL, *target = NULL, *since = NULL;
	const char	*until = NULL, *bad;
	int		 ch, rc;

	if (argc < 2 || strcmp(argv[1], "export") != 0)
		usage();
	optind = 2;
	while ((ch = getopt_long(argc, argv, "a:t:s:u:", lopts, NULL)) != -1)
		switch (ch) {
		case 'a':
			actor = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'u':
			until = optarg;
			break;
		default:
			usage();
		}
	if (optind != argc)
		usage();
	if (audit_filter_parse(&f, actor, target, since, until, &bad) == -1) {
		fprintf(stderr, "agoractl: --%s: %s\n", bad,
		    strcmp(bad, "target") == 0 ? "KIND or KIND:ID, e.g. "
		    "tenant:12" : strcmp(bad, "actor") == 0 ?
		    "printable text" : "a UTC time like 2026-01-31 or "
		    "2026-01-31T13:45:00");
		return 1;
	}
	/* The count includes the header line. */
	progress_init(&pg, "audit export: lines", 0);
	rc = db_audit_csv(&c->dx, &f, audit_emit, &pg);
	progress_done(&pg);
	if (rc == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "agoractl: the export failed\n");
		return 1;
	}
	return 0;
}

/* marketplace list: every marketplace with its current certificate. */
static int
cmd_marketplace(struct ctl *c, int argc, char *argv[])
{
	struct mkt_list	 ml;
	const struct mkt *m;
	long long	 total, off = 0;
	size_t		 i;

	if (argc != 2 || strcmp(argv[1], "list") != 0)
		usage();
	printf("%-5s %-24s %-10s %-34s %-20s %s\n", "ID", "NID", "ENV",
	    "SERIAL", "NOT AFTER", "HUB");
	do {
		if (db_mkt_list(&c->dx, NULL, NULL, 200, off, &ml,
		    &total) == -1)
			return 1;
		for (i = 0; i < ml.n; i++) {
			m = &ml.v[i];
			printf("%-5lld %-24s %-10s %-34s %-20s %s%s\n",
			    m->id, cell(m->nid), cell(m->environment),
			    cell(m->serial), cell(m->not_after),
			    cell(m->hub), m->revoked_at == NULL ? "" :
			    " (certificate revoked)");
		}
		off += (long long)ml.n;
		i = ml.n;
		mkt_list_free(&ml);
	} while (i > 0 && off < total);
	return 0;
}

/* crl: write the CRL (conf ca_crl) from the database, even when empty. */
static int
cmd_crl(struct ctl *c, int argc, char *argv[])
{
	if (argc != 1)
		usage();
	if (db_crl_refresh(&c->dx, 1, NULL) == -1) {
		fprintf(stderr, "agoractl: the CRL could not be written\n");
		return 1;
	}
	printf("CRL written to %s\n", c->conf.ca_crl);
	return 0;
}

/*
 * crl-sync: make the CRL file the database's CRL (building that first if
 * a revocation is not in it yet or it nears its nextUpdate) and print
 * its number. A host's supervisor runs it every second or so and reloads
 * nginx when the number changes: every host serves the same CRL.
 */
static int
cmd_crl_sync(struct ctl *c, int argc, char *argv[])
{
	long long	 n;

	if (argc != 1)
		usage();
	if (db_crl_sync(&c->dx, 0, NULL, &n) == -1) {
		fprintf(stderr, "agoractl: the CRL could not be synced\n");
		return 1;
	}
	printf("%lld\n", n);
	return 0;
}

/* certificate revoke NID [-r reason] [-s serial], then the CRL. */
static int
cmd_certificate(struct ctl *c, int argc, char *argv[])
{
	const char	*reason = "unspecified", *serial = NULL;
	char		*done, *up;
	long long	 id;
	int		 ch, rc;

	if (argc < 3 || strcmp(argv[1], "revoke") != 0)
		usage();
	optind = 3;
	while ((ch = getopt(argc, argv, "r:s:")) != -1)
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		case 's':
			/* Serials are stored upper case. */
			for (up = optarg; *up != '\0'; up++)
				*up = (char)toupper((unsigned char)*up);
			serial = optarg;
			break;
		default:
			usage();
		}
	if (cert_reason_code(reason) < 0) {
		fprintf(stderr, "agoractl: reason: unspecified, keyCompromise, "
		    "affiliationChanged, superseded or cessationOfOperation\n");
		return 1;
	}
	if (!valid_nid(argv[2]) || (rc = db_mkt_by_nid(&c->dx, argv[2],
	    &id)) == 0) {
		fprintf(stderr, "agoractl: no marketplace %s\n", argv[2]);
		return 1;
	}
	if (rc == -1)
		return 1;
	rc = db_mkt_revoke(&c->dx, id, serial, reason, &done);
	if (rc == 0 || rc == DBRC_CONFLICT) {
		fprintf(stderr, "agoractl: %s\n", rc == 0 ? "no such "
		    "certificate" : "the certificate is already revoked");
		return 1;
	}
	if (rc == -1)
		return 1;
	printf("certificate %s of %s revoked\n", done, argv[2]);
	free(done);
	if (db_crl_refresh(&c->dx, 1, NULL) == -1) {
		fprintf(stderr, "agoractl: the CRL could not be written; "
		    "run agoractl crl\n");
		return 1;
	}
	printf("CRL written to %s\n", c->conf.ca_crl);
	return 0;
}

/* rotate-secret NID [-n]: a new marketplace secret, printed once. */
static int
cmd_rotate_secret(struct ctl *c, int argc, char *argv[])
{
	struct mkt_list	 ml;
	long long	 id, grace;
	int		 rc;

	if (argc < 2 || rotate_args(c, argc, argv, 2, &grace) == -1)
		usage();
	if (!valid_nid(argv[1]) || (rc = db_mkt_by_nid(&c->dx, argv[1],
	    &id)) == 0 || (rc == 1 &&
	    (rc = db_mkt_get(&c->dx, id, &ml)) == 0)) {
		fprintf(stderr, "agoractl: no marketplace %s\n", argv[1]);
		return 1;
	}
	if (rc == -1)
		return 1;
	rc = rotate_print(c, "marketplace", "mks_", argv[1], id,
	    ml.v[0].api_key, grace);
	mkt_list_free(&ml);
	return rc;
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

/*
 * One status line for a file's end of validity (rc from
 * cert_file_until): the date and "in N days", or what is wrong; *bad
 * is set when it is missing, unreadable or past.
 */
static void
print_until(const char *what, const char *path, long long when, int rc,
    int *bad)
{
	char		 ts[32];
	long long	 d;

	if (rc == 0) {
		printf("%-14s %s: missing\n", what, path);
		*bad = 1;
		return;
	}
	if (rc == -1) {
		printf("%-14s %s: unreadable or not PEM\n", what, path);
		*bad = 1;
		return;
	}
	time_iso8601((time_t)when, ts, sizeof(ts));
	d = (when - (long long)time(NULL)) / 86400;
	if (when < (long long)time(NULL)) {
		printf("%-14s %s (%s, PAST: %lld days ago)\n", what, ts, path,
		    -d);
		*bad = 1;
	} else
		printf("%-14s %s (%s, in %lld days)\n", what, ts, path, d);
}

/*
 * The two server settings the cached reads gain from (doc/bench.md).
 * Neither is required, so neither makes status fail; the query cache is
 * advised on a single server and not on a Galera node.
 */
static void
print_settings(const struct ops_settings *st, int cluster)
{
	long long	 size = st->qc_size >> 20;
	const char	*unit = "MiB";

	if (size == 0) {
		size = st->qc_size >> 10;
		unit = "KiB";
	}
	if (strcmp(st->qc_type, "OFF") == 0 || st->qc_size <= 0)
		printf("%-14s off%s\n", "query cache", cluster ?
		    " (as advised on Galera)" :
		    " (each cached hit runs its check; see README.Debian)");
	else
		printf("%-14s %s, %lld %s%s\n", "query cache", st->qc_type,
		    size, unit, cluster ?
		    " (not advised on Galera: doc/cluster.md)" : "");
	printf("%-14s %s%s\n", "threads", st->threads,
	    strcmp(st->threads, "pool-of-threads") == 0 ? "" :
	    " (pool-of-threads is faster; see README.Debian)");
}

/*
 * status: what an operator checks first. Exit 0 when the database
 * answers at this build's schema and neither the CA nor the CRL is past
 * its date; 1 otherwise.
 */
static int
cmd_status(struct ctl *c, int argc, char *argv[])
{
	struct ops_counts	 n;
	struct ops_settings	 st;
	char			 state[64];
	long long		 v, when;
	int			 bad = 0, rc, cluster;

	(void)argv;
	if (argc != 1)
		usage();
	printf("%-14s %s\n", "config", c->path);
	if (!db_connected(c->db)) {
		printf("%-14s unreachable (%s%s)\n", "database",
		    c->conf.db_socket ? "socket " : "host ",
		    c->conf.db_socket ? c->conf.db_socket : c->conf.db_host);
		bad = 1;
	} else {
		printf("%-14s reachable (%s as %s)\n", "database",
		    c->conf.db_name, c->conf.db_user);
		if ((cluster = db_ops_cluster(c->db, state,
		    sizeof(state))) == 1)
			printf("%-14s %s\n", "cluster node", state);
		if (db_schema_version(c->db, &v) == -1) {
			printf("%-14s unknown (run agoractl db-init)\n",
			    "schema");
			bad = 1;
		} else {
			printf("%-14s version %lld (this build expects %d)%s\n",
			    "schema", v, AGORA_SCHEMA_VERSION,
			    v == AGORA_SCHEMA_VERSION ? "" :
			    ": run agoractl migrate");
			if (v != AGORA_SCHEMA_VERSION)
				bad = 1;
		}
		if (db_ops_counts(c->db, &n) == 0) {
			printf("%-14s %lld\n", "marketplaces", n.marketplaces);
			printf("%-14s %lld\n", "apps", n.apps);
			printf("%-14s %lld\n", "tenants", n.tenants);
			printf("%-14s %lld\n", "live listings",
			    n.live_listings);
		} else
			bad = 1;
		if (db_ops_settings(c->db, &st) == 0)
			print_settings(&st, cluster == 1);
		else
			bad = 1;
	}
	rc = cert_file_until(c->conf.ca_cert, 0, &when);
	print_until("CA expires", c->conf.ca_cert, when, rc, &bad);
	rc = cert_file_until(c->conf.ca_crl, 1, &when);
	print_until("CRL next", c->conf.ca_crl, when, rc, &bad);
	return bad;
}

/* A copy of conf connecting as user/password to no database. */
static void
conf_as(struct conf *dst, const struct conf *src, const char *user,
    const char *password, const char *db)
{
	*dst = *src;
	dst->db_user = (char *)(uintptr_t)user;
	dst->db_password = (char *)(uintptr_t)password;
	dst->db_name = (char *)(uintptr_t)db;
}

/*
 * db-init [-u root-user] [-H account-host] [-S root-socket]: database,
 * accounts, migrations, grants (see the command's help). 0 or 1.
 */
static int
cmd_db_init(struct ctl *c, int argc, char *argv[])
{
	struct ops_accounts	 a;
	struct conf		 root, admin;
	struct db		*rdb = NULL;
	const char		*user = "root", *sock = NULL;
	char			*margv[] = { "migrate", NULL };
	long long		 n;
	int			 ch, rc = 1;

	memset(&a, 0, sizeof(a));
	a.host = "localhost";
	optind = 1;
	while ((ch = getopt(argc, argv, "u:H:S:")) != -1)
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 'H':
			a.host = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		default:
			usage();
		}
	if (optind != argc)
		usage();
	a.db = c->conf.db_name;
	a.user = c->conf.db_user;
	a.password = c->conf.db_password;
	a.admin = c->conf.db_admin_user;
	a.admin_password = c->conf.db_admin_password;
	if (a.admin == NULL || a.password == NULL || a.admin_password == NULL) {
		fprintf(stderr, "agoractl: db-init needs db_password, "
		    "db_admin_user and db_admin_password in %s\n", c->path);
		return 1;
	}
	if (strcmp(a.admin, a.user) == 0) {
		fprintf(stderr, "agoractl: db_user and db_admin_user must be "
		    "two accounts\n");
		return 1;
	}

	/* 1. As root: the database, the accounts, the admin's grant. */
	conf_as(&root, &c->conf, user, getenv("AGORA_DB_ROOT_PASSWORD"),
	    NULL);
	if (sock != NULL) {
		root.db_socket = (char *)(uintptr_t)sock;
		root.db_host = NULL;
		root.db_hosts = NULL;
	}
	rdb = db_open(&root, 0);
	if (!db_connected(rdb)) {
		fprintf(stderr, "agoractl: cannot connect to MariaDB as %s "
		    "(%s); run as root, or set AGORA_DB_ROOT_PASSWORD\n", user,
		    root.db_socket ? root.db_socket : root.db_host);
		goto out;
	}
	if (db_ops_create(rdb, &a) == -1) {
		fprintf(stderr, "agoractl: creating the database or the "
		    "accounts failed (see the log above)\n");
		goto out;
	}
	printf("database %s, accounts %s and %s@%s ready\n", a.db, a.admin,
	    a.user, a.host);

	/* 2. As the admin account: the migrations. */
	conf_as(&admin, &c->conf, a.admin, a.admin_password, a.db);
	c->db = db_open(&admin, DB_MULTI);
	if (!db_connected(c->db)) {
		fprintf(stderr, "agoractl: cannot connect as %s\n", a.admin);
		goto out;
	}
	if (cmd_migrate(c, 1, margv) != 0)
		goto out;

	/* 3. As root: row access for the workers' account. */
	if (db_ops_grant(rdb, &a, &n) == -1) {
		fprintf(stderr, "agoractl: granting %s failed\n", a.user);
		goto out;
	}
	printf("%s may read and write rows of %lld tables\n", a.user, n);
	rc = 0;
out:
	db_close(c->db);
	c->db = NULL;
	db_close(rdb);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd	*cm;
	struct ctl		 c;
	const char		*path = NULL, *user;
	char			 err[256];
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "+c:hV", lopts, NULL)) != -1)
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			return cmd_help(NULL, 1, argv);
		case 'V':
			printf("agoractl %s (schema %d)\n", PACKAGE_VERSION,
			    AGORA_SCHEMA_VERSION);
			return 0;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if ((cm = cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "agoractl: unknown command \"%s\" (agoractl "
		    "--help lists them)\n", argv[0]);
		return 2;
	}
	/* "agoractl COMMAND --help" is help COMMAND. */
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		char	*hargv[] = { "help", argv[0], NULL };

		return cmd_help(NULL, 2, hargv);
	}

	log_init("agoractl", LOGL_WARN);
	if (cm->db == CTL_NODB)
		return cm->fn(NULL, argc, argv);
	if (path == NULL)
		path = conf_path();
	memset(&c, 0, sizeof(c));
	c.path = path;
	if (conf_load(path, &c.conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "agoractl: %s: %s\n", path, err);
		return 1;
	}
	if (geteuid() == 0 && (root_trusts("config", path) == -1 ||
	    (c.conf.crl_hook != NULL && c.conf.crl_hook[0] != '\0' &&
	    root_trusts("crl_hook", c.conf.crl_hook) == -1))) {
		conf_free(&c.conf);
		return 1;
	}
	/* Revocations made here count in the workers' metrics too. */
	(void)metrics_open(c.conf.metrics_file, 0);
	c.dx.conf = &c.conf;
	c.dx.pr = &c.pr;
	c.dx.id = "";
	if ((user = getenv("USER")) == NULL || !valid_uid(user))
		user = "operator";
	snprintf(c.pr.label, sizeof(c.pr.label), "agoractl:%s", user);
	if (cm->db == CTL_CONF) {
		rc = cm->fn(&c, argc, argv);
		c.dx.db = NULL;
		goto out;
	}
	/* Schema changes use the admin account when one is configured. */
	if (cm->db == CTL_DB_ADMIN && c.conf.db_admin_user != NULL) {
		free(c.conf.db_user);
		free(c.conf.db_password);
		c.conf.db_user = xstrdup(c.conf.db_admin_user);
		c.conf.db_password = c.conf.db_admin_password ?
		    xstrdup(c.conf.db_admin_password) : NULL;
	}
	c.db = db_open(&c.conf, cm->db == CTL_DB_ADMIN ? DB_MULTI : 0);
	if (cm->db != CTL_DB_OPT && !db_connected(c.db)) {
		fprintf(stderr, "agoractl: cannot reach the database "
		    "(is it running? agoractl status)\n");
		rc = 1;
		goto out;
	}
	c.dx.db = c.db;
	rc = cm->fn(&c, argc, argv);
out:
	db_close(c.db);
	conf_free(&c.conf);
	return rc;
}
