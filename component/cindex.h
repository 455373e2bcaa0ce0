/*
 * cindex.h: the counsellors who can take a chat now, per office and
 * language, in the order routing offers them.
 *
 * Each counsellor is an entry with their load (chats held + open
 * offers), when they last took a chat, their place in the configuration
 * and whether they are able (online, not paused, under max-chats). Each
 * pool (one office, one language they speak there) holds its able
 * entries twice: by load (least busy, then longest idle, then rank: the
 * ring-group and least-busy order) and by rank (round robin). Whoever
 * changes what an entry depends on calls cidx_touch(jid) (O(1), no
 * look-up); cidx_sync() reads the touched entries again through the
 * caller's probe and moves them, O(log n) each. A pick walks a pool
 * from its best entry, skipping those the caller rules out. Loop thread
 * only; no SQL.
 */
#ifndef ACCUEIL_CINDEX_H
#define ACCUEIL_CINDEX_H

#include <stddef.h>
#include <stdint.h>

enum cidx_order {
	CIDX_BY_LOAD,	/* load, then longest idle, then rank */
	CIDX_BY_TURN,	/* rank, starting after the last one offered */
};

/* What probe tells of a counsellor; returns 1 if they are able. */
typedef int (*cidx_probe)(const char *jid, int *load, int64_t *taken_at,
    void *ud);

/* Forgets every entry and pool. */
void cidx_clear(void);

/*
 * Adds counsellor jid (rank: their place in the configuration) to the
 * pools of each office in offices × each language in langs. Not able
 * until a sync finds them so.
 */
void cidx_add(const char *jid, int rank, const char *const *offices,
    size_t noffices, const char *const *langs, size_t nlangs);

/* Something about jid changed: read again at the next sync. */
void cidx_touch(const char *jid);

/* Every entry changed (a disconnect, a reload). */
void cidx_touch_all(void);

/* Reads the touched entries again (all when all is 1). */
void cidx_sync(cidx_probe probe, void *ud, int all);

/*
 * Fills out with up to nout able counsellors of office for lang, best
 * first in order, skipping those skip returns 1 for. after (BY_TURN:
 * the last one offered, or NULL) is where the turn starts. Returns how
 * many; costs O(log n + k) for k entries looked at.
 */
size_t cidx_pick(const char *office, const char *lang, enum cidx_order order,
    const char *after, int (*skip)(const char *jid, void *ud), void *ud,
    const char **out, size_t nout);

/* Able counsellors in the pool of office and lang. */
size_t cidx_able(const char *office, const char *lang);

/* Able counsellors anywhere. */
size_t cidx_able_total(void);

/* 1 if jid has an entry. */
int cidx_known(const char *jid);

#endif
