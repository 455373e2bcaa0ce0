/*
 * store_schema.c: the database schema, as the list of its migrations.
 *
 * PRAGMA user_version holds how many have run; store_open() runs the
 * rest in order. Append new migrations, never edit old ones.
 */
#include "config.h"

#include <stddef.h>

#include "store.h"
#include "util.h"

const char *const store_migrations[] = {
	/* 1: foundation */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  office TEXT,"
	"  session TEXT,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX events_at ON events(at);"
	"CREATE INDEX events_session ON events(session);"
	"CREATE TABLE subscribers ("
	"  office TEXT NOT NULL,"
	"  jid TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (office, jid));"
	"CREATE TABLE kv ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);",

	/* 2: visitor sessions, transcripts, offers */
	"CREATE TABLE sessions ("
	"  id TEXT PRIMARY KEY,"
	"  office TEXT NOT NULL,"
	"  room TEXT NOT NULL UNIQUE,"
	"  password TEXT NOT NULL,"
	"  visitor TEXT NOT NULL,"
	"  visitor_bare TEXT NOT NULL,"
	"  lang TEXT NOT NULL,"
	"  lang_source TEXT NOT NULL,"
	"  name TEXT, page TEXT, interests TEXT, email TEXT,"
	"  consent INTEGER NOT NULL DEFAULT 0,"
	"  question TEXT,"
	"  state TEXT NOT NULL,"
	"  counsellor TEXT, persona TEXT,"
	"  created INTEGER NOT NULL, taken INTEGER, closed INTEGER,"
	"  close_reason TEXT,"
	"  invited INTEGER NOT NULL DEFAULT 0,"
	"  setup_done INTEGER NOT NULL DEFAULT 0,"
	"  rating INTEGER, comment TEXT);"
	"CREATE INDEX sessions_state ON sessions(state);"
	"CREATE INDEX sessions_visitor ON sessions(visitor_bare);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  role TEXT NOT NULL,"
	"  persona TEXT,"
	"  body TEXT NOT NULL,"
	"  origin_id TEXT,"
	"  relay_id TEXT,"
	"  room_key TEXT,"
	"  relayed INTEGER NOT NULL DEFAULT 0,"
	"  corrects INTEGER REFERENCES messages(id) ON DELETE SET NULL);"
	"CREATE INDEX messages_session ON messages(session, id);"
	"CREATE UNIQUE INDEX messages_room_key ON messages(session, room_key)"
	"  WHERE room_key IS NOT NULL;"
	"CREATE TABLE offers ("
	"  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  counsellor TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  PRIMARY KEY (session, counsellor));",

	/* 3: routing: transfers, alerts, offline requests */
	"ALTER TABLE sessions ADD COLUMN transfer_to TEXT;"
	"ALTER TABLE sessions ADD COLUMN transfer_from TEXT;"
	"ALTER TABLE sessions ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY,"
	"  office TEXT NOT NULL,"
	"  session TEXT,"
	"  lang TEXT NOT NULL,"
	"  name TEXT,"
	"  question TEXT NOT NULL,"
	"  contact TEXT NOT NULL,"
	"  contact_kind TEXT NOT NULL,"	/* email or xmpp */
	"  consent INTEGER NOT NULL DEFAULT 1,"
	"  created INTEGER NOT NULL,"
	"  due INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open',"	/* open taken answered */
	"  counsellor TEXT,"
	"  answered INTEGER,"
	"  answer TEXT);"
	"CREATE INDEX requests_state ON requests(office, state);",

	/* 4: video appointments; one booking per counsellor and start */
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  session TEXT,"
	"  office TEXT NOT NULL,"
	"  counsellor TEXT NOT NULL,"
	"  persona TEXT NOT NULL,"
	"  visitor TEXT,"
	"  visitor_name TEXT,"
	"  lang TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'booked',"	/* booked cancelled */
	"  room TEXT NOT NULL,"
	"  visitor_url TEXT, counsellor_url TEXT, setup_url TEXT,"
	"  uid TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  reminded TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX appointments_slot ON appointments(counsellor, start)"
	"  WHERE state = 'booked';"
	"CREATE INDEX appointments_start ON appointments(state, start);",

	/*
	 * 5: indexes the benchmarks asked for: with 50,000 closed sessions
	 * a routing tick scanned sessions (mean time to take) and offers
	 * (open offers per counsellor) once per waiting visitor.
	 */
	"CREATE INDEX sessions_office_taken ON sessions(office, taken);"
	"CREATE INDEX offers_counsellor ON offers(counsellor, state);",

	/*
	 * 6: the conversation core. Each message keeps the room's XEP-0359
	 * stanza-id (the catch-up pages the room's archive after the last
	 * one seen: mam_last); the survey's start survives a restart; every
	 * nick that was ever ours in a room is remembered, so none of our
	 * own lines is ever taken for the visitor's.
	 */
	"ALTER TABLE messages ADD COLUMN stanza_id TEXT;"
	"CREATE UNIQUE INDEX messages_stanza_id ON messages(session, stanza_id)"
	" WHERE stanza_id IS NOT NULL;"
	"ALTER TABLE sessions ADD COLUMN mam_last TEXT;"
	"ALTER TABLE sessions ADD COLUMN survey_at INTEGER;"
	"CREATE TABLE room_nicks ("
	" session TEXT NOT NULL,"
	" nick TEXT NOT NULL,"
	" PRIMARY KEY (session, nick));",

	/*
	 * 7: statistics (stats.c records what the core's events say, one
	 * row each, with the office, language, persona and counsellor at
	 * that moment) and the quality review on the seeds' grid
	 * (review.c: one score per conversation and reviewer).
	 */
	"CREATE TABLE stat_events ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" office TEXT NOT NULL,"
	" session TEXT,"
	" kind TEXT NOT NULL,"
	" lang TEXT, persona TEXT, counsellor TEXT,"
	" value INTEGER,"
	" ref INTEGER,"
	" detail TEXT);"
	"CREATE INDEX stat_events_kind ON stat_events(office, kind, at);"
	"CREATE INDEX stat_events_session ON stat_events(session, kind);"
	"CREATE INDEX stat_events_ref ON stat_events(ref, kind);"
	"CREATE TABLE reviews ("
	" session TEXT NOT NULL,"
	" reviewer TEXT NOT NULL,"
	" office TEXT NOT NULL,"
	" counsellor TEXT NOT NULL,"
	" persona TEXT,"
	" arrived INTEGER NOT NULL,"
	" at INTEGER NOT NULL,"
	" greeting INTEGER NOT NULL CHECK (greeting BETWEEN 0 AND 2),"
	" first_name INTEGER NOT NULL CHECK (first_name BETWEEN 0 AND 2),"
	" precision INTEGER NOT NULL CHECK (precision BETWEEN 0 AND 2),"
	" enriched INTEGER NOT NULL CHECK (enriched BETWEEN 0 AND 2),"
	" reassurance INTEGER NOT NULL CHECK (reassurance BETWEEN 0 AND 2),"
	" tone INTEGER NOT NULL CHECK (tone BETWEEN 0 AND 2),"
	" timing INTEGER NOT NULL CHECK (timing BETWEEN 0 AND 2),"
	" comment TEXT,"
	" PRIMARY KEY (session, reviewer));"
	"CREATE INDEX reviews_counsellor ON reviews(office, counsellor);",

	/* 8: canned answers, seeded from the configuration, edited by
	 * administrators (a deleted one stays as a tombstone) */
	"CREATE TABLE canned ("
	" office TEXT NOT NULL DEFAULT '',"
	" key TEXT NOT NULL,"
	" lang TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" source TEXT NOT NULL CHECK (source IN ('config', 'admin')),"
	" deleted INTEGER NOT NULL DEFAULT 0,"
	" updated INTEGER NOT NULL,"
	" updated_by TEXT,"
	" PRIMARY KEY (office, key, lang));",
	/*
	 * 9 (email): the outbox (outbox.c: every e-mail is stored before
	 * it is handed to the relay, and marked sent once the relay
	 * accepted it), the visitors' consents to follow-ups with the
	 * exact text they agreed to, and the follow-ups planned from them
	 * (followup.c: one row per consent and kind, so never twice).
	 */
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" office TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" ref INTEGER,"
	" session TEXT,"
	" counsellor TEXT,"
	" recipient TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" message TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'queued',"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" sent INTEGER,"
	" error TEXT);"
	"CREATE INDEX outbox_due ON outbox(state, next_try);"
	"CREATE TABLE consents ("
	" id INTEGER PRIMARY KEY,"
	" office TEXT NOT NULL,"
	" session TEXT,"
	" visitor_bare TEXT,"
	" contact TEXT NOT NULL,"
	" contact_kind TEXT NOT NULL,"
	" lang TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" given INTEGER NOT NULL,"
	" withdrawn INTEGER);"
	"CREATE INDEX consents_contact ON consents(contact);"
	"CREATE INDEX consents_visitor ON consents(visitor_bare);"
	"CREATE TABLE followups ("
	" id INTEGER PRIMARY KEY,"
	" consent INTEGER NOT NULL REFERENCES consents(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL,"
	" due INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'planned',"
	" sent INTEGER,"
	" rating INTEGER,"
	" UNIQUE (consent, kind));"
	"CREATE INDEX followups_due ON followups(state, due);",
	/*
	 * 10: subs.c: when a subscriber was last heard of (unknown ones expire
	 * after <limits subscriber-days>), and the widgets watching a desk
	 * (full JIDs that sent it a directed presence), kept over restarts.
	 */
	"ALTER TABLE subscribers ADD COLUMN seen INTEGER;"
	"UPDATE subscribers SET seen = since;"
	"CREATE INDEX subscribers_seen ON subscribers(seen);"
	"CREATE INDEX subscribers_jid ON subscribers(jid);"
	"CREATE TABLE watchers ("
	" office TEXT NOT NULL,"
	" jid TEXT NOT NULL,"
	" seen INTEGER NOT NULL,"
	" PRIMARY KEY (office, jid));",
	/*
	 * 11: roompool.c: rooms set up ahead of time, not yet anybody's
	 * (ready: configured and the bot in, since then: since).
	 */
	"CREATE TABLE pool_rooms ("
	" id TEXT PRIMARY KEY,"
	" office TEXT NOT NULL,"
	" room TEXT NOT NULL,"
	" password TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" ready INTEGER NOT NULL DEFAULT 0,"
	" since INTEGER);",
	/*
	 * 12: relay.c and msgdb.c look up the lines not yet relayed (the
	 * pending ones, our own posts the room reflects) on every line: only
	 * those are indexed, so a look-up costs O(pending), not O(lines of
	 * the conversation).
	 */
	"CREATE INDEX messages_unrelayed ON messages(session, id)"
	" WHERE relayed = 0;"
	"CREATE INDEX messages_unrelayed_relay_id ON"
	" messages(session, relay_id) WHERE relayed = 0;",
};

int
store_schema_latest(void)
{
	return (int)nitems(store_migrations);
}
