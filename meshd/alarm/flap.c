/*  meshd/alarm/flap.c: flap damping (see flap.h).                       */
#include "flap.h"

bool
flap_change (flap_t *self, bool condition, int64_t now, int count, int64_t window_us)
{
    self->condition = condition;
    self->flips [self->head] = now;
    self->head = (self->head + 1) % FLAP_MAX;
    if (self->count < FLAP_MAX)
        self->count++;
    int recent = 0;
    for (int i = 0; i < self->count; i++)
        if (now - self->flips [i] <= window_us)
            recent++;
    return recent >= count;
}

bool
flap_settled (flap_t *self, int64_t now, int64_t window_us)
{
    if (!self->flapping || self->count == 0)
        return false;
    int64_t last = self->flips [(self->head + FLAP_MAX - 1) % FLAP_MAX];
    if (now - last < window_us)
        return false;
    self->flapping = false;
    return true;
}
