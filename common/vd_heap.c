/*  vd_heap: binary min-heap of slots by key, with positions.  */
#include "vd_heap.h"
#include <stdlib.h>
#include <assert.h>

struct _vd_heap_t {
    int *heap;                  //  slots, heap-ordered by key
    int size;
    int64_t *key;               //  per slot
    int *position;              //  per slot: index in heap, -1 if absent
    int slots;                  //  allocated per-slot entries
    int capacity;               //  allocated heap entries
};

vd_heap_t *
vd_heap_new (void)
{
    vd_heap_t *self = (vd_heap_t *) calloc (1, sizeof (vd_heap_t));
    assert (self);
    return self;
}

void
vd_heap_destroy (vd_heap_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->heap);
        free ((*self_p)->key);
        free ((*self_p)->position);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_swap (vd_heap_t *self, int a, int b)
{
    int slot_a = self->heap [a], slot_b = self->heap [b];
    self->heap [a] = slot_b;
    self->heap [b] = slot_a;
    self->position [slot_b] = a;
    self->position [slot_a] = b;
}

static bool
s_less (vd_heap_t *self, int a, int b)
{
    return self->key [self->heap [a]] < self->key [self->heap [b]];
}

static void
s_up (vd_heap_t *self, int i)
{
    while (i > 0 && s_less (self, i, (i - 1) / 2)) {
        s_swap (self, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void
s_down (vd_heap_t *self, int i)
{
    while (true) {
        int left = 2 * i + 1, right = left + 1, smallest = i;
        if (left < self->size && s_less (self, left, smallest))
            smallest = left;
        if (right < self->size && s_less (self, right, smallest))
            smallest = right;
        if (smallest == i)
            return;
        s_swap (self, i, smallest);
        i = smallest;
    }
}

void
vd_heap_set (vd_heap_t *self, int slot, int64_t key)
{
    assert (slot >= 0);
    if (slot >= self->slots) {
        int slots = self->slots? self->slots: 64;
        while (slots <= slot)
            slots *= 2;
        self->key = (int64_t *) realloc (self->key, (size_t) slots * sizeof (int64_t));
        self->position = (int *) realloc (self->position, (size_t) slots * sizeof (int));
        assert (self->key && self->position);
        for (int i = self->slots; i < slots; i++)
            self->position [i] = -1;
        self->slots = slots;
    }
    int at = self->position [slot];
    if (at < 0) {
        if (self->size == self->capacity) {
            self->capacity = self->capacity? self->capacity * 2: 64;
            self->heap = (int *) realloc (self->heap, (size_t) self->capacity * sizeof (int));
            assert (self->heap);
        }
        self->key [slot] = key;
        at = self->size++;
        self->heap [at] = slot;
        self->position [slot] = at;
        s_up (self, at);
        return;
    }
    int64_t old = self->key [slot];
    self->key [slot] = key;
    if (key < old)
        s_up (self, at);
    else
        s_down (self, at);
}

void
vd_heap_remove (vd_heap_t *self, int slot)
{
    if (!vd_heap_has (self, slot))
        return;
    int at = self->position [slot];
    int last = --self->size;
    if (at != last) {
        s_swap (self, at, last);
        self->position [slot] = -1;
        s_down (self, at);
        s_up (self, at);
    }
    else
        self->position [slot] = -1;
}

int
vd_heap_top (vd_heap_t *self, int64_t *key)
{
    if (self->size == 0)
        return -1;
    if (key)
        *key = self->key [self->heap [0]];
    return self->heap [0];
}

bool
vd_heap_has (vd_heap_t *self, int slot)
{
    return slot >= 0 && slot < self->slots && self->position [slot] >= 0;
}

int
vd_heap_size (vd_heap_t *self)
{
    return self->size;
}

void
vd_heap_clear (vd_heap_t *self)
{
    for (int i = 0; i < self->size; i++)
        self->position [self->heap [i]] = -1;
    self->size = 0;
}
