/*
 * command.h: the counsellors' chat commands.
 *
 * A counsellor's message to v-<id>@D that starts with '/' is a command,
 * never relayed. Commands exist in French and English (/fin and /close).
 * "//text" sends "/text" to the visitor. '!' works as well as '/' (!fin),
 * for clients that keep '/' for themselves; "!!text" sends "!text".
 */
#ifndef ACCUEIL_COMMAND_H
#define ACCUEIL_COMMAND_H

enum command {
	CMD_NONE = 0,	/* not a command: relay the text */
	CMD_HELP,	/* /aide /help */
	CMD_NOTE,	/* /note <text> */
	CMD_CLOSE,	/* /fin /close */
	CMD_DECLINE,	/* /non /no: decline an offer */
	CMD_PAUSE,	/* /pause: take no new chats */
	CMD_RESUME,	/* /reprise /resume */
	CMD_TRANSFER,	/* /transfert /transfer <lang|persona> */
	CMD_CANNED,	/* /r <key>: a canned answer */
	CMD_REQUESTS,	/* /demandes /requests: offline requests */
	CMD_TAKE,	/* /prendre /take <n> */
	CMD_ANSWER,	/* /repondre /répondre /answer <n> <text> */
	CMD_VIDEO,	/* /visio /video: propose video slots */
	CMD_APPOINTMENTS, /* /rdv /appointments: my appointments */
	CMD_CANCEL,	/* /annuler /cancel <n>: cancel an appointment */
	CMD_RESCHEDULE,	/* /deplacer /reschedule <n> */
	CMD_LIVE,	/* /conversations /live: supervisors' list */
	CMD_WATCH,	/* /suivre /watch [v-...]: a live copy */
	CMD_UNWATCH,	/* /arreter /stop: no more copy */
	CMD_TAKEOVER,	/* /reprendre /takeover: under my persona */
	CMD_LANG,	/* /langue /lang <code>: the visitor's language */
	CMD_UNKNOWN,	/* starts with '/' but is none of ours */
};

/*
 * Parses body. Returns the command; *arg points into body at the
 * argument (after spaces), or at the text to relay for CMD_NONE (which
 * skips the escaping '/' of "//text").
 */
enum command command_parse(const char *body, const char **arg);

#endif
