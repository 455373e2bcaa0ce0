/*
 * mail_text.h: the texts of e-mails and follow-ups, per language.
 *
 * Apart from catalog.c (which is full): the same languages, the same
 * fallback (English, then French), printf-style conversions documented
 * next to each id.
 */
#ifndef ACCUEIL_MAIL_TEXT_H
#define ACCUEIL_MAIL_TEXT_H

enum mail_text_id {
	MT_ANSWER_SUBJECT,	/* %s office name */
	MT_HELLO,		/* %s visitor name, or "" */
	MT_YOU_WROTE,		/* before the quoted question */
	MT_SIGNATURE,		/* %1$s persona name, %2$s office name */
	MT_QUEUED,		/* staff: %1$ld request, %2$s address */
	MT_FAILED,		/* staff: %1$s address, %2$d tries, %3$s error,
				 * %4$s subject */
	MT_RATING_SUBJECT,	/* %s office name */
	MT_RATING_BODY,		/* %s persona name */
	MT_NEWS_SUBJECT,	/* %s office name */
	MT_NEWS_BODY,
	MT_STOP_EMAIL,		/* %s the office's contact address */
	MT_STOP_XMPP,
	MT_CONSENT,		/* the consent, as shown and stored */
	MT_RATED,		/* %d the rating */
	MT_WITHDRAWN,
	MT_TRANSCRIPT_SUBJECT,	/* %s office name */
	MT_TRANSCRIPT_INTRO,	/* %s office name */
	MT_TRANSCRIPT_QUEUED,	/* %s address */
	MT_TRANSCRIPT_OFFER,
	MT_CONSENT_ASK,		/* %s the consent (MT_CONSENT) */
	MT_CONSENT_YES,
	MT_CONSENT_NO,
	MT_CONSENT_NOTED,
	MT_CONSENT_NOTED_NO,
	MT__COUNT
};

/* The text in lang (falls back to en, then fr). */
const char *mail_text(const char *lang, enum mail_text_id id);

/* The text formatted (caller frees). */
char *mail_text_format(const char *lang, enum mail_text_id id, ...);

#endif
