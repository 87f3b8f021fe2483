/*
 * Request bodies at the edge: the body as a strict JSON object, checked
 * against a field table (struct jfield) with every refusal a field
 * error on the request, and the field validators tables name. json.c
 * below it knows JSON only; this is the one place a body meets a
 * request.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "extern.h"

/* 1 if the Content-Type is JSON (application/json or vnd.api+json). */
static int
ctype_json(const char *ct)
{
	size_t	 n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, "; \t");
	return (n == 16 && strncasecmp(ct, "application/json", n) == 0) ||
	    (n == 24 && strncasecmp(ct, "application/vnd.api+json", n) == 0);
}

/*
 * The request body as a JSON object. Returns 0 with an owned *out, or the
 * HTTP status to answer (415, 400) with r's error set.
 */
int
json_body(struct req *r, struct json_object **out)
{
	struct json_object	*o;
	const char		*why;

	*out = NULL;
	if (!ctype_json(r->ctype))
		return req_fail(r, 415, "Content-Type must be "
		    "application/json");
	if (r->bodysz == 0)
		return req_fail(r, 400, "the request body is empty");
	if ((o = json_parse_why(r->body, r->bodysz, &why)) == NULL)
		return req_fail(r, 400, "the body is not valid JSON: %s "
		    "(strict syntax, UTF-8, no duplicate keys, no NUL, "
		    "depth %d)", why, JSON_DEPTH);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return req_fail(r, 400, "the body must be a JSON object");
	}
	*out = o;
	return 0;
}

static const char *const jtnames[JT__MAX] = {
	[JT_STR] = "a string",
	[JT_INT] = "an integer",
	[JT_BOOL] = "a boolean",
	[JT_OBJ] = "an object",
	[JT_ARR] = "an array",
	[JT_ANY] = "a value",
};

/* Check one value against its field row; 0 or -1 (field error added). */
static int
json_check_one(struct req *r, const struct jfield *f, const char *name,
    struct json_object *v)
{
	long long	 n;
	size_t		 len;

	if (v == NULL) {
		if (f->nullable)
			return 0;
		return req_field(r, name, "must not be null");
	}
	switch (f->type) {
	case JT_STR:
		if (!json_object_is_type(v, json_type_string))
			break;
		len = (size_t)json_object_get_string_len(v);
		if ((long long)len < f->min || (long long)len > f->max)
			return req_field(r, name, "must be %lld to %lld "
			    "bytes long", f->min, f->max);
		goto check;
	case JT_INT:
		if (!json_object_is_type(v, json_type_int))
			break;
		n = json_object_get_int64(v);
		if (n < f->min || n > f->max || n == INT64_MAX ||
		    n == INT64_MIN)
			return req_field(r, name, "must be an integer from "
			    "%lld to %lld", f->min, f->max);
		goto check;
	case JT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			break;
		goto check;
	case JT_OBJ:
		if (!json_object_is_type(v, json_type_object))
			break;
		goto check;
	case JT_ARR:
		if (!json_object_is_type(v, json_type_array))
			break;
		len = json_object_array_length(v);
		if ((long long)len < f->min || (long long)len > f->max)
			return req_field(r, name, "must have %lld to %lld "
			    "items", f->min, f->max);
		goto check;
	case JT_ANY:
		goto check;
	default:
		abort();
	}
	return req_field(r, name, "must be %s", jtnames[f->type]);
check:
	if (f->check != NULL)
		return f->check(r, name, v);
	return 0;
}

/*
 * Check object o against a field table (terminated by a NULL key):
 * unknown keys, missing required keys, types and ranges. prefix names
 * nested objects in errors ("endpoints."). Returns 0, or -1 with every
 * problem recorded as a field error on r.
 */
int
json_check(struct req *r, struct json_object *o, const struct jfield *fs,
    const char *prefix)
{
	const struct jfield	*f;
	struct json_object	*v;
	char			 name[128];
	int			 bad = 0;

	json_object_object_foreach(o, key, val) {
		(void)val;
		for (f = fs; f->key != NULL; f++)
			if (strcmp(f->key, key) == 0)
				break;
		if (f->key == NULL) {
			snprintf(name, sizeof(name), "%s%s", prefix, key);
			req_field(r, name, "is not a known field or cannot "
			    "be set");
			bad = 1;
		}
	}
	for (f = fs; f->key != NULL; f++) {
		snprintf(name, sizeof(name), "%s%s", prefix, f->key);
		if (!json_object_object_get_ex(o, f->key, &v)) {
			if (f->required) {
				req_field(r, name, "is required");
				bad = 1;
			}
			continue;
		}
		if (json_check_one(r, f, name, v) == -1)
			bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * The request body as an object checked for a write: server-owned keys
 * (owned, NULL-terminated, may be NULL) refused by name, then the field
 * table fs. An empty body gives *out NULL when allow_empty. Returns 0
 * with *out (owned, or NULL), or the status to answer (400 naming the
 * fields; json_body's 400 or 415).
 */
int
json_body_checked(struct req *r, const struct jfield *fs,
    const char *const *owned, int allow_empty, struct json_object **out)
{
	struct json_object	*o;
	int			 st, bad = 0;

	*out = NULL;
	if (allow_empty && r->bodysz == 0)
		return 0;
	if ((st = json_body(r, &o)) != 0)
		return st;
	for (; owned != NULL && *owned != NULL; owned++)
		if (json_object_object_get_ex(o, *owned, NULL)) {
			req_field(r, *owned, "is set by the server and cannot "
			    "be written");
			bad = 1;
		}
	if (bad) {
		json_object_put(o);
		return req_fail(r, 400, "server-owned fields cannot be set");
	}
	if (json_check(r, o, fs, "") == -1) {
		json_object_put(o);
		return req_fail(r, 400, "some fields are invalid");
	}
	*out = o;
	return 0;
}

/* A nid (valid_nid). */
int
jf_nid(struct req *r, const char *name, struct json_object *v)
{
	if (valid_nid(json_object_get_string(v)))
		return 0;
	return req_field(r, name, "must be a slug: a-z, 0-9 and '-', 2 to "
	    "64 characters");
}

/* An https URL others may be sent to (valid_url). */
int
jf_url(struct req *r, const char *name, struct json_object *v)
{
	if (valid_url(json_object_get_string(v), 0))
		return 0;
	return req_field(r, name, "must be an absolute https URL with a "
	    "host (no credentials, no fragment, at most 512 bytes)");
}

/* A token's label (valid_label). */
int
jf_label(struct req *r, const char *name, struct json_object *v)
{
	if (valid_label(json_object_get_string(v)))
		return 0;
	return req_field(r, name, "must be at most 255 printable characters "
	    "on one line");
}

/* Free text: any length the table allows, no control characters. */
int
jf_text(struct req *r, const char *name, struct json_object *v)
{
	if (valid_text(json_object_get_string(v), 0, 65535))
		return 0;
	return req_field(r, name, "must not hold control characters");
}

/* An e-mail address (valid_email). */
int
jf_email(struct req *r, const char *name, struct json_object *v)
{
	if (valid_email(json_object_get_string(v)))
		return 0;
	return req_field(r, name, "must be an e-mail address");
}
