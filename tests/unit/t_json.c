/* Unit tests: strict JSON input and field tables (json.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/extern.h"
#include "../tap.h"

static int
parses(const char *s)
{
	struct json_object	*o;

	if ((o = json_parse_text(s, strlen(s))) == NULL)
		return 0;
	json_object_put(o);
	return 1;
}

static const struct jfield fields[] = {
	{ "name", JT_STR, 1, 8, 1, 0, NULL },
	{ "count", JT_INT, 0, 10, 0, 0, NULL },
	{ "on", JT_BOOL, 0, 0, 0, 0, NULL },
	{ "tags", JT_ARR, 0, 2, 0, 0, NULL },
	{ NULL, JT_STR, 0, 0, 0, 0, NULL },
};

static int
check(const char *s, struct req *r)
{
	struct json_object	*o;
	int			 rc;
	size_t			 i;

	for (i = 0; i < r->ferrsz; i++) {
		free(r->ferr[i].field);
		free(r->ferr[i].msg);
	}
	r->ferrsz = 0;
	if ((o = json_parse_text(s, strlen(s))) == NULL)
		return -2;
	rc = json_check(r, o, fields, "");
	json_object_put(o);
	return rc;
}

int
main(void)
{
	struct json_object	*o, *arr;
	struct req		 r;
	size_t			 i;

	ok(parses("{\"a\":1}"), "plain object");
	ok(parses("[1,2]"), "array");
	ok(!parses("{\"a\":1,\"a\":2}"), "duplicate key");
	ok(!parses("{\"a\":{\"b\":1,\"b\":1}}"), "nested duplicate key");
	ok(!parses("{\"a\":1} x"), "trailing garbage");
	ok(!parses("{'a':1}"), "single quotes");
	ok(!parses("{\"a\":NaN}"), "NaN");
	ok(!parses("{\"a\":Infinity}"), "Infinity");
	ok(!parses("{\"a\":\"x\\u0000y\"}"), "NUL in a string");
	ok(!parses("{\"a\\u0000b\":1,\"a\":2}"), "NUL in a key");
	ok(!parses("{\"a\":\"\xff\xfe\"}"), "invalid UTF-8");
	ok(!parses("[[[[[[[[[[1]]]]]]]]]]"), "too deep");
	ok(!parses("{\"a\":1,}"), "trailing comma");
	ok(!parses("/* c */{}"), "comment");
	ok(!parses(""), "empty");
	ok(parses("{\"a\":\"it's\"}"), "apostrophe inside a string");
	ok(parses("{\"k\\\"ey\":\"v:\"}"), "escaped quote in a key");

	/* UTF-8 as RFC 3629 has it, and surrogate escapes in pairs. */
	ok(parses("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]"),
	    "2-, 3- and 4-byte UTF-8");
	ok(!parses("[\"\xc0\xaf\"]"), "overlong 2-byte form");
	ok(!parses("[\"\xe0\x80\xaf\"]"), "overlong 3-byte form");
	ok(!parses("[\"\xf0\x80\x80\xaf\"]"), "overlong 4-byte form");
	ok(!parses("[\"\xed\xa0\x80\"]"), "an encoded surrogate");
	ok(!parses("[\"\xf4\x90\x80\x80\"]"), "past U+10FFFF");
	ok(!parses("[\"\xf5\x80\x80\x80\"]"), "a 0xf5 lead byte");
	ok(!parses("[\"\xe2\x82\"]"), "a truncated sequence");
	ok(!parses("[\"\x80\"]"), "a lone continuation byte");
	ok(parses("[\"\\ud83d\\ude00\"]"), "a surrogate pair escape");
	ok(!parses("[\"\\ud800\"]"), "a lone high surrogate escape");
	ok(!parses("[\"\\udc00\"]"), "a lone low surrogate escape");
	ok(!parses("[\"\\ud800\\u0041\"]"), "a high surrogate then no low");
	ok(parses("[\"\\\\ud800\"]"), "an escaped backslash, then text");

	memset(&r, 0, sizeof(r));
	is_int(check("{\"name\":\"x\"}", &r), 0, "valid body");
	is_int(check("{\"name\":\"x\",\"id\":3}", &r), -1, "unknown key");
	is_str(r.ferr[0].field, "id", "error names the unknown key");
	is_int(check("{}", &r), -1, "missing required");
	is_str(r.ferr[0].field, "name", "error names the missing key");
	is_int(check("{\"name\":\"123456789\"}", &r), -1, "string too long");
	is_int(check("{\"name\":\"x\",\"count\":\"3\"}", &r), -1,
	    "string for a number");
	is_int(check("{\"name\":\"x\",\"count\":11}", &r), -1,
	    "number out of range");
	is_int(check("{\"name\":\"x\",\"count\":1.5}", &r), -1,
	    "fraction for an integer");
	is_int(check("{\"name\":\"x\",\"count\":99999999999999999999}", &r),
	    -1, "saturated integer");
	is_int(check("{\"name\":\"x\",\"on\":1}", &r), -1,
	    "number for a boolean");
	is_int(check("{\"name\":null}", &r), -1, "null for a string");
	is_int(check("{\"name\":\"x\",\"tags\":[1,2,3]}", &r), -1,
	    "array too long");
	for (i = 0; i < r.ferrsz; i++) {
		free(r.ferr[i].field);
		free(r.ferr[i].msg);
	}

	/* json_raw: stored JSON text embedded as it is, in any position. */
	o = json_object_new_object();
	jadd(o, "a", json_raw("[1, {\"b\":\"</x>\"}]"));
	jadd(o, "n", json_raw(NULL));
	arr = json_object_new_array();
	jappend(arr, json_raw("{}"));
	jappend(arr, json_object_new_string("s"));
	jadd(o, "l", arr);
	is_str(json_text(o),
	    "{\"a\":[1, {\"b\":\"</x>\"}],\"n\":null,\"l\":[{},\"s\"]}",
	    "raw nodes print their text verbatim");
	ok(parses(json_text(o)), "and the whole still parses");
	json_object_put(o);

	/*
	 * The tree-less writer: commas, nesting, null for NULL, raw text,
	 * and one escaper that writes what json-c writes for every byte
	 * below 0x80.
	 */
	{
		struct jw	 w = { 0 };
		char		 all[128], *p;
		int		 c, same = 1;

		jw_obj(&w, NULL);
		jw_str(&w, "s", "a\"b\\c/d");
		jw_str(&w, "n", NULL);
		jw_int(&w, "i", -42);
		jw_bool(&w, "t", 1);
		jw_bool(&w, "f", 0);
		jw_null(&w, "z");
		jw_arr(&w, "a");
		jw_int(&w, NULL, 1);
		jw_obj(&w, NULL);
		jw_end(&w);
		jw_raw(&w, NULL, "[2]");
		jw_end(&w);
		jw_raw(&w, "r", NULL);
		jw_strn(&w, "k", "abcdef", 3);
		jw_end(&w);
		is_str(w.b.p, "{\"s\":\"a\\\"b\\\\c/d\",\"n\":null,"
		    "\"i\":-42,\"t\":true,\"f\":false,\"z\":null,"
		    "\"a\":[1,{},[2]],\"r\":null,\"k\":\"abc\"}",
		    "jw writes members, arrays and nesting");
		ok(parses(w.b.p), "and the text parses");
		buf_free(&w.b);

		for (c = 1, p = all; c < 128; c++)
			*p++ = (char)c;
		*p = '\0';
		memset(&w, 0, sizeof(w));
		jw_obj(&w, NULL);
		jw_str(&w, all, all);
		jw_end(&w);
		o = json_object_new_object();
		jadd_str(o, all, all);
		if (strcmp(w.b.p, json_text(o)) != 0)
			same = 0;
		ok(same, "json_escape writes every ASCII byte as json-c does");
		json_object_put(o);
		buf_free(&w.b);
	}
	return done();
}
