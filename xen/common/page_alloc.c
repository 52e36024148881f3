/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical page allocation: the boot allocator (a list of free PFN ranges,
 * used until the frame table exists) and the buddy allocator behind
 * alloc_xenheap_pages().
 *
 * The buddy allocator keeps one struct page_info per frame.  Every heap
 * frame is either the head of a block (free or in use, with its order) or
 * a tail inside one, so a free can be checked in O(1): the pointer must
 * name the head of an in-use block of exactly that order.  Anything else
 * is reported and ignored, leaving the heap as it was.
 *
 * Free frames are clean or dirty (xen/mm.h, PGF_dirty and first_dirty):
 * freeing makes every frame of the block dirty, merging keeps the lowest
 * possibly-dirty index, an idle pCPU zeroes dirty frames in small
 * batches (heap_scrub), and MEMF_zero allocations zero only what is
 * still dirty in the block they get.
 *
 * The cores (heap_*, *_boot_pages, boot_alloc_pfns) are pure and are
 * compiled on the host by tests/unit/page_alloc; the glue at the bottom
 * adds the e820, locking and the direct map.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>

/* ---- buddy allocator core ------------------------------------------- */

static struct page_info *pg(struct heap *h, unsigned long pfn)
{
    return &h->frames[pfn - h->base_pfn];
}

static bool in_heap(const struct heap *h, unsigned long pfn)
{
    return pfn >= h->base_pfn && pfn - h->base_pfn < h->nr_pfns;
}

/* The free list a block at pfn belongs on. */
static u32 *list_head(struct heap *h, unsigned long pfn, unsigned int order)
{
    return pfn < HEAP_LOW_PFNS ? &h->free_head[order]
                               : &h->free_head_high[order];
}

static u32 *list_tail(struct heap *h, unsigned long pfn, unsigned int order)
{
    return pfn < HEAP_LOW_PFNS ? &h->free_tail[order]
                               : &h->free_tail_high[order];
}

/* Dirty blocks go to the head of their list, clean ones to the tail. */
static void list_push(struct heap *h, unsigned long pfn, unsigned int order,
                      u32 first_dirty)
{
    struct page_info *p = pg(h, pfn);
    u32 *head = list_head(h, pfn, order), *tail = list_tail(h, pfn, order);
    u32 idx = pfn - h->base_pfn;

    p->state = PGS_FREE;
    p->order = order;
    p->first_dirty = first_dirty;
    if ( first_dirty == DIRTY_NONE && *tail != PAGE_NIL )
    {
        p->next = PAGE_NIL;
        p->prev = *tail;
        h->frames[*tail].next = idx;
        *tail = idx;
        return;
    }
    p->prev = PAGE_NIL;
    p->next = *head;
    if ( *head != PAGE_NIL )
        h->frames[*head].prev = idx;
    else
        *tail = idx;
    *head = idx;
}

/* Unlink a free block; its head's first_dirty goes back to 0. */
static void list_del(struct heap *h, unsigned long pfn)
{
    struct page_info *p = pg(h, pfn);

    if ( p->prev != PAGE_NIL )
        h->frames[p->prev].next = p->next;
    else
        *list_head(h, pfn, p->order) = p->next;
    if ( p->next != PAGE_NIL )
        h->frames[p->next].prev = p->prev;
    else
        *list_tail(h, pfn, p->order) = p->prev;
    p->next = p->prev = PAGE_NIL;
    p->first_dirty = 0;
}

/* first_dirty of the lower / upper half of a block split in two. */
static u32 lower_dirty(u32 fd, unsigned long half)
{
    return fd == DIRTY_NONE || fd >= half ? DIRTY_NONE : fd;
}

static u32 upper_dirty(u32 fd, unsigned long half)
{
    if ( fd == DIRTY_NONE )
        return DIRTY_NONE;
    /* Dirty frames in the lower half say nothing about the upper one. */
    return fd >= half ? fd - half : 0;
}

/* Every frame of a block just given back is dirty. */
static void mark_dirty(struct heap *h, unsigned long pfn, unsigned int order)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
        pg(h, pfn + i)->flags |= PGF_dirty;
    h->dirty_pages += 1UL << order;
}

/* A block leaves the free memory: its dirty frames leave the count. */
static void take_dirty(struct heap *h, unsigned long pfn, unsigned int order,
                       u32 first_dirty)
{
    unsigned long i;

    if ( first_dirty == DIRTY_NONE )
        return;
    for ( i = first_dirty; i < (1UL << order); i++ )
        if ( pg(h, pfn + i)->flags & PGF_dirty )
            h->dirty_pages--;
}

void heap_init(struct heap *h, struct page_info *frames,
               unsigned long base_pfn, unsigned long nr_pfns)
{
    unsigned int i;

    h->frames = frames;
    h->base_pfn = base_pfn;
    h->nr_pfns = nr_pfns;
    h->free_pages = h->total_pages = h->dirty_pages = 0;
    h->scrub_page = NULL;
    for ( i = 0; i <= MAX_ORDER; i++ )
        h->free_head[i] = h->free_head_high[i] = h->free_tail[i] =
            h->free_tail_high[i] = PAGE_NIL;
}

/*
 * Free a block known to be valid (all of it dirty), merging with free
 * buddies.
 */
static void free_block(struct heap *h, unsigned long pfn, unsigned int order)
{
    u32 fd = 0;

    mark_dirty(h, pfn, order);
    h->free_pages += 1UL << order;

    while ( order < MAX_ORDER )
    {
        unsigned long buddy = pfn ^ (1UL << order);
        struct page_info *b;
        u32 bfd;

        if ( !in_heap(h, buddy) )
            break;
        b = pg(h, buddy);
        if ( b->state != PGS_FREE || b->order != order )
            break;
        bfd = b->first_dirty;
        list_del(h, buddy);
        /* The higher half's head becomes a tail of the merged block. */
        if ( buddy > pfn )
        {
            b->state = PGS_TAIL;
            if ( fd == DIRTY_NONE && bfd != DIRTY_NONE )
                fd = (1UL << order) + bfd;
        }
        else
        {
            pg(h, pfn)->state = PGS_TAIL;
            pfn = buddy;
            fd = bfd != DIRTY_NONE ? bfd :
                 fd != DIRTY_NONE ? (1UL << order) + fd : DIRTY_NONE;
        }
        order++;
    }
    list_push(h, pfn, order, fd);
}

void heap_add_range(struct heap *h, unsigned long ps, unsigned long pe)
{
    unsigned long pfn, run;

    if ( ps < h->base_pfn )
        ps = h->base_pfn;
    if ( pe > h->base_pfn + h->nr_pfns )
        pe = h->base_pfn + h->nr_pfns;

    for ( pfn = ps; pfn < pe; )
    {
        unsigned int order;

        /* Only frames the heap does not own yet: never add a page twice. */
        if ( pg(h, pfn)->state != PGS_RESERVED )
        {
            pfn++;
            continue;
        }
        for ( run = pfn; run < pe && pg(h, run)->state == PGS_RESERVED;
              run++ )
            pg(h, run)->state = PGS_TAIL;

        /* Largest naturally aligned blocks that fit in [pfn, run). */
        while ( pfn < run )
        {
            for ( order = MAX_ORDER; order; order-- )
                if ( !(pfn & ((1UL << order) - 1)) &&
                     pfn + (1UL << order) <= run )
                    break;
            h->total_pages += 1UL << order;
            free_block(h, pfn, order);
            pfn += 1UL << order;
        }
    }
}

/*
 * The smallest free block of at least order, above HEAP_LOW_PFNS first;
 * with clean, only wholly clean blocks (at their lists' tails).
 */
static u32 find_block(struct heap *h, unsigned int order, bool clean,
                      unsigned int *jp)
{
    unsigned int zone, j;

    for ( zone = 0; zone < 2; zone++ )
        for ( j = order; j <= MAX_ORDER; j++ )
        {
            u32 idx = clean ? (zone ? h->free_tail : h->free_tail_high)[j]
                            : (zone ? h->free_head : h->free_head_high)[j];

            if ( idx == PAGE_NIL ||
                 (clean && h->frames[idx].first_dirty != DIRTY_NONE) )
                continue;
            *jp = j;
            return idx;
        }
    return PAGE_NIL;
}

unsigned long heap_alloc(struct heap *h, unsigned int order)
{
    return heap_alloc_flags(h, order, 0);
}

unsigned long heap_alloc_flags(struct heap *h, unsigned int order,
                               unsigned int memflags)
{
    unsigned int j = 0;
    unsigned long pfn;
    u32 idx = PAGE_NIL, fd;

    if ( order > MAX_ORDER )
        return INVALID_PFN;

    /*
     * Frames to be zeroed come from clean memory when there is any; the
     * rest take dirty memory first (the head of each list), leaving the
     * clean for them.
     */
    if ( memflags & MEMF_zero )
        idx = find_block(h, order, true, &j);
    if ( idx == PAGE_NIL )
        idx = find_block(h, order, false, &j);
    if ( idx == PAGE_NIL )
        return INVALID_PFN;
    pfn = h->base_pfn + idx;
    fd = h->frames[idx].first_dirty;
    list_del(h, pfn);

    /*
     * Split: keep the upper half, put each lower half on its free list.
     * Allocations so come from the top of memory and leave low memory in
     * large blocks, where dom0's kernel wants its fixed physical range
     * (1:1) when it is built after the hypervisor's own allocations.
     */
    while ( j > order )
    {
        j--;
        list_push(h, pfn, j, lower_dirty(fd, 1UL << j));
        fd = upper_dirty(fd, 1UL << j);
        pfn += 1UL << j;
    }

    take_dirty(h, pfn, order, fd);
    pg(h, pfn)->state = PGS_INUSE;
    pg(h, pfn)->order = order;
    pg(h, pfn)->count_info = 0;
    h->free_pages -= 1UL << order;
    return pfn;
}

/* Zero frame pfn if it is dirty; true if it was. */
static bool scrub_frame(struct heap *h, unsigned long pfn)
{
    struct page_info *p = pg(h, pfn);

    if ( !(p->flags & PGF_dirty) )
        return false;
    if ( h->scrub_page )
        h->scrub_page(pfn);
    p->flags &= ~PGF_dirty;
    return true;
}

void heap_zero_block(struct heap *h, unsigned long pfn, unsigned int order)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
        scrub_frame(h, pfn + i);
}

/* Frames the scrubber may look at per frame it zeroes (clean ones). */
#define SCRUB_LOOK_FACTOR 64

unsigned long heap_scrub(struct heap *h, unsigned long max)
{
    unsigned long look = max * SCRUB_LOOK_FACTOR, done = 0;
    unsigned int zone;
    int j;

    if ( !h->dirty_pages || !max )
        return 0;
    /* Largest blocks first: a destroyed domain's memory, merged. */
    for ( zone = 0; zone < 2; zone++ )
        for ( j = MAX_ORDER; j >= 0; j-- )
        {
            u32 idx = (zone ? h->free_head : h->free_head_high)[j];
            unsigned long pfn, i, n = 1UL << j;
            struct page_info *head;

            if ( idx == PAGE_NIL )
                continue;
            head = &h->frames[idx];
            if ( head->first_dirty == DIRTY_NONE )
                continue;       /* the list is all clean */
            pfn = h->base_pfn + idx;
            for ( i = head->first_dirty; i < n && done < max && look;
                  i++, look-- )
            {
                if ( !scrub_frame(h, pfn + i) )
                    continue;
                h->dirty_pages--;
                done++;
            }
            if ( i < n )
            {
                head->first_dirty = i;
                return done;
            }
            /* All clean now: to the tail, behind the dirty blocks. */
            list_del(h, pfn);
            list_push(h, pfn, j, DIRTY_NONE);
            return done;
        }
    return done;
}

void heap_mark_all_clean(struct heap *h)
{
    unsigned int list;

    for ( list = 0; list < 2 * (MAX_ORDER + 1); list++ )
    {
        unsigned int j = list % (MAX_ORDER + 1);
        u32 idx = (list > MAX_ORDER ? h->free_head_high : h->free_head)[j];

        for ( ; idx != PAGE_NIL; idx = h->frames[idx].next )
        {
            unsigned long i;

            for ( i = 0; i < (1UL << j); i++ )
                h->frames[idx + i].flags &= ~PGF_dirty;
            h->frames[idx].first_dirty = DIRTY_NONE;
        }
    }
    h->dirty_pages = 0;
}

int heap_free(struct heap *h, unsigned long pfn, unsigned int order)
{
    const struct page_info *p;

    if ( order > MAX_ORDER )
    {
        printk(XENLOG_ERR "Bad page free: pfn %#lx: order %u too large\n",
               pfn, order);
        return -EINVAL;
    }
    if ( !in_heap(h, pfn) || pfn + (1UL << order) > h->base_pfn + h->nr_pfns )
    {
        printk(XENLOG_ERR "Bad page free: pfn %#lx is outside the heap\n",
               pfn);
        return -EINVAL;
    }
    if ( pfn & ((1UL << order) - 1) )
    {
        printk(XENLOG_ERR "Bad page free: pfn %#lx is not aligned to "
               "order %u\n", pfn, order);
        return -EINVAL;
    }

    p = pg(h, pfn);
    switch ( p->state )
    {
    case PGS_INUSE:
        if ( p->order != order )
        {
            printk(XENLOG_ERR "Bad page free: pfn %#lx freed with order %u, "
                   "allocated with order %u\n", pfn, order, p->order);
            return -EINVAL;
        }
        free_block(h, pfn, order);
        return 0;

    case PGS_FREE:
        printk(XENLOG_ERR "Bad page free: pfn %#lx order %u: double free\n",
               pfn, order);
        return -EINVAL;

    case PGS_TAIL:
        printk(XENLOG_ERR "Bad page free: pfn %#lx is not the start of an "
               "allocated block (double free?)\n", pfn);
        return -EINVAL;

    default:
        printk(XENLOG_ERR "Bad page free: pfn %#lx is not heap memory\n",
               pfn);
        return -EINVAL;
    }
}

/* The head of the block (free or in use) holding pfn, or INVALID_PFN. */
static unsigned long block_head(struct heap *h, unsigned long pfn)
{
    unsigned int o;

    for ( o = 0; o <= MAX_ORDER; o++ )
    {
        unsigned long head = pfn & ~((1UL << o) - 1);
        const struct page_info *p;

        if ( !in_heap(h, head) )
            break;
        p = pg(h, head);
        if ( p->state == PGS_RESERVED )
            return INVALID_PFN;
        if ( (p->state == PGS_FREE || p->state == PGS_INUSE) &&
             pfn < head + (1UL << p->order) )
            return head;
    }
    return INVALID_PFN;
}

int heap_claim(struct heap *h, unsigned long pfn, unsigned int order)
{
    unsigned long head;
    unsigned int o;
    u32 fd;

    if ( order > MAX_ORDER || (pfn & ((1UL << order) - 1)) ||
         !in_heap(h, pfn) )
        return -EBUSY;
    head = block_head(h, pfn);
    if ( head == INVALID_PFN || pg(h, head)->state != PGS_FREE )
        return -EBUSY;
    o = pg(h, head)->order;
    /* A wholly free aligned block is always one buddy block (they merge). */
    if ( o < order )
        return -EBUSY;

    fd = pg(h, head)->first_dirty;
    list_del(h, head);
    /* Halve towards pfn, freeing the half that does not hold it. */
    while ( o > order )
    {
        unsigned long half;
        u32 lo, hi;

        o--;
        half = head + (1UL << o);
        lo = lower_dirty(fd, 1UL << o);
        hi = upper_dirty(fd, 1UL << o);
        if ( pfn >= half )
        {
            list_push(h, head, o, lo);
            head = half;
            fd = hi;
        }
        else
        {
            list_push(h, half, o, hi);
            fd = lo;
        }
    }
    take_dirty(h, pfn, order, fd);
    pg(h, pfn)->state = PGS_INUSE;
    pg(h, pfn)->order = order;
    pg(h, pfn)->count_info = 0;
    h->free_pages -= 1UL << order;
    return 0;
}

int heap_claim_lowest(struct heap *h, unsigned long from,
                      unsigned int max_order, unsigned long *pfn)
{
    unsigned long p = from < h->base_pfn ? h->base_pfn : from;
    unsigned long end = h->base_pfn + h->nr_pfns;

    if ( max_order > MAX_ORDER )
        max_order = MAX_ORDER;
    while ( p < end )
    {
        unsigned long head = block_head(h, p), bend;
        unsigned int k;

        if ( head == INVALID_PFN )
        {
            p++;
            continue;
        }
        bend = head + (1UL << pg(h, head)->order);
        if ( pg(h, head)->state != PGS_FREE )
        {
            p = bend;
            continue;
        }
        /* Largest aligned block at p inside the free block. */
        for ( k = max_order; k; k-- )
            if ( !(p & ((1UL << k) - 1)) && p + (1UL << k) <= bend )
                break;
        if ( heap_claim(h, p, k) )
            return -1;              /* cannot happen: p..p+2^k is free */
        *pfn = p;
        return k;
    }
    return -1;
}

void heap_split_inuse(struct heap *h, unsigned long pfn)
{
    unsigned long i, n;

    if ( !in_heap(h, pfn) || pg(h, pfn)->state != PGS_INUSE )
        return;
    n = 1UL << pg(h, pfn)->order;
    for ( i = 0; i < n; i++ )
    {
        pg(h, pfn + i)->state = PGS_INUSE;
        pg(h, pfn + i)->order = 0;
    }
}

/* ---- boot allocator core -------------------------------------------- */

static struct boot_region bootmem[MAX_BOOT_REGIONS];
static unsigned int nr_bootmem;

void boot_pages_reset(void)
{
    nr_bootmem = 0;
}

const struct boot_region *boot_regions(unsigned int *nr)
{
    *nr = nr_bootmem;
    return bootmem;
}

static bool bootmem_insert(unsigned int at, unsigned long s, unsigned long e)
{
    if ( nr_bootmem == MAX_BOOT_REGIONS )
    {
        printk(XENLOG_WARNING "Boot allocator: too many ranges, dropping "
               "pfns %#lx-%#lx\n", s, e - 1);
        return false;
    }
    memmove(&bootmem[at + 1], &bootmem[at],
            (nr_bootmem - at) * sizeof(bootmem[0]));
    bootmem[at].s = s;
    bootmem[at].e = e;
    nr_bootmem++;
    return true;
}

static void bootmem_remove(unsigned int at)
{
    nr_bootmem--;
    memmove(&bootmem[at], &bootmem[at + 1],
            (nr_bootmem - at) * sizeof(bootmem[0]));
}

void init_boot_pages(paddr_t ps, paddr_t pe)
{
    unsigned long s = PFN_UP(ps), e = PFN_DOWN(pe);
    unsigned int i;

    if ( s >= e )
        return;
    /* Callers add disjoint ranges (a sanitized e820); drop any overlap. */
    reserve_boot_pages((paddr_t)s << PAGE_SHIFT, (paddr_t)e << PAGE_SHIFT);

    for ( i = 0; i < nr_bootmem && bootmem[i].s < s; i++ )
        ;
    /* Merge with the neighbours where they touch. */
    if ( i && bootmem[i - 1].e == s )
    {
        bootmem[i - 1].e = e;
        if ( i < nr_bootmem && bootmem[i].s == e )
        {
            bootmem[i - 1].e = bootmem[i].e;
            bootmem_remove(i);
        }
        return;
    }
    if ( i < nr_bootmem && bootmem[i].s == e )
    {
        bootmem[i].s = s;
        return;
    }
    bootmem_insert(i, s, e);
}

void reserve_boot_pages(paddr_t ps, paddr_t pe)
{
    unsigned long s = PFN_DOWN(ps), e = PFN_UP(pe);
    unsigned int i;

    if ( pe <= ps )
        return;

    for ( i = 0; i < nr_bootmem; )
    {
        struct boot_region *r = &bootmem[i];

        if ( r->e <= s || r->s >= e )
        {
            i++;
            continue;
        }
        if ( r->s >= s && r->e <= e )
        {
            bootmem_remove(i);          /* wholly reserved */
            continue;
        }
        if ( r->s < s && r->e > e )
        {
            /* Split; if the table is full, lose the upper part. */
            unsigned long upper = r->e;

            r->e = s;
            bootmem_insert(i + 1, e, upper);
            i += 2;
            continue;
        }
        if ( r->s < s )
            r->e = s;
        else
            r->s = e;
        i++;
    }
}

unsigned long boot_alloc_pfns(unsigned long nr, unsigned long align,
                              unsigned long limit_pfn)
{
    unsigned int i;

    if ( !nr )
        return INVALID_PFN;
    if ( !align )
        align = 1;

    /* From the top of the highest usable range: keep low memory free. */
    for ( i = nr_bootmem; i-- > 0; )
    {
        struct boot_region *r = &bootmem[i];
        unsigned long top = r->e < limit_pfn ? r->e : limit_pfn;
        unsigned long pfn;

        if ( top <= r->s || top - r->s < nr )
            continue;
        pfn = (top - nr) / align * align;
        if ( pfn < r->s )
            continue;

        if ( pfn + nr == r->e )
            r->e = pfn;
        else if ( pfn == r->s )
            r->s = pfn + nr;
        else
        {
            unsigned long upper = r->e;

            /* Would lose the part above: try elsewhere rather than leak. */
            if ( nr_bootmem == MAX_BOOT_REGIONS )
                continue;
            r->e = pfn;
            bootmem_insert(i + 1, pfn + nr, upper);
        }
        if ( i < nr_bootmem && bootmem[i].s == bootmem[i].e )
            bootmem_remove(i);
        return pfn;
    }
    return INVALID_PFN;
}

/* ---- hypervisor glue ------------------------------------------------ */
#ifndef KEEL_HOST_TEST
#include <xen/bootinfo.h>
#include <asm/e820.h>
#include <asm/spinlock.h>
#include <asm/p2m.h>
#include <xen/sched.h>
#include <xen/param.h>

extern char _start[], _end[];

unsigned long total_pages;
static struct heap xenheap;
static DEFINE_SPINLOCK(heap_lock);
static bool heap_up;

/*
 * bootscrub=<bool>|idle: how the RAM handed to the heap at boot is made
 * clean.  idle (default): it is dirty, zeroed in the background by idle
 * pCPUs (and by any MEMF_zero allocation that gets it first); true:
 * zeroed before dom0 is built; false: taken as clean (only for firmware
 * known to hand over zeroed RAM, as QEMU does).
 */
enum { BOOTSCRUB_OFF, BOOTSCRUB_ON, BOOTSCRUB_IDLE };
static unsigned int opt_bootscrub = BOOTSCRUB_IDLE;

static int parse_bootscrub(const char *s)
{
    int b;

    if ( !strcmp(s, "idle") )
    {
        opt_bootscrub = BOOTSCRUB_IDLE;
        return 0;
    }
    b = parse_bool(s, NULL);
    if ( b < 0 )
        return -EINVAL;
    opt_bootscrub = b ? BOOTSCRUB_ON : BOOTSCRUB_OFF;
    return 0;
}
custom_param("bootscrub", parse_bootscrub);

/* Frames the idle scrubber zeroes per batch (heap_lock held meanwhile). */
#define SCRUB_BATCH 32

static void scrub_one_page(unsigned long pfn)
{
    memset(__va((paddr_t)pfn << PAGE_SHIFT), 0, PAGE_SIZE);
}

static void set_owner(unsigned long pfn, unsigned int order,
                      struct domain *d);

unsigned long alloc_boot_pages(unsigned long nr_pfns, unsigned long pfn_align)
{
    unsigned long pfn;

    if ( heap_up )
        panic("alloc_boot_pages() after end_boot_allocator()");
    pfn = boot_alloc_pfns(nr_pfns, pfn_align, directmap_end_pfn);
    if ( pfn == INVALID_PFN )
        panic("Boot allocator: no %lu pages aligned to %lu below %#lx",
              nr_pfns, pfn_align, directmap_end_pfn << PAGE_SHIFT);
    return pfn;
}

/* The highest address we will manage: the direct map is one PML4 slot. */
static paddr_t ram_limit(void)
{
    return DIRECTMAP_SIZE;
}

void init_boot_allocator(void)
{
    unsigned int i;
    bool clipped = false;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        const struct e820entry *e = &e820.map[i];
        paddr_t s = e->addr, end = e->addr + e->size;

        if ( e->type != E820_RAM )
            continue;
        if ( PFN_UP(s) < PFN_DOWN(end) )
            total_pages += PFN_DOWN(end) - PFN_UP(s);
        if ( end > ram_limit() )
        {
            clipped = true;
            end = ram_limit();
        }
        if ( s < end )
            init_boot_pages(s, end);
    }
    if ( clipped )
        printk(XENLOG_WARNING "Ignoring RAM above %lluGB (direct map "
               "limit)\n", (unsigned long long)(ram_limit() >> 30));

    /*
     * Low memory stays with the firmware and the AP trampoline; the image
     * includes the BSS (page tables, stacks, boot_info's copies); modules
     * are dom0's kernel and initrd.
     */
    reserve_boot_pages(0, 1UL << 20);
    reserve_boot_pages((paddr_t)(unsigned long)_start,
                       (paddr_t)(unsigned long)_end);
    for ( i = 0; i < boot_info.nr_modules; i++ )
        reserve_boot_pages(boot_info.mods[i].start,
                           boot_info.mods[i].start + boot_info.mods[i].size);
}

void end_boot_allocator(void)
{
    const struct boot_region *r;
    unsigned int nr, i;
    unsigned long max_pfn = 0, ft_pages;
    struct page_info *frames;

    r = boot_regions(&nr);
    for ( i = 0; i < nr; i++ )
        if ( r[i].e > max_pfn )
            max_pfn = r[i].e;

    /* The frame table comes out of the memory it describes. */
    ft_pages = PFN_UP(max_pfn * sizeof(struct page_info));
    frames = __va((paddr_t)alloc_boot_pages(ft_pages, 1) << PAGE_SHIFT);
    memset(frames, 0, ft_pages << PAGE_SHIFT);
    heap_init(&xenheap, frames, 0, max_pfn);

    r = boot_regions(&nr);
    for ( i = 0; i < nr; i++ )
        heap_add_range(&xenheap, r[i].s, r[i].e);
    boot_pages_reset();
    xenheap.scrub_page = scrub_one_page;
    heap_up = true;

    printk("Frame table: %lu pages for %lu frames\n", ft_pages, max_pfn);
    printk("Heap: %lu MB free of %lu MB\n",
           xenheap.free_pages >> (20 - PAGE_SHIFT),
           total_pages >> (20 - PAGE_SHIFT));

    switch ( opt_bootscrub )
    {
    case BOOTSCRUB_OFF:
        heap_mark_all_clean(&xenheap);
        printk("Scrubbing Free RAM: off (bootscrub=false), freed memory "
               "in idle\n");
        break;
    case BOOTSCRUB_ON:
        printk("Scrubbing Free RAM: %lu MB now, freed memory in idle\n",
               xenheap.dirty_pages >> (20 - PAGE_SHIFT));
        while ( xenheap.dirty_pages )
            heap_scrub(&xenheap, 1UL << MAX_ORDER);
        break;
    default:
        printk("Scrubbing Free RAM: %lu MB in idle, freed memory too\n",
               xenheap.dirty_pages >> (20 - PAGE_SHIFT));
        break;
    }
}

void release_boot_range(paddr_t ps, paddr_t pe)
{
    unsigned long flags;

    if ( !heap_up || PFN_UP(ps) >= PFN_DOWN(pe) )
        return;
    flags = spin_lock_irqsave(&heap_lock);
    heap_add_range(&xenheap, PFN_UP(ps), PFN_DOWN(pe));
    spin_unlock_irqrestore(&heap_lock, flags);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    unsigned long pfn, flags;

    if ( !heap_up )
        return NULL;
    flags = spin_lock_irqsave(&heap_lock);
    pfn = heap_alloc_flags(&xenheap, order, memflags);
    if ( pfn != INVALID_PFN )
        set_owner(pfn, order, NULL);    /* links left PAGE_NIL in the union */
    spin_unlock_irqrestore(&heap_lock, flags);

    if ( pfn == INVALID_PFN )
        return NULL;
    if ( memflags & MEMF_zero )
        heap_zero_block(&xenheap, pfn, order);
    return __va((paddr_t)pfn << PAGE_SHIFT);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    unsigned long va = (unsigned long)v, flags;

    if ( !v )
        return;
    if ( va < DIRECTMAP_VIRT_START ||
         va - DIRECTMAP_VIRT_START >= DIRECTMAP_SIZE )
    {
        printk(XENLOG_ERR "Bad page free: %p (from %pS) is not a heap "
               "address\n", v, __builtin_return_address(0));
        return;
    }
    if ( va & ~PAGE_MASK )
    {
        printk(XENLOG_ERR "Bad page free: %p (from %pS) is not "
               "page-aligned\n", v, __builtin_return_address(0));
        return;
    }

    flags = spin_lock_irqsave(&heap_lock);
    heap_free(&xenheap, PFN_DOWN(virt_to_maddr(v)), order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

/* ---- domain pages --------------------------------------------------- */

struct page_info *mfn_to_page(unsigned long mfn)
{
    if ( !heap_up || !in_heap(&xenheap, mfn) )
        return NULL;
    return pg(&xenheap, mfn);
}

unsigned long page_to_mfn(const struct page_info *p)
{
    if ( !p || p < xenheap.frames || p >= xenheap.frames + xenheap.nr_pfns )
        return INVALID_MFN;
    return xenheap.base_pfn + (p - xenheap.frames);
}

struct domain *page_get_owner(unsigned long mfn)
{
    struct page_info *p = mfn_to_page(mfn);
    unsigned long head;

    if ( !p )
        return NULL;
    head = block_head(&xenheap, mfn);
    if ( head == INVALID_PFN || pg(&xenheap, head)->state != PGS_INUSE )
        return NULL;
    return p->owner;
}

static void set_owner(unsigned long pfn, unsigned int order,
                      struct domain *d)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
        pg(&xenheap, pfn + i)->owner = d;
}

/* With heap_lock held: may d take 2^order more pages? */
static bool domain_may_grow(const struct domain *d, unsigned int order)
{
    return !d || d->tot_pages + (1UL << order) <= d->max_pages;
}

static struct page_info *assign(struct domain *d, unsigned long pfn,
                                unsigned int order)
{
    set_owner(pfn, order, d);
    if ( d )
        d->tot_pages += 1UL << order;
    return pg(&xenheap, pfn);
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    struct page_info *p = NULL;
    unsigned long pfn, flags;

    if ( !heap_up )
        return NULL;
    flags = spin_lock_irqsave(&heap_lock);
    if ( domain_may_grow(d, order) )
    {
        pfn = heap_alloc_flags(&xenheap, order, memflags);
        if ( pfn != INVALID_PFN )
            p = assign(d, pfn, order);
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    /* The block is the caller's now: zero it without holding the lock. */
    if ( p && (memflags & MEMF_zero) )
        heap_zero_block(&xenheap, pfn, order);
    return p;
}

struct page_info *alloc_domheap_exact(struct domain *d, unsigned long mfn,
                                      unsigned int order)
{
    struct page_info *p = NULL;
    unsigned long flags;

    if ( !heap_up )
        return NULL;
    flags = spin_lock_irqsave(&heap_lock);
    if ( domain_may_grow(d, order) && !heap_claim(&xenheap, mfn, order) )
        p = assign(d, mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
    return p;
}

int claim_lowest_for_domain(struct domain *d, unsigned long from,
                            unsigned int max_order, unsigned long *mfn)
{
    unsigned long flags;
    int order = -1;

    if ( !heap_up )
        return -1;
    flags = spin_lock_irqsave(&heap_lock);
    if ( d )
    {
        /* Never more than d may still take. */
        while ( max_order && !domain_may_grow(d, max_order) )
            max_order--;
    }
    if ( domain_may_grow(d, max_order) )
    {
        order = heap_claim_lowest(&xenheap, from, max_order, mfn);
        if ( order >= 0 )
        {
            heap_split_inuse(&xenheap, *mfn);
            assign(d, *mfn, order);
        }
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    return order;
}

void free_domheap_pages(struct page_info *p, unsigned int order)
{
    unsigned long pfn = page_to_mfn(p), flags;
    struct domain *d;

    if ( pfn == INVALID_MFN )
    {
        printk(XENLOG_ERR "Bad page free: %p (from %pS) is not a frame\n",
               p, __builtin_return_address(0));
        return;
    }
    flags = spin_lock_irqsave(&heap_lock);
    if ( pg(&xenheap, pfn)->state != PGS_INUSE ||
         pg(&xenheap, pfn)->order != order )
    {
        spin_unlock_irqrestore(&heap_lock, flags);
        printk(XENLOG_ERR "Bad page free: mfn %#lx order %u (from %pS) is "
               "not an allocated block\n", pfn, order,
               __builtin_return_address(0));
        return;
    }
    d = p->owner;
    if ( p->flags & PGF_xen_shared )
    {
        spin_unlock_irqrestore(&heap_lock, flags);
        printk(XENLOG_ERR "Bad page free: mfn %#lx (from %pS) is a shared "
               "hypervisor frame\n", pfn, __builtin_return_address(0));
        return;
    }
    if ( d )
        d->tot_pages -= 1UL << order;
    set_owner(pfn, order, NULL);
    heap_free(&xenheap, pfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

/* ---- hypervisor frames shared with a domain ------------------------- */

unsigned long alloc_xen_shared_frame(struct domain *d)
{
    unsigned long pfn = INVALID_PFN, flags;
    struct page_info *p;

    if ( !heap_up || !d )
        return INVALID_PFN;
    flags = spin_lock_irqsave(&heap_lock);
    /* No new frames for a dying domain: domain_kill is freeing them. */
    if ( !__atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) )
        pfn = heap_alloc(&xenheap, 0);
    if ( pfn != INVALID_PFN )
    {
        /* Owned by d for get_page(), not counted (not assign()). */
        p = pg(&xenheap, pfn);
        p->owner = d;
        p->flags = PGF_xen_shared;
        p->count_info = 1;
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    return pfn;
}

bool page_is_xen_shared(unsigned long mfn)
{
    struct page_info *p = mfn_to_page(mfn);

    /* flags is written under heap_lock; a single read suffices here. */
    return p && p->state == PGS_INUSE &&
           (__atomic_load_n(&p->flags, __ATOMIC_SEQ_CST) & PGF_xen_shared);
}

void put_xen_shared_frame(unsigned long mfn)
{
    struct page_info *p = mfn_to_page(mfn);

    if ( !page_is_xen_shared(mfn) )
    {
        printk(XENLOG_ERR "put_xen_shared_frame: mfn %#lx (from %pS) is "
               "not a shared hypervisor frame\n", mfn,
               __builtin_return_address(0));
        return;
    }
    put_page(mfn);
    /* Frees it unless a mapping still holds a reference. */
    free_domheap_unreferenced(p, 0, NULL);
}

/* ---- page references ------------------------------------------------ */

bool get_page(unsigned long mfn, const struct domain *d)
{
    struct page_info *p = mfn_to_page(mfn);
    unsigned long flags, head;
    bool ok = false;

    if ( !p || !d )
        return false;
    flags = spin_lock_irqsave(&heap_lock);
    head = block_head(&xenheap, mfn);
    /*
     * is_dying is read under heap_lock: domain_kill() sets it before it
     * frees d's frames (each under heap_lock), so either this reference
     * is seen there, or this call sees the domain dying.
     */
    if ( head != INVALID_PFN && pg(&xenheap, head)->state == PGS_INUSE &&
         p->owner == d && !__atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) &&
         p->count_info != ~0U )
    {
        p->count_info++;
        ok = true;
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    return ok;
}

void put_page(unsigned long mfn)
{
    struct page_info *p = mfn_to_page(mfn);
    unsigned long flags;
    struct domain *d;

    if ( !p )
        return;
    flags = spin_lock_irqsave(&heap_lock);
    if ( !p->count_info )
    {
        spin_unlock_irqrestore(&heap_lock, flags);
        printk(XENLOG_ERR "put_page: mfn %#lx (from %pS) holds no "
               "reference\n", mfn, __builtin_return_address(0));
        return;
    }
    d = page_get_owner(mfn);
    if ( !--p->count_info && d &&
         __atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) )
        d->zombie_pending = true;
    spin_unlock_irqrestore(&heap_lock, flags);
}

unsigned long free_domheap_unreferenced(struct page_info *p,
                                        unsigned int order,
                                        unsigned long *kept)
{
    unsigned long pfn = page_to_mfn(p), flags, i, freed = 0, refs = 0;
    struct domain *d;

    if ( pfn == INVALID_MFN )
        return 0;
    flags = spin_lock_irqsave(&heap_lock);
    if ( pg(&xenheap, pfn)->state != PGS_INUSE ||
         pg(&xenheap, pfn)->order != order )
    {
        spin_unlock_irqrestore(&heap_lock, flags);
        printk(XENLOG_ERR "Bad page free: mfn %#lx order %u (from %pS) is "
               "not an allocated block\n", pfn, order,
               __builtin_return_address(0));
        return 0;
    }
    d = p->owner;
    for ( i = 0; i < (1UL << order); i++ )
        if ( pg(&xenheap, pfn + i)->count_info )
            refs++;
    if ( refs && order )
        heap_split_inuse(&xenheap, pfn);
    for ( i = 0; i < (1UL << order); i++ )
    {
        unsigned long n = refs ? 1 : 1UL << order;

        if ( refs && pg(&xenheap, pfn + i)->count_info )
            continue;
        /* Shared hypervisor frames were never counted (xen/mm.h). */
        if ( d && !(pg(&xenheap, pfn + i)->flags & PGF_xen_shared) )
            d->tot_pages -= n;
        pg(&xenheap, pfn + i)->flags = 0;
        set_owner(pfn + i, refs ? 0 : order, NULL);
        heap_free(&xenheap, pfn + i, refs ? 0 : order);
        freed += n;
        if ( !refs )
            break;
    }
    spin_unlock_irqrestore(&heap_lock, flags);
    if ( kept )
        *kept += refs;
    return freed;
}

unsigned long avail_heap_pages(void)
{
    return xenheap.free_pages;
}

unsigned long heap_total_pages(void)
{
    return xenheap.total_pages;
}

unsigned long heap_dirty_pages(void)
{
    return __atomic_load_n(&xenheap.dirty_pages, __ATOMIC_RELAXED);
}

bool scrub_free_pages(void)
{
    unsigned long flags;
    bool more;

    if ( !heap_up || !heap_dirty_pages() )
        return false;
    flags = spin_lock_irqsave(&heap_lock);
    heap_scrub(&xenheap, SCRUB_BATCH);
    more = xenheap.dirty_pages != 0;
    spin_unlock_irqrestore(&heap_lock, flags);
    return more;
}
#endif /* KEEL_HOST_TEST */
