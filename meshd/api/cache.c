/*  meshd/api/cache.c: lists written a moment ago, kept for the next same
    request. A dashboard or a console asks for the same device list over
    and over; its values come from what compaction last stored (every
    store/compact_interval), so a reply up to api/list_cache old tells
    nothing older. Any write through the API (every write is audited)
    moves the generation on, and the last event recorded is part of the
    key (api.c), so what was kept before either is not served: a device
    added, or one whose state changed, is listed at once. A few slots, replaced oldest first;
    one lock, held to copy a reply in or out.                               */
#include "api/api.h"
#include <pthread.h>

#define CACHE_SLOTS     8

typedef struct {
    char *key;
    char *text;
    int64_t made_ms;            //  monotonic
    uint64_t generation;
} slot_t;

struct _api_cache_t {
    pthread_mutex_t lock;
    int64_t ttl_ms;
    slot_t slots [CACHE_SLOTS];
    int next;                   //  the slot replaced next
};

api_cache_t *
api_cache_new (int64_t ttl_ms)
{
    api_cache_t *self = (api_cache_t *) zmalloc (sizeof (api_cache_t));
    pthread_mutex_init (&self->lock, NULL);
    self->ttl_ms = ttl_ms;
    return self;
}

void
api_cache_destroy (api_cache_t **self_p)
{
    api_cache_t *self = *self_p;
    if (!self)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        free (self->slots [i].key);
        free (self->slots [i].text);
    }
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

char *
api_cache_get (api_cache_t *self, const char *key, uint64_t generation)
{
    if (!self || self->ttl_ms <= 0)
        return NULL;
    char *text = NULL;
    int64_t now = vd_mono_ms ();
    pthread_mutex_lock (&self->lock);
    for (int i = 0; i < CACHE_SLOTS && !text; i++) {
        slot_t *slot = &self->slots [i];
        if (slot->key && streq (slot->key, key) && slot->generation == generation
        &&  now - slot->made_ms < self->ttl_ms)
            text = strdup (slot->text);
    }
    pthread_mutex_unlock (&self->lock);
    return text;
}

void
api_cache_put (api_cache_t *self, const char *key, const char *text, uint64_t generation)
{
    if (!self || self->ttl_ms <= 0 || !text)
        return;
    char *key_copy = strdup (key), *text_copy = strdup (text);
    pthread_mutex_lock (&self->lock);
    slot_t *slot = NULL;
    for (int i = 0; i < CACHE_SLOTS && !slot; i++)
        if (self->slots [i].key && streq (self->slots [i].key, key))
            slot = &self->slots [i];
    if (!slot) {
        slot = &self->slots [self->next];
        self->next = (self->next + 1) % CACHE_SLOTS;
    }
    free (slot->key);
    free (slot->text);
    *slot = (slot_t) { key_copy, text_copy, vd_mono_ms (), generation };
    pthread_mutex_unlock (&self->lock);
}
