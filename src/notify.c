/*
 * agora-notify: delivers webhook events. One per host is enough, more
 * are safe: events are fanned out to deliveries under SKIP LOCKED, and
 * a delivery is claimed with a lease (next_at pushed past the longest an
 * attempt can take) before it is sent, so two notifiers never send the
 * same attempt at once, and one that dies leaves its claims due again
 * when the lease ends. Delivery is at least once: a receiver that
 * answered 2xx just before we died gets the event again, with the same
 * Agora-Event-Id.
 *
 * libcurl's multi interface runs up to notify_concurrency transfers at
 * once over one connection cache (keep-alive reuse). Each transfer has
 * a total timeout; a slow receiver holds one slot, never the others.
 * A failed attempt is retried after an exponential back-off with jitter
 * (notify_retry_base_ms doubling, capped at notify_retry_max seconds)
 * until notify_max_age seconds after the first, then marked failed.
 *
 * Targets: https only, no redirects, no proxy. Unless an admin allowed
 * the subscription a private target, the address curl is about to
 * connect to, after DNS resolution, must be public (the open-socket
 * callback refuses it otherwise), so a DNS answer that changes to an
 * internal address at send time is refused, not followed.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "extern.h"

#define RESP_MAX	512	/* bytes of an answer kept per attempt */
#define LEASE_MARGIN	5	/* seconds past the attempt timeout */
#define FANOUT_BATCH	500
#define UNSAVED_MAX	1024
#define PURGE_EVERY	60	/* seconds between purges of old events */
#define PURGE_BATCH	1000

static volatile sig_atomic_t	 quit;

/* One attempt in flight. */
struct job {
	long long		 id;		/* delivery */
	long long		 attempt;
	int			 allow_private;
	int			 refused;	/* an address was not public */
	char			 addr[INET6_ADDRSTRLEN];
	char			 claim[33];
	struct buf		 resp;		/* first RESP_MAX bytes */
	char			*body;
	struct curl_slist	*hdrs;
	CURL			*easy;
	char			 err[CURL_ERROR_SIZE];
	long long		 t0;		/* mono_us() at the start */
	time_t			 lease_end;
	/* the result, kept until the database has it */
	int			 ok;
	int			 status;
	long long		 ms;
	long long		 retry_us;
	char			*why;
};

struct notifier {
	struct conf		 conf;
	struct db		*db;
	CURLM			*multi;
	struct curl_slist	*resolve;	/* test hook, or NULL */
	char			 name[96];
	size_t			 inflight;
	struct job		*unsaved[UNSAVED_MAX];
	size_t			 nunsaved;
	int			 dbdown;
	time_t			 purged;	/* last purge */
};

static void
on_term(int sig)
{
	(void)sig;
	quit = 1;
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->easy != NULL)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->hdrs);
	buf_free(&j->resp);
	free(j->body);
	free(j->why);
	free(j);
}

/* Keep the first RESP_MAX bytes of the answer; read and drop the rest. */
static size_t
on_data(char *p, size_t sz, size_t n, void *arg)
{
	struct job	*j = arg;
	size_t		 len = sz * n, room;

	room = j->resp.len < RESP_MAX ? RESP_MAX - j->resp.len : 0;
	if (room > 0)
		(void)buf_add(&j->resp, p, len < room ? len : room);
	return len;
}

/*
 * Every socket curl opens for a delivery passes here with the address
 * it will connect to: after DNS, after CURLOPT_RESOLVE, whatever the
 * name said when the subscription was made.
 */
static curl_socket_t
on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct job		*j = arg;
	const struct sockaddr	*sa = &a->addr;
	const void		*ip;

	if (purpose == CURLSOCKTYPE_IPCXN && !j->allow_private &&
	    !webhook_addr_ok(sa)) {
		j->refused = 1;
		ip = sa->sa_family == AF_INET6 ?
		    (const void *)&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr :
		    (const void *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
		if (inet_ntop(sa->sa_family, ip, j->addr,
		    sizeof(j->addr)) == NULL)
			snprintf(j->addr, sizeof(j->addr), "?");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* The body of a delivery: the event envelope. Owned. */
static char *
envelope(const struct dbres *rs, size_t i)
{
	struct json_object	*o;
	char			*s;

	o = json_object_new_object();
	jadd_str(o, "id", dbres_str(rs, i, CLM_EVENT));
	jadd_str(o, "type", dbres_str(rs, i, CLM_TYPE));
	jadd_str(o, "created_at", dbres_str(rs, i, CLM_CREATED));
	jadd(o, "data", json_raw(dbres_str(rs, i, CLM_PAYLOAD)));
	s = xstrdup(json_text(o));
	json_object_put(o);
	return s;
}

/* Append "name: value" (value "" for "name:", which drops it). */
static struct curl_slist *
hdr_add(struct curl_slist *l, const char *name, const char *v)
{
	struct curl_slist	*n;
	char			*h;

	h = xasprintf("%s:%s%s", name, *v ? " " : "", v);
	if ((n = curl_slist_append(l, h)) == NULL)
		fatalx("curl_slist_append");
	free(h);
	return n;
}

/*
 * The signature header value for body: one "v1=" per secret (the
 * current one, and the old one in a rotation's grace period). Owned,
 * or NULL when no secret opens.
 */
static char *
signature(struct notifier *n, const struct dbres *rs, size_t i,
    const char *id, long long ts, const char *body)
{
	struct buf	 b = { 0 };
	char		*sec, sig[65];
	int		 col[2] = { CLM_SECRET, CLM_OLD_SECRET }, k;

	for (k = 0; k < 2; k++) {
		sec = db_sub_secret(&n->conf, &rs->cell[i * rs->ncol + col[k]]);
		if (sec == NULL)
			continue;
		if (webhook_sign(sec, id, ts, body, strlen(body), sig) == 0)
			buf_printf(&b, "%sv1=%s", b.len ? ", " : "", sig);
		secret_free(sec);
	}
	return b.p;
}

/* Start the claimed delivery in row i of rs. 0, or -1 (recorded). */
static int
job_start(struct notifier *n, const struct dbres *rs, size_t i,
    const char *claim)
{
	const struct conf	*c = &n->conf;
	struct job		*j;
	char			 num[64], *sig;
	const char		*id = dbres_str(rs, i, CLM_EVENT);
	long long		 ts = (long long)time(NULL);

	j = xcalloc(1, sizeof(*j));
	j->id = dbres_int(rs, i, CLM_ID);
	j->attempt = dbres_int(rs, i, CLM_ATTEMPT);
	j->allow_private = dbres_int(rs, i, CLM_PRIVATE) != 0;
	snprintf(j->claim, sizeof(j->claim), "%s", claim);
	j->resp.max = RESP_MAX + 1;
	j->lease_end = time(NULL) + c->notify_timeout + LEASE_MARGIN;
	j->t0 = mono_us();
	j->body = envelope(rs, i);

	j->hdrs = hdr_add(NULL, "Content-Type", "application/json");
	j->hdrs = hdr_add(j->hdrs, "Expect", "");
	j->hdrs = hdr_add(j->hdrs, "User-Agent",
	    "agora-notify/" PACKAGE_VERSION);
	j->hdrs = hdr_add(j->hdrs, "Agora-Event-Id", id);
	j->hdrs = hdr_add(j->hdrs, "Agora-Event-Type",
	    dbres_str(rs, i, CLM_TYPE));
	snprintf(num, sizeof(num), "%lld", ts);
	j->hdrs = hdr_add(j->hdrs, "Agora-Timestamp", num);
	snprintf(num, sizeof(num), "%lld.%lld", j->id, j->attempt);
	j->hdrs = hdr_add(j->hdrs, "Agora-Delivery", num);
	if ((sig = signature(n, rs, i, id, ts, j->body)) == NULL) {
		j->why = xstrdup("the subscription's secret does not open "
		    "under this data_key");
		goto fail;
	}
	j->hdrs = hdr_add(j->hdrs, "Agora-Signature", sig);
	free(sig);

	if ((j->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	curl_easy_setopt(j->easy, CURLOPT_URL, dbres_str(rs, i, CLM_URL));
	curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(j->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(j->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(j->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(j->body));
	curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->hdrs);
	curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS,
	    (long)(c->notify_timeout * 1000));
	curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)((c->notify_timeout < 5 ? c->notify_timeout : 5) * 1000));
	curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(j->easy, CURLOPT_OPENSOCKETFUNCTION, on_socket);
	curl_easy_setopt(j->easy, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->err);
	curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
	if (c->notify_ca != NULL)
		curl_easy_setopt(j->easy, CURLOPT_CAINFO, c->notify_ca);
	if (n->resolve != NULL)
		curl_easy_setopt(j->easy, CURLOPT_RESOLVE, n->resolve);
	if (curl_multi_add_handle(n->multi, j->easy) != CURLM_OK) {
		j->why = xstrdup("curl_multi_add_handle failed");
		goto fail;
	}
	n->inflight++;
	return 0;
fail:
	log_warnx("delivery %lld: %s", j->id, j->why);
	j->ok = 0;
	j->retry_us = c->notify_retry_base_ms * 1000;
	if (db_delivery_result(n->db, j->id, j->claim, 0, 0, j->retry_us,
	    c->notify_max_age, 0, j->why, "", n->name) == -1)
		log_warnx("delivery %lld: result not saved", j->id);
	job_free(j);
	return -1;
}

/* The back-off before attempt number a + 1, in microseconds. */
static long long
backoff_us(const struct conf *c, long long a)
{
	long long	 ms = c->notify_retry_base_ms, cap;
	uint32_t	 rnd;

	cap = c->notify_retry_max * 1000;
	while (--a > 0 && ms < cap)
		ms *= 2;
	if (ms > cap)
		ms = cap;
	/* Jitter: somewhere in [ms/2, ms], so retries do not march. */
	crypto_random((unsigned char *)&rnd, sizeof(rnd));
	ms = ms / 2 + (long long)(rnd % (uint32_t)(ms / 2 + 1));
	return ms * 1000;
}

/* Printable ASCII only, for the console: others become '.'. Owned. */
static char *
printable(const struct buf *b)
{
	char	*s;
	size_t	 i;

	s = xmalloc(b->len + 1);
	for (i = 0; i < b->len; i++)
		s[i] = (b->p[i] >= 0x20 && b->p[i] < 0x7f) ||
		    b->p[i] == '\n' ? b->p[i] : '.';
	s[b->len] = '\0';
	return s;
}

/*
 * Write j's result, inside a transaction when intx (the caller's), else
 * in one of its own. 0, or -1 (the database is away: keep j).
 */
static int
job_save(struct notifier *n, struct job *j, int intx)
{
	char	*resp;
	int	 rc;

	resp = printable(&j->resp);
	rc = (intx ? db_delivery_record : db_delivery_result)(n->db, j->id,
	    j->claim, j->ok, j->status, j->retry_us, n->conf.notify_max_age,
	    j->ms, j->why ? j->why : "", resp, n->name);
	free(resp);
	return rc;
}

/* A transfer ended: judge it and queue its result for the database. */
static void
job_done(struct notifier *n, struct job *j, CURLcode cc)
{
	long	 code = 0;

	curl_multi_remove_handle(n->multi, j->easy);
	n->inflight--;
	j->ms = (mono_us() - j->t0) / 1000;
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
	j->status = (int)code;
	curl_easy_cleanup(j->easy);
	j->easy = NULL;
	j->ok = cc == CURLE_OK && code >= 200 && code <= 299;
	if (j->refused)
		j->why = xasprintf("refused: %s is not a public address and "
		    "the subscription does not allow private targets",
		    j->addr);
	else if (cc != CURLE_OK)
		j->why = xasprintf("%s%s%s", curl_easy_strerror(cc),
		    j->err[0] ? ": " : "", j->err);
	else if (!j->ok)
		j->why = xasprintf("HTTP %ld", code);
	if (!j->ok)
		j->retry_us = backoff_us(&n->conf, j->attempt);
	log_info("delivery %lld attempt %lld: %s in %lld ms", j->id,
	    j->attempt, j->ok ? "delivered" : j->why, j->ms);
	if (n->nunsaved == UNSAVED_MAX) {
		log_warnx("delivery %lld: result dropped (the lease will "
		    "send it again)", j->id);
		job_free(j);
		return;
	}
	n->unsaved[n->nunsaved++] = j;
}

/*
 * Write the queued results: all in one transaction (one commit for a
 * whole turn of the loop); if that fails, one by one, keeping those the
 * database does not take until their lease ends (the claim is ours
 * until then; after it another notifier sends the event again).
 */
static void
save_results(struct notifier *n)
{
	size_t	 i, k = 0;
	time_t	 now = time(NULL);

	if (n->nunsaved == 0)
		return;
	if (db_tx_begin(n->db) == 0) {
		for (i = 0; i < n->nunsaved; i++)
			if (job_save(n, n->unsaved[i], 1) == -1)
				break;
		if (i == n->nunsaved && db_tx_commit(n->db) == 0) {
			for (i = 0; i < n->nunsaved; i++)
				job_free(n->unsaved[i]);
			n->nunsaved = 0;
			return;
		}
		db_tx_rollback(n->db);
	}
	for (i = 0; i < n->nunsaved; i++) {
		struct job *j = n->unsaved[i];

		if (job_save(n, j, 0) == 0 || now > j->lease_end) {
			if (now > j->lease_end)
				log_warnx("delivery %lld: result dropped "
				    "after the lease", j->id);
			job_free(j);
			continue;
		}
		n->unsaved[k++] = j;
	}
	n->nunsaved = k;
}

/* Attempts in flight per subscription: a quarter of the slots. */
static long long
per_sub(const struct conf *c)
{
	return c->notify_concurrency >= 4 ? c->notify_concurrency / 4 : 1;
}

/* Fan out, then claim and start what fits. 1 if any work was found. */
static int
feed(struct notifier *n)
{
	const struct conf	*c = &n->conf;
	struct dbres		*rs;
	unsigned char		 raw[16];
	char			*claim;
	long long		 fanned, room;
	size_t			 i;
	int			 found = 0;

	if (db_event_fanout(n->db, FANOUT_BATCH, &fanned) == -1)
		goto down;
	found = fanned > 0;
	room = c->notify_concurrency - (long long)n->inflight;
	if (room <= 0)
		return 1;
	crypto_random(raw, sizeof(raw));
	claim = hex_encode(raw, sizeof(raw));
	if (db_delivery_claim(n->db, claim, c->notify_timeout + LEASE_MARGIN,
	    room, per_sub(c), &rs) == -1) {
		free(claim);
		goto down;
	}
	for (i = 0; i < rs->nrow; i++)
		(void)job_start(n, rs, i, claim);
	found |= rs->nrow > 0;
	dbres_free(rs);
	free(claim);
	if (n->dbdown)
		log_info("the database answers again");
	n->dbdown = 0;
	return found;
down:
	if (!n->dbdown)
		log_warnx("the database does not answer; trying again");
	n->dbdown = 1;
	return 0;
}

/*
 * Now and then, drop settled events past notify_keep_days, and
 * credentials a day past the end of their grace period (every rotation
 * leaves one).
 */
static void
purge(struct notifier *n)
{
	long long	 gone;
	time_t		 now = time(NULL);

	if (n->dbdown || now - n->purged < PURGE_EVERY)
		return;
	n->purged = now;
	if (db_event_purge(n->db, n->conf.notify_keep_days, PURGE_BATCH,
	    &gone) == 0 && gone > 0)
		log_info("purged %lld events older than %lld days", gone,
		    n->conf.notify_keep_days);
	if (db_cred_purge(n->db, PURGE_BATCH, &gone) == 0 && gone > 0)
		log_info("purged %lld expired credentials", gone);
}

/* "host:port:addr,host:port:addr" into a CURLOPT_RESOLVE list. */
static struct curl_slist *
resolve_list(const char *s)
{
	struct curl_slist	*l = NULL, *t;
	char			*copy, *p, *tok, *save = NULL;

	if (s == NULL || *s == '\0')
		return NULL;
	copy = xstrdup(s);
	for (p = copy; (tok = strtok_r(p, ", ", &save)) != NULL; p = NULL) {
		if ((t = curl_slist_append(l, tok)) == NULL)
			fatalx("curl_slist_append");
		l = t;
	}
	free(copy);
	return l;
}

int
main(int argc, char *argv[])
{
	struct notifier		 n;
	struct sigaction	 sa;
	struct CURLMsg		*m;
	char			 err[256], host[64];
	const char		*path = NULL;
	int			 ch, running, left, busy;

	while ((ch = getopt(argc, argv, "c:")) != -1)
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: agora-notify [-c conf]\n");
			return 2;
		}
	if (path == NULL)
		path = conf_path();
	memset(&n, 0, sizeof(n));
	log_init("agora-notify", LOGL_INFO);
	if (conf_load(path, &n.conf, err, sizeof(err)) == -1)
		fatalx("%s: %s", path, err);
	log_setlevel(n.conf.log_level);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(n.name, sizeof(n.name), "%s/%ld", host, (long)getpid());

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init");
	if ((n.multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init");
	curl_multi_setopt(n.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)n.conf.notify_concurrency);
	curl_multi_setopt(n.multi, CURLMOPT_MAXCONNECTS,
	    (long)n.conf.notify_concurrency * 2);
	n.resolve = resolve_list(n.conf.notify_resolve);
	n.db = db_open(&n.conf, 0);
	log_info("notifier %s ready: %lld at once, %lld s timeout", n.name,
	    n.conf.notify_concurrency, n.conf.notify_timeout);

	/*
	 * The loop: feed new work while running, drive the transfers,
	 * record what ended. On TERM, stop feeding and finish what is in
	 * flight (each transfer has its timeout).
	 */
	for (;;) {
		busy = 0;
		save_results(&n);
		if (!quit) {
			busy = feed(&n);
			purge(&n);
		}
		if (n.inflight == 0) {
			if (quit)
				break;
			if (!busy)
				usleep((useconds_t)(n.conf.notify_poll_ms *
				    (n.dbdown ? 4 : 1) * 1000));
			continue;
		}
		curl_multi_perform(n.multi, &running);
		while ((m = curl_multi_info_read(n.multi, &left)) != NULL) {
			struct job *j = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&j);
			job_done(&n, j, m->data.result);
		}
		save_results(&n);
		if (n.inflight > 0)
			curl_multi_poll(n.multi, NULL, 0, busy ? 20 : 100,
			    NULL);
	}
	while (n.nunsaved > 0) {
		save_results(&n);
		if (n.nunsaved > 0)
			sleep(1);
	}
	log_info("notifier %s stopping", n.name);
	curl_slist_free_all(n.resolve);
	curl_multi_cleanup(n.multi);
	curl_global_cleanup();
	db_close(n.db);
	conf_free(&n.conf);
	return 0;
}
