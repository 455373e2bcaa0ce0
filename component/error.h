/*
 * error.h: the one error enumeration of accueil, and its messages.
 */
#ifndef ACCUEIL_ERROR_H
#define ACCUEIL_ERROR_H

enum accueil_err {
	ACCUEIL_OK = 0,
	ACCUEIL_ENOMEM,		/* out of memory */
	ACCUEIL_EIO,		/* system call failed, see errno */
	ACCUEIL_ECONFIG,	/* configuration invalid */
	ACCUEIL_ESTORE,		/* database error */
	ACCUEIL_ESCHEMA,	/* database schema newer than this binary */
	ACCUEIL_EINVAL,		/* invalid argument or input */
	ACCUEIL_ENOTFOUND,	/* no such object */
	ACCUEIL_EEXIST,		/* already exists */
	ACCUEIL_ECONFLICT,	/* lost a race (slot booked, session taken) */
	ACCUEIL_ELINK,		/* no connection to the XMPP server */
	ACCUEIL_EPLUGIN,	/* plugin refused or failed */
	ACCUEIL_ERR_MAX
};

/* Returns a static English message for err; never NULL. */
const char *accueil_strerror(enum accueil_err err);

#endif
