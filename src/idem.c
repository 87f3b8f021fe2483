/*
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first
 * answer to a create is kept, sealed with the data key because it may
 * hold a secret shown once, and a retry with the same key and the same
 * request gets that answer again instead of a conflict.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "extern.h"

/* 1 if the key is 1..255 printable ASCII bytes. */
static int
idem_key_ok(const char *k)
{
	size_t	 i, n = strlen(k);

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * Before a create. Returns 0 to proceed (no key, or a key not seen
 * yet), or the status of a response already written: the stored answer
 * replayed, 422 for a key reused with another request, 400 for a
 * malformed key, 500 on database error (not written).
 */
int
idem_replay(struct req *r, const char *principal)
{
	struct idem_answer a;
	unsigned char	 h[32], *body = NULL;
	size_t		 bodysz;
	int		 rc;

	if (r->idem_key == NULL)
		return 0;
	if (!idem_key_ok(r->idem_key)) {
		req_field(r, "Idempotency-Key", "must be 1 to 255 printable "
		    "characters");
		return reply_error(r, req_fail(r, 400, "bad Idempotency-Key"));
	}
	rc = db_idem_find(r->db, principal, r->idem_key, r->conf->idem_ttl,
	    &a);
	if (rc == -1)
		return 500;
	if (rc == 0)
		return 0;
	if (req_idem_hash(r, h) == -1 || !a.has_hash ||
	    !crypto_eq(a.req_hash, h, 32)) {
		idem_answer_free(&a);
		return reply_error(r, req_fail(r, 422, "this Idempotency-Key "
		    "was used for a different request"));
	}
	rc = crypto_open(r->conf->data_key, a.sealed, a.sealsz, &body,
	    &bodysz);
	idem_answer_free(&a);
	if (rc == -1) {
		log_warnx("stored answer does not open (data_key changed?)");
		return 500;
	}
	req_header(r, "Idempotent-Replayed", "true");
	reply_raw(r, a.status, "application/json", body, bodysz);
	explicit_bzero(body, bodysz);
	free(body);
	return a.status;
}

/*
 * Inside the create's transaction: keep its answer. Returns 1 (kept or no
 * key), 0 (a concurrent request holds the same key: roll back and answer
 * 409) or -1 (error).
 */
int
idem_store(struct req *r, const char *principal, int status,
    const char *json)
{
	unsigned char	 h[32], *sealed;
	size_t		 sz;
	int		 rc;

	if (r->idem_key == NULL)
		return 1;
	if (req_idem_hash(r, h) == -1 ||
	    crypto_seal(r->conf->data_key, json, strlen(json), &sealed,
	    &sz) == -1)
		return -1;
	rc = db_idem_add(r->db, principal, r->idem_key, h, status, sealed,
	    sz);
	free(sealed);
	return rc;
}

/*
 * idem_store for a create that answers 201 with o, under the caller's
 * label (inside the create's transaction). 1, 0 (a concurrent twin), -1.
 */
int
idem_keep(struct req *r, struct json_object *o)
{
	return idem_store(r, r->pr.label, 201, json_text(o));
}
