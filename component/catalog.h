/*
 * catalog.h: every text the component shows to people, per language.
 *
 * Texts live in one table (catalog.c), not in the code that uses them.
 * Visitors get their language, counsellors the language set in their
 * <counsellor lang>. A text missing in a language falls back to English,
 * then French. Texts may hold printf-style conversions, documented next
 * to each id: callers pass the arguments in that order.
 */
#ifndef ACCUEIL_CATALOG_H
#define ACCUEIL_CATALOG_H

#include <stddef.h>

enum msg {
	MSG_OFFICE_OPEN,	/* office presence: chat open */
	MSG_OFFICE_CLOSED,	/* %s: when it opens next */
	MSG_OFFICE_CLOSED_NO_DATE,
	MSG_WEEKDAY_0,	/* Sunday */
	MSG_WEEKDAY_1,
	MSG_WEEKDAY_2,
	MSG_WEEKDAY_3,
	MSG_WEEKDAY_4,
	MSG_WEEKDAY_5,
	MSG_WEEKDAY_6,
	MSG_DATE_AT,	/* %1$s weekday %2$d day %3$02d:%4$02d */
	MSG_GREET_NAMED,	/* %1$s visitor first name, %2$s bot name, %3$s office name */
	MSG_GREET,	/* %1$s unused, %2$s bot name, %3$s office name */
	MSG_NEXT_STEP,
	MSG_YOUR_QUESTION,	/* %s: the first question */
	MSG_LANG_FALLBACK,	/* %s: name of the language used instead */
	MSG_TAKEN,	/* %1$s persona name, %2$s persona title */
	MSG_NOBODY_YET,
	MSG_INVITE,	/* %1$s office name, %2$s room JID, %3$s password */
	MSG_FORM_INVALID,	/* %s: what was wrong */
	MSG_TOO_LONG,	/* %d: the limit in bytes */
	MSG_EMPTY,
	MSG_JOIN_ROOM,	/* %s: room JID */
	MSG_SURVEY,
	MSG_SURVEY_THANKS,
	MSG_SURVEY_AGAIN,
	MSG_GOODBYE,
	MSG_SURVEY_FORM_TITLE,
	MSG_SURVEY_RATING_LABEL,
	MSG_SURVEY_COMMENT_LABEL,
	MSG_LANG_NAME_FR,	/* language names, in the reader's language */
	MSG_LANG_NAME_EN,
	MSG_LANG_NAME_CA,
	MSG_LANG_NAME_ES,
	MSG_LANG_NAME_DE,
	MSG_LANG_NAME_IT,
	MSG_LANG_NAME_NL,
	MSG_LANG_NAME_PT,
	MSG_PRIVATE,	/* %s: a notice to a counsellor, marked as never shown to the visitor */
	MSG_OFFER,	/* %1$s who, %2$s lang, %3$s page, %4$s office, %5$s question */
	MSG_VISITOR,	/* default visitor name */
	MSG_TAKEN_BY_YOU,	/* %s: persona name */
	MSG_TAKEN_BY_OTHER,	/* %s: who took it */
	MSG_NOT_YOURS,	/* %s: who has it */
	MSG_ENDED,
	MSG_HELP,
	MSG_UNKNOWN_COMMAND,	/* %s: the command */
	MSG_NOTE_SAVED,
	MSG_NOTE_EMPTY,
	MSG_CLOSING,
	MSG_VISITOR_LEFT,
	MSG_VISITOR_BACK,
	MSG_VISITOR_GONE,
	MSG_RATED,	/* %1$d rating, %2$s comment */
	MSG_OMEMO,
	MSG_NOT_STAFF,
	MSG_NOT_OFFERED,
	MSG_HISTORY_HEADER,
	MSG_RELAY_FAILED,
	MSG_STORE_FAILED,	/* visitor: the message could not be kept */
	MSG_STORE_FAILED_STAFF,	/* counsellor: a visitor line was lost, asked again */
	MSG_STORE_FAILED_MINE,	/* counsellor: their own line was not kept */
	MSG_BUSY_NEW,	/* a new visitor while the store fails */
	MSG_TRANSFER_OFFER,	/* transfer: same arguments as MSG_OFFER */
	MSG_OFFER_WITHDRAWN,
	MSG_ALERT,	/* %1$s office, %2$ld seconds waited, %3$s lang, %4$s question */
	MSG_QUEUE,	/* %1$d position, %2$ld minutes */
	MSG_QUEUE_NOW,	/* position 1, a counsellor is being alerted */
	MSG_OFFLINE_CLOSED,	/* %1$s next opening */
	MSG_OFFLINE_NOBODY,
	MSG_ASK_CONTACT,	/* %1$d hours */
	MSG_REQUEST_FILED,	/* %1$s contact, %2$d hours */
	MSG_REQUEST_ANSWER,	/* %1$s office, %2$s question, %3$s answer */
	MSG_HANDOVER,	/* %1$s new persona */
	MSG_TRANSFERRED,	/* %1$s new persona */
	MSG_TRANSFER_STARTED,	/* %1$s target */
	MSG_TRANSFER_FAILED,
	MSG_TRANSFER_BAD,	/* %1$s what was asked */
	MSG_CONTEXT,	/* header of the last messages given to a new counsellor */
	MSG_DECLINED,
	MSG_PAUSED,
	MSG_RESUMED,
	MSG_REQUESTS_NONE,
	MSG_REQUESTS_PENDING,	/* %1$d number */
	MSG_REQUEST_LINE,	/* %1$ld id, %2$s lang, %3$s contact, %4$s due, %5$s question */
	MSG_REQUEST_HOWTO,
	MSG_REQUEST_TAKEN,	/* %1$ld id, %2$s contact, %3$s question */
	MSG_REQUEST_NOT_FOUND,	/* %1$s what was given */
	MSG_REQUEST_SENT,	/* %1$ld id, %2$s contact */
	MSG_REQUEST_EMAIL,	/* %1$ld id, %2$s address */
	MSG_CANNED_UNKNOWN,	/* %1$s key, %2$s known keys */
	MSG_OFFICE_BUSY,	/* desk presence: open but nobody free */
	MSG_OFFICE_WAIT,	/* %1$ld minutes */
	MSG_CONSOLE_HELP,
	MSG_VIDEO_SLOTS,	/* %1$s persona name */
	MSG_VIDEO_NOW,
	MSG_VIDEO_NONE,
	MSG_VIDEO_FORM_TITLE,
	MSG_VIDEO_BOOKED,	/* %1$s when, %2$s persona, %3$s link */
	MSG_VIDEO_TAKEN,
	MSG_VIDEO_SUMMARY,	/* %1$s office, %2$s persona */
	MSG_VIDEO_COUNSELLOR_BOOKED,	/* %1$ld id, %2$s when, %3$s visitor, %4$s your link */
	MSG_VIDEO_SETUP,	/* %1$s setup link */
	MSG_VIDEO_PROPOSED,	/* %1$d number of slots */
	MSG_VIDEO_NO_PROVIDER,
	MSG_VIDEO_VISITOR_ASKS,
	MSG_VIDEO_REMINDER,	/* %1$ld id, %2$ld minutes, %3$s visitor, %4$s link */
	MSG_VIDEO_VISITOR_REMINDER,	/* %1$ld minutes, %2$s persona, %3$s link */
	MSG_VIDEO_LIST_NONE,
	MSG_VIDEO_LIST_LINE,	/* %1$ld id, %2$s when, %3$s visitor, %4$s link */
	MSG_VIDEO_CANCELLED,	/* %1$s when */
	MSG_VIDEO_COUNSELLOR_CANCELLED,	/* %1$ld id, %2$s when */
	MSG_VIDEO_NOT_FOUND,	/* %1$s what was given */
	MSG_VIDEO_NOT_HERE,
	MSG_VP_HERE,	/* v- presence: %1$s visitor's language */
	MSG_VP_QUIET,	/* v- presence, away: %1$s last line HH:MM */
	MSG_VP_LEFT,	/* v- presence, gone: %1$s left at HH:MM */
	MSG_VP_ENDED,	/* v- presence, gone: the chat ended or is not yours */
	MSG_CANNED_LIST,	/* %1$s visitor's language, %2$s keys in it, %3$s others */
	MSG_CANNED_NONE,
	MSG_CANNED_BAD_VAR,	/* %1$s key, %2$s variable, %3$s known ones */
	MSG_CANNED_CLOSED_TODAY,	/* {horaires} on a closed day */
	MSG_CANNED_OPEN_NOW,	/* {ouverture} while open */
	MSG_SUP_HELP,
	MSG_SUP_LIST_NONE,
	MSG_SUP_LIST_LINE,	/* %1$s id, %2$s office, %3$s lang, %4$s persona or state, %5$ld minutes, %6$ld lines, %7$s watched mark */
	MSG_SUP_NOT_FOUND,	/* %1$s id */
	MSG_SUP_NOT_YOURS,
	MSG_SUP_WATCHING,	/* %1$s id, %2$s visitor, %3$s persona */
	MSG_SUP_NO_PERSONA,
	MSG_SUP_NOT_ACTIVE,
	MSG_SUP_ALREADY,
	MSG_SUP_COPY,	/* %1$s who, %2$s text */
	MSG_SUP_CLOSED,	/* %1$s id */
	MSG_SUP_NO_HOLDER,
	MSG_SUP_WHISPER,	/* %1$s supervisor, %2$s text */
	MSG_SUP_STOPPED,
	/* language and territory: texts in catalog_lang.c */
	MSG_LANG_NAME_OC,
	MSG_POOLED_ANSWER,	/* %1$s persona name, %2$s answering office */
	MSG_LANG_SWITCHED,	/* visitor: %1$s language name */
	MSG_LANG_SET,		/* counsellor: %1$s language name */
	MSG_LANG_USAGE,		/* counsellor: %1$s what was given */
	MSG_SLOW_DOWN,	/* a visitor's lines come too fast: merged */
	MSG_TOO_MANY,	/* %1$d seconds to wait before a new request */
	MSG_MAX
};

/* 1 if lang ("ca", "ca-ES", "ca_ES") is the language code. */
int catalog_lang_is(const char *code, const char *lang);

/* catalog_staff.c: presence, canned answers and supervision, or NULL. */
const char *catalog_staff_text(const char *lang, enum msg id);

/* catalog_lang.c: the language and territory texts, or NULL. */
const char *catalog_lang_text(const char *lang, enum msg id);

/* Returns the text for id in lang (ISO 639-1); never NULL. Static. */
const char *catalog_text(const char *lang, enum msg id);

/* 1 if the catalogue has its own texts for lang. */
int catalog_has_lang(const char *lang);

/* The languages the catalogue covers, NULL-terminated. */
extern const char *const catalog_langs[];


/*
 * Formats text id in lang with the arguments into buf (size bytes).
 * Returns buf.
 */
char *catalog_format(char *buf, size_t size, const char *lang, enum msg id,
    ...);

/*
 * Formats text id in lang with the arguments, as catalog_format does (same
 * lookup and fallback), into a new string of whatever length: nothing is
 * cut. Returns it; the caller frees it with free(). Never NULL (aborts on
 * memory exhaustion). Arguments are copied as they are: run visitor text
 * through text_clean() first, or the result through it after.
 */
char *catalog_aformat(const char *lang, enum msg id, ...);

#endif
