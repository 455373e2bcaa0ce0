/*
 * survey.h: the satisfaction question at the end of a conversation.
 *
 * When the counsellor ends a chat (EV_CONV_ENDED), the bot asks for a
 * rating from 1 to 5 and a comment, as text and as a XEP-0004 form; the
 * visitor answers "4", "4 merci" or the form. The answer is read only
 * from lines that reach the room after the question (live, or caught up
 * from the archive after an outage): a line replayed from the history
 * is never taken for an answer, and a restart neither closes the survey
 * nor invents a rating.
 */
#ifndef ACCUEIL_SURVEY_H
#define ACCUEIL_SURVEY_H

/* Hooks the survey to the core's events. Call once at start. */
void survey_init(void);

/*
 * Reads a rating from a text answer: returns 1..5 and sets *comment to
 * the rest (borrowed from text, may be ""), or 0 if text is no rating.
 */
int survey_parse(const char *text, const char **comment);

#endif
