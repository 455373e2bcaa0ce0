/*
 * followup_data.c: a visitor's consents in their export, their erasure,
 * and withdrawing them (followup.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "followup.h"
#include "log.h"
#include "store.h"
#include "util.h"

int
followup_withdraw(struct app *app, const char *contact)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE consents SET "
	    "withdrawn = ? WHERE contact = ? AND withdrawn IS NULL");
	int n;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, store_now());
	store_bind_text(st, 2, contact);
	if (store_step(app->store, st) < 0)
		return -1;
	n = sqlite3_changes(store_db(app->store));
	st = store_stmt(app->store, "UPDATE followups SET state = 'cancelled' "
	    "WHERE state = 'planned' AND consent IN (SELECT id FROM consents "
	    "WHERE contact = ?)");
	if (st) {
		store_bind_text(st, 1, contact);
		store_step(app->store, st);
	}
	if (n > 0)
		log_info("followup: %d consent(s) withdrawn", n);
	return n;
}

void
followup_export(struct app *app, const char *who, struct buf *out)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, session, "
	    "contact, contact_kind, lang, text, given, withdrawn FROM consents "
	    "WHERE visitor_bare = ?1 OR contact = ?1 ORDER BY id");

	if (st == NULL)
		return;
	store_bind_text(st, 1, who);
	while (store_row(app->store, st) == 1) {
		char withdrawn[48] = "not withdrawn";

		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			snprintf(withdrawn, sizeof(withdrawn), "withdrawn at "
			    "%lld", (long long)sqlite3_column_int64(st, 8));
		buf_appendf(out, "follow-up consent %lld (%s, session %s): "
		    "contact %s (%s), lang %s, given at %lld, %s; text: "
		    "\"%s\"\n", (long long)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_text(st, 2) ? (const char *)
		    sqlite3_column_text(st, 2) : "-",
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5),
		    (long long)sqlite3_column_int64(st, 7), withdrawn,
		    (const char *)sqlite3_column_text(st, 6));
	}
}

int
followup_erase(struct app *app, const char *who)
{
	sqlite3_stmt *st = store_stmt(app->store, "DELETE FROM consents WHERE "
	    "visitor_bare = ?1 OR contact = ?1");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, who);
	if (store_step(app->store, st) < 0)
		return -1;
	st = store_stmt(app->store, "DELETE FROM outbox WHERE recipient = ?");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, who);
	return store_step(app->store, st);
}
