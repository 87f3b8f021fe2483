/*
 * agora: shared structures and prototypes, one section per source file.
 * Only db*.c include <mysql.h>; nothing here exposes it.
 */
#ifndef EXTERN_H
#define EXTERN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct json_object;

#define AGORA_SCHEMA_VERSION	1	/* highest migration the binary knows */

/* util.c */

struct buf {
	char	*p;		/* NUL-terminated contents */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard maximum, 0 for the default */
};

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	 num_parse(const char *, long long, long long, long long *);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_free(struct buf *);
char	*hex_encode(const unsigned char *, size_t);
int	 hex_decode(const char *, unsigned char *, size_t);
char	*b64_encode(const unsigned char *, size_t);
int	 b64_decode(const char *, size_t, unsigned char **, size_t *);
int	 url_decode(const char *, size_t, int, char **);
char	*url_encode(const char *);
void	 time_iso8601(time_t, char *, size_t);

/* log.c */

enum loglevel {
	LOGL_DEBUG,
	LOGL_INFO,
	LOGL_WARN,
	LOGL_ERR,
	LOGL__MAX
};

void	 log_init(const char *, enum loglevel);
void	 log_setlevel(enum loglevel);
void	 log_reqid(const char *);
void	 log_emit(enum loglevel, const char *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	 log_fields(enum loglevel, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 log_openssl(const char *);
void	 log_access(const char *, const char *, int, double, const char *);
void	 fatal_emit(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4), noreturn));

#define log_debug(...)	log_emit(LOGL_DEBUG, __func__, 0, __VA_ARGS__)
#define log_info(...)	log_emit(LOGL_INFO, __func__, 0, __VA_ARGS__)
#define log_warnx(...)	log_emit(LOGL_WARN, __func__, 0, __VA_ARGS__)
#define log_warn(...)	log_emit(LOGL_WARN, __func__, 1, __VA_ARGS__)
#define fatalx(...)	fatal_emit(__func__, 0, __VA_ARGS__)
#define fatal(...)	fatal_emit(__func__, 1, __VA_ARGS__)

/* conf.c */

struct conf {
	char		*db_socket;
	char		*db_host;
	long long	 db_port;
	char		*db_user;
	char		*db_password;
	char		*db_admin_user;	/* agoractl migrate and seed */
	char		*db_admin_password;
	char		*db_name;
	long long	 db_timeout;	/* seconds: connect, read, write */
	char		*ca_cert;	/* PEM file */
	char		*ca_key;	/* PEM file, 0600 */
	char		*ca_crl;	/* PEM file written on revocation */
	long long	 cert_days;	/* leaf validity */
	long long	 crl_days;	/* CRL nextUpdate */
	long long	 body_max;	/* request body cap, bytes */
	long long	 secret_grace;	/* seconds an old secret lives */
	long long	 idem_ttl;	/* seconds an idempotency row lives */
	long long	 session_idle;	/* seconds */
	long long	 session_max;	/* seconds */
	long long	 login_max_fail;
	long long	 login_lock;	/* seconds */
	unsigned char	 data_key[32];	/* AES-256-GCM key for secrets */
	char		*public_url;	/* https://host:port, no slash */
	enum loglevel	 log_level;
	char		*crl_hook;	/* run after writing the CRL, or NULL */
};

int	 conf_load(const char *, struct conf *, char *, size_t);
void	 conf_free(struct conf *);
const char *conf_path(void);

/* crypto.c */

#define TOKEN_BYTES	32

void	 crypto_random(unsigned char *, size_t);
char	*crypto_token(const char *);
void	 crypto_sha256(const void *, size_t, unsigned char[32]);
char	*crypto_sha256_hex(const void *, size_t);
int	 crypto_eq(const void *, const void *, size_t);
char	*crypto_pw_hash(const char *);
int	 crypto_pw_verify(const char *, const char *);
int	 crypto_seal(const unsigned char[32], const void *, size_t,
	    unsigned char **, size_t *);
int	 crypto_open(const unsigned char[32], const unsigned char *, size_t,
	    unsigned char **, size_t *);

/* json.c */

enum jtype {
	JT_STR,		/* string, length in [min, max] bytes */
	JT_INT,		/* integer in [min, max] */
	JT_BOOL,
	JT_OBJ,		/* object; fn validates it */
	JT_ARR,		/* array; fn validates it */
	JT_ANY,
	JT__MAX
};

struct req;

struct jfield {
	const char	*key;
	enum jtype	 type;
	long long	 min;
	long long	 max;
	int		 required;
	int		 nullable;
	int		(*fn)(struct req *, const char *,
			    struct json_object *);
};

int	 json_body(struct req *, struct json_object **);
struct json_object *json_parse_text(const char *, size_t);
int	 json_check(struct req *, struct json_object *,
	    const struct jfield *, const char *);
int	 json_get_str(struct json_object *, const char *, const char **);
int	 json_get_int(struct json_object *, const char *, long long *);
int	 json_get_bool(struct json_object *, const char *, int *);
struct json_object *json_get(struct json_object *, const char *);
void	 jadd(struct json_object *, const char *, struct json_object *);
void	 jadd_str(struct json_object *, const char *, const char *);
void	 jadd_int(struct json_object *, const char *, long long);
void	 jadd_bool(struct json_object *, const char *, int);
void	 jappend(struct json_object *, struct json_object *);
struct json_object *jstr_or_null(const char *);
struct json_object *json_from_text(const char *);
const char *json_text(struct json_object *);

/* valid.c */

int	 valid_nid(const char *);
int	 valid_url(const char *, int);
int	 valid_path_tpl(const char *);
int	 valid_email(const char *);
int	 valid_text(const char *, size_t, size_t);
int	 valid_id(const char *, long long *);
int	 valid_uid(const char *);
int	 valid_env(const char *);

/* fcgi.c */

enum method {
	M_GET,
	M_HEAD,
	M_POST,
	M_PUT,
	M_PATCH,
	M_DELETE,
	M_OPTIONS,
	M__MAX
};

enum errstyle {
	ES_PROBLEM,	/* RFC 9457 application/problem+json */
	ES_JSONAPI,	/* {"errors":[{title,detail,status}]} */
	ES_SIMPLE,	/* {"error": "..."} (SDK autoconfigure) */
	ES_HTML,	/* admin console page */
	ES__MAX
};

enum pkind {
	PK_NONE,
	PK_ADMIN,	/* admin API token or console session */
	PK_MKT,		/* marketplace key:secret */
	PK_PROVIDER,	/* provider key:secret */
	PK_ENV,		/* app environment key:secret */
	PK_TENANT,	/* tenant id:key */
	PK_REGTOKEN,	/* registration token */
	PK__MAX
};

#define ROLE_PUBLIC	0x00
#define ROLE_ADMIN	0x01	/* Bearer admin token */
#define ROLE_MKT	0x02
#define ROLE_PROVIDER	0x04
#define ROLE_ENV	0x08
#define ROLE_TENANT	0x10
#define ROLE_REGTOKEN	0x20
#define ROLE_SESSION	0x40	/* admin console cookie */

struct principal {
	enum pkind	 kind;
	long long	 id;		/* owner: admin, marketplace, ... */
	long long	 cred_id;	/* credential or token row */
	char		 label[96];	/* for the audit log, never a secret */
	char		 csrf[65];	/* session CSRF token (hex) */
};

struct ferr {
	char		*field;
	char		*msg;
};

#define FERR_MAX	32
#define PATHV_MAX	4
#define RESPH_MAX	16

struct qsp {
	char		*key;
	char		*val;
};

struct req {
	void			*fcgi;		/* FCGX_Request, borrowed */
	const struct conf	*conf;
	struct db		*db;
	enum method		 method;
	char			*path;		/* normalised, no query */
	char			*query;		/* raw, or "" */
	struct qsp		*qs;		/* decoded query pairs */
	size_t			 qsz;
	char			*body;
	size_t			 bodysz;
	char			 id[33];	/* request id, hex */
	char			*ctype;
	char			*authz;
	char			*cookie;
	char			*if_match;
	char			*if_none_match;
	char			*idem_key;
	char			*origin;
	char			*fetch_site;
	char			*remote_addr;
	char			*user_agent;
	char			*ssl_verify;
	char			*ssl_fp;
	char			*ssl_serial;
	char			*pv[PATHV_MAX];	/* path parameters */
	size_t			 pvsz;
	enum errstyle		 errstyle;
	struct principal	 pr;
	int			 status;	/* set by reply */
	int			 replied;
	char			*resph[RESPH_MAX];	/* extra headers */
	size_t			 resphsz;
	char			*err_title;
	char			*err_detail;
	struct ferr		 ferr[FERR_MAX];
	size_t			 ferrsz;
	int			 retry_after;
};

void	 req_init(struct req *, void *, const struct conf *, struct db *);
int	 req_read(struct req *);
void	 req_free(struct req *);
const char *req_qs(const struct req *, const char *);
int	 req_header(struct req *, const char *, const char *);
int	 req_fail(struct req *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 req_field(struct req *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 reply_raw(struct req *, int, const char *, const void *, size_t);
int	 reply_json(struct req *, int, struct json_object *);
int	 reply_jsonapi(struct req *, int, struct json_object *);
int	 reply_empty(struct req *, int);
int	 reply_redirect(struct req *, int, const char *);
int	 reply_error(struct req *, int);
int	 req_etag_match(const struct req *, const char *);
int	 req_if_match(const struct req *, const char *);
int	 req_idem_hash(const struct req *, unsigned char[32]);
int	 req_paging(struct req *, long long *, long long *);
void	 reply_paging(struct req *, long long, long long, long long);
const char *method_name(enum method);

/* route.c */

struct route {
	enum method	 method;
	const char	*pattern;
	unsigned int	 roles;
	enum errstyle	 errstyle;
	int		(*fn)(struct req *);
};

extern const struct route routes[];
extern const size_t routesz;

const struct route *route_find(struct req *, int *);
int	 route_dispatch(struct req *);
int	 path_normalise(const char *, char **);

/* auth.c */

int	 auth_principal(struct req *, unsigned int);
int	 auth_basic_parse(const char *, char **, char **);
char	*auth_cookie(const struct req *, const char *);

/* idem.c: Idempotency-Key on creates */

int	 idem_replay(struct req *, const char *);
int	 idem_store(struct req *, const char *, int, const char *);

/* db.c: one connection per worker, lazily prepared statements */

struct db;

enum dbtype {
	DBT_NULL,
	DBT_INT,
	DBT_STR,	/* NUL-terminated */
	DBT_BLOB,	/* p, sz */
	DBT__MAX
};

struct dbp {
	enum dbtype	 type;
	long long	 i;
	const void	*p;
	size_t		 sz;
};

struct dbcell {
	char		*v;	/* NUL-terminated copy, NULL for SQL NULL */
	size_t		 sz;
};

struct dbres {
	size_t		 nrow;
	size_t		 ncol;
	struct dbcell	*cell;	/* nrow * ncol */
};

/* db_sql.c: every statement the program runs */

enum stmt {
	/* core */
	STMT_PING,
	STMT_SCHEMA_VERSION,
	STMT_AUDIT_ADD,
	STMT_CRED_FIND,
	STMT_CRED_ADD,
	STMT_CRED_EXPIRE,
	STMT_ADMIN_TOKEN_FIND,
	STMT_SESSION_FIND,
	STMT_SESSION_TOUCH,
	STMT_REGTOKEN_FIND,
	STMT_IDEM_FIND,
	STMT_IDEM_ADD,
	STMT_IDEM_PURGE,
	STMT_MIGRATION_LIST,
	STMT_MIGRATION_ADD,
	STMT_ADMIN_ADD,
	STMT_ADMIN_SETPW,
	STMT_ADMIN_BY_EMAIL,
	STMT_ADMIN_TOKEN_ADD,
	STMT_REGTOKEN_ADD,
	/* marketplaces, certificates, registration tokens */
	/* providers, apps, environments, listings, autoconfigure */
	/* tenants, tenant apps, MnoHub v2 */
	/* admin users, sessions, console */
	STMT__MAX
};

extern const char *const db_sql[STMT__MAX];

#define DB_MULTI	0x01	/* allow multi-statement scripts (agoractl) */

struct db	*db_open(const struct conf *, int);
int	 db_connected(struct db *);
int	 db_errno(const struct db *);
void	 db_close(struct db *);
int	 db_lost(const struct db *);
int	 db_query(struct db *, enum stmt, const struct dbp *, size_t,
	    struct dbres **);
int	 db_exec(struct db *, enum stmt, const struct dbp *, size_t,
	    unsigned long long *, unsigned long long *);
int	 db_tx_begin(struct db *);
int	 db_tx_commit(struct db *);
int	 db_tx_rollback(struct db *);
int	 db_run_script(struct db *, const char *, size_t);
void	 dbres_free(struct dbres *);
const char *dbres_str(const struct dbres *, size_t, size_t);
long long dbres_int(const struct dbres *, size_t, size_t);
int	 dbres_null(const struct dbres *, size_t, size_t);
struct dbp dbp_int(long long);
struct dbp dbp_str(const char *);
struct dbp dbp_blob(const void *, size_t);
struct dbp dbp_null(void);

/* audit: db_audit.c */

int	 db_audit(struct req *, const char *, const char *, long long,
	    struct json_object *, struct json_object *);

/* db_admin.c: admins, admin tokens, registration tokens */

int	 db_admin_create(struct req *, const char *, const char *, long long *);
int	 db_admin_setpw(struct req *, const char *, const char *);
int	 db_admin_token_create(struct req *, long long, const char *, char **);
int	 db_regtoken_create(struct req *, const char *, long long, long long,
	    char **, long long *);

/* handlers: h_health.c */

int	 h_healthz(struct req *);
int	 h_readyz(struct req *);

/* handlers: h_marketplace.c (registration, certificates, tokens) */

/* handlers: h_app.c (providers, apps, environments, listings) */

/* handlers: h_config.c (SDK autoconfigure) */

/* handlers: h_tenant.c, h_hub.c (tenants, tenant apps, MnoHub v2) */

/* html.c: the only writer of HTML */

int	 html_error(struct req *, int);
void	 html_text(struct buf *, const char *);
void	 html_attr(struct buf *, const char *);
void	 html_url(struct buf *, const char *);

/* handlers: h_console.c (admin console) */

#endif /* EXTERN_H */
