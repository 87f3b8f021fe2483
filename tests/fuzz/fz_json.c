/*
 * libFuzzer target: the strict JSON parser and a field table, as a
 * request body would meet them. Built with --enable-fuzzing (clang).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/extern.h"

static const struct jfield fields[] = {
	{ "nid", JT_STR, 2, 64, 1, 0, NULL },
	{ "name", JT_STR, 1, 255, 0, 0, NULL },
	{ "uses", JT_INT, 1, 1000, 0, 0, NULL },
	{ "on", JT_BOOL, 0, 0, 0, 0, NULL },
	{ "tags", JT_ARR, 0, 16, 0, 0, NULL },
	{ "endpoints", JT_OBJ, 0, 0, 0, 0, NULL },
	{ NULL, JT_STR, 0, 0, 0, 0, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct json_object	*o;
	struct req		 r;
	size_t			 i;

	if ((o = json_parse_text((const char *)data, sz)) == NULL)
		return 0;
	memset(&r, 0, sizeof(r));
	if (json_object_is_type(o, json_type_object))
		(void)json_check(&r, o, fields, "");
	(void)json_text(o);
	for (i = 0; i < r.ferrsz; i++) {
		free(r.ferr[i].field);
		free(r.ferr[i].msg);
	}
	json_object_put(o);
	return 0;
}
