/*
 * libFuzzer target: path normalisation, routing, query and Basic
 * credential parsing, and the validators that take path parameters.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/extern.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct req		 r;
	char			*s, *o, *u, *p;
	long long		 id;
	size_t			 i;
	int			 st;

	s = xstrndup((const char *)data, sz);
	if (path_normalise(s, &o) == 0) {
		memset(&r, 0, sizeof(r));
		r.method = (enum method)(sz % M__MAX);
		r.path = o;
		(void)route_find(&r, &st);
		for (i = 0; i < r.pvsz; i++) {
			(void)valid_id(r.pv[i], &id);
			(void)valid_nid(r.pv[i]);
			free(r.pv[i]);
		}
		for (i = 0; i < r.resphsz; i++)
			free(r.resph[i]);
		free(r.err_detail);
		free(o);
	}
	if (url_decode(s, strlen(s), 1, &o) == 0)
		free(o);
	if (auth_basic_parse(s, &u, &p) == 0) {
		free(u);
		free(p);
	}
	(void)valid_url(s, 0);
	(void)valid_email(s);
	free(s);
	return 0;
}
