/*
 * status.c: a desk's state from the counters (status.h).
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "conf.h"
#include "convdb.h"
#include "office.h"
#include "registry.h"
#include "staff.h"
#include "status.h"
#include "store.h"
#include "territory.h"
#include "util.h"

#define DEFAULT_TAKE 60		/* seconds to take, before any history */

long
status_mean_take(struct app *app, const char *office)
{
	long m = convdb_mean_take(app, office, DEFAULT_TAKE);

	return m < 10 ? 10 : m;
}

int
status_can_chat(struct app *app, const struct conf_counsellor *c)
{
	return staff_is_online(c->jid) && !staff_is_paused(app, c->jid) &&
	    registry_active(c->jid) < c->max_chats;
}

void
status_desk(struct app *app, const char *office, struct desk_status *ds)
{
	const struct conf_office *o = conf_office(app->conf, office), *h;
	const char *who = office;
	size_t i;

	memset(ds, 0, sizeof(*ds));
	if (o == NULL)
		return;
	ds->open = office_is_open(o, store_now());
	/* closed, handing over: open, with the open office's counsellors */
	if (!ds->open && (h = territory_handover(app->conf, o,
	    store_now())) != NULL) {
		ds->open = 1;
		who = h->id;
	}
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (strlist_has(&c->offices, who) && status_can_chat(app, c))
			ds->available++;
	}
	ds->queue = registry_waiting_office(office);
	ds->wait = (long)(ds->queue + 1) * status_mean_take(app, office) /
	    (ds->available > 0 ? ds->available : 1);
	if (ds->available > 0 && ds->queue == 0)
		ds->wait = 0;
}
