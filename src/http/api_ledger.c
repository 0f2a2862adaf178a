/*
 * api_ledger.c — the fund ledger of a bureau (addressed by id or division code):
 *
 *	GET  /api/v1/bureaus/{id}/ledger/checkpoint    the latest signed head {size, root, at, note}
 *	GET  /api/v1/bureaus/{id}/ledger/entries       ?start=&end= → {items, size}
 *	GET  /api/v1/bureaus/{id}/ledger/proof/inclusion    ?index=&size= → {index, size, root, proof}
 *	GET  /api/v1/bureaus/{id}/ledger/proof/consistency  ?first=&second= → {first, second, proof}
 *	GET  /api/v1/bureaus/{id}/ledger/pubkey        the note verifier key {name, key}
 *	POST /api/v1/bureaus/{id}/ledger/countersign   {} — the parent bureau countersigns
 *	GET  /api/v1/ledger/verify                     ?bureau= → the verification report
 *
 * Hashes and leaf bytes travel as standard base64; 'note' is the signed note text
 * exactly as signed. Rights and scope are the ledger module's.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool is_code(const char *s)
{
	if (!s || strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The bureau named by a division code or an id, in the actor's scope. */
static int bureau_ref(int64_t *out, lz_req *r, const char *v)
{
	lz_bureau b;
	char *end;
	int64_t id;
	int error;

	if (is_code(v)) {
		error = lz_bureau_by_code(&b, &r->ctx, v);
	} else {
		id = v && *v ? strtoll(v, &end, 10) : 0;
		if (!v || !*v || *end || id <= 0)
			return lz_error_set(LZ_ENOTFOUND, NULL, "no such bureau");
		error = lz_bureau_get(&b, &r->ctx, id);
	}
	if (error == 0)
		*out = b.id;
	return error;
}

/* A non-negative integer from the query; 'dflt' when absent (or required). */
static int query_count(int64_t *out, lz_req *r, const char *name, bool required, int64_t dflt)
{
	const char *v = lz_http__query(r, name);
	char *end;

	if (!v || !*v) {
		if (required)
			return lz_error_set(LZ_EINVALID, name, "%s is required", name);
		*out = dflt;
		return 0;
	}
	*out = strtoll(v, &end, 10);
	if (*end || v[0] < '0' || v[0] > '9' || *out < 0 || strlen(v) > 18)
		return lz_error_set(LZ_EINVALID, name, "%s must be a whole number", name);
	return 0;
}

static json_t *b64(const uint8_t *h, size_t n)
{
	char out[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(out, sizeof(out), h, n, sodium_base64_VARIANT_ORIGINAL);
	return json_string(out);
}

static json_t *proof_json(const lz_ledger_proof *p)
{
	json_t *a = json_array();
	for (int i = 0; i < p->n; i++)
		json_array_append_new(a, b64(p->hash[i], 32));
	return a;
}

int api_ledger_checkpoint(lz_reply *out, lz_req *r)
{
	lz_ledger_checkpoint_t cp;
	int64_t id;
	int error;

	if ((error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = lz_ledger_checkpoint(&cp, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200,
	              json_pack("{sIsososs}", "size", (json_int_t)cp.size, "root", b64(cp.root, 32), "at",
	                        lz_json_time(cp.at), "note", cp.note));
	return 0;
}

int api_ledger_entries(lz_reply *out, lz_req *r)
{
	int64_t id, start, end, size;
	json_t *items;
	int error;

	if ((error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = query_count(&start, r, "start", false, 0)) < 0 ||
	    (error = query_count(&end, r, "end", false, start + 100)) < 0 ||
	    (error = lz_ledger_size(&size, &r->ctx, id)) < 0 ||
	    (error = lz_ledger_entries(&items, &r->ctx, id, start, end)) < 0)
		return error;
	lz_http__json(out, 200, json_pack("{sosI}", "items", items, "size", (json_int_t)size));
	return 0;
}

int api_ledger_inclusion(lz_reply *out, lz_req *r)
{
	lz_ledger_proof p;
	uint8_t root[32];
	int64_t id, index, size;
	int error;

	if ((error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = query_count(&index, r, "index", true, 0)) < 0 ||
	    (error = query_count(&size, r, "size", true, 0)) < 0 ||
	    (error = lz_ledger_inclusion(&p, &r->ctx, id, index, size)) < 0 ||
	    (error = lz_ledger_root(root, &r->ctx, id, size)) < 0)
		return error;
	lz_http__json(out, 200,
	              json_pack("{sIsIsoso}", "index", (json_int_t)index, "size", (json_int_t)size, "root",
	                        b64(root, 32), "proof", proof_json(&p)));
	return 0;
}

int api_ledger_consistency(lz_reply *out, lz_req *r)
{
	lz_ledger_proof p;
	int64_t id, first, second;
	int error;

	if ((error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = query_count(&first, r, "first", true, 0)) < 0 ||
	    (error = query_count(&second, r, "second", true, 0)) < 0 ||
	    (error = lz_ledger_consistency(&p, &r->ctx, id, first, second)) < 0)
		return error;
	lz_http__json(out, 200,
	              json_pack("{sIsIso}", "first", (json_int_t)first, "second", (json_int_t)second, "proof",
	                        proof_json(&p)));
	return 0;
}

int api_ledger_pubkey(lz_reply *out, lz_req *r)
{
	char key[LZ_LEDGER_VKEY_MAX], name[64];
	int64_t id;
	int error;

	if ((error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = lz_ledger_pubkey(key, &r->ctx, id)) < 0)
		return error;
	snprintf(name, sizeof(name), "%.*s", (int)(strchr(key, '+') - key), key);
	lz_http__json(out, 200, json_pack("{ssss}", "name", name, "key", key));
	return 0;
}

int api_ledger_countersign(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {NULL};
	lz_ledger_checkpoint_t cp;
	json_t *body = NULL;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = bureau_ref(&id, r, lz_http__param(r, "id"))) < 0 ||
	    (error = lz_ledger_countersign(&cp, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(
	    out, 200,
	    json_pack("{sIsoss}", "size", (json_int_t)cp.size, "root", b64(cp.root, 32), "note", cp.note));
done:
	json_decref(body);
	return error;
}

int api_ledger_verify(lz_reply *out, lz_req *r)
{
	const char *bureau = lz_http__query(r, "bureau");
	lz_ledger_report rep;
	int64_t id = 0;
	json_t *body;
	int error;

	if (bureau && *bureau && (error = bureau_ref(&id, r, bureau)) < 0)
		return error;
	if ((error = lz_ledger_verify(&rep, &r->ctx, id)) < 0)
		return error;
	body = json_pack("{sbsisIsI}", "ok", rep.ok, "bureaus", rep.bureaus, "entries",
	                 (json_int_t)rep.entries, "checkpoints", (json_int_t)rep.checkpoints);
	if (!rep.ok)
		json_object_set_new(body, "first_bad",
		                    json_pack("{sIsssIssss}", "bureau_id", (json_int_t)rep.bad_bureau_id,
		                              "bureau", rep.bad_bureau_code, "index",
		                              (json_int_t)rep.first_bad_index, "problem",
		                              lz_ledger_problem_name(rep.problem), "message", rep.message));
	lz_http__json(out, 200, body);
	return 0;
}
