/*
 * conf_int.h: what the pieces of the configuration parser share.
 *
 * Private to component/conf*.c; everyone else uses conf.h. The schema
 * (conf_schema.c) says, for every element, its parent, how often it may
 * appear, the struct it fills and its attributes (name, type, bounds,
 * default, field). The tree walk (conf_parse.c) reads values through
 * conf_value_parse() (conf_value.c), the cross-reference checks
 * (conf_check.c) run once the walk found no error, and freeing (conf.c)
 * and printing (conf_dump.c) follow the same table, so an option is
 * declared once.
 *
 * This header does not include conf.h, only declares the structs it
 * points to: conf.c includes it, and a header that went back to conf.h
 * would make the two an include cycle (see tests/unit/test_layering.sh).
 */
#ifndef ACCUEIL_CONF_INT_H
#define ACCUEIL_CONF_INT_H

#include <stddef.h>

struct conf;
struct conf_errors;

/* The field of obj at byte offset off, as a type *. */
#define CONF_FIELD(obj, off, type) \
	((type *)(void *)((char *)(obj) + (off)))
/* struct conf_elem's text_off when the element holds no text. */
#define CONF_NO_FIELD ((size_t)-1)

/* Attribute types: how a value is checked, stored, freed and printed. */
enum conf_atype {
	A_STR,		/* free text */
	A_HOST,		/* host name or address */
	A_DOMAIN,	/* DNS-like domain */
	A_ID,		/* our JID localpart: [a-z0-9._-] */
	A_IDS,		/* list of A_ID */
	A_JID,		/* bare JID */
	A_LANG,		/* ISO 639 code */
	A_LANGS,	/* list of A_LANG */
	A_INT,		/* integer within min..max */
	A_TIME,		/* HH:MM, 00:00 to 24:00 */
	A_DAYS,		/* mon tue ... or ranges mon-fri */
	A_DATE,		/* YYYY-MM-DD or MM-DD */
	A_PATH,		/* file path, made absolute */
	A_TZ,		/* IANA time zone */
	A_BOOL,		/* yes/no, stored as an int 1/0 */
};

struct conf_attr {
	const char *name;
	enum conf_atype type;
	int required;
	long min, max;
	const char *def;	/* default, parsed like a value; NULL: none */
	size_t off;
};

struct conf_elem {
	const char *name;
	const char *parent;
	int min, max;		/* occurrences per parent; max 0: unlimited */
	size_t size;		/* item size; 0: fields live in the parent */
	size_t list_off;	/* array pointer in the parent */
	size_t count_off;	/* array count in the parent */
	size_t line_off;	/* int line in the item (or parent) */
	size_t text_off;	/* char *text in the item, or CONF_NO_FIELD */
	const struct conf_attr *attrs;	/* ends with a NULL name */
	const char *doc;
};

/* The schema, in the order the dump prints it (conf_schema.c). */
extern const struct conf_elem conf_schema[];
extern const size_t conf_schema_len;

/* One load: where errors go and what is being filled. */
struct conf_ctx {
	const char *file;	/* name for messages */
	const char *dir;	/* relative paths resolve against it */
	struct conf_errors *errs;
	struct conf *conf;
	int check_secret;	/* 0: the secret file is not read */
};

/* Appends "file:line: message" to c->errs (conf_parse.c). */
void conf_err(struct conf_ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Checks value v of attribute a of element elem (at line) and stores it
 * in the field of obj that a names; on error, adds one message to c and
 * leaves the field as it was (conf_value.c).
 */
void conf_value_parse(struct conf_ctx *c, const char *elem,
    const struct conf_attr *a, const char *v, int line, void *obj);

/* "sun" to "sat", indexed like struct tm's tm_wday (conf_value.c). */
extern const char *const conf_day_names[7];

/*
 * Cross references, defaults that depend on other values, avatars and
 * the secret file, once the tree walk found no error; adds every problem
 * to c (conf_check.c).
 */
void conf_check_semantics(struct conf_ctx *c);

/* Numbers conf (serial) and indexes its counsellors by JID. */
void conf_index(struct conf *conf);

#endif
