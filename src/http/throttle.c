/*
 * throttle.c — per-address token buckets for the public API (/public/v1), which has
 * no account to count against: each client address may spend 'burst' requests at
 * once and then 'per_min' a minute.
 *
 * Memory is bounded whatever the number of clients: the table has a fixed number of
 * sets of WAYS slots, the set chosen by a keyed hash of the address (the key is
 * random per process, so nobody can aim many addresses at one set). An address not
 * in its set takes the slot seen least recently. Evicting a busy client only gives
 * it a fresh bucket; an attacker who holds that many addresses is not stopped by a
 * per-address limit anyway, and the check code's 50 bits still are.
 *
 * Time is the monotonic clock, not the context's: moving the test clock must not
 * refill buckets.
 *
 * Knobs (environment, read once at start-up; <P> is the table's prefix):
 *	<P>_PER_MIN   tokens added a minute (may be fractional)
 *	<P>_BURST     size of a bucket
 *	LUZHI_PUBLIC_THROTTLE_SLOTS  slots per table (rounded up to a power of two), 8192
 */
#include "http/http_int.h"

#include "base/log.h"

#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAYS 4
#define SLOTS_DEFAULT 8192
#define SLOTS_MAX (1u << 22)

typedef struct {
	uint64_t key; /* keyed hash of the address; 0 = free */
	double tokens;
	double seen; /* seconds, monotonic */
} slot;

struct lz_throttle {
	pthread_mutex_t lock;
	double per_sec, burst;
	size_t nsets; /* a power of two */
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	slot *slots; /* nsets × WAYS */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A positive number from the environment variable 'name', or 'dflt'. */
static double env_number(const char *name, double dflt)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return dflt;
	d = strtod(v, &end);
	if (*end || !(d > 0) || !isfinite(d)) {
		lz_log(LZ_LOG_WARN, NULL, "%s=%s is not a positive number; using %g", name, v, dflt);
		return dflt;
	}
	return d;
}

lz_throttle *lz_throttle_new(const char *name, const char *env_prefix, double per_min, double burst)
{
	lz_throttle *t = lz_xcalloc(1, sizeof(*t));
	char var[96];
	double slots = env_number("LUZHI_PUBLIC_THROTTLE_SLOTS", SLOTS_DEFAULT);
	size_t n = WAYS;

	snprintf(var, sizeof(var), "%s_PER_MIN", env_prefix);
	per_min = env_number(var, per_min);
	snprintf(var, sizeof(var), "%s_BURST", env_prefix);
	burst = env_number(var, burst);
	if (burst < 1)
		burst = 1;
	while (n < slots && n < SLOTS_MAX)
		n *= 2;
	pthread_mutex_init(&t->lock, NULL);
	t->per_sec = per_min / 60.0;
	t->burst = burst;
	t->nsets = n / WAYS;
	crypto_shorthash_keygen(t->hash_key);
	t->slots = lz_xcalloc(n, sizeof(slot));
	lz_log(LZ_LOG_INFO, NULL, "public throttle %s: %g a minute, bursts of %g, %zu slots", name, per_min,
	       burst, n);
	return t;
}

void lz_throttle_free(lz_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->slots);
	free(t);
}

int lz_throttle_take(lz_throttle *t, const char *address, int *retry_after)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t key;
	double now = now_s(), wait;
	slot *set, *s = NULL;

	*retry_after = 0;
	crypto_shorthash(h, (const unsigned char *)address, strlen(address), t->hash_key);
	memcpy(&key, h, sizeof(key));
	key |= 1; /* never 0, the free mark */

	pthread_mutex_lock(&t->lock);
	set = &t->slots[(key >> 1) % t->nsets * WAYS];
	for (int i = 0; i < WAYS && !s; i++)
		if (set[i].key == key)
			s = &set[i];
	if (!s) {
		s = &set[0];
		for (int i = 1; i < WAYS; i++)
			if (set[i].seen < s->seen)
				s = &set[i];
		s->key = key;
		s->tokens = t->burst;
		s->seen = now;
	}
	s->tokens += (now - s->seen) * t->per_sec;
	if (s->tokens > t->burst)
		s->tokens = t->burst;
	s->seen = now;
	if (s->tokens >= 1) {
		s->tokens -= 1;
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	wait = (1 - s->tokens) / t->per_sec;
	pthread_mutex_unlock(&t->lock);
	*retry_after = wait < 1 ? 1 : wait > 86400 ? 86400 : (int)wait + ((double)(int)wait < wait);
	return lz_error_set(LZ_ETHROTTLED, NULL, "too many requests from this address; try again in %d s",
	                    *retry_after);
}
