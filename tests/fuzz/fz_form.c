/*
 * libFuzzer target: what the console reads from a request: the form
 * body (form_parse, form_get) and the Cookie header (auth_cookie). The
 * first byte splits the input into cookie and body.
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
	static const char *const names[] = { "csrf", "email", "password",
	    "revoke_now", "__Host-agora_session", "agora_login", "" };
	struct req	 r;
	struct form	 f;
	size_t		 cut, i;
	char		*v;

	if (sz == 0)
		return 0;
	cut = data[0] < sz ? data[0] : sz - 1;
	memset(&r, 0, sizeof(r));
	r.cookie = xstrndup((const char *)data + 1, cut);
	r.body = xmalloc(sz - 1 - cut + 1);
	memcpy(r.body, data + 1 + cut, sz - 1 - cut);
	r.body[sz - 1 - cut] = '\0';
	r.bodysz = sz - 1 - cut;
	r.ctype = xstrdup("application/x-www-form-urlencoded; charset=UTF-8");
	if (form_parse(&r, &f) == 0) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			(void)form_get(&f, names[i]);
		form_free(&f);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = auth_cookie(&r, names[i])) != NULL)
			free(v);
	for (i = 0; i < r.ferrsz; i++) {
		free(r.ferr[i].field);
		free(r.ferr[i].msg);
	}
	free(r.err_detail);
	free(r.cookie);
	free(r.body);
	free(r.ctype);
	return 0;
}
