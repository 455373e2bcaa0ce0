/*
 * registry.h: the open conversations, found in O(1), and their counters.
 *
 * A conversation (struct conv) is one visitor, one MUC room, one
 * counsellor at a time. The registry indexes the open ones by id
 * ("v-<hex>"), by room JID and by office + visitor bare JID, and keeps
 * as they change the counters routing and the desks read: conversations
 * held per counsellor and visitors waiting per office and language.
 * Whoever changes a conversation's state, counsellor, language or
 * presence calls registry_update() so the counters follow.
 *
 * A closed conversation leaves the indexes at once but is freed only by
 * registry_reap() at the end of the loop iteration, so pointers held by
 * a caller up the stack stay valid. Loop thread only.
 */
#ifndef ACCUEIL_REGISTRY_H
#define ACCUEIL_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <strophe.h>

#include "util.h"

enum conv_state {
	CONV_WAITING = 0,	/* not yet taken by a counsellor */
	CONV_ACTIVE,		/* a counsellor has it */
	CONV_SURVEY,		/* ended, waiting for the satisfaction answer */
	CONV_CLOSED,
	CONV_OFFLINE,		/* nobody can answer: collecting a contact */
};

/* Steps of a room's set-up (room.c). */
enum room_setup {
	ROOM_SETUP_NONE,	/* nothing under way */
	ROOM_SETUP_CREATING,	/* creator presence sent */
	ROOM_SETUP_FORM,	/* configuration form asked for */
	ROOM_SETUP_SUBMIT,	/* configuration submitted */
	ROOM_SETUP_OWNER,	/* bot affiliation being set */
	ROOM_SETUP_DONE,	/* room configured */
};

struct conv {
	/* stored (convdb.c) */
	char *id;		/* v-<hex> */
	char *office;
	char *room;		/* bare room JID */
	char *password;
	char *visitor;		/* last known full JID of the visitor */
	char *lang;
	char *lang_source;	/* form, detected, xml:lang, default, ... */
	char *name;
	char *page;
	char *question;
	char *counsellor;	/* bare JID */
	char *persona;		/* persona localpart */
	char *transfer_to;	/* persona or language asked for, or NULL */
	char *transfer_from;	/* bare JID of the counsellor handing over */
	char *email;		/* from the pre-chat form, with consent */
	char *mam_last;		/* last stanza-id seen from the room */
	struct strlist nicks;	/* every nick that was ever ours in the room */
	enum conv_state state;
	int64_t created;
	int64_t seq;		/* store rowid: arrival order */
	int64_t survey_at;	/* when the survey question was asked */
	int alerted, invited, setup_done;

	/* transient: the room (room.c) */
	enum room_setup setup;
	int64_t setup_at;
	int bot_joined, persona_joined, persona_leaving;
	char *persona_nick;
	int persona_nick_tries;
	int visitors;		/* visitor occupants in the room */
	int64_t left_at;	/* when the last visitor left (0: present) */
	int told_left;
	int absent;		/* the visitor left the room (queue skips) */

	/* transient: the relay (relay.c) */
	int no_mam;		/* the room has no archive: history instead */
	int catching_up;	/* a MAM query is under way */
	int mam_pages;
	xmpp_stanza_t **held;	/* live room messages kept during it */
	size_t nheld;
	int64_t store_told;	/* last time a store failure was told */

	/* transient: the jobs above */
	int survey_prompts;
	int contact_prompts;	/* offline: times the contact was asked */
	int coached;		/* editorial hints given (bits) */
	int counsellor_msgs;	/* counsellor messages relayed */
	const char *close_pending;	/* close at a tick, reason */
	int64_t close_at;	/* ... not before (0: the next one) */
	int close_on_join;	/* ... soon after the visitor joins */
	void *routing;		/* routing's own state, freed by it */
	char *lang_text;	/* first messages, while the language is
				 * unsure (memory only; langguess.h) */
	char *lang_prior;	/* the browser's languages (form "langs") */

	/* the registry's own bookkeeping */
	char *vkey;		/* office + visitor bare, as indexed */
	char *c_active;		/* counsellor counted as holding it */
	char *c_queue;		/* office/lang counted as waiting */
	int closed;		/* out of the indexes, freed at reap */
};

/* A new, empty conversation (caller fills it, then registry_add). */
struct conv *conv_alloc(void);

/* Frees cv and its strings; NULL is fine. Not for registered ones. */
void conv_free(struct conv *cv);

/*
 * fn is called with each conversation added, updated or removed (after
 * its counts moved): routing keeps its queues with it. One watcher.
 */
void registry_watch(void (*fn)(struct conv *cv));

/* Indexes cv (id, room, visitor) and counts it. */
void registry_add(struct conv *cv);

/* Out of the indexes and counters; freed at the next registry_reap(). */
void registry_remove(struct conv *cv);

/* Frees what was removed, calling fn (if not NULL) on each first. Call
 * once per loop iteration. */
void registry_reap(void (*fn)(struct conv *cv));

/* Frees everything (shutdown). */
void registry_free_all(void);

/* Look-ups: the open conversation, or NULL. */
struct conv *registry_find(const char *id);
struct conv *registry_find_room(const char *room_bare);
struct conv *registry_find_visitor(const char *office, const char *bare);

/* The visitor's JID changed (new resource, new anonymous JID). */
void registry_set_visitor(struct conv *cv, const char *full_jid);

/* State, counsellor, language or presence changed: recount cv. */
void registry_update(struct conv *cv);

/* Conversations held by counsellor jid (ACTIVE or in survey: no). */
int registry_active(const char *jid);

/* Visitors waiting (and present) for office in lang, or in all langs. */
int registry_waiting(const char *office, const char *lang);
int registry_waiting_office(const char *office);

/* Open conversations. */
size_t registry_count(void);

/*
 * A snapshot of the open conversations in arrival order (caller frees
 * the array, not the conversations; they stay valid until the next
 * registry_reap()). *n is set to its length.
 */
struct conv **registry_list(size_t *n);

/* 1 if cv is a waiting visitor who is in the room (or never left). */
int conv_is_queued(const struct conv *cv);

#endif
