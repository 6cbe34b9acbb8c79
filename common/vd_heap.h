/*  vd_heap: a binary min-heap of slots (small integers the caller owns,
    such as indexes into its array of targets) ordered by a 64-bit key (a
    due time). Every slot knows its position, so a key can change or a slot
    leave in O(log n). Used by the probe's ICMP and SNMP engines.          */
#ifndef VD_HEAP_H_INCLUDED
#define VD_HEAP_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>

typedef struct _vd_heap_t vd_heap_t;

vd_heap_t *vd_heap_new (void);
void vd_heap_destroy (vd_heap_t **self_p);
//  Puts slot (>= 0) in the heap with key, or moves it to key if present.
void vd_heap_set (vd_heap_t *self, int slot, int64_t key);
//  Takes slot out of the heap; nothing if it is not there.
void vd_heap_remove (vd_heap_t *self, int slot);
//  The slot with the smallest key (and its key), or -1 if empty.
int vd_heap_top (vd_heap_t *self, int64_t *key);
//  True if slot is in the heap.
bool vd_heap_has (vd_heap_t *self, int slot);
int vd_heap_size (vd_heap_t *self);
//  Empties the heap.
void vd_heap_clear (vd_heap_t *self);

#endif
