/*
 * transcript.h: the visitor's conversation by e-mail, at the end.
 *
 * When an office has a relay (outbox.h), the survey message is followed
 * by an offer (MT_TRANSCRIPT_OFFER); while the survey waits, a line that
 * holds an e-mail address queues the transcript to it (mailer.h) and the
 * bot says so. A line that also holds a rating ("4, camille@...") goes on
 * to the survey. The widget sends the address the same way, as a line.
 */
#ifndef ACCUEIL_TRANSCRIPT_H
#define ACCUEIL_TRANSCRIPT_H

/* Hooks the end of a conversation and the survey's lines. */
void transcript_init(void);

#endif
