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

#define AGORA_SCHEMA_VERSION	8	/* highest migration the binary knows */

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
int	 buf_putu(struct buf *, unsigned long long);
#define DEC_MAX	20	/* digits of the largest unsigned long long */
size_t	 dec_digits(char *, unsigned long long, int);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_free(struct buf *);
int	 gzip_encode(const void *, size_t, struct buf *);
long long mono_us(void);
char	*hex_encode(const unsigned char *, size_t);
void	 hex_put(char *, const unsigned char *, size_t);
int	 hex_decode(const char *, unsigned char *, size_t);
int	 hexval(int);
char	*b64_encode(const unsigned char *, size_t);
/* The one variable of an environment's endpoint templates. */
#define TPL_VAR		"%{marketplace}"
char	*tpl_expand(const char *, const char *);
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
void	 log_access(const char *, const char *, int, double, const char *,
	    const char *);
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
	char		*db_hosts;	/* Galera: "host:port, ...", or NULL */
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
	long long	 cache_bytes;	/* per-worker answer cache; 0 off */
	char		*metrics_file;	/* shared counters (metrics.c), or NULL */
	char		*metrics_allow;	/* addresses scraping without a token */
	/* agora-notify */
	long long	 notify_concurrency;	/* deliveries in flight */
	long long	 notify_timeout;	/* seconds per attempt */
	long long	 notify_retry_base_ms;	/* first back-off */
	long long	 notify_retry_max;	/* seconds, back-off cap */
	long long	 notify_max_age;	/* seconds of retries, then failed */
	long long	 notify_poll_ms;	/* idle database poll */
	char		*notify_ca;	/* CA file for receivers, or NULL */
	char		*notify_resolve; /* test hook: host:port:addr,... */
	long long	 notify_keep_days;	/* then settled events go */
};

int	 conf_load(const char *, struct conf *, char *, size_t);
void	 conf_free(struct conf *);
const char *conf_path(void);

/* cache.c */

#define CACHE_KEYSZ	32	/* SHA-256 of what selects an answer */

struct centry;

struct cache_stats {
	size_t			 used;		/* bytes held */
	size_t			 max;
	size_t			 entries;
	unsigned long long	 hits;
	unsigned long long	 misses;
	unsigned long long	 gzips;		/* bodies compressed */
};

void	 cache_init(size_t);
void	 cache_clear(void);
struct centry *cache_get(const unsigned char *, const uint64_t[2]);
struct centry *cache_put(const unsigned char *, const uint64_t[2], const char *,
	    const char *, const void *, size_t);
const char *centry_ctype(const struct centry *);
const char *centry_hdrs(const struct centry *);
const char *centry_body(const struct centry *, size_t *);
const char *centry_gzip(struct centry *, size_t *);
void	 cache_stats(struct cache_stats *);

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

/*
 * One member of a JSON object body, written with designated initialisers
 * ({ .key = "nid", .type = JT_STR, .min = 2, .max = 64, .required = 1,
 * .check = jf_nid }); a table ends with { .key = NULL }. min and max
 * bound a string's length in bytes, an array's items or an integer's
 * value; other types have no bounds.
 */
struct jfield {
	const char	*key;
	enum jtype	 type;
	long long	 min;
	long long	 max;
	int		 required;	/* absent: 400 naming it */
	int		 nullable;	/* null accepted (clears the value) */
	int		(*check)(struct req *, const char *,
			    struct json_object *);	/* 0, or -1 with a
							   field error */
};

/* body.c: request bodies, checked against field tables (the edge) */

#define JSON_DEPTH	8	/* nesting json_parse_why accepts */

int	 json_body(struct req *, struct json_object **);
int	 json_check(struct req *, struct json_object *,
	    const struct jfield *, const char *);
int	 json_body_checked(struct req *, const struct jfield *,
	    const char *const *, int, struct json_object **);
/* Field-table validators shared by every route: 0, or -1 naming it. */
int	 jf_nid(struct req *, const char *, struct json_object *);
int	 jf_url(struct req *, const char *, struct json_object *);
int	 jf_label(struct req *, const char *, struct json_object *);
int	 jf_text(struct req *, const char *, struct json_object *);
int	 jf_email(struct req *, const char *, struct json_object *);

/* json.c (continued): JSON only */

struct json_object *json_parse_text(const char *, size_t);
struct json_object *json_parse_why(const char *, size_t, const char **);
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
struct json_object *json_raw(const char *);
const char *json_text(struct json_object *);

/* Output without a tree (json.c): the hot reads' answers. */
#define JW_DEPTH	16

struct jw {
	struct buf	 b;		/* the text so far */
	size_t		 depth;
	size_t		 count[JW_DEPTH];	/* members written, per level */
	char		 close[JW_DEPTH];	/* '}' or ']' */
};

void	 json_escape(struct buf *, const char *, size_t);
void	 jw_obj(struct jw *, const char *);
void	 jw_arr(struct jw *, const char *);
void	 jw_end(struct jw *);
void	 jw_str(struct jw *, const char *, const char *);
void	 jw_strn(struct jw *, const char *, const char *, size_t);
void	 jw_int(struct jw *, const char *, long long);
void	 jw_bool(struct jw *, const char *, int);
void	 jw_null(struct jw *, const char *);
void	 jw_raw(struct jw *, const char *, const char *);

/* valid.c */

int	 valid_nid(const char *);
int	 valid_url(const char *, int);
int	 valid_path_tpl(const char *);
int	 valid_email(const char *);
int	 valid_text(const char *, size_t, size_t);
int	 valid_label(const char *);
int	 valid_tpl_vars(const char *);
int	 valid_id(const char *, long long *);
int	 valid_uid(const char *);
int	 valid_env(const char *);
int	 valid_hostname(const char *);

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
/*
 * Not a role: the route refuses (403) a secret in its grace period, the
 * one a rotation replaced. It still authenticates elsewhere, so nodes
 * not yet given the new secret keep working, but it cannot create,
 * rotate or read a credential (tenant keys, environment secrets, hub
 * keys) nor change certificates or endpoints: a leaked secret must not
 * outlive the rotation that retired it.
 */
#define ROLE_FRESH	0x80
/*
 * Not a role either: a GET whose answer the worker may keep (cache.c),
 * keyed by route, principal, path and canonical query, and good while
 * the generations the credential statement returned are unchanged. The
 * dispatcher answers the ETag, 304 and hits; only the principal kinds
 * whose credential statement returns generations (tenant, environment)
 * are served from the cache.
 */
#define ROLE_CACHED	0x100

struct principal {
	enum pkind	 kind;
	long long	 id;		/* owner: admin, marketplace, ... */
	long long	 cred_id;	/* credential or token row */
	char		 label[96];	/* for the audit log, never a secret */
	char		 csrf[65];	/* session CSRF token (hex) */
	int		 retiring;	/* a secret in its grace period */
	int		 has_gen;	/* gen[] set by the credential check */
	uint64_t	 gen[2];	/* generations its hot reads depend on */
};

/*
 * What the data layer knows of its caller, and all it knows: the
 * connection, the configuration, who acts (the audit actor, the scope
 * of a marketplace or tenant), the request id and address, and an
 * opaque context it hands back to a transaction's callback (fin/done:
 * int (*)(void *up, long long id, void *arg)). The edge fills one per
 * request (r->dx, pointing at r->pr, so it follows authentication);
 * agoractl fills its own.
 */
struct dbx {
	struct db		*db;
	const struct conf	*conf;
	const struct principal	*pr;
	const char		*id;		/* request id, or "" */
	const char		*remote_addr;	/* or NULL */
	void			*up;		/* for callbacks */
};

struct ferr {
	char		*field;
	char		*msg;
};

#define FERR_MAX	32
#define LINK_MAX	2048	/* bytes of a Link header (reply_paging) */
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
	char			*accept_encoding;
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
	int			 cache_keep;	/* keep a 200 under cache_key */
	int			 gz;		/* answer a 200 with gzip */
	unsigned char		 cache_key[32];
	const char		*cache_state;	/* "hit", "miss" or NULL */
	const struct route	*rt;		/* matched row (metrics), or NULL */
	struct dbx		 dx;		/* for the data layer */
};

void	 req_init(struct req *, void *, const struct conf *, struct db *);
int	 req_read(struct req *);
int	 req_parse_qs(struct req *);
void	 req_free(struct req *);
void	 req_finish(void *);
const char *req_qs(const struct req *, const char *);
int	 req_header(struct req *, const char *, const char *);
void	 req_header_del(struct req *, const char *);
int	 req_fail(struct req *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 req_field(struct req *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 reply_raw(struct req *, int, const char *, const void *, size_t);
int	 reply_cached(struct req *, struct centry *);
int	 reply_stream(struct req *, const char *);
int	 reply_chunk(struct req *, const void *, size_t);
int	 reply_json(struct req *, int, struct json_object *);
int	 reply_jsonapi(struct req *, int, struct json_object *);
int	 reply_empty(struct req *, int);
int	 reply_redirect(struct req *, int, const char *);
int	 reply_error(struct req *, int);
int	 req_etag_match(const struct req *, const char *);
int	 accepts_gzip(const char *);
int	 req_if_match(const struct req *, const char *);
int	 req_idem_hash(const struct req *, unsigned char[32]);
int	 req_paging(struct req *, long long *, long long *);
long long req_pv_id(const struct req *, size_t);
void	 reply_paging(struct req *, long long, long long, long long);
const char *method_name(enum method);

/* route.c */

/*
 * One row of the route table, written with designated initialisers;
 * errstyle left out is ES_PROBLEM.
 */
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
int	 auth_mtls(struct req *);
int	 auth_retiring(struct req *);

/* rotate.c: options every rotation takes */

int	 rotate_grace(struct req *, long long *);

/* idem.c: Idempotency-Key on creates */

int	 idem_replay(struct req *, const char *);
int	 idem_store(struct req *, const char *, int, const char *);
int	 idem_keep(struct req *, struct json_object *);

/* db.c: one connection per worker, lazily prepared statements */

struct db;


/*
 * What a data-layer action answers: one family for every db_* function
 * that changes or finds something (db_exec alone, the primitive, answers
 * 1, 0 for a duplicate key, or -1). Reads and one-row changes use the
 * first three; an action that can fail for a reason its caller must
 * tell apart adds one of the others and says which in its comment.
 */
enum dbrc {
	DBRC_ERR = -1,		/* database error (logged): 500 */
	DBRC_NONE = 0,		/* nothing in scope: no such row */
	DBRC_OK = 1,
	DBRC_STALE,		/* the expected version differs: 412 */
	DBRC_DUP,		/* a unique key is taken: 409 */
	DBRC_NOTLIVE,		/* the app is not live on the marketplace */
	DBRC_NOMKT,		/* no such marketplace: 422 */
	DBRC_NOUSE,		/* the registration token has no use left */
	DBRC_BUSY,		/* a concurrent request holds the
				   Idempotency-Key */
	DBRC_REFUSED,		/* the caller's callback refused: its status
				   stands */
	DBRC_CONFLICT,		/* the row's state refuses the action: 409 */
	DBRC_FORBIDDEN		/* the caller may not do this here: 403 */
};

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
	struct dbcell	*cell;	/* nrow * ncol, pointing into arena */
	char		*arena;	/* every cell's text */
};

/* db_sql.c: every statement the program runs */

enum stmt {
	/* core */
	STMT_PING,
	STMT_SCHEMA_VERSION,
	STMT_AUDIT_ADD,
	STMT_CRED_FIND,
	STMT_CRED_FIND_TENANT,
	STMT_CRED_FIND_ENV,
	STMT_GEN_TENANT,
	STMT_GEN_APP,
	STMT_CRED_PURGE,
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
	STMT_MKT_ADD,
	STMT_MKT_SETCERT,
	STMT_MKT_GET,
	STMT_MKT_BY_NID,
	STMT_MKT_UPDATE,
	STMT_MKT_LIST,
	STMT_MKT_COUNT,
	STMT_MKT_TOUCH,
	STMT_CERT_ADD,
	STMT_CERT_LIST,
	STMT_CERT_FIND,
	STMT_CERT_REVOKE,
	STMT_CERT_REVOKED,
	STMT_REGTOKEN_USE,
	STMT_REGTOKEN_LIST,
	STMT_REGTOKEN_COUNT,
	STMT_REGTOKEN_GET,
	STMT_REGTOKEN_REVOKE,
	STMT_MKT_HUB_TAKEN,
	STMT_MKT_REG_CHECK,
	STMT_MKT_HUB_LOCK,
	STMT_MKT_HUB_APPLY,
	STMT_MKT_HUB_DROP,
	/* providers, apps, environments, listings, autoconfigure */
	STMT_PROVIDER_ADD,
	STMT_PROVIDER_GET,
	STMT_PROVIDER_BY_NID,
	STMT_PROVIDER_LIST,
	STMT_PROVIDER_COUNT,
	STMT_APP_ADD,
	STMT_APP_GET,
	STMT_APP_LIST,
	STMT_APP_COUNT,
	STMT_APP_UPDATE,
	STMT_APP_BY_NID,
	STMT_ENV_ADD,
	STMT_ENV_GET,
	STMT_ENV_LIST,
	STMT_ENV_UPDATE,
	STMT_LISTING_ADD,
	STMT_LISTING_FIND,
	STMT_LISTING_LOCK,
	STMT_LISTING_SETSTATE,
	STMT_LISTING_SETKEY,
	STMT_LISTING_NOKEY,
	STMT_LISTING_TOUCH_TENANTS,
	STMT_LISTING_HIST_ADD,
	STMT_LISTING_GET,
	STMT_LISTING_LIST,
	STMT_LISTING_COUNT,
	STMT_LISTING_HISTORY,
	STMT_LISTING_MKT_ID,
	STMT_CONFIG_MARKETPLACES,
	STMT_LISTING_SELFPUB,
	/* tenants, tenant apps, MnoHub v2 */
	STMT_TENANT_GET,
	STMT_TENANT_LIST,
	STMT_TENANT_COUNT,
	STMT_TENANT_MKT,
	STMT_TENANT_ADD,
	STMT_TENANT_LOCK,
	STMT_TENANT_UPDATE,
	STMT_TENANT_TOUCH,
	STMT_TENANT_DEL,
	STMT_TENANT_CRED_DEL,
	STMT_TAPP_LIST,
	STMT_TAPP_GET,
	STMT_TAPP_APP,
	STMT_TAPP_STATE,
	STMT_TAPP_ADD,
	STMT_TAPP_ADD_IGNORE,
	STMT_TAPP_UPDATE,
	STMT_TAPP_DEL,
	STMT_TAPP_DEL_APP,
	STMT_HUB_APPS_RANK,
	STMT_HUB_APPS_RANK_DESC,
	STMT_HUB_APPS_NAME,
	STMT_HUB_APPS_NAME_DESC,
	STMT_HUB_APPS_UPDATED,
	STMT_HUB_APPS_UPDATED_DESC,
	STMT_HUB_APPS_COUNT,
	/* admin users, sessions, console */
	STMT_CON_SESSION_ADD,
	STMT_CON_SESSION_DEL,
	STMT_CON_SESSION_PURGE,
	STMT_CON_LOGIN_OK,
	STMT_CON_COUNTS,
	STMT_CON_AUDIT_COUNT,
	STMT_CON_AUDIT_LIST,
	STMT_CON_AUDIT_CSV,
	STMT_CON_TENANT_COUNT,
	STMT_CON_TENANT_LIST,
	STMT_CON_MKT_NAMES,
	STMT_CON_MKT_COUNT,
	STMT_CON_MKT_LIST,
	STMT_CON_MKT_GET,
	STMT_CON_APP_COUNT,
	STMT_CON_APP_LIST,
	STMT_CON_PROVIDER_COUNT,
	STMT_CON_PROVIDER_LIST,
	STMT_CON_LISTING_COUNT,
	STMT_CON_LISTING_LIST,
	STMT_CON_RTOKEN_COUNT,
	STMT_CON_RTOKEN_LIST,
	STMT_CON_ADMIN_COUNT,
	STMT_CON_ADMIN_LIST,
	STMT_CON_ADMIN_GET,
	STMT_CON_ADMIN_GUARD,
	STMT_CON_ADMIN_ACTIVE,
	STMT_CON_ADMIN_SETSTATE,
	STMT_CON_ADMIN_RESETPW,
	STMT_CON_ADMIN_SESS_END,
	STMT_CON_ATOKEN_LIST,
	STMT_CON_ATOKEN_GET,
	STMT_CON_ATOKEN_REVOKE,
	STMT_CON_PROVIDER_UPDATE,
	STMT_CON_PROVIDER_VER,
	STMT_CON_RECENT,
	STMT_CON_TAPP_LIST,
	/* cluster: node state, the CRL kept in the database */
	STMT_NODE_STATE,
	STMT_NODE_SYNC_WAIT,
	STMT_CRL_GET,
	STMT_CRL_LOCK,
	STMT_CRL_SET,
	STMT_CRL_BUMP,
	STMT_CON_LOCK_GET,
	STMT_CON_LOCK_FAIL,
	STMT_CON_LOCK_CLEAR,
	/* operations: agoractl status and db-init (db_ops.c) */
	STMT_OPS_COUNTS,
	STMT_OPS_WSREP,
	STMT_OPS_SETTINGS,
	STMT_OPS_INIT_VARS,
	STMT_OPS_INIT_DB,
	STMT_OPS_INIT_USER,
	STMT_OPS_INIT_PASSWORD,
	STMT_OPS_INIT_GRANT_ALL,
	STMT_OPS_INIT_TABLES,
	STMT_OPS_INIT_GRANT_RW,
	STMT_OPS_INIT_GRANT_APPEND,
	STMT_OPS_INIT_GRANT_READ,
	/* events, subscriptions, deliveries */
	STMT_EVENT_TXKEY,
	STMT_EVENT_FAN_RC,
	STMT_EVENT_FAN_PICK,
	STMT_EVENT_FAN_OUT,
	STMT_EVENT_FANNED,
	STMT_EVENT_TEST_ADD,
	STMT_EVENT_UID,
	STMT_EVENT_PURGE,
	STMT_DELIVERY_PICK,
	STMT_DELIVERY_CLAIM,
	STMT_DELIVERY_CLAIMED,
	STMT_DELIVERY_DONE,
	STMT_DELIVERY_RETRY,
	STMT_DELIVERY_LIST,
	STMT_DELIVERY_COUNT,
	STMT_DELIVERY_GET,
	STMT_DELIVERY_RESEND,
	STMT_ATTEMPT_ADD,
	STMT_ATTEMPT_LIST,
	STMT_SUB_ADD,
	STMT_SUB_GET,
	STMT_SUB_LIST,
	STMT_SUB_COUNT,
	STMT_SUB_LOCK,
	STMT_SUB_UPDATE,
	STMT_SUB_BY_URL,
	STMT_SUB_DEL,
	STMT_SUB_ROTATE,
	STMT_CON_LIVE_COUNT,
	STMT_CON_LIVE_PAGE,
	STMT__MAX
};

extern const char *const db_sql[STMT__MAX];
extern const char *const db_stmt_names[];	/* stmt_names.c (generated) */
extern const size_t db_stmt_nnames;
const char	*db_stmt_name(enum stmt);

#define DB_MULTI	0x01	/* allow multi-statement scripts (agoractl) */
#define DB_TRIES	5	/* runs of a request the database failed */

struct db	*db_open(const struct conf *, int);
int	 db_connected(struct db *);
int	 db_errno(const struct db *);
int	 db_dup(const struct db *);
void	 db_close(struct db *);
int	 db_lost(const struct db *);
void	 db_attempt(struct db *);
int	 db_retryable(const struct db *);
int	 db_node_ready(struct db *, char *, size_t);
int	 db_schema_version(struct db *, long long *);
void	*dbrows_new(struct dbres *, size_t, size_t *, struct dbres **);
void	 dbrows_free(void *, struct dbres *);
int	 db_query(struct db *, enum stmt, const struct dbp *, size_t,
	    struct dbres **);
int	 db_row_u64(struct db *, enum stmt, const struct dbp *, size_t,
	    uint64_t *, size_t);
int	 db_query_each(struct db *, enum stmt, const struct dbp *, size_t,
	    int (*)(void *, const struct dbres *), void *);
int	 db_exec(struct db *, enum stmt, const struct dbp *, size_t,
	    unsigned long long *, unsigned long long *);
int	 db_tx_begin(struct db *);
int	 db_tx_commit(struct db *);
int	 db_tx_rollback(struct db *);
struct progress;
int	 db_run_script(struct db *, const char *, size_t,
	    struct progress *);
void	 dbres_free(struct dbres *);
const char *dbres_str(const struct dbres *, size_t, size_t);
long long dbres_int(const struct dbres *, size_t, size_t);
int	 dbres_null(const struct dbres *, size_t, size_t);
struct dbp dbp_int(long long);
struct dbp dbp_str(const char *);
struct dbp dbp_blob(const void *, size_t);
struct dbp dbp_null(void);

/* audit: db_audit.c */

int	 db_audit(struct dbx *, const char *, const char *, long long,
	    struct json_object *, struct json_object *);
int	 db_audit_commit(struct dbx *, const char *, const char *, long long,
	    struct json_object *, struct json_object *);

/* db_auth.c: what auth.c and idem.c read and write, as typed rows */

#define CRED_ROWS	4	/* live secrets of one key: current + grace */

struct cred_row {
	long long	 id;
	long long	 owner_id;
	unsigned char	 hash[32];	/* SHA-256 of the secret */
	int		 retiring;	/* expires: in its grace period */
	int		 has_gen;	/* gen[] read (tenant, environment) */
	uint64_t	 gen[2];
	long long	 scope;		/* with gen: tenant id or app id */
	long long	 left_us;	/* retiring: microseconds left */
};

/* An admin token, a registration token or a console session. */
struct token_row {
	long long	 id;
	long long	 owner_id;	/* admin (a registration token: id) */
	char		 name[256];	/* admin email or token label */
	char		 csrf[65];	/* a session's CSRF token */
};

/* A stored Idempotency-Key answer. */
struct idem_answer {
	int		 has_hash;
	unsigned char	 req_hash[32];
	int		 status;
	unsigned char	*sealed;	/* owned: idem_answer_free */
	size_t		 sealsz;
};

int	 db_cred_find(struct db *, const char *, const char *,
	    struct cred_row *);
int	 db_gen_find(struct db *, int, long long, uint64_t[2]);
int	 db_cred_purge(struct db *, long long, long long *);
int	 db_admin_token_find(struct db *, const unsigned char[32],
	    struct token_row *);
int	 db_regtoken_find(struct db *, const unsigned char[32],
	    struct token_row *);
int	 db_session_find(struct db *, const unsigned char[32], long long,
	    long long, struct token_row *);
int	 db_mkt_cert_valid(struct db *, long long, const char *);
int	 db_idem_find(struct db *, const char *, const char *, long long,
	    struct idem_answer *);
void	 idem_answer_free(struct idem_answer *);
int	 db_idem_add(struct db *, const char *, const char *,
	    const unsigned char[32], int, const unsigned char *, size_t);

/* db_admin.c: admins, admin tokens, registration tokens */

int	 db_admin_create(struct dbx *, const char *, const char *,
	    long long *);
int	 db_admin_setpw(struct dbx *, const char *, const char *);
int	 db_admin_token_create(struct dbx *, long long, const char *,
	    long long, char **);

/*
 * A console admin and one of its API tokens, as read. Strings are
 * borrowed from the result their list owns (NULL for SQL NULL).
 */
struct admin {
	long long	 id;
	const char	*email;
	const char	*state;		/* active, disabled, locked */
	const char	*created_at;
	const char	*pw_changed_at;
	const char	*disabled_at;
	const char	*locked_until;
	long long	 failed;
	long long	 version;
};
struct admin_list {
	size_t		 n;
	struct admin	*v;
	struct dbres	*rs;
};
struct admin_token {
	long long	 id;
	const char	*label;
	const char	*created_at;
	const char	*expires_at;
	const char	*revoked_at;
	const char	*state;		/* active, expired, revoked */
};
struct admin_token_list {
	size_t		 n;
	struct admin_token *v;
	struct dbres	*rs;
};

void	 admin_list_free(struct admin_list *);
void	 admin_token_list_free(struct admin_token_list *);
int	 db_admin_get(struct dbx *, long long, struct admin_list *);
int	 db_admin_set_disabled(struct dbx *, long long, long long, int);
int	 db_admin_reset_pw(struct dbx *, long long, long long, char **);
int	 db_admin_tokens(struct dbx *, long long, struct admin_token_list *);
int	 db_admin_token_get(struct dbx *, long long, long long,
	    struct admin_token_list *);
int	 db_admin_token_revoke(struct dbx *, long long, long long);
int	 db_regtoken_create(struct dbx *, const char *, long long, long long,
	    char **, long long *);

/* handlers: h_health.c */

int	 h_healthz(struct req *);
int	 h_readyz(struct req *);

/* handlers: h_marketplace.c (registration, certificates, tokens) */

int	 h_mkt_register(struct req *);
int	 h_mkt_self_get(struct req *);
int	 h_mkt_self_patch(struct req *);
int	 h_mkt_secret_rotate(struct req *);
int	 h_mkt_cert_renew(struct req *);
int	 h_mkt_admin_list(struct req *);
int	 h_mkt_admin_get(struct req *);
int	 h_mkt_admin_revoke(struct req *);
int	 h_regtoken_create(struct req *);
int	 h_regtoken_list(struct req *);
int	 h_regtoken_revoke(struct req *);
int	 h_ca_pem(struct req *);
int	 h_crl_pem(struct req *);

/* cert.c: the platform CA */

struct issued {
	char		*pem;		/* the leaf, PEM */
	char		*key_pem;	/* generated private key, or NULL */
	char		*serial;	/* upper-case hex */
	char		*fp_sha1;	/* "AB:CD:..." */
	char		*fp_sha256;
	char		 cn[256];
	char		 key_type[16];
	long long	 not_before;	/* Unix time */
	long long	 not_after;
};

struct crl_entry {
	const char	*serial;	/* hex */
	long long	 revoked_at;	/* Unix time */
	const char	*reason;	/* RFC 5280 name, or NULL */
};

int	 cert_nopass(char *, int, int, void *);
const char *cert_ca_pem(const struct conf *);
int	 cert_url_host(const char *, char *, size_t);
char	*cert_fp_pem(const char *, int);
int	 cert_csr_check(const char *, char *, size_t);
void	 cert_csr_forget(void);
int	 cert_issue(const struct conf *, const char *, const char *,
	    const char *, long long, struct issued *, char *, size_t);
void	 cert_issued_free(struct issued *);
int	 cert_reason_code(const char *);
int	 cert_crl_build(const struct conf *, const struct crl_entry *, size_t,
	    long long, char **);
int	 cert_crl_lock(const struct conf *);
void	 cert_crl_unlock(int);
int	 cert_crl_write(const struct conf *, const char *);
char	*cert_crl_current(const struct conf *);
int	 cert_crl_next_update(const struct conf *, long long *);
int	 cert_file_until(const char *, int, long long *);

/* db_marketplace.c: marketplaces, certificates, registration tokens */

/*
 * A marketplace with its current certificate, as read (db_mkt_get,
 * db_mkt_list). Strings are borrowed from the result the list owns
 * (NULL for SQL NULL) and live until mkt_list_free.
 */
struct mkt {
	long long	 id;
	const char	*nid;
	const char	*name;
	const char	*environment;
	const char	*hub;
	const char	*impac;
	const char	*connec;
	const char	*nex;
	const char	*hub_pending;	/* hub URL awaiting an admin */
	const char	*api_key;
	long long	 version;
	const char	*created_at;
	const char	*updated_at;
	long long	 cert_id;	/* the current certificate: */
	const char	*serial;
	const char	*subject;
	const char	*pem;
	const char	*fp_sha1;
	const char	*fp_sha256;
	const char	*key_type;
	const char	*not_before;
	const char	*not_after;
	const char	*revoked_at;
	const char	*revoke_reason;	/* the console's read only */
};

/* One of a marketplace's certificates (db_mkt_certs). */
struct mkt_cert {
	long long	 id;
	const char	*serial;
	const char	*subject;
	const char	*fp_sha1;
	const char	*fp_sha256;
	const char	*key_type;
	const char	*not_before;
	const char	*not_after;
	const char	*revoked_at;
	const char	*revoke_reason;
	int		 current;
};

/* A registration token (db_regtoken_get, db_regtoken_list). */
struct regtoken {
	long long	 id;
	const char	*label;
	long long	 max_uses;
	long long	 uses;
	const char	*expires_at;
	const char	*revoked_at;
	const char	*created_by;
	const char	*created_at;
	const char	*state;		/* active, used, expired, revoked */
};

/* Rows of one of those types and the result they borrow from. */
struct mkt_list {
	size_t		 n;
	struct mkt	*v;
	struct dbres	*rs;
};
struct mkt_cert_list {
	size_t		 n;
	struct mkt_cert	*v;
	struct dbres	*rs;
};
struct regtoken_list {
	size_t		 n;
	struct regtoken	*v;
	struct dbres	*rs;
};

void	 mkt_list_free(struct mkt_list *);
void	 mkt_cert_list_free(struct mkt_cert_list *);
void	 regtoken_list_free(struct regtoken_list *);

/*
 * Columns of the console's registration-token list, which shares
 * STMT_REGTOKEN_LIST's (h_console_list.c).
 */
enum rtcol {
	RT_ID,
	RT_LABEL,
	RT_MAX_USES,
	RT_USES,
	RT_EXPIRES,
	RT_REVOKED,
	RT_CREATED_BY,
	RT_CREATED,
	RT_STATE,
	RT__MAX
};

/* A marketplace's registration as validated from a body (borrowed). */
struct mkt_in {
	const char	*nid;
	const char	*name;
	const char	*environment;
	const char	*hub;
	const char	*impac;		/* NULL: none */
	const char	*connec;
	const char	*nex;
	const char	*hub_pending;	/* another host: an admin decides */
};

/* What refuses a first registration before it signs: db_mkt_reg_check. */
struct reg_check {
	int		 nid_taken;	/* a marketplace has the nid */
	int		 token_active;	/* the token has a use left */
	int		 hub_taken;	/* a marketplace has the hub host */
};

int	 db_mkt_register(struct dbx *, const struct mkt_in *,
	    const struct issued *, const char *, const char *, long long,
	    struct mkt *, int (*)(void *, long long, void *), void *,
	    long long *);
int	 db_mkt_get(struct dbx *, long long, struct mkt_list *);
int	 db_mkt_by_nid(struct dbx *, const char *, long long *);
int	 db_mkt_list(struct dbx *, const char *, const char *, long long,
	    long long, struct mkt_list *, long long *);
int	 db_mkt_update(struct dbx *, long long, long long,
	    const struct mkt_in *);
int	 db_cred_rotate(struct dbx *, const char *, long long, const char *,
	    const char *, long long,
	    int (*)(void *, long long, void *), void *);
int	 db_mkt_renew(struct dbx *, long long, const struct issued *,
	    int (*)(void *, long long, void *), void *);
int	 db_mkt_certs(struct dbx *, long long, struct mkt_cert_list *);
int	 db_mkt_revoke(struct dbx *, long long, const char *, const char *,
	    char **);
int	 db_crl_refresh(struct dbx *, int, char **);
int	 db_crl_sync(struct dbx *, int, char **, long long *);
int	 db_regtoken_list(struct dbx *, const char *, long long, long long,
	    struct regtoken_list *, long long *);
int	 db_regtoken_get(struct dbx *, long long, struct regtoken_list *);
int	 db_regtoken_revoke(struct dbx *, long long);
int	 db_mkt_hub_taken(struct dbx *, const char *, long long);
int	 db_mkt_reg_check(struct dbx *, const char *, long long,
	    const char *, struct reg_check *);
int	 db_mkt_hub_decide(struct dbx *, long long, int, char **);
int	 mkt_patch_check(struct req *, struct json_object *);

/* handlers: h_provider.c (providers) */

int	 provider_check(struct req *, struct json_object *);
int	 h_provider_create(struct req *);
int	 h_provider_list(struct req *);
int	 h_provider_get(struct req *);
int	 h_provider_rotate(struct req *);

/* handlers: h_app.c (apps, environments) */

struct app;

struct scope	 app_scope(const struct req *);
int	 app_load(struct req *, struct app **);
int	 h_app_create(struct req *);
int	 h_app_list(struct req *);
int	 h_app_get(struct req *);
int	 h_app_update(struct req *);
int	 h_app_deactivate(struct req *);
int	 h_env_create(struct req *);
int	 h_env_list(struct req *);
int	 h_env_get(struct req *);
int	 h_env_update(struct req *);
int	 h_env_rotate(struct req *);

/* handlers: h_listing.c (listings) */

int	 h_listing_request(struct req *);
int	 h_listing_list(struct req *);
int	 h_listing_get(struct req *);
int	 h_listing_history(struct req *);
int	 h_listing_approve(struct req *);
int	 h_listing_reject(struct req *);
int	 h_listing_unpublish(struct req *);
int	 h_listing_publish(struct req *);

/*
 * db_app.c: providers, apps, environments, listings, autoconfigure.
 * App and environment fields travel as validated text (JSON text for
 * arrays and objects, "0"/"1" for booleans, decimal for integers), in
 * the column order of the enums; NULL is SQL NULL.
 */

enum appf {
	APPF_NID,
	APPF_NAME,
	APPF_DESCRIPTION,
	APPF_TINY_DESCRIPTION,
	APPF_LOGO,
	APPF_PICTURES,
	APPF_WEBSITE,
	APPF_CATEGORIES,
	APPF_TAGS,
	APPF_KEY_BENEFITS,
	APPF_KEY_FEATURES,
	APPF_PRICING_PLANS,
	APPF_FREE_TRIAL_DURATION,
	APPF_FREE_TRIAL_UNIT,
	APPF_STACK,
	APPF_TERMS_URL,
	APPF_SUPPORT_URL,
	APPF_RANK,
	APPF_APPINFO,
	APPF_SSO_ENABLED,
	APPF_MULTI_INSTANTIABLE,
	APPF_ACTIVE,
	APPF_SELF_PUBLISH,	/* JSON array of marketplace nids, or "*" */
	APPF__MAX
};

struct app {
	long long	 id;
	long long	 provider_id;
	long long	 version;
	char		*uid;
	char		*provider;	/* provider nid */
	char		*created_at;
	char		*updated_at;
	char		*f[APPF__MAX];
};

enum envf {
	ENVF_NID,
	ENVF_HOST,
	ENVF_IDM,
	ENVF_SSO_INIT_PATH,
	ENVF_SSO_CONSUME_PATH,
	ENVF_GROUP_PATH,
	ENVF_GROUP_USER_PATH,
	ENVF_NOTIFICATION_PATH,
	ENVF_INITIALIZATION_PATH,
	ENVF_EXTERNAL_IDS,
	ENVF_SYNC_START_PATH,
	ENVF_SYNC_TOGGLE_PATH,
	ENVF_SYNC_STATUS_PATH,
	ENVF__MAX
};

struct env {
	long long	 id;
	long long	 app_id;
	long long	 version;
	char		*api_key;
	char		*created_at;
	char		*updated_at;
	char		*f[ENVF__MAX];
};

enum lstate {
	LS_NONE,	/* no listing yet */
	LS_SUBMITTED,
	LS_APPROVED,
	LS_REJECTED,
	LS_UNPUBLISHED,
	LS__MAX
};

enum lact {
	LA_REQUEST,	/* provider asks */
	LA_APPROVE,	/* admin approves or republishes */
	LA_REJECT,	/* admin rejects, with a note */
	LA_UNPUBLISH,	/* admin or the marketplace takes it down */
	LA_PUBLISH,	/* the marketplace publishes onto itself */
	LA__MAX
};

/* Who may see a row: 0 means "anyone" (admins). */
struct scope {
	long long	 provider_id;
	long long	 marketplace_id;
};

struct lfilter {
	const char	*state;
	const char	*marketplace;	/* nid */
	const char	*app;		/* nid */
	long long	 limit;
	long long	 offset;
};

extern const char *const lstate_names[LS__MAX];

int	 db_provider_create(struct dbx *, const char *, const char *,
	    const char *, char **, char **, long long *,
	    int (*)(void *, long long, void *), void *);
void	 secret_free(char *);
/*
 * A provider, a listing, a listing's history entry, as read. Strings
 * are borrowed from the result their list owns (NULL for SQL NULL).
 */
struct provider {
	long long	 id;
	const char	*nid;
	const char	*name;
	const char	*email;
	const char	*api_key;
	const char	*created_at;
	const char	*updated_at;
};
struct provider_list {
	size_t		 n;
	struct provider	*v;
	struct dbres	*rs;
};
struct listing {
	long long	 id;
	const char	*state;		/* lstate_names */
	const char	*hub_api_id;
	long long	 app_id;
	const char	*app_nid;
	const char	*app_name;
	const char	*marketplace;	/* its nid */
	const char	*created_at;
	const char	*updated_at;
	const struct dbcell *key;	/* the sealed hub key, or NULL cell */
	int		 live;		/* state is approved */
};
struct listing_list {
	size_t		 n;
	struct listing	*v;
	struct dbres	*rs;
};
struct listing_event {
	const char	*at;
	const char	*actor;
	const char	*from;
	const char	*to;
	const char	*note;
};
struct listing_event_list {
	size_t		 n;
	struct listing_event *v;
	struct dbres	*rs;
};

void	 provider_list_free(struct provider_list *);
void	 listing_list_free(struct listing_list *);
void	 listing_event_list_free(struct listing_event_list *);
int	 db_provider_get(struct dbx *, long long, struct provider_list *);
int	 db_provider_by_nid(struct dbx *, const char *,
	    struct provider_list *);
int	 db_provider_ver(struct dbx *, long long, char[32]);
int	 db_provider_update(struct dbx *, long long, const char *,
	    const char *, const char *);
int	 db_provider_list(struct dbx *, long long, long long,
	    struct provider_list *, long long *);
void	 db_app_free(struct app *);
int	 db_app_get(struct dbx *, long long, const struct scope *,
	    struct app **);
int	 db_app_list(struct dbx *, const struct scope *, long long,
	    long long, struct app ***, size_t *, long long *);
int	 db_app_create(struct dbx *, struct app *, struct json_object *,
	    int (*)(void *, long long, void *), void *);
int	 db_app_update(struct dbx *, const struct app *, const char *,
	    struct json_object *, struct json_object *);
void	 db_env_free(struct env *);
int	 db_env_get(struct dbx *, long long, long long, struct env **);
int	 db_env_list(struct dbx *, long long, struct env ***, size_t *);
int	 db_env_create(struct dbx *, struct env *, struct json_object *,
	    char **, int (*)(void *, long long, void *), void *);
int	 db_env_update(struct dbx *, const struct env *,
	    struct json_object *, struct json_object *);
int	 db_env_rotate(struct dbx *, const struct env *, long long, char **);
int	 db_listing_get(struct dbx *, long long, const struct scope *,
	    struct listing_list *);
int	 db_listing_list(struct dbx *, const struct scope *,
	    const struct lfilter *, struct listing_list *, long long *);
int	 db_listing_history(struct dbx *, long long,
	    struct listing_event_list *);
int	 db_listing_move(struct dbx *, long long, long long, long long,
	    const struct scope *, enum lact, const char *, long long *,
	    const char **, int (*)(void *, long long, void *), void *);
struct progress;
int	 db_listing_keys(struct dbx *, struct progress *, long long *);
int	 listing_key_open(const struct conf *, const struct dbcell *,
	    unsigned char **, size_t *);
struct json_object *listing_key_json(const struct conf *,
	    const struct dbcell *);
int	 db_listing_mkt_id(struct dbx *, const char *, long long *);
int	 db_app_by_nid(struct dbx *, const char *, long long *, int *);
/*
 * One marketplace an environment's app is live on, as autoconfigure
 * renders it (db_config_marketplaces): the environment's templates,
 * the listing's hub id and sealed key, the marketplace's endpoints and
 * certificate. Strings are borrowed from the list's result.
 */
struct cfg_item {
	const char	*app_nid;
	const char	*env_nid;
	const char	*mkt_nid;
	const char	*host;
	const char	*idm;		/* NULL: the host */
	const char	*sso_init;
	const char	*sso_consume;
	const char	*group;
	const char	*group_user;
	const char	*notification;
	const char	*initialization;
	int		 external_ids;
	const char	*sync_start;
	const char	*sync_toggle;
	const char	*sync_status;
	const char	*hub_api_id;
	const struct dbcell *hub_key;	/* sealed: listing_key_open */
	const char	*hub_url;
	const char	*connec_url;	/* NULL: the hub's */
	const char	*pem;
	const char	*fp_sha1;
};
struct cfg_list {
	size_t		 n;
	struct cfg_item	*v;
	struct dbres	*rs;
};

int	 db_config_marketplaces(struct dbx *, long long, struct cfg_list *);
void	 cfg_list_free(struct cfg_list *);

/* handlers: h_config.c (SDK autoconfigure) */

int	 h_config_marketplaces(struct req *);

/* handlers: h_tenant.c, h_hub.c (tenants, tenant apps, MnoHub v2) */

/*
 * db_tenant.c: tenants and tenant apps. One truth, three faces: the
 * admin/marketplace JSON API (h_tenant.c), the hub API (h_hub.c) and
 * the console (h_console_tenant.c) all check input with
 * tenant_in_check/tenant_app_in_check (h_tenant.c, the edge) and change
 * data only through the db_tenant_* functions below. Every change runs
 * in one transaction with its audit row (actor from r->pr) and moves
 * tenant.updated_at and tenant.version.
 *
 * Scoping: every function taking "mkt" limits itself to tenants of that
 * marketplace (a marketplace managing its own tenants); 0 means any
 * (admins). A tenant outside the scope is "not found" (DBRC_NONE),
 * exactly like a tenant that does not exist.
 *
 * The db_tenant_* actions return enum dbrc; tenant_status() turns one
 * into an HTTP status with r's error detail set.
 */

#define TENANT_META_MAX		16384	/* bytes of metadata JSON text */
/*
 * The one answer for a uid a marketplace may not have: malformed, or
 * taken (in any marketplace: that one exists is not its business).
 */
#define TENANT_UID_BAD	"must be 1 to 64 of [A-Za-z0-9._-] and not in use"
#define TENANT_FECONF_MAX	65535	/* bytes of frontend_config text */

/* A tenant as stored. Strings are owned by the struct (tenant_free). */
struct tenant {
	long long	 id;
	char		*uid;		/* public id, the Basic-auth user */
	long long	 mkt_id;
	char		*mkt_nid;
	char		*name;
	char		*domain;	/* "" when unset */
	char		*metadata;	/* JSON object text */
	char		*frontend_config; /* JSON object text */
	char		*created_at;	/* ISO 8601 UTC, "...T...Z" */
	char		*updated_at;	/* ISO 8601 UTC with microseconds */
	long long	 version;	/* +1 on every change */
	int		 app_mgmt_tenant; /* metadata.app_management=="tenant" */
	long long	 napps;		/* tenant_app rows */
};

/*
 * Input for create and update, as plain C values (NULL: not given; on
 * update, not given means unchanged). metadata and frontend_config are
 * JSON text (the console passes its textarea, the API the serialised
 * body value); tenant_in_check rewrites them in canonical form.
 */
struct tenant_in {
	long long	 mkt_id;	/* create: owning marketplace id */
	const char	*mkt_nid;	/* create: or its nid (resolved) */
	const char	*uid;		/* create only; NULL: "tnt_<16 hex>" */
	const char	*name;		/* create: required */
	const char	*domain;
	const char	*metadata;
	const char	*frontend_config;
	char		*metadata_c;	/* canonical text, owned (check) */
	char		*feconf_c;	/* canonical text, owned (check) */
};

/* A list query: mkt 0 for any, q NULL for any (substring of name/domain). */
struct tenant_filter {
	long long	 mkt_id;
	const char	*q;
	long long	 limit;		/* 1..200 */
	long long	 offset;
};

/* A tenant <-> app relation with a few fields of its app. */
struct tenant_app {
	long long	 id;
	long long	 tenant_id;
	long long	 app_id;
	char		*app_uid;
	char		*app_nid;
	char		*app_name;
	int		 has_rank;	/* rank is NULL when 0 */
	long long	 rank;
	int		 featured;
	int		 live;		/* approved listing on the tenant's mkt */
	char		*created_at;
	char		*updated_at;
};

/*
 * Input for a relation. app: the app id in decimal, its uid or its nid
 * (resolved by the db function); NULL on update keeps the app.
 * rank: NULL keeps it (update) or leaves it NULL (create), "" sets NULL,
 * otherwise a decimal integer. featured: -1 keeps it, 0 or 1.
 */
struct tenant_app_in {
	const char	*app;
	const char	*rank;
	int		 featured;
	long long	 rank_v;	/* set by tenant_app_in_check */
	int		 rank_null;	/* idem */
};

/* Input checks (h_tenant.c): 0, or -1 with field errors on r. */
int	 tenant_in_check(struct req *, struct tenant_in *, int);
void	 tenant_in_free(struct tenant_in *);
int	 tenant_meta_check(struct req *, const char *, struct json_object *);
struct json_object *tenant_meta_self(struct req *, const char *,
	    struct json_object *);
int	 tenant_app_in_check(struct req *, struct tenant_app_in *, int);

/* Lookups: 1 found (*out owned), 0 none (or out of scope), -1 error. */
int	 db_tenant_get(struct dbx *, long long, long long, struct tenant **);
int	 db_tenant_list(struct dbx *, const struct tenant_filter *,
	    struct tenant ***, size_t *, long long *);
void	 tenant_free(struct tenant *);
void	 tenant_list_free(struct tenant **, size_t);

/*
 * Actions, returning enum dbrc. create: *id, and *key (owned, the
 * tenant key in clear, shown once). update/delete: expected version 0
 * skips the check. rotate: a new key, the old one expires after the
 * given grace seconds (0: now). fin (may be NULL) runs inside the
 * transaction after the change with the row id; a return other than 1
 * rolls back (DBRC_REFUSED, or DBRC_ERR when it returns -1).
 */
int	 db_tenant_create(struct dbx *, const struct tenant_in *,
	    long long *, char **,
	    int (*)(void *, long long, void *), void *);
int	 db_tenant_update(struct dbx *, long long, long long, long long,
	    const struct tenant_in *);
int	 db_tenant_delete(struct dbx *, long long, long long, long long);
int	 db_tenant_rotate_key(struct dbx *, long long, long long, long long,
	    char **);

/* Relations of tenant tid (scoped by mkt as above). */
int	 db_tenant_app_list(struct dbx *, long long, long long,
	    struct tenant_app ***, size_t *);
int	 db_tenant_app_get(struct dbx *, long long, long long, long long,
	    struct tenant_app **);
int	 db_tenant_app_create(struct dbx *, long long, long long,
	    const struct tenant_app_in *, long long *);
int	 db_tenant_app_update(struct dbx *, long long, long long, long long,
	    const struct tenant_app_in *);
int	 db_tenant_app_delete(struct dbx *, long long, long long, long long);
void	 tenant_app_free(struct tenant_app *);
void	 tenant_app_list_free(struct tenant_app **, size_t);

/*
 * Bulk: attach the apps en[0..nen) (each must be live on the tenant's
 * marketplace; attached ones are kept) and detach dis[0..ndis) (each
 * must be live or attached), all in one transaction; app ids. A bad id
 * gives DBRC_NOTLIVE and, in *bad, its index in its list and the id.
 * *changed (may be NULL) counts rows created or deleted; updated_at
 * moves only when it is not 0.
 */
struct bulk_bad {
	size_t		 index;
	long long	 app;
};
int	 db_tenant_apps_bulk(struct dbx *, long long, long long,
	    const long long *, size_t, const long long *, size_t, long long *,
	    struct bulk_bad *);

/*
 * h_tenant.c: the HTTP status for an enum dbrc, r's detail set; for a
 * tenant-app action (field "app") and a bulk one (field "ids[i]"), the
 * field error of a refusal too.
 */
int	 tenant_status(struct req *, int);
int	 tapp_status(struct req *, int);
int	 tapp_bulk_status(struct req *, int, const struct bulk_bad *);

/* db_hub.c: the hub catalog (GET /api/mnoe/v2/apps), a row's columns. */
enum catcol {
	CC_ID, CC_UID, CC_NID, CC_NAME, CC_ACTIVE, CC_STACK, CC_LOGO,
	CC_WEBSITE, CC_DESCRIPTION, CC_TINY_DESCRIPTION, CC_CATEGORIES,
	CC_TAGS, CC_KEY_BENEFITS, CC_KEY_FEATURES, CC_RANK, CC_APPINFO,
	CC_MULTI_INSTANTIABLE, CC_SSO_ENABLED, CC_TERMS_URL, CC_SUPPORT_URL,
	CC_FREE_TRIAL_DURATION, CC_FREE_TRIAL_UNIT, CC_PRICING_PLANS,
	CC_PICTURES, CC_CREATED_AT, CC_UPDATED_AT, CC_FEATURED, CC_TOTAL,
	CC__MAX
};

enum catsort {
	CS_DEFAULT,	/* rank ascending, unranked last, then name */
	CS_RANK,
	CS_RANK_DESC,	/* unranked still last */
	CS_NAME,
	CS_NAME_DESC,
	CS_UPDATED,
	CS_UPDATED_DESC,
	CS__MAX
};

struct catq {
	int		 all;		/* filter[scope]=all */
	int		 active;	/* -1 any, 0, 1 */
	const char	*nids;		/* comma list of nids, or NULL */
	const char	*stack;		/* or NULL */
	long long	 app_id;	/* 0 any */
	enum catsort	 sort;
	long long	 limit;
	long long	 offset;
};

/* 0 with *rows (owned, enum catcol columns) and *total, or -1. */
int	 db_catalog(struct dbx *, long long, const struct catq *,
	    struct dbres **, long long *);

/* h_tenant.c: admin (ROLE_ADMIN) and marketplace (ROLE_MKT) faces */
int	 tenant_reply_text(struct req *, const char *, size_t, int);
int	 tenant_reply_etag(struct req *, struct json_object *, int);
long	 tenant_ids_parse(struct req *, const char *, struct json_object *,
	    size_t, long long **);
int	 h_tenant_create(struct req *);
int	 h_tenant_list(struct req *);
int	 h_tenant_show(struct req *);
int	 h_tenant_update(struct req *);
int	 h_tenant_delete(struct req *);
int	 h_tenant_rotate(struct req *);
int	 h_tapp_list(struct req *);
int	 h_tapp_show(struct req *);
int	 h_tapp_create(struct req *);
int	 h_tapp_update(struct req *);
int	 h_tapp_delete(struct req *);
int	 h_tapp_bulk(struct req *);

/* h_hub.c: MnoHub v2 (ROLE_TENANT, ES_JSONAPI) */
int	 h_hub_tenant(struct req *);
int	 h_hub_tenant_update(struct req *);
int	 h_hub_apps(struct req *);
int	 h_hub_app(struct req *);
int	 h_hub_app_enable(struct req *);
int	 h_hub_apps_enable(struct req *);
int	 h_hub_app_disable(struct req *);

/* html.c: the only writer of HTML */

struct html {
	struct req	*r;
	struct buf	 b;
};

struct hparam {
	const char	*key;
	const char	*val;
};

struct hcol {
	const char	*label;
	const char	*sort;		/* sort key, or NULL */
};

struct form {
	struct qsp	*kv;
	size_t		 n;
};

/* Markup from a string literal only: a variable does not compile. */
#define html_lit(h, s)	html_raw_((h), "" s "")

int	 html_error(struct req *, int);
void	 html_text(struct buf *, const char *);
void	 html_attr(struct buf *, const char *);
void	 html_url(struct buf *, const char *);
void	 html_init(struct html *, struct req *);
void	 html_raw_(struct html *, const char *);
void	 html_t(struct html *, const char *);
void	 html_tf(struct html *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 html_int(struct html *, long long);
void	 html_open(struct html *, const char *, ...)
	    __attribute__((sentinel));
void	 html_close(struct html *, const char *);
void	 html_elem(struct html *, const char *, const char *, const char *);
void	 html_a(struct html *, const char *, const char *);
char	*html_qurl(const char *, const struct hparam *, size_t,
	    const char *, const char *);
void	 html_form(struct html *, const char *, const char *);
void	 html_form_get(struct html *, const char *, const char *);
void	 html_form_end(struct html *);
void	 html_hidden(struct html *, const char *, const char *);
void	 html_input(struct html *, const char *, const char *, const char *,
	    const char *, const char *);
void	 html_textarea(struct html *, const char *, const char *,
	    const char *, const char *);
void	 html_select(struct html *, const char *, const char *,
	    const struct hparam *, size_t, const char *);
void	 html_checkbox(struct html *, const char *, const char *, int);
void	 html_submit(struct html *, const char *, const char *);
void	 html_thead(struct html *, const char *, const struct hparam *,
	    size_t, const char *, const struct hcol *, size_t);
void	 html_tfoot(struct html *);
void	 html_td(struct html *, const char *);
void	 html_td_a(struct html *, const char *, const char *);
void	 html_pager(struct html *, const char *, const struct hparam *,
	    size_t, long long, long long, long long);
void	 html_time(struct html *, const char *);
void	 html_crumbs(struct html *, ...) __attribute__((sentinel));
void	 html_begin(struct html *, const char *, const char *);
int	 html_reply(struct html *, int);
void	 html_free(struct html *);
int	 form_parse(struct req *, struct form *);
const char *form_get(const struct form *, const char *);
void	 form_free(struct form *);

/* db_console.c: console sessions, lock-out, audit queries, lists */

struct afilter {
	char		 actor[97];
	char		 kind[33];
	long long	 target_id;
	char		 since[20];	/* "YYYY-MM-DD HH:MM:SS" or "" */
	char		 until[20];
	char		 action[65];	/* exact, or "" */
	long long	 tenant;	/* its rows and its apps', or 0 */
};

struct cadmin {
	long long	 id;		/* 0: no such admin */
	long long	 failed;	/* of this e-mail from this address */
	int		 locked;	/* this e-mail from this address */
	char		 pw_hash[256];
	char		 email[256];
};

/* The console lists of db_console_list (columns: see db_sql.c). */
enum clist {
	CL_TENANTS,	/* marketplace id, search, app_management */
	CL_MARKETPLACES, /* environment, search, certificate state */
	CL_PROVIDERS,	/* search */
	CL_APPS,	/* provider id, search, stack, active, live on mkt id */
	CL_LISTINGS,	/* state, marketplace nid, search, provider id */
	CL_ADMINS,	/* search, state */
	CL_RTOKENS,	/* state, search (enum rtcol columns) */
	CL__MAX
};

#define CLQ_MAX	6

/* A list query: filter values in the list's order (NULL or "": none). */
struct clq {
	const char	*f[CLQ_MAX];
	const char	*sort;		/* an allow-listed key, "-key" desc */
	long long	 limit;
	long long	 offset;
};

/* Columns of the console lists' statements (STMT_CON_*_LIST). */
enum tlcol {
	TL_ID, TL_UID, TL_NAME, TL_MKT_NID, TL_DOMAIN, TL_UPDATED, TL_APPS,
	TL_MGMT, TL_MKT_ID, TL_CREATED, TL__MAX
};
enum mkcol {
	MK_ID, MK_NID, MK_NAME, MK_ENV, MK_HUB, MK_FP1, MK_EXPIRES, MK_CERT,
	MK_UPDATED, MK_TENANTS, MK_LIVE, MK__MAX
};
enum pvcol {
	PV_ID, PV_NID, PV_NAME, PV_EMAIL, PV_API_KEY, PV_CREATED, PV_APPS,
	PV__MAX
};
enum apcol {
	AP_ID, AP_NAME, AP_NID, AP_PROV_NID, AP_PROV_ID, AP_STACK, AP_RANK,
	AP_ACTIVE, AP_UPDATED, AP_LIVE, AP__MAX
};
enum licol {
	LI_ID, LI_APP, LI_APP_NID, LI_MKT_NID, LI_STATE, LI_PROV_NID,
	LI_CREATED, LI_UPDATED, LI_APP_ID, LI_MKT_ID, LI_PROV_ID, LI__MAX
};
enum alcol {
	AL_ID, AL_EMAIL, AL_STATE, AL_CREATED, AL_TOKENS, AL_PWCHANGED,
	AL__MAX
};

/*
 * An audit row as the console shows it (db_audit_list,
 * db_console_recent); the recent ones also name their target (the
 * tenant and app of a tenant app). Borrowed from the list's result.
 */
struct audit_entry {
	long long	 id;
	const char	*at;
	const char	*actor;
	const char	*action;
	const char	*kind;
	const char	*target;	/* its id as text, or NULL */
	const char	*before;	/* JSON text, or NULL */
	const char	*after;
	const char	*request;
	const char	*name;		/* recent only: the target's name */
	const char	*tenant;
	const char	*app;
};
struct audit_list {
	size_t		 n;
	struct audit_entry *v;
	struct dbres	*rs;
};
void	 audit_list_free(struct audit_list *);

/* The dashboard's counts (db_console_counts). */
struct con_counts {
	long long	 marketplaces;
	long long	 tenants;
	long long	 providers;
	long long	 apps;
	long long	 live_listings;
	long long	 to_review;
	long long	 tenant_apps;
	long long	 usable_tokens;
};

int	 console_time_parse(const char *, char[20]);
int	 audit_filter_parse(struct afilter *, const char *, const char *,
	    const char *, const char *, const char **);
int	 db_audit_list(struct dbx *, const struct afilter *, const char *,
	    long long, long long, struct audit_list *, long long *);
void	 csv_field(struct buf *, const char *, int);
int	 db_audit_csv(struct dbx *, const struct afilter *,
	    int (*)(void *, const char *, size_t), void *);
int	 db_console_admin(struct dbx *, const char *, struct cadmin *);
int	 db_console_login_fail(struct dbx *, const struct cadmin *);
#define LOGIN_LOCK_MAX	86400	/* seconds: the back-off's ceiling */
int	 db_console_login(struct dbx *, const struct cadmin *, long long,
	    char **, char[65]);
int	 db_console_logout(struct dbx *);
int	 db_console_counts(struct dbx *, struct con_counts *);
int	 db_console_list(struct dbx *, enum clist, const struct clq *,
	    struct dbres **, long long *);
int	 db_console_list_each(struct dbx *, enum clist, const struct clq *,
	    int (*)(void *, const struct dbres *), void *);
/*
 * A marketplace as a choice (db_console_mkt_names), and an app live on
 * a tenant's marketplace (db_console_live_page). id_text is the id as a
 * form posts it back. Borrowed from the list's result.
 */
struct mkt_name {
	long long	 id;
	const char	*id_text;
	const char	*nid;
};
struct mkt_name_list {
	size_t		 n;
	struct mkt_name	*v;
	struct dbres	*rs;
};
struct live_app {
	long long	 id;
	const char	*id_text;
	const char	*nid;
	const char	*name;
	int		 attached;	/* to the tenant asked about */
};
struct live_app_list {
	size_t		 n;
	struct live_app	*v;
	struct dbres	*rs;
};
void	 mkt_name_list_free(struct mkt_name_list *);
void	 live_app_list_free(struct live_app_list *);
int	 db_console_mkt_names(struct dbx *, struct mkt_name_list *);
int	 db_console_marketplace(struct dbx *, long long, struct mkt_list *);
int	 db_console_tenant_apps(struct dbx *, long long, struct dbres **);
int	 db_console_live_page(struct dbx *, long long, long long,
	    const char *, long long, long long, struct live_app_list *,
	    long long *);
int	 db_console_recent(struct dbx *, long long, struct audit_list *);

/*
 * handlers: the admin console. h_console.c holds what every page and
 * form shares, and the sessions; the other h_console_*.c files one area
 * each.
 */

struct html;
struct form;
void	 con_page(struct req *, struct html *, const char *, const char *);
int	 con_redirect(struct req *, const char *);
int	 con_done(struct req *, const char *, const char *);
int	 con_post(struct req *, struct form *);
void	 con_dl(struct html *, const char *, const char *);
int	 con_confirm(struct req *, const char *, const char *, const char *,
	    const char *, const char *);
int	 con_confirm_rotate(struct req *, const char *, const char *,
	    const char *, const char *);
int	 con_grace(struct req *, const struct form *, long long *);
void	 con_grace_note(struct html *, long long);
char	*con_json_pretty(const char *);
struct hparam *con_mkt_opts(struct req *, struct mkt_name_list *, size_t *);

/* h_console.c: sessions */
int	 h_con_active_admin(struct req *);
int	 h_con_login_form(struct req *);
int	 h_con_login(struct req *);
int	 h_con_logout(struct req *);

/* h_console_tenant.c: tenants and tenant apps */
struct tenant;
int	 con_tenant_of(struct req *, struct tenant **);
int	 h_con_tenant(struct req *);
int	 h_con_tenant_edit(struct req *);
int	 h_con_tenant_update(struct req *);
int	 h_con_tenant_apps(struct req *);
int	 h_con_tenant_app_new(struct req *);
int	 h_con_tenant_app_edit(struct req *);
int	 h_con_tenant_app_create(struct req *);
int	 h_con_tenant_app_update(struct req *);
int	 h_con_tenant_app_delete_ask(struct req *);
int	 h_con_tenant_app_delete(struct req *);
int	 h_con_tenant_apps_bulk(struct req *);
int	 h_con_tenant_new(struct req *);
int	 h_con_tenant_create(struct req *);
int	 h_con_tenant_rotate_ask(struct req *);
int	 h_con_tenant_rotate(struct req *);

/* h_console_app.c: apps and listings */
int	 h_con_app(struct req *);
int	 h_con_listing(struct req *);
int	 h_con_listing_approve(struct req *);
int	 h_con_listing_reject(struct req *);

/* h_console_mkt.c: marketplaces and registration tokens */
int	 h_con_regtokens(struct req *);
int	 h_con_regtoken_create(struct req *);
int	 h_con_mkt_rotate_ask(struct req *);
int	 h_con_mkt_rotate(struct req *);
int	 h_con_mkt_revoke_ask(struct req *);
int	 h_con_mkt_revoke(struct req *);
int	 h_con_regtoken_revoke_ask(struct req *);
int	 h_con_regtoken_revoke(struct req *);

/* h_console_list.c: list pages */
int	 h_con_marketplaces(struct req *);
int	 h_con_tenants(struct req *);
int	 h_con_tenant_apps_pick(struct req *);
int	 h_con_providers(struct req *);
int	 h_con_apps(struct req *);
int	 h_con_listings(struct req *);

/* h_console_act.c: tenants, providers, marketplaces */
int	 h_con_marketplace(struct req *);
int	 h_con_provider(struct req *);
int	 h_con_mkt_hub_approve(struct req *);
int	 h_con_mkt_hub_refuse(struct req *);

/* h_console_admin.c: dashboard, audit log, admins */
int	 h_con_dashboard(struct req *);
int	 h_con_audit(struct req *);
int	 h_con_audit_csv(struct req *);

/* db_ops.c: agoractl status and db-init */

struct ops_counts {
	long long	 marketplaces;
	long long	 apps;
	long long	 tenants;
	long long	 live_listings;
};

/* The accounts db-init makes (names from the configuration). */
struct ops_accounts {
	const char	*db;		/* database name */
	const char	*host;		/* account host, e.g. localhost */
	const char	*user;		/* the workers' account */
	const char	*password;
	const char	*admin;		/* migrations and seeds */
	const char	*admin_password;
};

/* The server settings the cached reads gain from (agoractl status). */
struct ops_settings {
	char		 qc_type[16];	/* query_cache_type: OFF, ON, DEMAND */
	long long	 qc_size;	/* query_cache_size, bytes */
	char		 threads[40];	/* thread_handling */
};

int	 db_ops_counts(struct db *, struct ops_counts *);
int	 db_ops_cluster(struct db *, char *, size_t);
int	 db_ops_settings(struct db *, struct ops_settings *);
int	 db_ops_create(struct db *, const struct ops_accounts *);
int	 db_ops_grant(struct db *, const struct ops_accounts *, long long *);

/* metrics.c: counters shared by the worker pool (one mapped file) */

enum metric {
	/* the workers' own (metrics_inc ignores these in agoractl) */
	MX_DB_STATEMENTS,
	MX_DB_ERRORS,
	MX_DB_RECONNECTS,
	MX_CACHE_HITS,
	MX_CACHE_MISSES,
	MX_GZIP_BODIES,
	MX_CREDS_KEPT,
	/* the platform's events, wherever they happen */
	MX_REGISTRATIONS,
	MX_CERTS_ISSUED,
	MX_CERTS_REVOKED,
	MX_WORKER_STARTS,
	MX__MAX
};

/* Who may scrape without a token when metrics_allow is not set. */
#define METRICS_ALLOW	"127.0.0.1 ::1"

int	 metrics_open(const char *, int);
void	 metrics_close(void);
void	 metrics_inc(enum metric);
void	 metrics_cache(int);
void	 metrics_request(const struct req *, int, double);
int	 metrics_render(struct buf *);
int	 metrics_allowed(const char *, const char *);

/* handlers: h_metrics.c */

int	 h_metrics(struct req *);

/* progress.c: progress of long agoractl work, on a terminal only */

struct progress {
	const char	*what;
	long long	 total;		/* 0: unknown */
	long long	 done;
	int		 on;		/* stderr is a terminal */
	int		 shown;
	double		 t0;
	double		 last;
};

void	 progress_init(struct progress *, const char *, long long);
void	 progress_step(struct progress *, long long);
void	 progress_done(struct progress *);

/* webhook.c: event types, reachable addresses, signatures */

struct sockaddr;

extern const char *const webhook_types[];

int	 webhook_type_ok(const char *);
int	 webhook_addr_ok(const struct sockaddr *);
int	 webhook_url_ok(const char *);
int	 webhook_sign(const char *, const char *, long long, const char *,
	    size_t, char[65]);

/*
 * db_event.c: webhook subscriptions, deliveries and their attempts (for
 * the APIs and the console), and the outbox side agora-notify runs:
 * fan-out, claims and results.
 */

/* Whose subscriptions a caller sees: kind NULL for an admin (all). */
struct sub_scope {
	const char	*kind;		/* "marketplace", "provider" */
	long long	 id;
};

/* A subscription as stored, without its secrets; owned (sub_free). */
struct sub {
	long long	 id;
	char		*owner_kind;	/* admin, marketplace, provider */
	long long	 owner_id;	/* 0 for admin */
	char		*owner_nid;	/* NULL for admin */
	char		*url;
	char		*types;		/* JSON array text */
	char		*description;
	int		 allow_private;
	int		 active;
	char		*created_at;
	char		*updated_at;
	long long	 version;
	char		*old_until;	/* old secret signs until; or NULL */
	long long	 npending;
	long long	 nfailed;
	long long	 ndelivered;
};

/* Validated values of a create or an update (all set on update). */
struct sub_in {
	const char	*owner_kind;	/* create only */
	long long	 owner_id;	/* create only; 0 for admin */
	const char	*url;
	const char	*types;		/* canonical JSON array text */
	const char	*description;
	int		 active;
	int		 allow_private;
};

/*
 * A delivery of an event to a subscription, and one attempt of it, as
 * read. Strings are borrowed from the result their list owns.
 */
struct delivery {
	long long	 id;
	long long	 sub_id;
	const char	*url;
	const char	*event;		/* the event's uid */
	const char	*type;
	const char	*state;		/* pending, delivered, failed */
	long long	 attempts;
	int		 has_status;
	long long	 status;	/* the last HTTP status */
	const char	*created_at;
	const char	*next_at;
	const char	*done_at;
	const char	*payload;
	const char	*event_at;	/* when the event happened */
};
struct delivery_list {
	size_t		 n;
	struct delivery	*v;
	struct dbres	*rs;
};
struct attempt {
	const char	*at;
	long long	 ms;
	int		 has_status;
	long long	 status;
	const char	*error;
	const char	*response;	/* the answer's first bytes */
	const char	*notifier;
};
struct attempt_list {
	size_t		 n;
	struct attempt	*v;
	struct dbres	*rs;
};

void	 delivery_list_free(struct delivery_list *);
void	 attempt_list_free(struct attempt_list *);

/* Columns of STMT_DELIVERY_CLAIMED (agora-notify). */
enum clmcol {
	CLM_ID, CLM_ATTEMPT, CLM_EVENT, CLM_TYPE, CLM_PAYLOAD, CLM_CREATED,
	CLM_SUB, CLM_URL, CLM_SECRET, CLM_OLD_SECRET, CLM_PRIVATE, CLM__MAX
};

#define SUB_SECRET_PREFIX	"whsec_"

void	 sub_free(struct sub *);
void	 sub_list_free(struct sub **, size_t);
int	 db_sub_create(struct dbx *, const struct sub_in *, long long *,
	    char **, int (*)(void *, long long, void *), void *);
int	 db_sub_get(struct dbx *, long long, const struct sub_scope *,
	    struct sub **);
int	 db_sub_list(struct dbx *, const struct sub_scope *, long long,
	    long long, struct sub ***, size_t *, long long *);
int	 db_sub_update(struct dbx *, long long, const struct sub_scope *,
	    long long, const struct sub_in *);
int	 db_sub_delete(struct dbx *, long long, const struct sub_scope *);
int	 db_sub_rotate(struct dbx *, long long, const struct sub_scope *,
	    char **);
int	 db_sub_test(struct dbx *, long long, const struct sub_scope *,
	    char **);
int	 db_delivery_list(struct dbx *, long long, const char *, long long,
	    long long, struct delivery_list *, long long *);
int	 db_delivery_get(struct dbx *, long long, struct delivery_list *,
	    struct attempt_list *);
int	 db_delivery_resend(struct dbx *, long long);
int	 db_sub_owner(struct dbx *, const char *, const char *, long long *);
int	 db_sub_register(struct dbx *, long long, const struct sub_in *,
	    size_t, int, long long *, char **);
int	 db_event_fanout(struct db *, long long, long long *);
int	 db_event_purge(struct db *, long long, long long, long long *);
int	 db_delivery_claim(struct db *, const char *, long long, long long,
	    long long, struct dbres **);
int	 db_delivery_result(struct db *, long long, const char *, int, int,
	    long long, long long, long long, const char *, const char *,
	    const char *);
int	 db_delivery_record(struct db *, long long, const char *, int, int,
	    long long, long long, long long, const char *, const char *,
	    const char *);
char	*db_sub_secret(const struct conf *, const struct dbcell *);

/* handlers: h_event.c (webhook subscriptions: marketplace, provider, admin) */

int	 h_sub_create(struct req *);
int	 h_sub_list(struct req *);
int	 h_sub_get(struct req *);
int	 h_sub_update(struct req *);
int	 h_sub_delete(struct req *);
int	 h_sub_rotate(struct req *);
int	 h_sub_test(struct req *);
int	 h_sub_deliveries(struct req *);
int	 sub_events_parse(struct req *, const char *, struct json_object *,
	    char **);
struct json_object *sub_json(const struct sub *);

/* A registration's "webhooks" (h_event.c), checked and held for db. */
#define SUB_REG_MAX	8

struct sub_reg {
	struct sub_in	 in[SUB_REG_MAX];
	char		*types[SUB_REG_MAX];	/* owned */
	size_t		 n;
};

int	 sub_reg_check(struct req *, const char *, struct json_object *);
void	 sub_reg_get(struct json_object *, struct sub_reg *);
void	 sub_reg_free(struct sub_reg *);
int	 sub_reg_apply(struct req *, long long, const struct sub_reg *, int,
	    struct json_object *);

/* handlers: h_console_events.c (console: webhooks and deliveries) */

int	 h_con_webhooks(struct req *);
int	 h_con_webhook_new(struct req *);
int	 h_con_webhook_create(struct req *);
int	 h_con_webhook(struct req *);
int	 h_con_webhook_update(struct req *);
int	 h_con_webhook_test(struct req *);
int	 h_con_webhook_rotate(struct req *);
int	 h_con_webhook_delete(struct req *);
int	 h_con_deliveries(struct req *);
int	 h_con_delivery(struct req *);
int	 h_con_delivery_resend(struct req *);
int	 h_con_listing_unpublish(struct req *);

/* handlers: h_console_list.c (list pages, CSV exports) */

int	 h_con_tenants_csv(struct req *);
int	 h_con_marketplaces_csv(struct req *);
int	 h_con_providers_csv(struct req *);
int	 h_con_apps_csv(struct req *);
int	 h_con_listings_csv(struct req *);
int	 h_con_admins(struct req *);
int	 h_con_admins_csv(struct req *);
int	 con_provider_apps(struct req *, struct html *, long long);
int	 con_regtoken_list(struct req *, struct html *, int *);
int	 h_con_regtokens_csv(struct req *);

/* handlers: h_console_act.c (tenants, providers, marketplaces) */

int	 h_con_tenant_delete_ask(struct req *);
int	 h_con_tenant_delete(struct req *);
int	 h_con_provider_new(struct req *);
int	 h_con_provider_create(struct req *);
int	 h_con_provider_edit(struct req *);
int	 h_con_provider_update(struct req *);
int	 h_con_provider_rotate_ask(struct req *);
int	 h_con_provider_rotate(struct req *);
int	 h_con_mkt_edit(struct req *);
int	 h_con_mkt_update(struct req *);
void	 con_dl_value(struct html *, const char *, const char *, int);

/* handlers: h_console_admin.c (dashboard, audit log, admins) */

int	 h_con_admin_new(struct req *);
int	 h_con_admin_create(struct req *);
int	 h_con_admin(struct req *);
int	 h_con_admin_disable_ask(struct req *);
int	 h_con_admin_disable(struct req *);
int	 h_con_admin_enable_ask(struct req *);
int	 h_con_admin_enable(struct req *);
int	 h_con_admin_password_ask(struct req *);
int	 h_con_admin_password(struct req *);
int	 h_con_admin_token_create(struct req *);
int	 h_con_admin_token_revoke_ask(struct req *);
int	 h_con_admin_token_revoke(struct req *);

#endif /* EXTERN_H */
