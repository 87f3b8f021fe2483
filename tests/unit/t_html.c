/* Unit tests: html.c (escapers, markup helpers, the form parser) and the
 * audit filter parsing of db_console.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"
#include "../tap.h"

/* A request carrying a form body of the given type. */
static void
form_req(struct req *r, const char *ctype, const char *body, size_t sz)
{
	memset(r, 0, sizeof(*r));
	r->ctype = ctype ? xstrdup(ctype) : NULL;
	r->body = xmalloc(sz + 1);
	memcpy(r->body, body, sz);
	r->body[sz] = '\0';
	r->bodysz = sz;
}

int
main(void)
{
	struct buf	 b = { 0 };
	struct req	 r;
	struct html	 h;
	struct form	 f;
	struct afilter	 af;
	struct hparam	 p[2] = { { "q", "a b&c" }, { "page", "2" } };
	const char	*bad;
	char		 t[20], *u, big[4200];
	size_t		 i;

	html_text(&b, "<a href=\"x\">'&'</a>");
	is_str(b.p, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
	    "html_text escapes the five characters");
	b.len = 0;
	html_attr(&b, "\"`\n");
	is_str(b.p, "&quot;&#96;&#10;",
	    "html_attr escapes quotes, backtick, LF");
	b.len = 0;
	html_url(&b, "a b/&?");
	is_str(b.p, "a%20b%2F%26%3F", "html_url percent-encodes a component");
	buf_free(&b);

	memset(&r, 0, sizeof(r));
	snprintf(r.pr.csrf, sizeof(r.pr.csrf), "00ff");
	html_init(&h, &r);
	html_open(&h, "a", "href", "javascript:alert(1)", "class", NULL, NULL);
	html_close(&h, "a");
	is_str(h.b.p, "<a href=\"#\"></a>", "a non-local href becomes #");
	h.b.len = 0;
	html_open(&h, "a", "href", "//evil.example/", NULL);
	is_str(h.b.p, "<a href=\"#\">", "a protocol-relative href becomes #");
	h.b.len = 0;
	html_open(&h, "input", "value", "\"><script>", "checked", "", NULL);
	is_str(h.b.p, "<input value=\"&quot;&gt;&lt;script&gt;\" checked>",
	    "attribute values are escaped; \"\" is a bare attribute");
	h.b.len = 0;
	html_form(&h, "/admin/x", NULL);
	ok(strstr(h.b.p, "name=\"csrf\" value=\"00ff\"") != NULL,
	    "html_form adds the session's CSRF token");
	h.b.len = 0;
	html_lit(&h, "<p>");
	html_tf(&h, "%s=%d", "<b>", 1);
	is_str(h.b.p, "<p>&lt;b&gt;=1", "html_tf escapes the formatted text");
	h.b.len = 0;
	req_field(&r, "name", "is <bad>");
	html_input(&h, "name", "Name", "text", "kept", NULL);
	ok(strstr(h.b.p, "field has-error") != NULL &&
	    strstr(h.b.p, "value=\"kept\"") != NULL &&
	    strstr(h.b.p, "<span class=\"error\">is &lt;bad&gt;</span>") !=
	    NULL, "an input keeps its value and shows its error beside it");
	html_free(&h);
	free(r.ferr[0].field);
	free(r.ferr[0].msg);

	u = html_qurl("/admin/t", p, 2, "page", "3");
	is_str(u, "/admin/t?q=a%20b%26c&page=3", "html_qurl replaces a key");
	free(u);
	u = html_qurl("/admin/t", p, 2, "page", NULL);
	is_str(u, "/admin/t?q=a%20b%26c", "html_qurl drops a key");
	free(u);

	form_req(&r, "application/x-www-form-urlencoded; charset=UTF-8",
	    "a=1+2&b=%3Cx%3E&a=3&empty=&flag", 31);
	is_int(form_parse(&r, &f), 0, "a form parses");
	is_str(form_get(&f, "a"), "1 2", "'+' is a space, first value wins");
	is_str(form_get(&f, "b"), "<x>", "percent-decoding");
	is_str(form_get(&f, "empty"), "", "an empty value");
	is_str(form_get(&f, "flag"), "", "a key without '='");
	ok(form_get(&f, "nope") == NULL, "a missing key is NULL");
	form_free(&f);
	req_free(&r);
	form_req(&r, "application/json", "{}", 2);
	is_int(form_parse(&r, &f), 415, "another content type is 415");
	req_free(&r);
	form_req(&r, "application/x-www-form-urlencoded", "a=%00", 5);
	is_int(form_parse(&r, &f), 400, "an encoded NUL is 400");
	req_free(&r);
	form_req(&r, "application/x-www-form-urlencoded", "a=b\0c", 5);
	is_int(form_parse(&r, &f), 400, "a raw NUL is 400");
	req_free(&r);
	form_req(&r, "application/x-www-form-urlencoded", "a=%zz", 5);
	is_int(form_parse(&r, &f), 400, "a bad escape is 400");
	req_free(&r);
	for (i = 0; i + 2 <= sizeof(big) - 1; i += 2)
		memcpy(big + i, "a&", 2);
	form_req(&r, "application/x-www-form-urlencoded", big, i);
	is_int(form_parse(&r, &f), 400, "more than 512 fields is 400");
	req_free(&r);

	is_int(console_time_parse("2026-01-31", t), 0, "a date");
	is_str(t, "2026-01-31 00:00:00", "a date is midnight UTC");
	is_int(console_time_parse("2026-01-31T13:45", t), 0, "date and minute");
	is_str(t, "2026-01-31 13:45:00", "minutes");
	is_int(console_time_parse("2026-01-31 13:45:07Z", t), 0, "seconds, Z");
	is_str(t, "2026-01-31 13:45:07", "seconds");
	is_int(console_time_parse("2026-02-30", t), -1, "Feb 30 refused");
	is_int(console_time_parse("2026-01-31T25:00", t), -1,
	    "hour 25 refused");
	is_int(console_time_parse("yesterday", t), -1, "words refused");
	is_int(console_time_parse("2026-01-31T13:45+01:00", t), -1,
	    "offsets refused");
	is_int(audit_filter_parse(&af, "admin:x@y.z", "tenant:12", "2026-01-01",
	    NULL, &bad), 0, "a full filter");
	ok(strcmp(af.kind, "tenant") == 0 && af.target_id == 12,
	    "target kind and id");
	is_int(audit_filter_parse(&af, NULL, "tenant:0", NULL, NULL, &bad), -1,
	    "target id 0 refused");
	is_str(bad, "target", "the bad field is named");
	is_int(audit_filter_parse(&af, NULL, "Tenant", NULL, NULL, &bad), -1,
	    "an upper-case kind refused");
	is_int(audit_filter_parse(&af, "a\tb", NULL, NULL, NULL, &bad), -1,
	    "a tab in the actor refused");

	/* The pager: inside the rows, and past the last page. */
	html_init(&h, &r);
	html_pager(&h, "/admin/tenants", p, 1, 2, 25, 30);
	ok(strstr(h.b.p, "Rows 26-30 of 30 (page 2 of 2)") != NULL &&
	    strstr(h.b.p, "rel=\"next\"") == NULL, "the last page");
	h.b.len = 0;
	html_pager(&h, "/admin/tenants", p, 1, 3, 25, 25);
	ok(strstr(h.b.p, "Page 3 is past the last page (1) of 25 rows.") !=
	    NULL, "past the end says so");
	ok(strstr(h.b.p, "page=1\" rel=\"prev\"") != NULL,
	    "and points back to the last page");
	h.b.len = 0;
	html_pager(&h, "/admin/tenants", NULL, 0, 5, 10, 95);
	ok(strstr(h.b.p, "href=\"/admin/tenants?page=1\" rel=\"first\"") &&
	    strstr(h.b.p, "href=\"/admin/tenants?page=10\" rel=\"last\"") &&
	    strstr(h.b.p, "href=\"/admin/tenants?page=6\" rel=\"next\""),
	    "first, next and last links");
	ok(strstr(h.b.p, "<span aria-current=\"page\">5</span>") &&
	    strstr(h.b.p, "href=\"/admin/tenants?page=2\">2</a>") &&
	    strstr(h.b.p, "href=\"/admin/tenants?page=8\">8</a>") &&
	    !strstr(h.b.p, "page=9\">9</a>"),
	    "numbered pages around the current one");

	/* Times: UTC in <time datetime>, readable text and title. */
	h.b.len = 0;
	html_time(&h, "2026-01-31T13:45:00Z");
	buf_add(&h.b, "", 1);
	is_str(h.b.p, "<time datetime=\"2026-01-31T13:45:00Z\" title=\""
	    "2026-01-31 13:45:00 UTC\">2026-01-31 13:45:00 UTC</time>",
	    "a time");
	h.b.len = 0;
	html_time(&h, "\"><script>");
	buf_add(&h.b, "", 1);
	ok(strstr(h.b.p, "<script>") == NULL, "a time is escaped too");

	/* Breadcrumbs: links escaped, the last crumb plain. */
	h.b.len = 0;
	html_crumbs(&h, "Tenants", "/admin/tenants", "<b>", NULL, NULL);
	buf_add(&h.b, "", 1);
	is_str(h.b.p, "<nav class=\"crumbs\" aria-label=\"breadcrumb\"><ol>"
	    "<li><a href=\"/admin/tenants\">Tenants</a></li><li><span>"
	    "&lt;b&gt;</span></li></ol></nav>", "breadcrumbs");
	html_free(&h);
	return done();
}
