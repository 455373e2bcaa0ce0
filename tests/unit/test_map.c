/*
 * test_map.c: the string hash map: set, get, delete, case folding,
 * counters (a count back to 0 drops the key), growth past thousands of
 * keys, and foreach visiting each entry once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "tap.h"

#define MANY 5000

struct tally {
	size_t n;
	long sum;
	int bad;
	char seen[MANY];
};

static void
tally_cb(const char *key, void *value, long count, void *ud)
{
	struct tally *t = ud;
	int k;

	t->n++;
	t->sum += count;
	if (sscanf(key, "key-%d", &k) != 1 || k < 0 || k >= MANY ||
	    t->seen[k] || value != &t->seen[k]) {
		t->bad++;
		return;
	}
	t->seen[k] = 1;
}

static void
count_cb(const char *key, void *value, long count, void *ud)
{
	struct tally *t = ud;

	(void)key;
	(void)value;
	t->n++;
	t->sum += count;
}

static void
test_basic(void)
{
	struct map m = {0};
	int a, b, c;

	ok(map_get(&m, "x") == NULL, "an empty map has nothing");
	ok(map_del(&m, "x") == NULL, "deleting from an empty map is NULL");
	is_int(map_count(&m, "x"), 0, "an empty map counts 0");
	ok(map_get(&m, NULL) == NULL && map_del(&m, NULL) == NULL &&
	        map_count(&m, NULL) == 0,
	    "a NULL key finds nothing");
	map_set(&m, "a", &a);
	map_set(&m, "b", &b);
	ok(map_get(&m, "a") == &a && map_get(&m, "b") == &b, "set then get");
	is_int(m.n, 2, "two entries");
	map_set(&m, "a", &c);
	ok(map_get(&m, "a") == &c, "set replaces the value");
	is_int(m.n, 2, "replacing adds no entry");
	ok(map_get(&m, "A") == NULL, "without folding, case matters");
	ok(map_del(&m, "a") == &c, "delete returns the value");
	ok(map_get(&m, "a") == NULL, "a deleted key is gone");
	ok(map_del(&m, "a") == NULL, "deleting twice returns NULL");
	ok(map_get(&m, "b") == &b, "the other key stays");
	is_int(m.n, 1, "one entry left");
	map_set(&m, "", &a);
	ok(map_get(&m, "") == &a, "the empty string is a key");
	map_free(&m);
	ok(m.buckets == NULL && m.n == 0 && m.nbuckets == 0,
	    "map_free empties the map");
	ok(map_get(&m, "b") == NULL, "a freed map is empty");
	map_set(&m, "again", &a);
	ok(map_get(&m, "again") == &a, "a freed map can be used again");
	map_free(&m);
	map_free(&m);
	ok(1, "map_free twice is fine");
}

static void
test_fold(void)
{
	struct map m = {.fold = 1};
	struct map plain = {0};
	int a, b;

	map_set(&m, "Room@Salons.Example", &a);
	ok(map_get(&m, "room@salons.example") == &a, "folded: lower case "
	                                             "finds mixed case");
	ok(map_get(&m, "ROOM@SALONS.EXAMPLE") == &a, "folded: upper case too");
	map_set(&m, "ROOM@salons.example", &b);
	is_int(m.n, 1, "folded: differently cased keys are one key");
	ok(map_get(&m, "room@salons.example") == &b, "folded: set replaced it");
	ok(map_del(&m, "rOOm@SaLoNs.ExAmPlE") == &b, "folded: delete in "
	                                             "any case");
	is_int(m.n, 0, "folded: gone");
	is_int(map_add(&m, "Marie@OT.example", 1), 1, "folded counter");
	is_int(map_add(&m, "marie@ot.EXAMPLE", 1), 2,
	    "folded counter adds "
	    "across cases");
	is_int(map_count(&m, "MARIE@ot.example"), 2, "folded count");
	map_free(&m);

	map_set(&plain, "Key", &a);
	map_set(&plain, "key", &b);
	is_int(plain.n, 2, "not folded: two keys");
	ok(map_get(&plain, "Key") == &a && map_get(&plain, "key") == &b,
	    "not folded: each its own value");
	map_free(&plain);
}

static void
test_counters(void)
{
	struct map m = {0};
	struct tally t = {0};

	is_int(map_add(&m, "cahors/fr", 1), 1, "counter starts at delta");
	is_int(map_add(&m, "cahors/fr", 2), 3, "counter adds");
	is_int(map_count(&m, "cahors/fr"), 3, "map_count reads it");
	ok(map_get(&m, "cahors/fr") != NULL, "a counted key is present");
	is_int(map_add(&m, "cahors/fr", -3), 0, "back to 0");
	ok(map_get(&m, "cahors/fr") == NULL, "at 0 the key is dropped");
	is_int(m.n, 0, "no entry left");
	is_int(map_count(&m, "cahors/fr"), 0, "count of a dropped key is 0");
	is_int(map_add(&m, "x", -1), 0, "a negative add on a new key is 0");
	is_int(m.n, 0, "and leaves no entry");
	is_int(map_add(&m, "x", 0), 0, "adding 0 to a new key is 0");
	is_int(m.n, 0, "and leaves no entry either");
	map_add(&m, "y", 2);
	is_int(map_add(&m, "y", -5), 0, "going below 0 drops the key");
	is_int(m.n, 0, "no entry left");
	is_int(map_add(&m, "y", 1), 1,
	    "a dropped counter starts again "
	    "from 0");
	map_add(&m, "z", 4);
	map_foreach(&m, count_cb, &t);
	ok(t.n == 2 && t.sum == 5, "foreach sees the counts");
	map_free(&m);
}

static void
test_growth(void)
{
	static struct tally t;
	struct map m = {0};
	char key[32];
	int i, found = 0, gone = 0, kept = 0;

	for (i = 0; i < MANY; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		map_set(&m, key, &t.seen[i]);
	}
	is_int(m.n, MANY, "5000 keys stored");
	ok(m.nbuckets >= MANY && (m.nbuckets & (m.nbuckets - 1)) == 0,
	    "buckets grew (a power of two, load under 1)");
	ok(m.n <= m.nbuckets * 3 / 4, "load factor stays under 3/4");
	for (i = 0; i < MANY; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		if (map_get(&m, key) == &t.seen[i])
			found++;
	}
	is_int(found, MANY, "every key is found after growing");
	memset(&t, 0, sizeof(t));
	map_foreach(&m, tally_cb, &t);
	ok(t.n == MANY && t.bad == 0, "foreach visits each entry once, with "
	                              "its value");
	for (i = 0; i < MANY; i += 2) {
		snprintf(key, sizeof(key), "key-%d", i);
		if (map_del(&m, key) == &t.seen[i])
			gone++;
	}
	is_int(gone, MANY / 2, "half the keys deleted");
	for (i = 0; i < MANY; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		if ((map_get(&m, key) != NULL) == (i % 2 == 1))
			kept++;
	}
	is_int(kept, MANY,
	    "the other half is still there, the deleted "
	    "ones are not");
	is_int(m.n, MANY / 2, "entry count follows deletes");
	memset(&t, 0, sizeof(t));
	map_foreach(&m, tally_cb, &t);
	ok(t.n == MANY / 2 && t.bad == 0, "foreach after deletes");
	map_free(&m);

	/* counters past thousands of keys */
	for (i = 0; i < MANY; i++) {
		snprintf(key, sizeof(key), "c-%d", i % 1000);
		map_add(&m, key, 1);
	}
	is_int(m.n, 1000, "1000 counters");
	is_int(map_count(&m, "c-999"), MANY / 1000, "each counted 5 times");
	for (i = 0; i < MANY; i++) {
		snprintf(key, sizeof(key), "c-%d", i % 1000);
		map_add(&m, key, -1);
	}
	is_int(m.n, 0, "all counters back to 0 leave an empty map");
	map_free(&m);
}

static void
test_foreach_empty(void)
{
	struct map m = {0};
	struct tally t = {0};

	map_foreach(&m, count_cb, &t);
	is_int(t.n, 0, "foreach on an empty map calls nothing");
}

int
main(void)
{
	test_basic();
	test_fold();
	test_counters();
	test_growth();
	test_foreach_empty();
	return tap_done();
}
