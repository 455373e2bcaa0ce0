/*
 * ratelimit.h: rate limits with a notice, never silent.
 *
 * Hooks the core's events: visitor-line (a visitor over their burst has
 * their lines held, then merged for the counsellor; they are asked to
 * slow down, once per episode) and conv-ask (too many new conversations
 * from one server-side host or for one office: refused with the seconds
 * to wait). The limits are the config's <limits>. Loop thread only.
 */
#ifndef ACCUEIL_RATELIMIT_H
#define ACCUEIL_RATELIMIT_H

#include <stddef.h>

/* Hooks the events. */
void ratelimit_init(void);

/* Once a second: sends what was held, drops full buckets. Returns 1. */
int ratelimit_tick(void *app);

/* Buckets held in memory (for tests and the soak). */
size_t ratelimit_entries(void);

/* Frees every bucket (shutdown). */
void ratelimit_free_all(void);

#endif
