/*
 * JSON in and out. Input: json-c in strict mode with a small depth, plus
 * the checks json-c leaves to us (RFC 3629 UTF-8, paired surrogate
 * escapes, duplicate keys, NUL in strings, single quotes, NaN); bodies
 * are checked against field tables in body.c. Output: small helpers that
 * never leak a child when an add fails, and struct jw, which writes
 * JSON straight into one buffer. Nothing here knows a request.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "extern.h"

/*
 * Walk a parsed tree: count keys, refuse non-finite numbers and strings
 * with an embedded NUL. Returns the key count or -1.
 */
static long
tree_keys(struct json_object *o)
{
	long		 n = 0, k;
	size_t		 i, len;
	const char	*s;

	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			n++;
			if ((k = tree_keys(val)) == -1)
				return -1;
			n += k;
			(void)key;
		}
		return n;
	}
	case json_type_array:
		len = json_object_array_length(o);
		for (i = 0; i < len; i++) {
			if ((k = tree_keys(json_object_array_get_idx(o, i)))
			    == -1)
				return -1;
			n += k;
		}
		return n;
	case json_type_double:
		return isfinite(json_object_get_double(o)) ? 0 : -1;
	case json_type_string:
		s = json_object_get_string(o);
		return strlen(s) == (size_t)json_object_get_string_len(o) ?
		    0 : -1;
	default:
		return 0;
	}
}

/*
 * 1 if p[0..sz) is UTF-8 as RFC 3629 defines it: shortest forms only, no
 * surrogates (U+D800..U+DFFF), nothing past U+10FFFF. json-c's own check
 * lets overlong forms and surrogates through, and MariaDB refuses them.
 */
static int
utf8_strict(const unsigned char *p, size_t sz)
{
	size_t		 i = 0, n, k;
	unsigned int	 cp, min;

	while (i < sz) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (sz - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* The value of 4 hex digits at p, or -1. */
static long
hex4(const char *p)
{
	long	 v = 0;
	int	 i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hexval(p[i])) == -1)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * At p[*i], the backslash of an escape inside a string: step *i to its
 * last character. -1 when a \u escape names half of a surrogate pair
 * without its other half (json-c turns those into U+FFFD silently);
 * other bad escapes are left to the parser.
 */
static int
escape_skip(const char *p, size_t sz, size_t *i)
{
	long	 v, w;

	if (*i + 6 > sz || p[*i + 1] != 'u' || (v = hex4(p + *i + 2)) == -1) {
		(*i)++;
		return 0;
	}
	*i += 5;
	if (v >= 0xdc00 && v <= 0xdfff)
		return -1;
	if (v < 0xd800 || v > 0xdbff)
		return 0;
	if (*i + 7 > sz || p[*i + 1] != '\\' || p[*i + 2] != 'u' ||
	    (w = hex4(p + *i + 3)) < 0xdc00 || w > 0xdfff)
		return -1;
	*i += 6;
	return 0;
}

/*
 * One pass over raw JSON text: count the keys of every object, to
 * compare with what json-c kept (it drops duplicates). -1 if a single
 * quote appears outside a string (json-c's strict mode lets it
 * through), -2 for an unpaired surrogate escape.
 */
static long
raw_keys(const char *p, size_t sz)
{
	size_t	 i, j;
	long	 n = 0;

	for (i = 0; i < sz; i++) {
		if (p[i] == '\'')
			return -1;
		if (p[i] != '"')
			continue;
		for (i++; i < sz && p[i] != '"'; i++)
			if (p[i] == '\\' && escape_skip(p, sz, &i) == -1)
				return -2;
		for (j = i + 1; j < sz && strchr(" \t\r\n", p[j]); j++)
			continue;
		if (j < sz && p[j] == ':')
			n++;
	}
	return n;
}

/*
 * Parse text as strict JSON with our extra rules; any top-level type.
 * Returns an owned object (put it), or NULL with *why (static, when why
 * is not NULL) saying what is wrong.
 */
struct json_object *
json_parse_why(const char *p, size_t sz, const char **why)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 e;
	const char		*dummy;
	long			 rk, tk;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (sz == 0 || sz > INT32_MAX) {
		*why = "it is empty or too large";
		return NULL;
	}
	if (memchr(p, '\0', sz) != NULL) {
		*why = "it holds a NUL byte";
		return NULL;
	}
	if (!utf8_strict((const unsigned char *)p, sz)) {
		*why = "it is not UTF-8 (overlong forms, surrogates and "
		    "code points past U+10FFFF are refused)";
		return NULL;
	}
	if ((rk = raw_keys(p, sz)) < 0) {
		*why = rk == -1 ? "single quotes are not JSON" :
		    "a \\u escape names half of a surrogate pair";
		return NULL;
	}
	if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
		fatalx("json_tokener_new_ex");
	/* utf8_strict() checked UTF-8 already, more strictly. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, p, (int)sz);
	e = json_tokener_get_error(tok);
	if (o == NULL || e != json_tokener_success) {
		if (e == json_tokener_error_depth)
			*why = "it nests deeper than the limit";
		else if (e == json_tokener_continue)
			*why = "it ends before the value does";
		else
			*why = "a syntax error (strict JSON: no comments, "
			    "trailing commas, NaN or leading zeros)";
	} else if (json_tokener_get_parse_end(tok) != sz)
		*why = "something follows the JSON value";
	json_tokener_free(tok);
	if (*why != NULL) {
		json_object_put(o);
		return NULL;
	}
	if ((tk = tree_keys(o)) == -1 || tk != rk) {
		*why = tk == -1 ? "a number is not finite or a string holds "
		    "a NUL" : "an object has the same key twice";
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* json_parse_why without the reason. */
struct json_object *
json_parse_text(const char *p, size_t sz)
{
	return json_parse_why(p, sz, NULL);
}

/*
 * Typed getters: 1 and *out set when the key holds that type, 0 when it
 * is absent or null, -1 when it holds another type. *out is borrowed.
 */
int
json_get_str(struct json_object *o, const char *key, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	return 1;
}

int
json_get_int(struct json_object *o, const char *key, long long *out)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 1;
}

int
json_get_bool(struct json_object *o, const char *key, int *out)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 1;
}

/* The value at key (borrowed), or NULL when absent or null. */
struct json_object *
json_get(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* Add val (owned) under key; on failure val is put, never leaked. */
void
jadd(struct json_object *o, const char *key, struct json_object *val)
{
	if (json_object_object_add(o, key, val) != 0) {
		json_object_put(val);
		fatalx("json_object_object_add");
	}
}

/* Add a string, or JSON null for a NULL C string. */
void
jadd_str(struct json_object *o, const char *key, const char *s)
{
	jadd(o, key, jstr_or_null(s));
}

void
jadd_int(struct json_object *o, const char *key, long long v)
{
	jadd(o, key, json_object_new_int64(v));
}

void
jadd_bool(struct json_object *o, const char *key, int v)
{
	jadd(o, key, json_object_new_boolean(v));
}

void
jappend(struct json_object *a, struct json_object *val)
{
	if (json_object_array_add(a, val) != 0) {
		json_object_put(val);
		fatalx("json_object_array_add");
	}
}

struct json_object *
jstr_or_null(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

/*
 * Stored JSON text (a column we wrote ourselves) back into an object;
 * owned. Falls back to null if the text is not JSON (logged).
 */
struct json_object *
json_from_text(const char *s)
{
	struct json_object	*o;

	if (s == NULL)
		return NULL;
	if ((o = json_parse_text(s, strlen(s))) == NULL)
		log_warnx("stored JSON does not parse");
	return o;
}

/* The serializer of a json_raw() node: its text, as it is. */
static int
json_raw_print(struct json_object *o, struct printbuf *pb, int level,
    int flags)
{
	const char	*s = json_object_get_userdata(o);

	(void)level;
	(void)flags;
	return printbuf_memappend(pb, s, (int)strlen(s));
}

/*
 * A node that serializes as the JSON text s, copied and not parsed;
 * owned. Only for text the database already holds as valid JSON (a
 * column under a json_valid() CHECK): read-only answers that embed
 * many such columns skip a parse and a rebuild per value. s must be a
 * complete JSON value; NULL gives null.
 */
struct json_object *
json_raw(const char *s)
{
	struct json_object	*o;

	if (s == NULL)
		return NULL;
	o = json_object_new_string("");
	json_object_set_serializer(o, json_raw_print, xstrdup(s),
	    json_object_free_userdata);
	return o;
}

/* Compact text of o, owned by o. */
const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * Output without a tree: the hot reads write their answer straight into
 * one buffer. struct jw tracks, per open container, whether a member was
 * written (for the commas); every key and string goes through
 * json_escape. A NULL string value is written as null.
 */

/* Append s (n bytes) as a JSON string, quoted and escaped, to b. */
void
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*run = s, *end = s + n;
	char			 e[6];
	unsigned char		 c;

	buf_add(b, "\"", 1);
	for (; s < end; s++) {
		c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(s - run));
		run = s + 1;
		e[0] = '\\';
		switch (c) {
		case '"':  e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 0xf];
			buf_add(b, e, 6);
			continue;
		}
		buf_add(b, e, 2);
	}
	buf_add(b, run, (size_t)(end - run));
	buf_add(b, "\"", 1);
}

/* The comma and key before a member (key NULL inside an array). */
static void
jw_member(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (w->count[w->depth - 1]++ > 0)
			buf_add(&w->b, ",", 1);
	}
	if (key != NULL) {
		json_escape(&w->b, key, strlen(key));
		buf_add(&w->b, ":", 1);
	}
}

static void
jw_open(struct jw *w, const char *key, char c)
{
	jw_member(w, key);
	if (w->depth == JW_DEPTH)
		fatalx("JSON output nested too deep");
	w->close[w->depth] = c == '{' ? '}' : ']';
	w->count[w->depth++] = 0;
	buf_add(&w->b, &c, 1);
}

void
jw_obj(struct jw *w, const char *key)
{
	jw_open(w, key, '{');
}

void
jw_arr(struct jw *w, const char *key)
{
	jw_open(w, key, '[');
}

/* Close the innermost object or array. */
void
jw_end(struct jw *w)
{
	if (w->depth == 0)
		fatalx("JSON output closed more than opened");
	w->depth--;
	buf_add(&w->b, &w->close[w->depth], 1);
}

void
jw_strn(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_member(w, key);
	if (s == NULL)
		buf_add(&w->b, "null", 4);
	else
		json_escape(&w->b, s, n);
}

void
jw_str(struct jw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, s != NULL ? strlen(s) : 0);
}

void
jw_int(struct jw *w, const char *key, long long v)
{
	char	 n[24];
	int	 l;

	jw_member(w, key);
	l = snprintf(n, sizeof(n), "%lld", v);
	buf_add(&w->b, n, (size_t)l);
}

void
jw_bool(struct jw *w, const char *key, int v)
{
	jw_member(w, key);
	if (v)
		buf_add(&w->b, "true", 4);
	else
		buf_add(&w->b, "false", 5);
}

void
jw_null(struct jw *w, const char *key)
{
	jw_member(w, key);
	buf_add(&w->b, "null", 4);
}

/*
 * A member whose value is the JSON text s, as it is (NULL gives null):
 * only for text the database keeps valid (json_valid CHECK), as
 * json_raw.
 */
void
jw_raw(struct jw *w, const char *key, const char *s)
{
	jw_member(w, key);
	if (s == NULL)
		buf_add(&w->b, "null", 4);
	else
		buf_puts(&w->b, s);
}
