/*
 * libFuzzer target: the query string as the worker reads it
 * (req_parse_qs: split, percent-decode, cap), then paging (req_paging)
 * and the Link header that echoes the query (reply_paging, LINK_MAX).
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
	struct req	 r;
	long long	 limit, offset;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.query = xstrndup((const char *)data, sz);
	r.path = xstrdup("/api/v1/admin/tenants");
	if (req_parse_qs(&r) == 0) {
		(void)req_qs(&r, "q");
		if (req_paging(&r, &limit, &offset) == 0)
			reply_paging(&r, (long long)sz * 7, limit, offset);
	}
	for (i = 0; i < r.qsz; i++) {
		free(r.qs[i].key);
		free(r.qs[i].val);
	}
	free(r.qs);
	for (i = 0; i < r.resphsz; i++)
		free(r.resph[i]);
	for (i = 0; i < r.ferrsz; i++) {
		free(r.ferr[i].field);
		free(r.ferr[i].msg);
	}
	free(r.err_detail);
	free(r.query);
	free(r.path);
	return 0;
}
