/*
 * Unit tests: idem.c's answers before the database is asked (no key, a
 * malformed key), written through the real reply path into memory.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/extern.h"
#include "../tap.h"
#include "capture.h"

/* idem_replay with key k (NULL: no header), captured in c: the status. */
static int
replay(struct req *r, struct capture *c, const char *k)
{
	req_reset(r);
	cap_init(c, r);
	r->method = M_POST;
	r->idem_key = (char *)(uintptr_t)k;
	return idem_replay(r, "marketplace:7");
}

int
main(void)
{
	struct req	 r;
	struct capture	 c = { 0 };
	struct json_object *j, *a, *f;
	char		 k[300];

	memset(&r, 0, sizeof(r));
	is_int(replay(&r, &c, NULL), 0, "no Idempotency-Key: proceed");
	is_str(cap_text(&c), "", "and nothing is written");
	is_int(idem_store(&r, "marketplace:7", 201, "{}"), 1,
	    "no key: nothing to keep, kept");

	is_int(replay(&r, &c, ""), 400, "an empty key: 400");
	ok(r.replied, "answered at once");
	j = json_tokener_parse(cap_body(&c));
	ok(j != NULL && json_object_object_get_ex(j, "errors", &a) &&
	    json_object_array_length(a) == 1, "one field error");
	f = json_object_array_get_idx(a, 0);
	ok(f != NULL && json_object_object_get_ex(f, "field", &f) &&
	    strcmp(json_object_get_string(f), "Idempotency-Key") == 0,
	    "naming the header");
	json_object_put(j);

	is_int(replay(&r, &c, "has space"), 400, "a space: 400");
	is_int(replay(&r, &c, "caf\xc3\xa9"), 400, "non-ASCII: 400");
	is_int(replay(&r, &c, "tab\tkey"), 400, "a control byte: 400");
	memset(k, 'k', 256);
	k[256] = '\0';
	is_int(replay(&r, &c, k), 400, "256 bytes: 400");
	ok(strstr(cap_text(&c), "Status: 400 ") == cap_text(&c),
	    "written as a 400");
	req_reset(&r);
	buf_free(&c.got);
	return done();
}
