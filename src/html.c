/*
 * The only writer of HTML. Every value goes through an escaper for its
 * context: html_text for element content, html_attr for quoted attribute
 * values, html_url for a URL component inside an attribute.
 *
 * Pages are built on a struct html: markup comes only from string
 * literals (html_lit refuses anything else at compile time), element and
 * attribute names are checked against [a-z0-9-], attribute values and
 * text are always escaped, and link targets must be local paths. So no
 * page can write an unescaped value by accident.
 *
 * The same file parses application/x-www-form-urlencoded bodies.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

#define FORM_FIELDS_MAX	512
#define HTML_MAX	(8 * 1024 * 1024)

/* Escape s for element content. */
void
html_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_add(b, s, 1); break;
		}
}

/* Escape s for a double-quoted attribute value. */
void
html_attr(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		case '`': buf_puts(b, "&#96;"); break;
		case '\n': buf_puts(b, "&#10;"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default: buf_add(b, s, 1); break;
		}
}

/* Percent-encode s as one URL component, safe inside an attribute. */
void
html_url(struct buf *b, const char *s)
{
	char	*e;

	e = url_encode(s ? s : "");
	buf_puts(b, e);
	free(e);
}

/* 1 if s is a safe element or attribute name: [a-z0-9-], 1..16 bytes. */
static int
html_name_ok(const char *s)
{
	size_t	 n;

	n = strlen(s);
	return n > 0 && n <= 16 && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* 1 if attribute name takes a URL (which must then be a local path). */
static int
html_url_attr(const char *name)
{
	return strcmp(name, "href") == 0 || strcmp(name, "action") == 0 ||
	    strcmp(name, "src") == 0 || strcmp(name, "formaction") == 0;
}

/* Start a page for r (the layout comes in html_reply). */
void
html_init(struct html *h, struct req *r)
{
	memset(h, 0, sizeof(*h));
	h->r = r;
	h->b.max = HTML_MAX;
}

/* Append a string literal as markup (use html_lit). */
void
html_raw_(struct html *h, const char *lit)
{
	buf_puts(&h->b, lit);
}

/* Append s as escaped text. */
void
html_t(struct html *h, const char *s)
{
	html_text(&h->b, s);
}

/* Append formatted text, escaped as a whole. */
void
html_tf(struct html *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	html_text(&h->b, s);
	free(s);
}

/* Append a number. */
void
html_int(struct html *h, long long v)
{
	buf_printf(&h->b, "%lld", v);
}

/*
 * Write the attributes of a NULL-terminated name, value list. A NULL
 * value omits the attribute; "" writes a bare boolean attribute. Names
 * outside [a-z0-9-] are fatal (a programming error), URL attributes that
 * are not local paths become "#".
 */
static void
html_attrs(struct html *h, va_list ap)
{
	const char	*n, *v;

	while ((n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (!html_name_ok(n))
			fatalx("bad attribute name");
		if (v == NULL)
			continue;
		buf_printf(&h->b, " %s", n);
		if (*v == '\0' && !html_url_attr(n) && strcmp(n, "value") != 0)
			continue;
		if (html_url_attr(n) && (v[0] != '/' || v[1] == '/' ||
		    v[1] == '\\'))
			v = "#";
		buf_puts(&h->b, "=\"");
		html_attr(&h->b, v);
		buf_puts(&h->b, "\"");
	}
}

/* Open element tag with attributes: name, value, ..., NULL. */
void
html_open(struct html *h, const char *tag, ...)
{
	va_list	 ap;

	if (!html_name_ok(tag))
		fatalx("bad element name");
	buf_printf(&h->b, "<%s", tag);
	va_start(ap, tag);
	html_attrs(h, ap);
	va_end(ap);
	buf_puts(&h->b, ">");
}

/* Close element tag. */
void
html_close(struct html *h, const char *tag)
{
	if (!html_name_ok(tag))
		fatalx("bad element name");
	buf_printf(&h->b, "</%s>", tag);
}

/* <tag class="cls">text</tag>; cls may be NULL. */
void
html_elem(struct html *h, const char *tag, const char *cls, const char *text)
{
	html_open(h, tag, "class", cls, NULL);
	html_t(h, text);
	html_close(h, tag);
}

/* <a href="href">text</a>; href is a local path. */
void
html_a(struct html *h, const char *href, const char *text)
{
	html_open(h, "a", "href", href, NULL);
	html_t(h, text);
	html_close(h, "a");
}

/*
 * path?k=v&... from params (empty values skipped), with okey replaced by
 * oval when okey is not NULL (oval NULL or "" drops it). Owned.
 */
char *
html_qurl(const char *path, const struct hparam *p, size_t np,
    const char *okey, const char *oval)
{
	struct buf	 b = { 0 };
	size_t		 i;
	int		 first = 1;

	buf_puts(&b, path);
	for (i = 0; i < np; i++) {
		if (okey != NULL && strcmp(p[i].key, okey) == 0)
			continue;
		if (p[i].val == NULL || p[i].val[0] == '\0')
			continue;
		buf_puts(&b, first ? "?" : "&");
		html_url(&b, p[i].key);
		buf_puts(&b, "=");
		html_url(&b, p[i].val);
		first = 0;
	}
	if (okey != NULL && oval != NULL && oval[0] != '\0') {
		buf_puts(&b, first ? "?" : "&");
		html_url(&b, okey);
		buf_puts(&b, "=");
		html_url(&b, oval);
	}
	if (b.p == NULL)
		return xstrdup(path);
	return b.p;
}

/*
 * The first field error recorded for name or for a part of it
 * ("metadata.app_management", "ids[2]"), or NULL.
 */
static const struct ferr *
html_ferr(const struct html *h, const char *name)
{
	const char	*f;
	size_t		 i, n = strlen(name);

	for (i = 0; i < h->r->ferrsz; i++) {
		f = h->r->ferr[i].field;
		if (strncmp(f, name, n) == 0 && (f[n] == '\0' ||
		    f[n] == '.' || f[n] == '['))
			return &h->r->ferr[i];
	}
	return NULL;
}

/* Label, then the control (written by the caller), then the error. */
static void
html_field_head(struct html *h, const char *name, const char *label)
{
	html_open(h, "div", "class", html_ferr(h, name) ? "field has-error" :
	    "field", NULL);
	html_open(h, "label", "for", name, NULL);
	html_t(h, label);
	html_close(h, "label");
}

static void
html_field_tail(struct html *h, const char *name, const char *hint)
{
	const struct ferr	*e;
	size_t			 n = strlen(name);

	if ((e = html_ferr(h, name)) != NULL) {
		html_open(h, "span", "class", "error", NULL);
		if (e->field[n] != '\0')
			html_tf(h, "%s: ", e->field + n +
			    (e->field[n] == '.'));
		html_t(h, e->msg);
		html_close(h, "span");
	} else if (hint != NULL)
		html_elem(h, "span", "hint", hint);
	html_close(h, "div");
}

/*
 * <form method="post" action="action"> with the session's CSRF token as
 * a hidden field. Close it with html_form_end.
 */
void
html_form(struct html *h, const char *action, const char *cls)
{
	html_open(h, "form", "method", "post", "action", action,
	    "class", cls, NULL);
	html_hidden(h, "csrf", h->r->pr.csrf);
}

void
html_form_end(struct html *h)
{
	html_close(h, "form");
}

/* A GET form (filters): no token, since it changes nothing. */
void
html_form_get(struct html *h, const char *action, const char *cls)
{
	html_open(h, "form", "method", "get", "action", action,
	    "class", cls, NULL);
}

void
html_hidden(struct html *h, const char *name, const char *value)
{
	html_open(h, "input", "type", "hidden", "name", name,
	    "value", value ? value : "", NULL);
}

/*
 * A labelled input of type (text, email, password, number, search,
 * datetime-local) keeping value, with the field error beside it.
 */
void
html_input(struct html *h, const char *name, const char *label,
    const char *type, const char *value, const char *hint)
{
	html_field_head(h, name, label);
	html_open(h, "input", "type", type, "id", name, "name", name,
	    "value", strcmp(type, "password") == 0 ? NULL :
	    (value ? value : ""), NULL);
	html_field_tail(h, name, hint);
}

/* A labelled textarea keeping value, with the field error beside it. */
void
html_textarea(struct html *h, const char *name, const char *label,
    const char *value, const char *hint)
{
	html_field_head(h, name, label);
	html_open(h, "textarea", "id", name, "name", name, "rows", "12",
	    "spellcheck", "false", NULL);
	html_t(h, value);
	html_close(h, "textarea");
	html_field_tail(h, name, hint);
}

/* A labelled select over opts, sel selected. */
void
html_select(struct html *h, const char *name, const char *label,
    const struct hparam *opts, size_t nopt, const char *sel)
{
	size_t	 i;

	if (label != NULL)
		html_field_head(h, name, label);
	html_open(h, "select", "id", label ? name : NULL, "name", name, NULL);
	for (i = 0; i < nopt; i++) {
		html_open(h, "option", "value", opts[i].key, "selected",
		    sel != NULL && strcmp(sel, opts[i].key) == 0 ? "" : NULL,
		    NULL);
		html_t(h, opts[i].val);
		html_close(h, "option");
	}
	html_close(h, "select");
	if (label != NULL)
		html_field_tail(h, name, NULL);
}

/* A labelled checkbox (value "1"). */
void
html_checkbox(struct html *h, const char *name, const char *label,
    int checked)
{
	html_open(h, "div", "class", html_ferr(h, name) ? "field check "
	    "has-error" : "field check", NULL);
	html_open(h, "label", NULL);
	html_open(h, "input", "type", "checkbox", "name", name, "value", "1",
	    "checked", checked ? "" : NULL, NULL);
	html_t(h, " ");
	html_t(h, label);
	html_close(h, "label");
	html_field_tail(h, name, NULL);
}

/* A submit button; cls "danger" for destructive actions. */
void
html_submit(struct html *h, const char *label, const char *cls)
{
	html_open(h, "button", "type", "submit", "class", cls, NULL);
	html_t(h, label);
	html_close(h, "button");
}

/*
 * A table head: columns with sort keys become links toggling the sort
 * ("key" ascending, "-key" descending) over the current params.
 */
void
html_thead(struct html *h, const char *path, const struct hparam *p,
    size_t np, const char *sort, const struct hcol *cols, size_t ncol)
{
	char		*u, *neg;
	size_t		 i;
	int		 cur, desc;

	html_open(h, "table", "class", "list", NULL);
	html_lit(h, "<thead><tr>");
	for (i = 0; i < ncol; i++) {
		html_open(h, "th", "scope", "col", NULL);
		if (cols[i].sort == NULL || path == NULL) {
			html_t(h, cols[i].label);
			html_close(h, "th");
			continue;
		}
		desc = sort != NULL && sort[0] == '-';
		cur = sort != NULL && strcmp(sort + desc, cols[i].sort) == 0;
		neg = xasprintf("-%s", cols[i].sort);
		u = html_qurl(path, p, np, "sort", cur && !desc ? neg :
		    cols[i].sort);
		html_open(h, "a", "href", u, "class", cur ? (desc ?
		    "sorted desc" : "sorted asc") : NULL, NULL);
		html_t(h, cols[i].label);
		html_close(h, "a");
		free(u);
		free(neg);
		html_close(h, "th");
	}
	html_lit(h, "</tr></thead><tbody>");
}

void
html_tfoot(struct html *h)
{
	html_lit(h, "</tbody></table>");
}

/* A cell with escaped text. */
void
html_td(struct html *h, const char *text)
{
	html_open(h, "td", NULL);
	html_t(h, text);
	html_close(h, "td");
}

/* A cell with a link. */
void
html_td_a(struct html *h, const char *href, const char *text)
{
	html_open(h, "td", NULL);
	html_a(h, href, text);
	html_close(h, "td");
}

/* One pager link to page n ("first", "prev", ... as rel, or NULL). */
static void
html_pager_link(struct html *h, const char *path, const struct hparam *p,
    size_t np, long long n, const char *rel, const char *label)
{
	char	 num[24];
	char	*u;

	snprintf(num, sizeof(num), "%lld", n);
	u = html_qurl(path, p, np, "page", num);
	html_t(h, " ");
	html_open(h, "a", "href", u, "rel", rel, NULL);
	html_t(h, label);
	html_close(h, "a");
	free(u);
}

/*
 * "Rows a-b of n (page x of y)", then first, previous, the numbered
 * pages around this one, next and last, keeping the params; page
 * numbers are 1-based in the "page" parameter.
 */
void
html_pager(struct html *h, const char *path, const struct hparam *p,
    size_t np, long long page, long long per, long long total)
{
	char		 num[24];
	long long	 last, i, lo, hi;

	last = total == 0 ? 1 : (total + per - 1) / per;
	html_open(h, "nav", "class", "pager", "aria-label", "pages", NULL);
	if (total == 0)
		html_t(h, "No rows.");
	else if (page > last)
		html_tf(h, "Page %lld is past the last page (%lld) of %lld "
		    "rows.", page, last, total);
	else
		html_tf(h, "Rows %lld-%lld of %lld (page %lld of %lld)",
		    (page - 1) * per + 1, page * per < total ? page * per :
		    total, total, page, last);
	if (page > 1) {
		html_pager_link(h, path, p, np, 1, "first",
		    "\xc2\xab First");
		/* Past the end, "previous" is the last page. */
		html_pager_link(h, path, p, np, page > last ? last :
		    page - 1, "prev", "\xe2\x80\xb9 Previous");
	}
	if (last > 1) {
		lo = page - 3 < 1 ? 1 : page - 3;
		hi = page + 3 > last ? last : page + 3;
		html_lit(h, " <span class=\"pages\">");
		if (lo > 1)
			html_t(h, "\xe2\x80\xa6");
		for (i = lo; i <= hi; i++) {
			if (i == page) {
				snprintf(num, sizeof(num), "%lld", i);
				html_t(h, " ");
				html_open(h, "span", "aria-current", "page",
				    NULL);
				html_t(h, num);
				html_close(h, "span");
				continue;
			}
			snprintf(num, sizeof(num), "%lld", i);
			html_pager_link(h, path, p, np, i, NULL, num);
		}
		if (hi < last)
			html_t(h, " \xe2\x80\xa6");
		html_lit(h, "</span>");
	}
	if (page < last) {
		html_pager_link(h, path, p, np, page + 1, "next",
		    "Next \xe2\x80\xba");
		html_pager_link(h, path, p, np, last, "last",
		    "Last \xc2\xbb");
	}
	html_close(h, "nav");
}

/*
 * A time from the database ("YYYY-MM-DDTHH:MM:SSZ", UTC) as
 * <time datetime=...> showing UTC; console.js, when it runs, shows it
 * in the reader's time zone with the UTC value on hover. NULL is a dash.
 */
void
html_time(struct html *h, const char *iso)
{
	char	 txt[32], utc[40];
	size_t	 n;

	if (iso == NULL || *iso == '\0') {
		html_t(h, "\xe2\x80\x94");
		return;
	}
	snprintf(txt, sizeof(txt), "%s", iso);
	if ((n = strlen(txt)) > 0 && txt[n - 1] == 'Z')
		txt[n - 1] = '\0';
	if (strlen(txt) > 10 && txt[10] == 'T')
		txt[10] = ' ';
	snprintf(utc, sizeof(utc), "%s UTC", txt);
	html_open(h, "time", "datetime", iso, "title", utc, NULL);
	html_t(h, utc);
	html_close(h, "time");
}

/*
 * Breadcrumbs: label, href pairs ending with NULL; a NULL href is a
 * crumb without a link (the current page, or a menu group).
 */
void
html_crumbs(struct html *h, ...)
{
	va_list		 ap;
	const char	*l, *u;

	html_lit(h, "<nav class=\"crumbs\" aria-label=\"breadcrumb\"><ol>");
	va_start(ap, h);
	while ((l = va_arg(ap, const char *)) != NULL) {
		u = va_arg(ap, const char *);
		html_lit(h, "<li>");
		if (u != NULL)
			html_a(h, u, l);
		else
			html_elem(h, "span", NULL, l);
		html_lit(h, "</li>");
	}
	va_end(ap);
	html_lit(h, "</ol></nav>");
}

/* The menu: path, label, section (for the "active" mark). */
static const struct {
	const char	*href;
	const char	*label;
	const char	*key;
	const char	*group;
} html_menu[] = {
	{ "/admin", "Dashboard", "dashboard", NULL },
	{ "/admin/marketplaces", "Marketplaces", "marketplaces", "Partners" },
	{ "/admin/tenants", "Tenants", "tenants", "Partners" },
	{ "/admin/tenant-apps", "Tenant apps", "tenant-apps", "Partners" },
	{ "/admin/providers", "Providers", "providers", NULL },
	{ "/admin/apps", "Apps", "apps", NULL },
	{ "/admin/listings", "Listings", "listings", NULL },
	{ "/admin/registration-tokens", "Registration tokens", "regtokens",
	    NULL },
	{ "/admin/webhooks", "Webhooks", "webhooks", NULL },
	{ "/admin/audit", "Audit log", "audit", NULL },
	{ "/admin/admins", "Admins", "admins", NULL },
};

/*
 * The page head and menu. menu is the active section key, or NULL on
 * pages without the menu (login, errors without a session).
 */
void
html_begin(struct html *h, const char *title, const char *menu)
{
	size_t	 i, j, n = sizeof(html_menu) / sizeof(html_menu[0]);
	int	 ingroup = 0, act;

	html_lit(h, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">"
	    "<link rel=\"stylesheet\" href=\"/admin/assets/console.css\">"
	    "<link rel=\"icon\" href=\"/admin/assets/favicon.svg\" "
	    "type=\"image/svg+xml\">"
	    "<script src=\"/admin/assets/console.js\" defer></script>"
	    "<title>");
	html_t(h, title);
	html_lit(h, " \xe2\x80\x94 agora admin</title></head><body>"
	    "<header class=\"top\"><a class=\"brand\" href=\"/admin\">"
	    "agora</a>");
	if (menu != NULL && h->r->pr.kind == PK_ADMIN) {
		html_lit(h, "<nav class=\"menu\" aria-label=\"main\"><ul>");
		for (i = 0; i < n; i++) {
			if (html_menu[i].group != NULL && !ingroup) {
				act = 0;
				for (j = i; j < n && html_menu[j].group; j++)
					if (strcmp(menu, html_menu[j].key) == 0)
						act = 1;
				html_open(h, "li", "class", act ?
				    "group active" : "group", NULL);
				html_open(h, "span", "tabindex", "0", NULL);
				html_t(h, html_menu[i].group);
				html_close(h, "span");
				html_lit(h, "<ul>");
				ingroup = 1;
			} else if (html_menu[i].group == NULL && ingroup) {
				html_lit(h, "</ul></li>");
				ingroup = 0;
			}
			html_open(h, "li", "class", strcmp(menu,
			    html_menu[i].key) == 0 ? "active" : NULL, NULL);
			html_a(h, html_menu[i].href, html_menu[i].label);
			html_close(h, "li");
		}
		if (ingroup)
			html_lit(h, "</ul></li>");
		html_lit(h, "</ul></nav><div class=\"who\">");
		html_t(h, h->r->pr.label + (strncmp(h->r->pr.label,
		    "admin:", 6) == 0 ? 6 : 0));
		html_form(h, "/admin/logout", "logout");
		html_submit(h, "Log out", "link");
		html_form_end(h);
		html_lit(h, "</div>");
	}
	html_lit(h, "</header><main>");
}

/*
 * Finish the page and send it with the console's security headers.
 * Returns status; the page's memory is freed.
 */
int
html_reply(struct html *h, int status)
{
	struct req	*r = h->r;

	html_lit(h, "</main></body></html>\n");
	req_header(r, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'self'; img-src 'self' data:; script-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	req_header(r, "X-Frame-Options", "DENY");
	req_header(r, "Referrer-Policy", "no-referrer");
	req_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	reply_raw(r, status, "text/html; charset=utf-8", h->b.p ? h->b.p : "",
	    h->b.len);
	buf_free(&h->b);
	return status;
}

/* Drop a page without sending it. */
void
html_free(struct html *h)
{
	buf_free(&h->b);
}

/* The console's error page, in the layout when there is a session. */
int
html_error(struct req *r, int status)
{
	struct html	 h;
	char		 st[16];

	if (status == 401)
		return reply_redirect(r, 303, "/admin/login");
	snprintf(st, sizeof(st), "%d", status);
	html_init(&h, r);
	html_begin(&h, st, r->pr.kind == PK_ADMIN ? "" : NULL);
	html_open(&h, "h1", NULL);
	html_tf(&h, "%d", status);
	html_close(&h, "h1");
	html_elem(&h, "p", "flash error", r->err_detail ? r->err_detail :
	    "The request could not be served.");
	html_lit(&h, "<p><a href=\"/admin\">Back to the dashboard</a></p>");
	return html_reply(&h, status);
}

/*
 * Parse r's body as application/x-www-form-urlencoded into f: at most
 * FORM_FIELDS_MAX fields, values percent-decoded ('+' is a space), a NUL
 * byte (raw or encoded) refused. Returns 0, or the status to answer
 * (415, 400) with r's error set. Free with form_free.
 */
int
form_parse(struct req *r, struct form *f)
{
	const char	*p, *amp, *eq, *end;
	size_t		 len, n;
	char		*k, *v;

	memset(f, 0, sizeof(*f));
	n = r->ctype ? strcspn(r->ctype, "; \t") : 0;
	if (n != 33 || strncasecmp(r->ctype,
	    "application/x-www-form-urlencoded", n) != 0)
		return req_fail(r, 415, "Content-Type must be "
		    "application/x-www-form-urlencoded");
	if (r->bodysz > 0 && memchr(r->body, '\0', r->bodysz) != NULL)
		return req_fail(r, 400, "the form contains a NUL byte");
	f->kv = xcalloc(FORM_FIELDS_MAX, sizeof(struct qsp));
	p = r->body ? r->body : "";
	end = p + r->bodysz;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		len = (size_t)(amp - p);
		if (len > 0) {
			if (f->n == FORM_FIELDS_MAX) {
				form_free(f);
				return req_fail(r, 400, "the form has more "
				    "than %d fields", FORM_FIELDS_MAX);
			}
			eq = memchr(p, '=', len);
			if (url_decode(p, eq ? (size_t)(eq - p) : len, 1,
			    &k) == -1) {
				form_free(f);
				return req_fail(r, 400, "the form is "
				    "malformed");
			}
			if (url_decode(eq ? eq + 1 : "", eq ?
			    (size_t)(amp - eq - 1) : 0, 1, &v) == -1) {
				free(k);
				form_free(f);
				return req_fail(r, 400, "the form is "
				    "malformed");
			}
			f->kv[f->n].key = k;
			f->kv[f->n++].val = v;
		}
		p = amp < end ? amp + 1 : end;
	}
	return 0;
}

/* The first value of field key (borrowed), or NULL. */
const char *
form_get(const struct form *f, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->kv[i].key, key) == 0)
			return f->kv[i].val;
	return NULL;
}

void
form_free(struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->kv[i].key);
		if (f->kv[i].val != NULL)
			explicit_bzero(f->kv[i].val, strlen(f->kv[i].val));
		free(f->kv[i].val);
	}
	free(f->kv);
	memset(f, 0, sizeof(*f));
}
