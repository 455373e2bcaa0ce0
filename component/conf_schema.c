/*
 * conf_schema.c: the schema of accueil.conf.xml, as tables.
 *
 * Every element names its parent, how often it may appear, the struct it
 * fills and its attributes (name, type, required, bounds, default, field).
 * Reading (conf_parse.c), defaults, freeing (conf.c) and printing
 * (conf_dump.c) all follow these tables, so an option is declared here
 * once. The order of conf_schema is the order of `accueild -n`'s output.
 */
#include "config.h"

#include <stddef.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

#define F(type, field) offsetof(type, field)

static const struct conf_attr server_attrs[] = {
	{"host", A_HOST, 1, 0, 0, NULL, F(struct conf, server_host)},
	{"port", A_INT, 0, 1, 65535, "5347", F(struct conf, server_port)},
	{"secret-file", A_PATH, 1, 0, 0, NULL, F(struct conf, secret_file)},
	{"reconnect-min", A_INT, 0, 1, 3600, "1",
	    F(struct conf, reconnect_min)},
	{"reconnect-max", A_INT, 0, 1, 86400, "60",
	    F(struct conf, reconnect_max)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr component_attrs[] = {
	{"domain", A_DOMAIN, 1, 0, 0, NULL, F(struct conf, domain)},
	{"muc", A_DOMAIN, 1, 0, 0, NULL, F(struct conf, muc)},
	{"lang", A_LANG, 0, 0, 0, "fr", F(struct conf, lang)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr database_attrs[] = {
	{"path", A_PATH, 1, 0, 0, NULL, F(struct conf, db_path)},
	{"retention-days", A_INT, 0, 1, 36500, "365",
	    F(struct conf, retention_days)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr limits_attrs[] = {
	{"visitor-burst", A_INT, 0, 1, 10000, "20",
	    F(struct conf, visitor_burst)},
	{"visitor-per-minute", A_INT, 0, 1, 60000, "30",
	    F(struct conf, visitor_per_minute)},
	{"merge-delay", A_INT, 0, 1, 60, "3", F(struct conf, merge_delay)},
	{"host-burst", A_INT, 0, 1, 100000, "300",
	    F(struct conf, host_burst)},
	{"host-per-minute", A_INT, 0, 1, 100000, "300",
	    F(struct conf, host_per_minute)},
	{"office-burst", A_INT, 0, 1, 100000, "100",
	    F(struct conf, office_burst)},
	{"office-per-minute", A_INT, 0, 1, 100000, "60",
	    F(struct conf, office_per_minute)},
	{"max-subscribers", A_INT, 0, 1, 1000000, "10000",
	    F(struct conf, max_subscribers)},
	{"subscriber-days", A_INT, 0, 1, 3650, "30",
	    F(struct conf, subscriber_days)},
	{"max-watchers", A_INT, 0, 1, 1000000, "10000",
	    F(struct conf, max_watchers)},
	{"watcher-hours", A_INT, 0, 1, 8760, "24",
	    F(struct conf, watcher_hours)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr pool_attrs[] = {
	{"min", A_INT, 0, 0, 1000, "2", F(struct conf, pool_min)},
	{"max", A_INT, 0, 0, 10000, "50", F(struct conf, pool_max)},
	{"window", A_INT, 0, 10, 600, "60", F(struct conf, pool_window)},
	{"idle", A_INT, 0, 60, 604800, "1800", F(struct conf, pool_idle)},
	{"setups", A_INT, 0, 1, 1000, "64", F(struct conf, pool_setups)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr jid_attrs[] = {
	{"jid", A_JID, 1, 0, 0, NULL, F(struct conf_jid, jid)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr bot_attrs[] = {
	{"id", A_ID, 1, 0, 0, NULL, F(struct conf_bot, id)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_bot, name)},
	{"title", A_STR, 0, 0, 0, NULL, F(struct conf_bot, title)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_bot, avatar)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr office_attrs[] = {
	{"id", A_ID, 1, 0, 0, NULL, F(struct conf_office, id)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_office, name)},
	{"timezone", A_TZ, 1, 0, 0, NULL, F(struct conf_office, timezone)},
	{"languages", A_LANGS, 1, 0, 0, NULL,
	    F(struct conf_office, languages)},
	{"default-lang", A_LANG, 0, 0, 0, NULL,
	    F(struct conf_office, default_lang)},
	{"fallback-langs", A_LANGS, 0, 0, 0, NULL,
	    F(struct conf_office, fallback_langs)},
	{"answer-delay", A_INT, 0, 1, 24 * 30, "48",
	    F(struct conf_office, answer_delay)},
	{"offer-size", A_INT, 0, 1, 50, "2", F(struct conf_office, offer_size)},
	{"offer-timeout", A_INT, 0, 5, 3600, "45",
	    F(struct conf_office, offer_timeout)},
	{"alert-delay", A_INT, 0, 5, 86400, "120",
	    F(struct conf_office, alert_delay)},
	{"max-wait", A_INT, 0, 10, 86400, "600",
	    F(struct conf_office, max_wait)},
	{"away-grace", A_INT, 0, 5, 3600, "90",
	    F(struct conf_office, away_grace)},
	{"bot", A_ID, 1, 0, 0, NULL, F(struct conf_office, bot)},
	{"contact", A_STR, 0, 0, 0, NULL, F(struct conf_office, contact)},
	{"coach", A_STR, 0, 0, 0, "yes", F(struct conf_office, coach)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_office, avatar)},
	{"routing", A_ID, 0, 0, 0, "ring-group",
	    F(struct conf_office, routing)},
	{"reminders", A_IDS, 0, 0, 0, "60 10",
	    F(struct conf_office, reminders)},
	{"summary-days", A_DAYS, 0, 0, 0, NULL,
	    F(struct conf_office, summary_days)},
	{"summary-time", A_TIME, 0, 0, 0, "08:00",
	    F(struct conf_office, summary_time)},
	{"followup-rating", A_INT, 0, 0, 365, "2",
	    F(struct conf_office, followup_rating)},
	{"followup-news", A_INT, 0, 0, 365, "7",
	    F(struct conf_office, followup_news)},
	{"closed-handover", A_BOOL, 0, 0, 0, "no",
	    F(struct conf_office, closed_handover)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr hours_attrs[] = {
	{"days", A_DAYS, 1, 0, 0, NULL, F(struct conf_hours, days)},
	{"open", A_TIME, 1, 0, 0, NULL, F(struct conf_hours, open)},
	{"close", A_TIME, 1, 0, 0, NULL, F(struct conf_hours, close)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr holiday_attrs[] = {
	{"date", A_DATE, 1, 0, 0, NULL, F(struct conf_holiday, date)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr counsellor_attrs[] = {
	{"jid", A_JID, 1, 0, 0, NULL, F(struct conf_counsellor, jid)},
	{"persona", A_ID, 1, 0, 0, NULL, F(struct conf_counsellor, persona)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_counsellor, name)},
	{"title", A_STR, 0, 0, 0, NULL, F(struct conf_counsellor, title)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_counsellor, avatar)},
	{"languages", A_LANGS, 1, 0, 0, NULL,
	    F(struct conf_counsellor, languages)},
	{"lang", A_LANG, 0, 0, 0, NULL, F(struct conf_counsellor, lang)},
	{"max-chats", A_INT, 0, 1, 20, "3",
	    F(struct conf_counsellor, max_chats)},
	{"offices", A_IDS, 1, 0, 0, NULL, F(struct conf_counsellor, offices)},
	{"pooled", A_BOOL, 0, 0, 0, "no", F(struct conf_counsellor, pooled)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr video_attrs[] = {
	{"days", A_DAYS, 1, 0, 0, NULL, F(struct conf_video, days)},
	{"from", A_TIME, 1, 0, 0, NULL, F(struct conf_video, from)},
	{"to", A_TIME, 1, 0, 0, NULL, F(struct conf_video, to)},
	{"slot", A_INT, 0, 10, 240, "30", F(struct conf_video, slot)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr plugin_attrs[] = {
	{"name", A_ID, 1, 0, 0, NULL, F(struct conf_plugin, name)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr option_attrs[] = {
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_option, name)},
	{"value", A_STR, 1, 0, 0, NULL, F(struct conf_option, value)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr canned_attrs[] = {
	{"key", A_ID, 1, 0, 0, NULL, F(struct conf_canned, key)},
	{"lang", A_LANG, 1, 0, 0, NULL, F(struct conf_canned, lang)},
	{"office", A_ID, 0, 0, 0, NULL, F(struct conf_canned, office)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr plugin_file_attrs[] = {
	{"path", A_PATH, 1, 0, 0, NULL, F(struct conf_plugin_file, path)},
	{"offices", A_IDS, 0, 0, 0, NULL, F(struct conf_plugin_file, offices)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr text_attrs[] = {
	{"lang", A_LANG, 1, 0, 0, NULL, F(struct conf_text, lang)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr smtp_attrs[] = {
	{"url", A_STR, 1, 0, 0, NULL, F(struct conf_smtp, url)},
	{"from", A_STR, 1, 0, 0, NULL, F(struct conf_smtp, from)},
	{"user", A_STR, 0, 0, 0, NULL, F(struct conf_smtp, user)},
	{"secret-file", A_PATH, 0, 0, 0, NULL,
	    F(struct conf_smtp, secret_file)},
	{"tls", A_ID, 0, 0, 0, "required", F(struct conf_smtp, tls)},
	{"ca-file", A_PATH, 0, 0, 0, NULL, F(struct conf_smtp, ca_file)},
	{"retries", A_INT, 0, 1, 50, "8", F(struct conf_smtp, retries)},
	{"backoff", A_INT, 0, 1, 86400, "60", F(struct conf_smtp, backoff)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct conf_attr territory_attrs[] = {
	{"id", A_ID, 1, 0, 0, NULL, F(struct conf_territory, id)},
	{"name", A_STR, 0, 0, 0, NULL, F(struct conf_territory, name)},
	{"offices", A_IDS, 1, 0, 0, NULL, F(struct conf_territory, offices)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

#define ARRAY(ptype, item, list, count)                                       \
	sizeof(item), F(ptype, list), F(ptype, count), F(item, line)

const struct conf_elem conf_schema[] = {
	{"server", "accueil", 1, 1, 0, 0, 0, F(struct conf, server_line),
	    CONF_NO_FIELD, server_attrs, "the link to the XMPP server"},
	{"component", "accueil", 1, 1, 0, 0, 0, F(struct conf, component_line),
	    CONF_NO_FIELD, component_attrs, "the component's domain and MUC"},
	{"database", "accueil", 1, 1, 0, 0, 0, F(struct conf, database_line),
	    CONF_NO_FIELD, database_attrs, "the SQLite database"},
	{"limits", "accueil", 0, 1, 0, 0, 0, F(struct conf, limits_line),
	    CONF_NO_FIELD, limits_attrs, "rate limits, caps and expiry"},
	{"room-pool", "accueil", 0, 1, 0, 0, 0, F(struct conf, pool_line),
	    CONF_NO_FIELD, pool_attrs, "rooms set up ahead, per office"},
	{"admin", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_jid, admins, nadmins), CONF_NO_FIELD,
	    jid_attrs, "an administrator"},
	{"bot", "accueil", 1, 0,
	    ARRAY(struct conf, struct conf_bot, bots, nbots), CONF_NO_FIELD,
	    bot_attrs, "a robot persona"},
	{"office", "accueil", 1, 0,
	    ARRAY(struct conf, struct conf_office, offices, noffices),
	    CONF_NO_FIELD, office_attrs, "a tourism office's desk"},
	{"hours", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_hours, hours, nhours),
	    CONF_NO_FIELD, hours_attrs, "opening hours"},
	{"holiday", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_holiday, holidays,
		nholidays),
	    CONF_NO_FIELD, holiday_attrs, "a closed day"},
	{"supervisor", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_jid, supervisors,
		nsupervisors),
	    CONF_NO_FIELD, jid_attrs, "a supervisor alerted on waits"},
	{"name", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_text, names, nnames),
	    F(struct conf_text, text), text_attrs,
	    "the office's name in another language"},
	{"counsellor", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_counsellor, counsellors,
		ncounsellors),
	    CONF_NO_FIELD, counsellor_attrs, "a counsellor and their persona"},
	{"video", "counsellor", 0, 0,
	    ARRAY(struct conf_counsellor, struct conf_video, video, nvideo),
	    CONF_NO_FIELD, video_attrs, "video appointment hours"},
	{"title", "counsellor", 0, 0,
	    ARRAY(struct conf_counsellor, struct conf_text, titles, ntitles),
	    F(struct conf_text, text), text_attrs,
	    "the persona's title in another language"},
	{"plugin", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_plugin, plugins, nplugins),
	    CONF_NO_FIELD, plugin_attrs, "a plugin and its options"},
	{"option", "plugin", 0, 0,
	    ARRAY(struct conf_plugin, struct conf_option, options, noptions),
	    CONF_NO_FIELD, option_attrs, "a plugin option"},
	{"plugin-file", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_plugin_file, plugin_files,
		nplugin_files),
	    CONF_NO_FIELD, plugin_file_attrs,
	    "an event plugin loaded from a shared object"},
	{"canned", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_canned, canned, ncanned),
	    F(struct conf_canned, text), canned_attrs, "a canned answer"},
	{"smtp", "accueil", 0, 1,
	    ARRAY(struct conf, struct conf_smtp, smtp, nsmtp), CONF_NO_FIELD,
	    smtp_attrs, "the relay for outgoing e-mail (docs/email.md)"},
	{"smtp", "office", 0, 1,
	    ARRAY(struct conf_office, struct conf_smtp, smtp, nsmtp),
	    CONF_NO_FIELD, smtp_attrs, "the office's own e-mail relay"},
	{"territory", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_territory, territories,
		nterritories),
	    CONF_NO_FIELD, territory_attrs, "offices pooling their languages"},
};

const size_t conf_schema_len = nitems(conf_schema);
