/*
 * The hub catalog (GET /api/mnoe/v2/apps and /apps/{id}): the apps a
 * tenant's express frontend lists, filtered, sorted and paged in one
 * statement (STMT_HUB_APPS_* in db_sql.c, one per sort order). Its
 * reader is h_hub.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "extern.h"

/*
 * The catalog of tenant tid (see STMT_HUB_APPS_*). 0 with *rows (owned;
 * columns in enum catcol order) and *total, or -1.
 */
int
db_catalog(struct dbx *dx, long long tid, const struct catq *q,
    struct dbres **rows, long long *total)
{
	static const enum stmt	 by_sort[CS__MAX] = {
		[CS_DEFAULT] = STMT_HUB_APPS_RANK,
		[CS_RANK] = STMT_HUB_APPS_RANK,
		[CS_RANK_DESC] = STMT_HUB_APPS_RANK_DESC,
		[CS_NAME] = STMT_HUB_APPS_NAME,
		[CS_NAME_DESC] = STMT_HUB_APPS_NAME_DESC,
		[CS_UPDATED] = STMT_HUB_APPS_UPDATED,
		[CS_UPDATED_DESC] = STMT_HUB_APPS_UPDATED_DESC,
	};
	struct dbres		*rs;
	struct dbp		 p[12];

	*rows = NULL;
	*total = 0;
	if ((size_t)q->sort >= CS__MAX)
		fatalx("sort %d out of range", (int)q->sort);
	p[0] = dbp_int(tid);
	p[1] = dbp_int(q->all);
	p[2] = q->active == -1 ? dbp_null() : dbp_int(q->active);
	p[3] = p[2];
	p[4] = dbp_str(q->nids);
	p[5] = p[4];
	p[6] = dbp_str(q->stack);
	p[7] = p[6];
	p[8] = q->app_id == 0 ? dbp_null() : dbp_int(q->app_id);
	p[9] = p[8];
	p[10] = dbp_int(q->limit);
	p[11] = dbp_int(q->offset);
	if (db_query(dx->db, by_sort[q->sort], p, 12, rows) == -1)
		return -1;
	if ((*rows)->nrow > 0) {
		*total = dbres_int(*rows, 0, CC_TOTAL);
		return 0;
	}
	/* A page past the end has no row to carry the total. */
	if (q->offset == 0)
		return 0;
	if (db_query(dx->db, STMT_HUB_APPS_COUNT, p, 10, &rs) == -1) {
		dbres_free(*rows);
		*rows = NULL;
		return -1;
	}
	*total = dbres_int(rs, 0, 0);
	dbres_free(rs);
	return 0;
}
