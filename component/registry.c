/*
 * registry.c: the indexes and counters behind registry.h.
 *
 * Three string maps point at the same conversations (by id, by room, by
 * office + visitor), an array keeps arrival order for listings, and two
 * counter maps follow the states. Each conversation remembers what it is
 * counted as (c_active, c_queue), so registry_update() moves one count
 * from the old key to the new one in O(1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cindex.h"
#include "map.h"
#include "registry.h"
#include "stanza.h"
#include "util.h"

static struct map by_id;
static struct map by_room = {.fold = 1};
static struct map by_visitor = {.fold = 1};
static struct map active = {.fold = 1};	/* counsellor jid -> count */
static struct map waiting = {.fold = 1};	/* "office/lang" -> count */
static struct map waiting_office;		/* office -> count */

static struct conv **order;	/* open ones, arrival order */
static size_t norder;
static void (*watch)(struct conv *cv);	/* registry_watch() */
static struct conv **dead;	/* removed, freed at reap */
static size_t ndead;

struct conv *
conv_alloc(void)
{
	return xcalloc(1, sizeof(struct conv));
}

void
conv_free(struct conv *cv)
{
	if (cv == NULL)
		return;
	free(cv->id);
	free(cv->office);
	free(cv->room);
	free(cv->password);
	free(cv->visitor);
	free(cv->lang);
	free(cv->lang_source);
	free(cv->name);
	free(cv->page);
	free(cv->question);
	free(cv->lang_text);
	free(cv->lang_prior);
	free(cv->counsellor);
	free(cv->persona);
	free(cv->transfer_to);
	free(cv->transfer_from);
	free(cv->email);
	free(cv->mam_last);
	strlist_free(&cv->nicks);
	free(cv->persona_nick);
	free(cv->vkey);
	free(cv->c_active);
	free(cv->c_queue);
	free(cv->routing);
	for (size_t i = 0; i < cv->nheld; i++)
		xmpp_stanza_release(cv->held[i]);
	free(cv->held);
	free(cv);
}

static char *
visitor_key(const char *office, const char *bare)
{
	return xasprintf("%s\n%s", office, bare);
}

int
conv_is_queued(const struct conv *cv)
{
	return cv->state == CONV_WAITING && !cv->absent && !cv->closed;
}

/* Moves cv's counts to what its fields say now. */
static void
recount(struct conv *cv)
{
	char *want_active = NULL, *want_queue = NULL;

	if (!cv->closed && cv->state == CONV_ACTIVE && cv->counsellor)
		want_active = xstrdup(cv->counsellor);
	if (conv_is_queued(cv) && cv->lang)
		want_queue = xasprintf("%s/%s", cv->office, cv->lang);
	if (cv->c_active && (want_active == NULL ||
	    strcasecmp(want_active, cv->c_active) != 0)) {
		map_add(&active, cv->c_active, -1);
		cidx_touch(cv->c_active);
		free(cv->c_active);
		cv->c_active = NULL;
	}
	if (want_active && cv->c_active == NULL) {
		map_add(&active, want_active, 1);
		cidx_touch(want_active);
		cv->c_active = want_active;
		want_active = NULL;
	}
	if (cv->c_queue && (want_queue == NULL ||
	    strcasecmp(want_queue, cv->c_queue) != 0)) {
		map_add(&waiting, cv->c_queue, -1);
		map_add(&waiting_office, cv->office, -1);
		free(cv->c_queue);
		cv->c_queue = NULL;
	}
	if (want_queue && cv->c_queue == NULL) {
		map_add(&waiting, want_queue, 1);
		map_add(&waiting_office, cv->office, 1);
		cv->c_queue = want_queue;
		want_queue = NULL;
	}
	free(want_active);
	free(want_queue);
	if (watch)
		watch(cv);
}

void
registry_watch(void (*fn)(struct conv *cv))
{
	watch = fn;
}

void
registry_set_visitor(struct conv *cv, const char *full)
{
	if (full == NULL)
		return;
	if (cv->visitor != full) {
		free(cv->visitor);
		cv->visitor = xstrdup(full);
	}
	if (cv->closed)
		return;
	if (cv->vkey && map_get(&by_visitor, cv->vkey) == cv)
		map_del(&by_visitor, cv->vkey);
	free(cv->vkey);
	{
		/* stanza_bare() returns a static buffer: copy it first */
		char *bare = xstrdup(stanza_bare(full));

		cv->vkey = visitor_key(cv->office, bare);
		free(bare);
	}
	map_set(&by_visitor, cv->vkey, cv);
}

void
registry_add(struct conv *cv)
{
	map_set(&by_id, cv->id, cv);
	map_set(&by_room, cv->room, cv);
	order = xreallocarray(order, norder + 1, sizeof(*order));
	order[norder++] = cv;
	registry_set_visitor(cv, cv->visitor);
	recount(cv);
}

void
registry_remove(struct conv *cv)
{
	size_t i;

	if (cv->closed)
		return;
	if (map_get(&by_id, cv->id) == cv)
		map_del(&by_id, cv->id);
	if (map_get(&by_room, cv->room) == cv)
		map_del(&by_room, cv->room);
	if (cv->vkey && map_get(&by_visitor, cv->vkey) == cv)
		map_del(&by_visitor, cv->vkey);
	cv->closed = 1;
	recount(cv);
	for (i = 0; i < norder; i++)
		if (order[i] == cv) {
			memmove(&order[i], &order[i + 1], (norder - i - 1) *
			    sizeof(*order));
			norder--;
			break;
		}
	dead = xreallocarray(dead, ndead + 1, sizeof(*dead));
	dead[ndead++] = cv;
}

void
registry_reap(void (*fn)(struct conv *cv))
{
	size_t i;

	for (i = 0; i < ndead; i++) {
		if (fn)
			fn(dead[i]);
		conv_free(dead[i]);
	}
	ndead = 0;
}

void
registry_free_all(void)
{
	size_t i;

	registry_reap(NULL);
	for (i = 0; i < norder; i++)
		conv_free(order[i]);
	free(order);
	free(dead);
	order = dead = NULL;
	norder = 0;
	map_free(&by_id);
	map_free(&by_room);
	map_free(&by_visitor);
	map_free(&active);
	map_free(&waiting);
	map_free(&waiting_office);
}

struct conv *
registry_find(const char *id)
{
	return id ? map_get(&by_id, id) : NULL;
}

struct conv *
registry_find_room(const char *room)
{
	return room ? map_get(&by_room, room) : NULL;
}

struct conv *
registry_find_visitor(const char *office, const char *bare)
{
	char *k;
	struct conv *cv;

	if (office == NULL || bare == NULL)
		return NULL;
	k = visitor_key(office, bare);
	cv = map_get(&by_visitor, k);
	free(k);
	return cv;
}

void
registry_update(struct conv *cv)
{
	recount(cv);
}

int
registry_active(const char *jid)
{
	return jid ? (int)map_count(&active, jid) : 0;
}

int
registry_waiting(const char *office, const char *lang)
{
	char *k;
	int n;

	if (office == NULL)
		return 0;
	if (lang == NULL)
		return registry_waiting_office(office);
	k = xasprintf("%s/%s", office, lang);
	n = (int)map_count(&waiting, k);
	free(k);
	return n;
}

int
registry_waiting_office(const char *office)
{
	return office ? (int)map_count(&waiting_office, office) : 0;
}

size_t
registry_count(void)
{
	return norder;
}

struct conv **
registry_list(size_t *n)
{
	struct conv **v = xcalloc(norder + 1, sizeof(*v));

	if (norder > 0)		/* order is NULL when empty (UBSan) */
		memcpy(v, order, norder * sizeof(*v));
	*n = norder;
	return v;
}
