/* sim-backend-builtin.c: the default engine back end.
 *
 * DESIGN NOTES
 * The queue is a 4-ary implicit min-heap of 16-byte records {time, key}, key = seq << 32 | slot:
 * comparing (time, key) compares time, then insertion sequence, so equal times run in insertion
 * order. Four children are one 64-byte cache line: the array is offset by three records so that
 * every sibling group starts on a line boundary. The callback and argument live in a slot pool
 * indexed by the low 32 bits; freed slots go on a LIFO free list, so the slot just freed by the
 * running event is the one its own schedule() reuses (hot in cache). Nothing is allocated per event;
 * the heap and pool grow by doubling.
 *
 * Ids are gen << 32 | slot. A slot's generation is bumped when its event runs or is skipped, so a
 * stale id never matches. Cancel clears the slot's fn and leaves the heap record in place (lazy
 * deletion, as ns-3 and Redis do); the record is dropped when it reaches the top.
 *
 * Invariants: heap_len - cancelled == pending events; every slot is either free or referenced by
 * exactly one heap record; next_seq only grows, and before it would wrap the heap is sorted and
 * renumbered 0..n-1 (a sorted array is a valid heap), once every 4 billion schedulings.
 *
 * Costs: schedule O(log4 n), run per event O(log4 n), cancel O(1).
 */
#include "sim-core/sim-backend.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    SimTime time;
    uint64_t key; /* seq << 32 | slot */
} HeapRec;

typedef struct {
    SimEventFunc fn; /* NULL: cancelled */
    void *arg;
    uint32_t gen;
    uint32_t next_free;
} Slot;

#define NO_SLOT UINT32_MAX
#define ARITY 4

typedef struct {
    SimBackend iface;
    HeapRec *raw;  /* allocation; heap = raw + 3 */
    HeapRec *heap;
    size_t len, cap;
    Slot *slots;
    uint32_t nslots, slot_cap, free_head;
    uint64_t next_seq;
    size_t cancelled;
    SimTime now;
    uint64_t executed;
    gboolean stop;
} Builtin;

static inline gboolean rec_less(const HeapRec *a, const HeapRec *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static void heap_grow(Builtin *b)
{
    size_t ncap = b->cap ? b->cap * 2 : 1024;
    HeapRec *raw = aligned_alloc(64, (ncap + 4) * sizeof(HeapRec));
    g_assert(raw);
    if (b->len)
        memcpy(raw + 3, b->heap, b->len * sizeof(HeapRec));
    free(b->raw);
    b->raw = raw;
    b->heap = raw + 3;
    b->cap = ncap;
}

static uint32_t slot_alloc(Builtin *b)
{
    if (b->free_head != NO_SLOT) {
        uint32_t s = b->free_head;
        b->free_head = b->slots[s].next_free;
        return s;
    }
    if (b->nslots == b->slot_cap) {
        g_assert(b->slot_cap < NO_SLOT / 2);
        b->slot_cap = b->slot_cap ? b->slot_cap * 2 : 1024;
        b->slots = g_renew(Slot, b->slots, b->slot_cap);
    }
    b->slots[b->nslots].gen = 1;
    return b->nslots++;
}

static int cmp_rec(const void *a, const void *b)
{
    return rec_less(a, b) ? -1 : rec_less(b, a) ? 1 : 0;
}

/* Renumbers pending records 0..n-1 in queue order, keeping their relative order. */
static void renumber(Builtin *b)
{
    qsort(b->heap, b->len, sizeof(HeapRec), cmp_rec);
    for (size_t i = 0; i < b->len; i++)
        b->heap[i].key = (uint64_t)i << 32 | (uint32_t)b->heap[i].key;
    b->next_seq = b->len;
}

static SimEventId builtin_schedule(SimBackend *self, SimTime at, SimEventFunc fn, void *arg)
{
    Builtin *b = (Builtin *)self;
    if (G_UNLIKELY(b->len == b->cap))
        heap_grow(b);
    if (G_UNLIKELY(b->next_seq > UINT32_MAX))
        renumber(b);
    uint32_t s = slot_alloc(b);
    Slot *slot = &b->slots[s];
    slot->fn = fn;
    slot->arg = arg;

    HeapRec rec = {at, b->next_seq++ << 32 | s};
    /* Sift up with a hole: move parents down until REC fits. */
    size_t i = b->len++;
    HeapRec *h = b->heap;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!rec_less(&rec, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = rec;
    return (uint64_t)slot->gen << 32 | s;
}

/* Removes the top record. */
static void heap_pop(Builtin *b)
{
    HeapRec *h = b->heap;
    size_t n = --b->len;
    if (n == 0)
        return;
    HeapRec last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = i * ARITY + 1;
        if (c >= n)
            break;
        size_t best = c;
        size_t end = c + ARITY < n ? c + ARITY : n;
        for (size_t k = c + 1; k < end; k++)
            if (rec_less(&h[k], &h[best]))
                best = k;
        if (!rec_less(&h[best], &last))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

static gboolean builtin_cancel(SimBackend *self, SimEventId id)
{
    Builtin *b = (Builtin *)self;
    uint32_t s = (uint32_t)id;
    uint32_t gen = (uint32_t)(id >> 32);
    if (id == 0 || s >= b->nslots)
        return FALSE;
    Slot *slot = &b->slots[s];
    if (slot->gen != gen || slot->fn == NULL)
        return FALSE;
    slot->fn = NULL;
    b->cancelled++;
    return TRUE;
}

static SimTime builtin_now(SimBackend *self)
{
    return ((Builtin *)self)->now;
}

static SimRunStatus builtin_run(SimBackend *self, SimTime until)
{
    Builtin *b = (Builtin *)self;
    b->stop = FALSE;
    while (b->len > 0) {
        HeapRec top = b->heap[0];
        if (top.time > until) {
            b->now = until;
            return SIM_RUN_REACHED;
        }
        heap_pop(b);
        uint32_t s = (uint32_t)top.key;
        Slot *slot = &b->slots[s];
        SimEventFunc fn = slot->fn;
        void *arg = slot->arg;
        slot->gen++;
        slot->next_free = b->free_head;
        b->free_head = s;
        if (G_UNLIKELY(fn == NULL)) {
            b->cancelled--;
            continue;
        }
        b->now = top.time;
        b->executed++;
        fn(arg);
        if (G_UNLIKELY(b->stop))
            return SIM_RUN_STOPPED;
    }
    if (until != SIM_TIME_NEVER && until > b->now)
        b->now = until;
    return SIM_RUN_EMPTY;
}

static void builtin_stop(SimBackend *self)
{
    ((Builtin *)self)->stop = TRUE;
}

static size_t builtin_pending(SimBackend *self)
{
    Builtin *b = (Builtin *)self;
    return b->len - b->cancelled;
}

static uint64_t builtin_executed(SimBackend *self)
{
    return ((Builtin *)self)->executed;
}

static void builtin_destroy(SimBackend *self)
{
    Builtin *b = (Builtin *)self;
    free(b->raw);
    g_free(b->slots);
    g_free(b);
}

SimBackend *sim_backend_builtin_new(void)
{
    Builtin *b = g_new0(Builtin, 1);
    b->iface = (SimBackend){
        .name = "builtin",
        .schedule = builtin_schedule,
        .cancel = builtin_cancel,
        .now = builtin_now,
        .run = builtin_run,
        .stop = builtin_stop,
        .pending = builtin_pending,
        .executed = builtin_executed,
        .destroy = builtin_destroy,
    };
    b->free_head = NO_SLOT;
    heap_grow(b);
    return &b->iface;
}

/* For tests only: pretend 4 billion events were scheduled, to exercise renumbering. */
void sim_backend_builtin_test_set_seq(SimBackend *self, uint64_t seq);
void sim_backend_builtin_test_set_seq(SimBackend *self, uint64_t seq)
{
    ((Builtin *)self)->next_seq = seq;
}
