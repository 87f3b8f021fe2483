/*
 * The only writer of HTML. Every value goes through an escaper for its
 * context: html_text for element content, html_attr for quoted attribute
 * values, html_url for a URL component inside an attribute.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

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

/* A minimal error page (the console replaces the body with its layout). */
int
html_error(struct req *r, int status)
{
	struct buf	 b = { 0 };
	char		 st[16];

	if (status == 401)
		return reply_redirect(r, 303, "/admin/login");
	snprintf(st, sizeof(st), "%d", status);
	buf_puts(&b, "<!doctype html><html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>");
	html_text(&b, st);
	buf_puts(&b, "</title></head><body><h1>");
	html_text(&b, st);
	buf_puts(&b, "</h1><p>");
	html_text(&b, r->err_detail ? r->err_detail : "error");
	buf_puts(&b, "</p></body></html>\n");
	reply_raw(r, status, "text/html; charset=utf-8", b.p, b.len);
	buf_free(&b);
	return status;
}
