/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console ring (shared with a guest that may misbehave) and the
 * bounded output buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "consd.h"

/*
 * The guest writes the producer index of out[] and the consumer index of
 * in[] at any time: read each once, and never trust a distance larger
 * than the ring.
 */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

size_t cons_ring_out_avail(const struct cons_ring *r)
{
    uint32_t prod = READ_ONCE(r->out_prod);
    uint32_t cons = READ_ONCE(r->out_cons);
    uint32_t n = prod - cons;

    return n > CONS_OUT_SIZE ? CONS_OUT_SIZE : n;
}

size_t cons_ring_read_out(struct cons_ring *r, char *dst, size_t n)
{
    uint32_t prod = READ_ONCE(r->out_prod);
    uint32_t cons = READ_ONCE(r->out_cons);
    size_t done = 0;

    /* A producer more than a ring ahead is bogus: take the last ring. */
    if ( prod - cons > CONS_OUT_SIZE )
        cons = prod - CONS_OUT_SIZE;
    /* The data must be read after the index that published it. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    while ( done < n && cons != prod )
    {
        size_t off = cons % CONS_OUT_SIZE;
        size_t chunk = CONS_OUT_SIZE - off;

        if ( chunk > (uint32_t)(prod - cons) )
            chunk = prod - cons;
        if ( chunk > n - done )
            chunk = n - done;
        memcpy(dst + done, (const char *)r->out + off, chunk);
        done += chunk;
        cons += chunk;
    }
    /* Our reads of the data complete before the guest may reuse it. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    WRITE_ONCE(r->out_cons, cons);
    return done;
}

size_t cons_ring_in_space(const struct cons_ring *r)
{
    uint32_t used = READ_ONCE(r->in_prod) - READ_ONCE(r->in_cons);

    return used > CONS_IN_SIZE ? 0 : CONS_IN_SIZE - used;
}

size_t cons_ring_write_in(struct cons_ring *r, const char *src, size_t n)
{
    uint32_t prod = READ_ONCE(r->in_prod);
    uint32_t cons = READ_ONCE(r->in_cons);
    uint32_t used = prod - cons;
    size_t done = 0, space;

    if ( used > CONS_IN_SIZE )
        return 0;
    space = CONS_IN_SIZE - used;
    if ( n > space )
        n = space;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    while ( done < n )
    {
        size_t off = prod % CONS_IN_SIZE;
        size_t chunk = CONS_IN_SIZE - off;

        if ( chunk > n - done )
            chunk = n - done;
        memcpy(r->in + off, src + done, chunk);
        done += chunk;
        prod += chunk;
    }
    /* The data is visible before the index that publishes it. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    WRITE_ONCE(r->in_prod, prod);
    return done;
}

/* --- the output buffer ---------------------------------------------------- */

void cons_buf_init(struct cons_buf *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit;
}

void cons_buf_free(struct cons_buf *b)
{
    free(b->data);
    cons_buf_init(b, b->limit);
}

void cons_buf_append(struct cons_buf *b, const char *p, size_t n)
{
    size_t need;

    if ( n == 0 )
        return;
    if ( b->limit && n > b->limit )
    {
        /* Only the newest `limit' bytes of this chunk can survive. */
        b->dropped += b->len + (n - b->limit);
        p += n - b->limit;
        n = b->limit;
        b->start = b->len = 0;
    }
    else if ( b->limit && b->len + n > b->limit )
    {
        size_t drop = b->len + n - b->limit;

        b->dropped += drop;
        b->start += drop;
        b->len -= drop;
    }

    need = b->len + n;
    if ( b->start + need > b->cap )
    {
        if ( need <= b->cap && b->start > 0 )
        {
            memmove(b->data, b->data + b->start, b->len);
            b->start = 0;
        }
        else
        {
            size_t cap = b->cap ? b->cap : 4096;
            char *nd;

            while ( cap < need )
                cap *= 2;
            if ( b->limit && cap > b->limit )
                cap = b->limit;
            nd = malloc(cap);
            if ( !nd )
            {
                /* Out of memory: losing console output beats dying. */
                b->dropped += n;
                return;
            }
            if ( b->len )
                memcpy(nd, b->data + b->start, b->len);
            free(b->data);
            b->data = nd;
            b->cap = cap;
            b->start = 0;
        }
    }
    memcpy(b->data + b->start + b->len, p, n);
    b->len += n;
}

size_t cons_buf_peek(const struct cons_buf *b, const char **p)
{
    *p = b->data ? b->data + b->start : NULL;
    return b->len;
}

void cons_buf_consume(struct cons_buf *b, size_t n)
{
    if ( n >= b->len )
    {
        b->start = b->len = 0;
        /* Give a large buffer back once it has drained. */
        if ( b->cap > 65536 )
        {
            free(b->data);
            b->data = NULL;
            b->cap = 0;
        }
        return;
    }
    b->start += n;
    b->len -= n;
}
