/*
 * roompool.h: rooms created and configured ahead of time, per office.
 *
 * A visitor's first message normally waits for four MUC round trips
 * (creation, form, submission, owner) and the bot's join before the
 * invitation goes. The pool keeps, for each office, a few rooms that
 * went through all of that already, the office's bot sitting in each:
 * a new conversation takes one and its invitation leaves at once.
 *
 * A pool room is a struct conv that is not in the registry: its id
 * ("v-<hex>", the future conversation's), its room (a fresh random
 * 128-bit name on the MUC service, no office in it) and password are
 * made as intake.c makes them. How many rooms an office keeps follows
 * its arrivals: as many as visitors arrived in the last <room-pool
 * window> seconds, within <room-pool min> and <room-pool max>. A room
 * that sat unused for <room-pool idle> seconds is destroyed (owner
 * destroy IQ); the refill makes a fresh one if the office still needs
 * it. The rooms are kept in SQLite (pool_rooms): after a restart each
 * is checked again by the bot's join (a room the server no longer has
 * is forgotten) and a set-up cut short is finished. Loop thread only.
 */
#ifndef ACCUEIL_ROOMPOOL_H
#define ACCUEIL_ROOMPOOL_H

#include <stddef.h>

#include <strophe.h>

struct app;
struct conf_office;
struct conv;
struct route;

/* Loads the pool rooms kept in the store (at start, after conv_load). */
void roompool_load(struct app *app);

/*
 * Counts one arrival at office o, and takes one of its ready rooms:
 * returns a conversation with id, office, room, password and nicks set
 * and setup_done 1 (room_setup_start() then fires EV_ROOM_JOINED at
 * once), now the caller's; or NULL if o has none ready (the caller
 * makes its own room as before). The room left the pool's table.
 */
struct conv *roompool_take(struct app *app, const struct conf_office *o);

/* Router hook: set-up answers and the bot's presences of pool rooms. */
int roompool_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

/* After each connect: every pool room is checked again (bot rejoins). */
void roompool_resync(struct app *app);

/* The link went down: no pool room counts as ready until checked. */
void roompool_link_down(struct app *app);

/* Timer (every second): refill to the targets, destroy idle rooms. */
int roompool_tick(void *app);

/* Ready rooms of office (NULL: all offices). */
size_t roompool_ready(const char *office);

/* Shutdown: the bot leaves the pool rooms (they stay, and in the store). */
void roompool_shutdown(struct app *app);
void roompool_free_all(void);

#endif
