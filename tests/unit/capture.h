/*
 * A reply captured in memory: an FCGX_Stream whose buffer-full hook
 * appends to a struct buf, set as the output of a struct req, so a unit
 * test reads exactly the bytes fcgi.c would send to nginx (libfcgi's
 * FCGX_PutStr, the real writer, fills and empties it). And req_reset,
 * which empties a struct req a test filled by hand. All inline: a test
 * uses what it needs.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <fcgiapp.h>

struct capture {
	FCGX_Stream	 s;
	FCGX_Request	 q;
	unsigned char	 win[61];	/* small: the hook runs often */
	struct buf	 got;
};

static inline void
cap_empty(FCGX_Stream *s, int doclose)
{
	struct capture	*c = s->data;

	(void)doclose;
	buf_add(&c->got, c->win, (size_t)(s->wrNext - c->win));
	s->wrNext = c->win;
}

/* Point r's output at c, emptied. */
static inline void
cap_init(struct capture *c, struct req *r)
{
	buf_free(&c->got);
	memset(c, 0, sizeof(*c));
	c->s.wrNext = c->win;
	c->s.stop = c->s.rdNext = c->win + sizeof(c->win);
	c->s.emptyBuffProc = cap_empty;
	c->s.data = c;
	c->q.out = &c->s;
	r->fcgi = &c->q;
}

/* Everything written so far, NUL-terminated. */
static inline const char *
cap_text(struct capture *c)
{
	cap_empty(&c->s, 0);
	return c->got.p != NULL ? c->got.p : "";
}

/* The body: what follows the blank line that ends the head. */
static inline const char *
cap_body(struct capture *c)
{
	const char	*t = cap_text(c), *b;

	return (b = strstr(t, "\r\n\r\n")) != NULL ? b + 4 : "";
}

/*
 * Free what a run left in r (its error detail, response headers and
 * field errors) and zero it for the next case.
 */
static inline void
req_reset(struct req *r)
{
	size_t	 i;

	free(r->err_detail);
	for (i = 0; i < r->resphsz; i++)
		free(r->resph[i]);
	for (i = 0; i < r->ferrsz; i++) {
		free(r->ferr[i].field);
		free(r->ferr[i].msg);
	}
	memset(r, 0, sizeof(*r));
}

#endif
