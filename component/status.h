/*
 * status.h: what an office desk shows right now (presence, disco, the
 * queue notices): open or not, counsellors free, visitors waiting and
 * the expected wait. Computed from the registry's counters and the
 * counsellors' presence, without scanning conversations.
 */
#ifndef ACCUEIL_STATUS_H
#define ACCUEIL_STATUS_H

struct app;
struct conf_counsellor;

struct desk_status {
	int open;		/* within opening hours */
	int available;		/* counsellors who can take a chat now */
	int queue;		/* visitors waiting */
	long wait;		/* expected wait for a new visitor, seconds */
};

/* The state of an office desk right now. */
void status_desk(struct app *app, const char *office, struct desk_status *ds);

/* Mean seconds from arrival to take at office (at least 10). */
long status_mean_take(struct app *app, const char *office);

/* 1 if c is online, not paused and under max-chats (offers not counted). */
int status_can_chat(struct app *app, const struct conf_counsellor *c);

#endif
