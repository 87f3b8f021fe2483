/*
 * The configuration file: "key = value" lines, '#' comments, read once at
 * start. Unknown keys, repeated keys and numbers out of range are errors.
 * Path: $AGORA_CONF, else the compiled-in default.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#ifndef AGORA_CONF_DEFAULT
#define AGORA_CONF_DEFAULT	"var/agora.conf"
#endif

enum ckind {
	CK_STR,
	CK_NUM,
	CK_KEY,		/* 64 hex characters, 32 bytes */
	CK_LEVEL,
	CK__MAX
};

struct ckey {
	const char	*name;
	enum ckind	 kind;
	size_t		 off;
	long long	 min;
	long long	 max;
	int		 required;
};

#define O(f)	offsetof(struct conf, f)

static const struct ckey ckeys[] = {
	{ "db_socket",	   CK_STR,  O(db_socket), 0, 0, 0 },
	{ "db_host",	   CK_STR,  O(db_host), 0, 0, 0 },
	{ "db_port",	   CK_NUM,  O(db_port), 1, 65535, 0 },
	{ "db_hosts",	   CK_STR,  O(db_hosts), 0, 0, 0 },
	{ "db_user",	   CK_STR,  O(db_user), 0, 0, 1 },
	{ "db_password",   CK_STR,  O(db_password), 0, 0, 0 },
	{ "db_admin_user", CK_STR,  O(db_admin_user), 0, 0, 0 },
	{ "db_admin_password", CK_STR, O(db_admin_password), 0, 0, 0 },
	{ "db_name",	   CK_STR,  O(db_name), 0, 0, 1 },
	{ "db_timeout",	   CK_NUM,  O(db_timeout), 1, 60, 0 },
	{ "ca_cert",	   CK_STR,  O(ca_cert), 0, 0, 1 },
	{ "ca_key",	   CK_STR,  O(ca_key), 0, 0, 1 },
	{ "ca_crl",	   CK_STR,  O(ca_crl), 0, 0, 1 },
	{ "cert_days",	   CK_NUM,  O(cert_days), 1, 3650, 0 },
	{ "crl_days",	   CK_NUM,  O(crl_days), 1, 365, 0 },
	{ "body_max",	   CK_NUM,  O(body_max), 1024, 16 * 1024 * 1024, 0 },
	{ "secret_grace",  CK_NUM,  O(secret_grace), 0, 30 * 86400, 0 },
	{ "idem_ttl",	   CK_NUM,  O(idem_ttl), 60, 30 * 86400, 0 },
	{ "session_idle",  CK_NUM,  O(session_idle), 60, 86400, 0 },
	{ "session_max",   CK_NUM,  O(session_max), 60, 7 * 86400, 0 },
	{ "login_max_fail", CK_NUM, O(login_max_fail), 1, 100, 0 },
	{ "login_lock",	   CK_NUM,  O(login_lock), 1, 86400, 0 },
	{ "data_key",	   CK_KEY,  O(data_key), 0, 0, 1 },
	{ "public_url",	   CK_STR,  O(public_url), 0, 0, 1 },
	{ "log_level",	   CK_LEVEL, O(log_level), 0, 0, 0 },
	{ "crl_hook",	   CK_STR,  O(crl_hook), 0, 0, 0 },
	{ "cache_bytes",   CK_NUM,  O(cache_bytes), 0, 256 * 1024 * 1024, 0 },
};

#define CKEYSZ	(sizeof(ckeys) / sizeof(ckeys[0]))

static const char *const lvlnames[LOGL__MAX] = {
	[LOGL_DEBUG] = "debug",
	[LOGL_INFO] = "info",
	[LOGL_WARN] = "warn",
	[LOGL_ERR] = "error",
};

/* The file agoractl and the worker read when AGORA_CONF is unset. */
const char *
conf_path(void)
{
	const char	*p;

	if ((p = getenv("AGORA_CONF")) != NULL && *p != '\0')
		return p;
	return AGORA_CONF_DEFAULT;
}

static int
conf_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
conf_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Store one value; 0 or -1 with err filled. */
static int
conf_set(struct conf *c, const struct ckey *k, const char *v, int line,
    char *err, size_t errsz)
{
	char		*base = (char *)c;
	long long	 n;
	size_t		 i;

	switch (k->kind) {
	case CK_STR:
		*(char **)(void *)(base + k->off) = xstrdup(v);
		return 0;
	case CK_NUM:
		if (num_parse(v, k->min, k->max, &n) == -1)
			return conf_err(err, errsz, "line %d: %s: expected "
			    "an integer in [%lld, %lld]", line, k->name,
			    k->min, k->max);
		*(long long *)(void *)(base + k->off) = n;
		return 0;
	case CK_KEY:
		if (hex_decode(v, (unsigned char *)base + k->off, 32) == -1)
			return conf_err(err, errsz, "line %d: %s: expected "
			    "64 hexadecimal characters", line, k->name);
		return 0;
	case CK_LEVEL:
		for (i = 0; i < LOGL__MAX; i++)
			if (strcmp(v, lvlnames[i]) == 0) {
				c->log_level = (enum loglevel)i;
				return 0;
			}
		return conf_err(err, errsz, "line %d: %s: expected debug, "
		    "info, warn or error", line, k->name);
	default:
		abort();
	}
}

/*
 * Read path into c (defaults first). Returns 0, or -1 with a message in
 * err. On failure c is freed.
 */
int
conf_load(const char *path, struct conf *c, char *err, size_t errsz)
{
	FILE		*f;
	char		*line = NULL, *k, *v, *eq;
	size_t		 linesz = 0, i;
	ssize_t		 len;
	int		 lineno = 0, rc = -1;
	int		 seen[CKEYSZ];

	memset(c, 0, sizeof(*c));
	memset(seen, 0, sizeof(seen));
	c->db_port = 3306;
	c->db_timeout = 3;
	c->cert_days = 365;
	c->crl_days = 7;
	c->body_max = 65536;
	c->secret_grace = 600;
	c->idem_ttl = 86400;
	c->session_idle = 1800;
	c->session_max = 8 * 3600;
	c->login_max_fail = 5;
	c->login_lock = 900;
	c->log_level = LOGL_INFO;
	c->cache_bytes = 4 * 1024 * 1024;

	if ((f = fopen(path, "r")) == NULL)
		return conf_err(err, errsz, "%s: %s", path, strerror(errno));

	while ((len = getline(&line, &linesz, f)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			conf_err(err, errsz, "line %d: NUL byte", lineno);
			goto out;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			conf_err(err, errsz, "line %d: expected key = value",
			    lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (i = 0; i < CKEYSZ; i++)
			if (strcmp(k, ckeys[i].name) == 0)
				break;
		if (i == CKEYSZ) {
			conf_err(err, errsz, "line %d: unknown key \"%s\"",
			    lineno, k);
			goto out;
		}
		if (seen[i]++) {
			conf_err(err, errsz, "line %d: \"%s\" repeated",
			    lineno, k);
			goto out;
		}
		if (conf_set(c, &ckeys[i], v, lineno, err, errsz) == -1)
			goto out;
	}
	if (ferror(f)) {
		conf_err(err, errsz, "%s: read error", path);
		goto out;
	}
	for (i = 0; i < CKEYSZ; i++)
		if (ckeys[i].required && !seen[i]) {
			conf_err(err, errsz, "missing key \"%s\"",
			    ckeys[i].name);
			goto out;
		}
	if (c->db_socket == NULL && c->db_host == NULL && c->db_hosts == NULL) {
		conf_err(err, errsz, "one of db_socket, db_host or db_hosts "
		    "is needed");
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc == -1)
		conf_free(c);
	return rc;
}

void
conf_free(struct conf *c)
{
	free(c->db_socket);
	free(c->db_host);
	free(c->db_hosts);
	free(c->db_user);
	if (c->db_password != NULL)
		explicit_bzero(c->db_password, strlen(c->db_password));
	free(c->db_password);
	free(c->db_admin_user);
	if (c->db_admin_password != NULL)
		explicit_bzero(c->db_admin_password,
		    strlen(c->db_admin_password));
	free(c->db_admin_password);
	free(c->db_name);
	free(c->ca_cert);
	free(c->ca_key);
	free(c->ca_crl);
	free(c->public_url);
	free(c->crl_hook);
	explicit_bzero(c->data_key, sizeof(c->data_key));
	memset(c, 0, sizeof(*c));
}
