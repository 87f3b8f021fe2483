/*
 * Handlers: the admin console's list pages, over one list-page helper.
 *
 * A list page is data (struct lpage): its filters (a sidebar form of
 * GET parameters, each validated), its columns (each sortable by a key
 * the SQL knows, shown by type: text, code, time, yes/no, number, a
 * link), its db list (enum clist). con_list renders the page with the
 * pager (first, previous, numbered pages, next, last) and a per-page
 * choice; con_list_csv streams the same rows, with the same filters and
 * order, as CSV while they are fetched (never the whole list in
 * memory). Every byte of HTML goes through html.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define LIST_PER	25		/* rows a page unless ?per= says */
#define LIST_OPTS_MAX	500		/* rows of a select filter */

/* How a column's value is shown. */
enum lct {
	LT_TEXT,
	LT_MONO,	/* keys, nids, fingerprints */
	LT_TIME,	/* <time>, local with script, UTC without */
	LT_BOOL,	/* yes / no */
	LT_NUM,
};

struct lcol {
	const char	*label;
	const char	*sort;		/* sort key, or NULL */
	int		 col;		/* result column */
	enum lct	 type;
	const char	*link;		/* "/admin/x/%s", or NULL */
	int		 lcol;		/* the column giving the %s */
};

/* Where a filter's choices come from. */
enum lft {
	LF_SEARCH,	/* free text, a substring */
	LF_SELECT,	/* a fixed list (opts) */
	LF_MKT_ID,	/* marketplaces by id */
	LF_MKT_NID,	/* marketplaces by nid */
	LF_PROVIDER,	/* providers by id */
};

struct lfil {
	const char		*key;	/* query parameter */
	const char		*label;
	enum lft		 type;
	const struct hparam	*opts;	/* LF_SELECT: first is "" (all) */
	size_t			 nopt;
	const char		*hint;
};

struct lpage {
	enum clist		 list;
	const char		*path;
	const char		*csv;	/* its CSV path */
	const char		*title;
	const char		*menu;
	const char		*group;	/* menu group for the breadcrumbs */
	const struct lfil	*fil;
	size_t			 nfil;
	const struct lcol	*cols;
	size_t			 ncol;
	const char		*defsort;
	const char		*newhref;	/* "New ..." button, or NULL */
	const char		*newlabel;
	/* Extra trailing cell per row (actions), or NULL. */
	void			(*rowend)(struct html *, const struct dbres *,
				    size_t);
};

/* The values a list request carries, checked. */
struct lreq {
	struct clq	 q;
	const char	*sortp;		/* the sort parameter as given */
	const char	*perp;
	long long	 page;
	long long	 per;
	struct hparam	 p[CLQ_MAX + 2];	/* filters, sort, per */
	size_t		 np;
};

static const long long list_pers[] = { 10, 25, 50, 100 };

/*
 * Read and check r's list parameters for lp: filters, sort (allow-list
 * of the columns' keys, optionally with '-'), page, per. Returns 0, or
 * -1 with field errors set on r.
 */
static int
lreq_parse(struct req *r, const struct lpage *lp, struct lreq *lr)
{
	const char	*v;
	long long	 id;
	size_t		 i, j;
	int		 bad = 0, ok;

	memset(lr, 0, sizeof(*lr));
	for (i = 0; i < lp->nfil && i < CLQ_MAX; i++) {
		v = req_qs(r, lp->fil[i].key);
		if (v != NULL && *v == '\0')
			v = NULL;
		lr->p[lr->np].key = lp->fil[i].key;
		lr->p[lr->np++].val = v;
		lr->q.f[i] = v;
		if (v == NULL)
			continue;
		switch (lp->fil[i].type) {
		case LF_SEARCH:
			ok = valid_text(v, 1, 255);
			break;
		case LF_SELECT:
			for (ok = 0, j = 1; j < lp->fil[i].nopt; j++)
				if (strcmp(v, lp->fil[i].opts[j].key) == 0)
					ok = 1;
			break;
		case LF_MKT_NID:
			ok = valid_nid(v);
			break;
		default:
			ok = valid_id(v, &id);
			break;
		}
		if (!ok)
			bad = req_field(r, lp->fil[i].key, lp->fil[i].type ==
			    LF_SEARCH ? "must be at most 255 printable "
			    "characters" : "is not one of the choices");
	}

	lr->q.sort = lp->defsort;
	if ((v = req_qs(r, "sort")) != NULL && *v != '\0') {
		for (ok = 0, i = 0; i < lp->ncol; i++)
			if (lp->cols[i].sort != NULL && (strcmp(v,
			    lp->cols[i].sort) == 0 || (v[0] == '-' &&
			    strcmp(v + 1, lp->cols[i].sort) == 0)))
				ok = 1;
		if (ok) {
			lr->q.sort = v;
			lr->sortp = v;
		} else
			bad = req_field(r, "sort", "is not a sort order of "
			    "this list");
	}
	lr->p[lr->np].key = "sort";
	lr->p[lr->np++].val = lr->sortp;

	lr->per = LIST_PER;
	if ((v = req_qs(r, "per")) != NULL && *v != '\0') {
		for (ok = 0, i = 0; i < sizeof(list_pers) /
		    sizeof(list_pers[0]); i++)
			if (num_parse(v, 1, 100, &id) == 0 &&
			    id == list_pers[i])
				ok = 1;
		if (ok) {
			lr->per = id;
			lr->perp = v;
		} else
			bad = req_field(r, "per", "must be 10, 25, 50 or 100");
	}
	lr->p[lr->np].key = "per";
	lr->p[lr->np++].val = lr->perp;

	lr->page = 1;
	if ((v = req_qs(r, "page")) != NULL && *v != '\0' &&
	    num_parse(v, 1, 1000000, &lr->page) == -1)
		bad = req_field(r, "page", "must be a page number");
	lr->q.limit = lr->per;
	lr->q.offset = (lr->page - 1) * lr->per;
	return bad ? -1 : 0;
}

/*
 * The choices of a dynamic filter as options ("" first: all), with
 * their rows in *ml (marketplaces) or *rs (providers; free all three).
 * NULL on a database error.
 */
static struct hparam *
lfil_opts(struct req *r, const struct lfil *f, struct mkt_name_list *ml,
    struct dbres **rs, size_t *n)
{
	struct hparam	*o;
	struct clq	 q;
	long long	 total;
	size_t		 i;

	*rs = NULL;
	memset(ml, 0, sizeof(*ml));
	*n = 0;
	if (f->type == LF_MKT_ID || f->type == LF_MKT_NID) {
		if ((o = con_mkt_opts(r, ml, n)) != NULL &&
		    f->type == LF_MKT_NID)
			for (i = 1; i < *n; i++)
				o[i].key = o[i].val;
		return o;
	}
	memset(&q, 0, sizeof(q));
	q.sort = "nid";
	q.limit = LIST_OPTS_MAX;
	if (db_console_list(&r->dx, CL_PROVIDERS, &q, rs, &total) == -1)
		return NULL;
	o = xcalloc((*rs)->nrow + 1, sizeof(*o));
	o[0].key = "";
	o[0].val = "All providers";
	for (i = 0; i < (*rs)->nrow; i++) {
		o[i + 1].key = dbres_str(*rs, i, PV_ID);
		o[i + 1].val = dbres_str(*rs, i, PV_NID);
	}
	*n = (*rs)->nrow + 1;
	return o;
}

/* The filters sidebar: a GET form keeping sort and per. */
static int
lfil_form(struct req *r, struct html *h, const struct lpage *lp,
    const struct lreq *lr)
{
	const struct lfil	*f;
	struct hparam		*o;
	struct mkt_name_list	 ml;
	struct dbres		*rs;
	size_t			 i, n;

	html_lit(h, "<aside class=\"sidebar\"><h2>Filters</h2>");
	html_form_get(h, lp->path, "filters side");
	for (i = 0; i < lp->nfil; i++) {
		f = &lp->fil[i];
		switch (f->type) {
		case LF_SEARCH:
			html_input(h, f->key, f->label, "search",
			    lr->p[i].val, f->hint);
			break;
		case LF_SELECT:
			html_select(h, f->key, f->label, f->opts, f->nopt,
			    lr->p[i].val);
			break;
		default:
			if ((o = lfil_opts(r, f, &ml, &rs, &n)) == NULL) {
				mkt_name_list_free(&ml);
				dbres_free(rs);
				return -1;
			}
			html_select(h, f->key, f->label, o, n, lr->p[i].val);
			free(o);
			mkt_name_list_free(&ml);
			dbres_free(rs);
			break;
		}
	}
	if (lr->sortp != NULL)
		html_hidden(h, "sort", lr->sortp);
	if (lr->perp != NULL)
		html_hidden(h, "per", lr->perp);
	html_submit(h, "Filter", "primary");
	html_t(h, " ");
	html_a(h, lp->path, "Clear");
	html_form_end(h);
	html_lit(h, "</aside>");
	return 0;
}

/* One cell of row i for column c. */
static void
lcell(struct html *h, const struct dbres *rs, size_t i, const struct lcol *c)
{
	const char	*v = dbres_str(rs, i, c->col), *pc;
	char		*u;

	html_open(h, "td", "class", c->type == LT_MONO ? "mono" :
	    c->type == LT_NUM ? "num" : c->type == LT_TIME ? "time" : NULL,
	    NULL);
	if (c->link != NULL && v != NULL) {
		/* The id in place of the link's "%s". */
		pc = strstr(c->link, "%s");
		u = xasprintf("%.*s%s%s", (int)(pc - c->link), c->link,
		    dbres_str(rs, i, c->lcol), pc + 2);
		html_open(h, "a", "href", u, NULL);
		free(u);
	}
	switch (c->type) {
	case LT_TIME:
		html_time(h, v);
		break;
	case LT_BOOL:
		html_t(h, v == NULL ? "\xe2\x80\x94" : strcmp(v, "0") != 0 ?
		    "yes" : "no");
		break;
	default:
		html_t(h, v != NULL ? v : "\xe2\x80\x94");
		break;
	}
	if (c->link != NULL && v != NULL)
		html_close(h, "a");
	html_close(h, "td");
}

/* The rows of rs as a table with sort links. */
static void
ltable(struct html *h, const struct lpage *lp, const struct lreq *lr,
    const char *path, const struct dbres *rs)
{
	struct hcol	*hc;
	size_t		 i, j;

	hc = xcalloc(lp->ncol + 1, sizeof(*hc));
	for (j = 0; j < lp->ncol; j++) {
		hc[j].label = lp->cols[j].label;
		hc[j].sort = lp->cols[j].sort;
	}
	hc[lp->ncol].label = "";
	html_thead(h, path, lr->p, lr->np, lr->q.sort, hc, lp->ncol +
	    (lp->rowend != NULL));
	free(hc);
	for (i = 0; i < rs->nrow; i++) {
		html_lit(h, "<tr>");
		for (j = 0; j < lp->ncol; j++)
			lcell(h, rs, i, &lp->cols[j]);
		if (lp->rowend != NULL) {
			html_open(h, "td", "class", "row-actions", NULL);
			lp->rowend(h, rs, i);
			html_close(h, "td");
		}
		html_lit(h, "</tr>");
	}
	html_tfoot(h);
}

/* "Per page: 10 25 50 100", keeping the filters and the sort. */
static void
lper(struct html *h, const char *path, const struct lreq *lr)
{
	char	 n[8];
	char	*u;
	size_t	 i;

	html_lit(h, "<p class=\"per\">Per page:");
	for (i = 0; i < sizeof(list_pers) / sizeof(list_pers[0]); i++) {
		snprintf(n, sizeof(n), "%lld", list_pers[i]);
		html_t(h, " ");
		if (list_pers[i] == lr->per) {
			html_elem(h, "strong", NULL, n);
			continue;
		}
		u = html_qurl(path, lr->p, lr->np, "per", n);
		html_a(h, u, n);
		free(u);
	}
	html_lit(h, "</p>");
}

/*
 * The sidebar of filters and the rows of list lp as r asks for them,
 * into page h: the table sorted by any column with a key, the pager and
 * per-page links. Sets *bad when a parameter was refused (the errors
 * are shown beside the filters). 0, or -1 on a database error.
 */
static int
con_list_into(struct req *r, struct html *h, const struct lpage *lp,
    const struct lreq *lr, int bad)
{
	struct dbres	*rs = NULL;
	long long	 total = 0;

	if (!bad && db_console_list(&r->dx, lp->list, &lr->q, &rs,
	    &total) == -1)
		return -1;
	html_lit(h, "<div class=\"listpage\">");
	if (lfil_form(r, h, lp, lr) == -1) {
		dbres_free(rs);
		return -1;
	}
	html_lit(h, "<section class=\"results\">");
	if (rs != NULL) {
		ltable(h, lp, lr, lp->path, rs);
		/* The pager keeps filters, sort and per (not page). */
		html_pager(h, lp->path, lr->p, lr->np, lr->page, lr->per,
		    total);
		lper(h, lp->path, lr);
	} else
		html_elem(h, "p", "flash error", "Correct the filters.");
	html_lit(h, "</section></div>");
	dbres_free(rs);
	return 0;
}

/* The "Export CSV" button of list lp with r's filters and order. */
static void
lcsv_button(struct html *h, const struct lpage *lp, const struct lreq *lr)
{
	char	*u;

	u = html_qurl(lp->csv, lr->p, lr->np, NULL, NULL);
	html_open(h, "a", "class", "button", "href", u, "id", "export-csv",
	    NULL);
	html_t(h, "Export CSV");
	html_close(h, "a");
	free(u);
}

/*
 * GET a list page: the sidebar of filters, the table sorted by any
 * column with a key, the pager, per-page links, "Export CSV" with the
 * same filters and order. 200, or 400 with the page and the errors.
 */
static int
con_list(struct req *r, const struct lpage *lp)
{
	struct html	 h;
	struct lreq	 lr;
	int		 bad;

	bad = lreq_parse(r, lp, &lr) == -1;
	con_page(r, &h, lp->title, lp->menu);
	html_crumbs(&h, "Dashboard", "/admin", lp->group ? lp->group :
	    lp->title, NULL, lp->group ? lp->title : NULL, NULL, NULL);
	html_lit(&h, "<div class=\"titlebar\">");
	html_elem(&h, "h1", NULL, lp->title);
	html_lit(&h, "<div class=\"actions\">");
	lcsv_button(&h, lp, &lr);
	if (lp->newhref != NULL) {
		html_open(&h, "a", "class", "button primary", "href",
		    lp->newhref, NULL);
		html_t(&h, lp->newlabel);
		html_close(&h, "a");
	}
	html_lit(&h, "</div></div>");
	if (con_list_into(r, &h, lp, &lr, bad) == -1) {
		html_free(&h);
		return 500;
	}
	return html_reply(&h, bad ? 400 : 200);
}

struct lcsv {
	struct req		*r;
	const struct lpage	*lp;
	struct buf		 b;
};

/* One row as a CSV line, written to the client at once. */
static int
lcsv_row(void *arg, const struct dbres *rs)
{
	struct lcsv		*c = arg;
	const struct lcol	*col;
	const char		*v;
	size_t			 j;

	c->b.len = 0;
	for (j = 0; j < c->lp->ncol; j++) {
		col = &c->lp->cols[j];
		v = dbres_str(rs, 0, col->col);
		if (col->type == LT_BOOL && v != NULL)
			v = strcmp(v, "0") != 0 ? "yes" : "no";
		csv_field(&c->b, v, j + 1 == c->lp->ncol);
	}
	return reply_chunk(c->r, c->b.p, c->b.len);
}

/*
 * GET a list's CSV: the columns shown, every row matching the filters
 * in the chosen order, streamed as the rows are fetched. A failure
 * after the first byte ends the file with a line saying so.
 */
static int
con_list_csv(struct req *r, const struct lpage *lp, const char *file)
{
	struct lreq	 lr;
	struct lcsv	 c;
	size_t		 j;
	char		*cd;

	if (lreq_parse(r, lp, &lr) == -1)
		return req_fail(r, 400, "%s %s", r->ferr[0].field,
		    r->ferr[0].msg);
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.lp = lp;
	cd = xasprintf("attachment; filename=\"agora-%s.csv\"", file);
	req_header(r, "Content-Disposition", cd);
	free(cd);
	reply_stream(r, "text/csv; charset=utf-8");
	if (r->method == M_HEAD)
		return 200;
	for (j = 0; j < lp->ncol; j++)
		csv_field(&c.b, lp->cols[j].label, j + 1 == lp->ncol);
	if (reply_chunk(r, c.b.p, c.b.len) == 0 &&
	    db_console_list_each(&r->dx, lp->list, &lr.q, lcsv_row, &c) == -1) {
		log_warnx("a console CSV export of %s stopped early", file);
		c.b.len = 0;
		csv_field(&c.b, "# the export stopped early: an error on "
		    "the server", 1);
		(void)reply_chunk(r, c.b.p, c.b.len);
	}
	buf_free(&c.b);
	return 200;
}

/* Tenants. */

static const struct hparam tn_mgmt[] = {
	{ "", "Any" }, { "marketplace", "marketplace" },
	{ "tenant", "tenant" },
};
static const struct lfil tn_fil[] = {
	{ .key = "marketplace", .label = "Marketplace", .type = LF_MKT_ID },
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "name, tenant id or domain" },
	{ .key = "app_management", .label = "App management",
	    .type = LF_SELECT, .opts = tn_mgmt, .nopt = 3 },
};
static const struct lcol tn_cols[] = {
	{ .label = "Name", .sort = "name", .col = TL_NAME, .type = LT_TEXT,
	    .link = "/admin/tenants/%s", .lcol = TL_ID },
	{ .label = "Tenant id", .sort = "uid", .col = TL_UID,
	    .type = LT_MONO },
	{ .label = "Marketplace", .sort = "marketplace", .col = TL_MKT_NID,
	    .type = LT_TEXT, .link = "/admin/marketplaces/%s",
	    .lcol = TL_MKT_ID },
	{ .label = "Domain", .sort = "domain", .col = TL_DOMAIN,
	    .type = LT_TEXT },
	{ .label = "App management", .sort = "app_management",
	    .col = TL_MGMT, .type = LT_TEXT },
	{ .label = "Tenant apps", .sort = "apps", .col = TL_APPS,
	    .type = LT_NUM, .link = "/admin/tenants/%s/apps", .lcol = TL_ID },
	{ .label = "Created", .sort = "created_at", .col = TL_CREATED,
	    .type = LT_TIME },
	{ .label = "Updated", .sort = "updated_at", .col = TL_UPDATED,
	    .type = LT_TIME },
};

/* A tenant row's actions: Edit, Delete. */
static void
tn_rowend(struct html *h, const struct dbres *rs, size_t i)
{
	char	*u;

	u = xasprintf("/admin/tenants/%s/edit", dbres_str(rs, i, TL_ID));
	html_a(h, u, "Edit");
	free(u);
	html_t(h, " ");
	u = xasprintf("/admin/tenants/%s/delete", dbres_str(rs, i, TL_ID));
	html_a(h, u, "Delete");
	free(u);
}

static const struct lpage lp_tenants = {
	.list = CL_TENANTS, .path = "/admin/tenants",
	.csv = "/admin/tenants.csv", .title = "Tenants", .menu = "tenants",
	.group = "Partners", .fil = tn_fil, .nfil = 3, .cols = tn_cols,
	.ncol = 8, .defsort = "name", .newhref = "/admin/tenants/new",
	.newlabel = "New tenant", .rowend = tn_rowend,
};

/* The tenant apps chooser: the same list, each tenant to its apps. */
static const struct lcol tp_cols[] = {
	{ .label = "Tenant", .sort = "name", .col = TL_NAME, .type = LT_TEXT,
	    .link = "/admin/tenants/%s/apps", .lcol = TL_ID },
	{ .label = "Tenant id", .sort = "uid", .col = TL_UID,
	    .type = LT_MONO },
	{ .label = "Marketplace", .sort = "marketplace", .col = TL_MKT_NID,
	    .type = LT_TEXT },
	{ .label = "App management", .sort = "app_management",
	    .col = TL_MGMT, .type = LT_TEXT },
	{ .label = "Tenant apps", .sort = "apps", .col = TL_APPS,
	    .type = LT_NUM },
	{ .label = "Updated", .sort = "updated_at", .col = TL_UPDATED,
	    .type = LT_TIME },
};

static const struct lpage lp_tpick = {
	.list = CL_TENANTS, .path = "/admin/tenant-apps",
	.csv = "/admin/tenants.csv", .title = "Tenant apps",
	.menu = "tenant-apps", .group = "Partners", .fil = tn_fil,
	.nfil = 3, .cols = tp_cols, .ncol = 6, .defsort = "name",
};

/* GET /admin/tenants. */
int
h_con_tenants(struct req *r)
{
	return con_list(r, &lp_tenants);
}

/* GET /admin/tenants.csv. */
int
h_con_tenants_csv(struct req *r)
{
	return con_list_csv(r, &lp_tenants, "tenants");
}

/*
 * GET /admin/tenant-apps: choose a tenant, searched and paged
 * (?tenant=ID goes straight to its tenant apps).
 */
int
h_con_tenant_apps_pick(struct req *r)
{
	const char	*v;
	char		*u;
	long long	 id;
	int		 st;

	if ((v = req_qs(r, "tenant")) != NULL && valid_id(v, &id)) {
		u = xasprintf("/admin/tenants/%lld/apps", id);
		st = con_redirect(r, u);
		free(u);
		return st;
	}
	return con_list(r, &lp_tpick);
}

/* Marketplaces. */

static const struct hparam mk_env[] = {
	{ "", "Any" }, { "production", "production" }, { "uat", "uat" },
};
static const struct hparam mk_cert[] = {
	{ "", "Any" }, { "valid", "valid" }, { "expired", "expired" },
	{ "revoked", "revoked" }, { "none", "none" },
};
static const struct lfil mk_fil[] = {
	{ .key = "environment", .label = "Environment", .type = LF_SELECT,
	    .opts = mk_env, .nopt = 3 },
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "nid, name or hub URL" },
	{ .key = "certificate", .label = "Certificate", .type = LF_SELECT,
	    .opts = mk_cert, .nopt = 5 },
};
static const struct lcol mk_cols[] = {
	{ .label = "Nid", .sort = "nid", .col = MK_NID, .type = LT_MONO,
	    .link = "/admin/marketplaces/%s", .lcol = MK_ID },
	{ .label = "Name", .sort = "name", .col = MK_NAME, .type = LT_TEXT },
	{ .label = "Env", .sort = "environment", .col = MK_ENV,
	    .type = LT_TEXT },
	{ .label = "Hub", .sort = "hub", .col = MK_HUB, .type = LT_TEXT },
	{ .label = "Certificate", .sort = "certificate", .col = MK_CERT,
	    .type = LT_TEXT },
	{ .label = "Certificate SHA-1", .sort = "fingerprint", .col = MK_FP1,
	    .type = LT_MONO },
	{ .label = "Expires", .sort = "expires", .col = MK_EXPIRES,
	    .type = LT_TIME },
	{ .label = "Tenants", .sort = "tenants", .col = MK_TENANTS,
	    .type = LT_NUM, .link = "/admin/tenants?marketplace=%s",
	    .lcol = MK_ID },
	{ .label = "Live apps", .sort = "listings", .col = MK_LIVE,
	    .type = LT_NUM,
	    .link = "/admin/listings?state=approved&marketplace=%s",
	    .lcol = MK_NID },
	{ .label = "Updated", .sort = "updated_at", .col = MK_UPDATED,
	    .type = LT_TIME },
};

static const struct lpage lp_mkts = {
	.list = CL_MARKETPLACES, .path = "/admin/marketplaces",
	.csv = "/admin/marketplaces.csv", .title = "Marketplaces",
	.menu = "marketplaces", .group = "Partners", .fil = mk_fil,
	.nfil = 3, .cols = mk_cols, .ncol = 10, .defsort = "nid",
};

/* GET /admin/marketplaces. */
int
h_con_marketplaces(struct req *r)
{
	return con_list(r, &lp_mkts);
}

/* GET /admin/marketplaces.csv. */
int
h_con_marketplaces_csv(struct req *r)
{
	return con_list_csv(r, &lp_mkts, "marketplaces");
}

/* Providers. */

static const struct lfil pv_fil[] = {
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "nid, name or e-mail" },
};
static const struct lcol pv_cols[] = {
	{ .label = "Nid", .sort = "nid", .col = PV_NID, .type = LT_MONO,
	    .link = "/admin/providers/%s", .lcol = PV_ID },
	{ .label = "Name", .sort = "name", .col = PV_NAME, .type = LT_TEXT },
	{ .label = "E-mail", .sort = "email", .col = PV_EMAIL,
	    .type = LT_TEXT },
	{ .label = "API key", .sort = "api_key", .col = PV_API_KEY,
	    .type = LT_MONO },
	{ .label = "Created", .sort = "created_at", .col = PV_CREATED,
	    .type = LT_TIME },
	{ .label = "Apps", .sort = "apps", .col = PV_APPS, .type = LT_NUM,
	    .link = "/admin/apps?provider=%s", .lcol = PV_ID },
};

static const struct lpage lp_provs = {
	.list = CL_PROVIDERS, .path = "/admin/providers",
	.csv = "/admin/providers.csv", .title = "Providers",
	.menu = "providers", .fil = pv_fil, .nfil = 1, .cols = pv_cols,
	.ncol = 6, .defsort = "nid", .newhref = "/admin/providers/new",
	.newlabel = "New provider",
};

/* GET /admin/providers. */
int
h_con_providers(struct req *r)
{
	return con_list(r, &lp_provs);
}

/* GET /admin/providers.csv. */
int
h_con_providers_csv(struct req *r)
{
	return con_list_csv(r, &lp_provs, "providers");
}

/* Apps. */

static const struct hparam ap_stack[] = {
	{ "", "Any" }, { "cloud", "cloud" }, { "cube", "cube" },
	{ "connector", "connector" },
};
static const struct hparam ap_active[] = {
	{ "", "Any" }, { "1", "yes" }, { "0", "no" },
};
static const struct lfil ap_fil[] = {
	{ .key = "provider", .label = "Provider", .type = LF_PROVIDER },
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "name or nid" },
	{ .key = "stack", .label = "Stack", .type = LF_SELECT,
	    .opts = ap_stack, .nopt = 4 },
	{ .key = "active", .label = "Active", .type = LF_SELECT,
	    .opts = ap_active, .nopt = 3 },
	{ .key = "marketplace", .label = "Live on", .type = LF_MKT_ID },
};
static const struct lcol ap_cols[] = {
	{ .label = "Name", .sort = "name", .col = AP_NAME, .type = LT_TEXT,
	    .link = "/admin/apps/%s", .lcol = AP_ID },
	{ .label = "Nid", .sort = "nid", .col = AP_NID, .type = LT_MONO },
	{ .label = "Provider", .sort = "provider", .col = AP_PROV_NID,
	    .type = LT_TEXT, .link = "/admin/providers/%s",
	    .lcol = AP_PROV_ID },
	{ .label = "Stack", .sort = "stack", .col = AP_STACK,
	    .type = LT_TEXT },
	{ .label = "Rank", .sort = "rank", .col = AP_RANK, .type = LT_NUM },
	{ .label = "Active", .sort = "active", .col = AP_ACTIVE,
	    .type = LT_BOOL },
	{ .label = "Live on (marketplaces)", .sort = "live", .col = AP_LIVE,
	    .type = LT_NUM },
	{ .label = "Updated", .sort = "updated_at", .col = AP_UPDATED,
	    .type = LT_TIME },
};

static const struct lpage lp_apps = {
	.list = CL_APPS, .path = "/admin/apps", .csv = "/admin/apps.csv",
	.title = "Apps", .menu = "apps", .fil = ap_fil, .nfil = 5,
	.cols = ap_cols, .ncol = 8, .defsort = "name",
};

/* GET /admin/apps. */
int
h_con_apps(struct req *r)
{
	return con_list(r, &lp_apps);
}

/* GET /admin/apps.csv. */
int
h_con_apps_csv(struct req *r)
{
	return con_list_csv(r, &lp_apps, "apps");
}

/* Listings. */

static const struct hparam ls_state[] = {
	{ "", "Any" }, { "submitted", "Waiting for review" },
	{ "approved", "Live" }, { "rejected", "Rejected" },
	{ "unpublished", "Unpublished" },
};
static const struct lfil ls_fil[] = {
	{ .key = "state", .label = "State", .type = LF_SELECT,
	    .opts = ls_state, .nopt = 5 },
	{ .key = "marketplace", .label = "Marketplace", .type = LF_MKT_NID },
	{ .key = "q", .label = "App", .type = LF_SEARCH,
	    .hint = "name or nid" },
	{ .key = "provider", .label = "Provider", .type = LF_PROVIDER },
};
static const struct lcol ls_cols[] = {
	{ .label = "App", .sort = "app", .col = LI_APP, .type = LT_TEXT,
	    .link = "/admin/listings/%s", .lcol = LI_ID },
	{ .label = "App nid", .sort = "nid", .col = LI_APP_NID,
	    .type = LT_MONO, .link = "/admin/apps/%s", .lcol = LI_APP_ID },
	{ .label = "Marketplace", .sort = "marketplace", .col = LI_MKT_NID,
	    .type = LT_TEXT, .link = "/admin/marketplaces/%s",
	    .lcol = LI_MKT_ID },
	{ .label = "State", .sort = "state", .col = LI_STATE,
	    .type = LT_TEXT },
	{ .label = "Provider", .sort = "provider", .col = LI_PROV_NID,
	    .type = LT_TEXT, .link = "/admin/providers/%s",
	    .lcol = LI_PROV_ID },
	{ .label = "Requested", .sort = "created_at", .col = LI_CREATED,
	    .type = LT_TIME },
	{ .label = "Updated", .sort = "updated_at", .col = LI_UPDATED,
	    .type = LT_TIME },
};

/* A listing row's action: Review (submitted) or History. */
static void
ls_rowend(struct html *h, const struct dbres *rs, size_t i)
{
	char	*u;

	u = xasprintf("/admin/listings/%s", dbres_str(rs, i, LI_ID));
	html_a(h, u, strcmp(dbres_str(rs, i, LI_STATE), "submitted") == 0 ?
	    "Review" : "History");
	free(u);
}

static const struct lpage lp_listings = {
	.list = CL_LISTINGS, .path = "/admin/listings",
	.csv = "/admin/listings.csv", .title = "Listings",
	.menu = "listings", .fil = ls_fil, .nfil = 4, .cols = ls_cols,
	.ncol = 7, .defsort = "-created_at", .rowend = ls_rowend,
};

/* GET /admin/listings: every state unless ?state= narrows it. */
int
h_con_listings(struct req *r)
{
	return con_list(r, &lp_listings);
}

/* GET /admin/listings.csv. */
int
h_con_listings_csv(struct req *r)
{
	return con_list_csv(r, &lp_listings, "listings");
}

/* Admins. */

static const struct hparam ad_state[] = {
	{ "", "Any" }, { "active", "active" }, { "locked", "locked" },
	{ "disabled", "disabled" },
};
static const struct lfil ad_fil[] = {
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "e-mail" },
	{ .key = "state", .label = "State", .type = LF_SELECT,
	    .opts = ad_state, .nopt = 4 },
};
static const struct lcol ad_cols[] = {
	{ .label = "E-mail", .sort = "email", .col = AL_EMAIL,
	    .type = LT_TEXT, .link = "/admin/admins/%s", .lcol = AL_ID },
	{ .label = "State", .sort = "state", .col = AL_STATE,
	    .type = LT_TEXT },
	{ .label = "API tokens", .sort = "tokens", .col = AL_TOKENS,
	    .type = LT_NUM },
	{ .label = "Password changed", .sort = "pw_changed_at",
	    .col = AL_PWCHANGED, .type = LT_TIME },
	{ .label = "Created", .sort = "created_at", .col = AL_CREATED,
	    .type = LT_TIME },
};

static const struct lpage lp_admins = {
	.list = CL_ADMINS, .path = "/admin/admins",
	.csv = "/admin/admins.csv", .title = "Admins", .menu = "admins",
	.fil = ad_fil, .nfil = 2, .cols = ad_cols, .ncol = 5,
	.defsort = "email", .newhref = "/admin/admins/new",
	.newlabel = "New admin",
};

/* GET /admin/admins. */
int
h_con_admins(struct req *r)
{
	return con_list(r, &lp_admins);
}

/* GET /admin/admins.csv. */
int
h_con_admins_csv(struct req *r)
{
	return con_list_csv(r, &lp_admins, "admins");
}

/* Registration tokens (the list part of their page). */

static const struct hparam rt_state[] = {
	{ "", "Any" }, { "active", "Active" }, { "used", "Used up" },
	{ "expired", "Expired" }, { "revoked", "Revoked" },
};
static const struct lfil rt_fil[] = {
	{ .key = "state", .label = "State", .type = LF_SELECT,
	    .opts = rt_state, .nopt = 5 },
	{ .key = "q", .label = "Search", .type = LF_SEARCH,
	    .hint = "label or creator" },
};
static const struct lcol rt_cols[] = {
	{ .label = "Id", .sort = "id", .col = RT_ID, .type = LT_TEXT },
	{ .label = "Label", .sort = "label", .col = RT_LABEL,
	    .type = LT_TEXT },
	{ .label = "Uses", .sort = "uses", .col = RT_USES, .type = LT_NUM },
	{ .label = "Of", .col = RT_MAX_USES, .type = LT_NUM },
	{ .label = "Expires", .sort = "expires", .col = RT_EXPIRES,
	    .type = LT_TIME },
	{ .label = "State", .sort = "state", .col = RT_STATE,
	    .type = LT_TEXT },
	{ .label = "Created by", .sort = "created_by", .col = RT_CREATED_BY,
	    .type = LT_TEXT },
	{ .label = "Created", .sort = "created_at", .col = RT_CREATED,
	    .type = LT_TIME },
};

/* A registration token row's action: Revoke while it is active. */
static void
rt_rowend(struct html *h, const struct dbres *rs, size_t i)
{
	char	*u;

	if (strcmp(dbres_str(rs, i, RT_STATE), "active") != 0)
		return;
	u = xasprintf("/admin/registration-tokens/%s/revoke",
	    dbres_str(rs, i, RT_ID));
	html_a(h, u, "Revoke");
	free(u);
}

static const struct lpage lp_rtokens = {
	.list = CL_RTOKENS, .path = "/admin/registration-tokens",
	.csv = "/admin/registration-tokens.csv",
	.title = "Registration tokens", .menu = "regtokens",
	.fil = rt_fil, .nfil = 2, .cols = rt_cols, .ncol = 8,
	.defsort = "-id", .rowend = rt_rowend,
};

/*
 * The registration tokens list, into their page h (which also holds
 * the create form): *bad set when a parameter was refused. 0, or -1 on
 * a database error.
 */
int
con_regtoken_list(struct req *r, struct html *h, int *bad)
{
	struct lreq	 lr;

	*bad = lreq_parse(r, &lp_rtokens, &lr) == -1;
	html_lit(h, "<div class=\"titlebar\"><h2>Tokens</h2>"
	    "<div class=\"actions\">");
	lcsv_button(h, &lp_rtokens, &lr);
	html_lit(h, "</div></div>");
	return con_list_into(r, h, &lp_rtokens, &lr, *bad);
}

/* GET /admin/registration-tokens.csv. */
int
h_con_regtokens_csv(struct req *r)
{
	return con_list_csv(r, &lp_rtokens, "registration-tokens");
}

/*
 * The apps of provider pid as a table (its page): 0, or -1 on a
 * database error.
 */
int
con_provider_apps(struct req *r, struct html *h, long long pid)
{
	struct lreq	 lr;
	struct dbres	*rs;
	char		 id[24];
	long long	 total;
	char		*u;

	memset(&lr, 0, sizeof(lr));
	snprintf(id, sizeof(id), "%lld", pid);
	lr.q.f[0] = id;
	lr.q.sort = "name";
	lr.q.limit = 100;
	if (db_console_list(&r->dx, CL_APPS, &lr.q, &rs, &total) == -1)
		return -1;
	ltable(h, &lp_apps, &lr, NULL, rs);
	if (total > (long long)rs->nrow) {
		u = xasprintf("/admin/apps?provider=%lld", pid);
		html_lit(h, "<p>");
		html_a(h, u, "All its apps");
		html_lit(h, "</p>");
		free(u);
	}
	dbres_free(rs);
	return 0;
}
