/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xmalloc: small objects on top of the buddy allocator.
 *
 * Requests up to 2 KiB (with the 16-byte header) come from power-of-two
 * size classes carved out of single pages.  The frame table entry of a
 * pool page counts its objects in use (count_info, which xenheap pages
 * do not otherwise use); when the last one is freed the page's objects
 * leave the free list and the page goes back to the heap, so a domain's
 * create/destroy round returns free memory exactly.  Larger requests go
 * straight to alloc_xenheap_pages().  Every object has a header whose
 * magic lets xfree() catch double frees and foreign pointers.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <asm/spinlock.h>

#define XMAGIC_USED  0x4b584d41U    /* "AMXK" */
#define XMAGIC_FREE  0x4b584d46U    /* "FMXK" */

#define MIN_SHIFT    5              /* 32-byte class */
#define MAX_SHIFT    11             /* 2048-byte class */
#define NR_CLASSES   (MAX_SHIFT - MIN_SHIFT + 1)
#define CLASS_PAGES  0xffff         /* hdr->cls of a page-backed object */

struct xhdr {
    u32 magic;
    u16 cls;                /* size class index, or CLASS_PAGES */
    u16 order;              /* page order for CLASS_PAGES */
    u64 size;               /* as requested */
};

struct xfree_obj {
    struct xhdr hdr;
    struct xfree_obj *next;
};

static struct xfree_obj *free_list[NR_CLASSES];
static DEFINE_SPINLOCK(xmalloc_lock);

static unsigned int order_for(size_t bytes)
{
    unsigned int order = 0;

    while ( (PAGE_SIZE << order) < bytes )
        order++;
    return order;
}

/* The frame table entry of the pool page holding object p. */
static struct page_info *pool_page(const void *p)
{
    return mfn_to_page(PFN_DOWN(virt_to_maddr(p)));
}

/* Carve a fresh page into objects of class c.  Lock held. */
static bool refill(unsigned int c)
{
    size_t objsz = 1UL << (c + MIN_SHIFT);
    char *page = alloc_xenheap_page();
    size_t off;

    if ( !page )
        return false;
    pool_page(page)->count_info = 0;
    for ( off = 0; off + objsz <= PAGE_SIZE; off += objsz )
    {
        struct xfree_obj *o = (struct xfree_obj *)(page + off);

        o->hdr.magic = XMAGIC_FREE;
        o->hdr.cls = c;
        o->next = free_list[c];
        free_list[c] = o;
    }
    return true;
}

void *xmalloc_bytes(size_t size)
{
    size_t total = size + sizeof(struct xhdr);
    struct xhdr *h;
    unsigned long flags;
    unsigned int c;

    BUILD_BUG_ON(sizeof(struct xhdr) != 16);

    if ( !size || total < size )
        return NULL;

    if ( total > (1UL << MAX_SHIFT) )
    {
        unsigned int order = order_for(total);

        if ( order > MAX_ORDER )
            return NULL;
        h = alloc_xenheap_pages(order, 0);
        if ( !h )
            return NULL;
        h->cls = CLASS_PAGES;
        h->order = order;
    }
    else
    {
        for ( c = 0; (1UL << (c + MIN_SHIFT)) < total; c++ )
            ;
        flags = spin_lock_irqsave(&xmalloc_lock);
        if ( !free_list[c] && !refill(c) )
        {
            spin_unlock_irqrestore(&xmalloc_lock, flags);
            return NULL;
        }
        h = &free_list[c]->hdr;
        free_list[c] = free_list[c]->next;
        pool_page(h)->count_info++;
        spin_unlock_irqrestore(&xmalloc_lock, flags);
    }

    h->magic = XMAGIC_USED;
    h->size = size;
    return h + 1;
}

void *xzalloc_bytes(size_t size)
{
    void *p = xmalloc_bytes(size);

    if ( p )
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct xhdr *h;
    struct xfree_obj *o;
    unsigned long flags;
    unsigned int c;
    char *page;

    if ( !p )
        return;
    if ( (unsigned long)p & (sizeof(struct xhdr) - 1) )
    {
        printk(XENLOG_ERR "xfree: %p (from %pS) is not an xmalloc pointer\n",
               p, __builtin_return_address(0));
        return;
    }

    h = (struct xhdr *)p - 1;
    if ( h->magic == XMAGIC_FREE )
    {
        printk(XENLOG_ERR "xfree: double free of %p (from %pS)\n",
               p, __builtin_return_address(0));
        return;
    }
    if ( h->magic != XMAGIC_USED ||
         (h->cls != CLASS_PAGES && h->cls >= NR_CLASSES) )
    {
        printk(XENLOG_ERR "xfree: %p (from %pS) is not an xmalloc pointer\n",
               p, __builtin_return_address(0));
        return;
    }

    if ( h->cls == CLASS_PAGES )
    {
        h->magic = XMAGIC_FREE;
        free_xenheap_pages(h, h->order);
        return;
    }

    o = (struct xfree_obj *)h;
    page = (char *)((unsigned long)h & PAGE_MASK);
    c = h->cls;
    flags = spin_lock_irqsave(&xmalloc_lock);
    h->magic = XMAGIC_FREE;
    if ( --pool_page(h)->count_info )
    {
        o->next = free_list[c];
        free_list[c] = o;
        page = NULL;
    }
    else
    {
        /*
         * The page's last object: its other objects are all on the free
         * list; unlink them and give the page back (O(free objects of
         * the class), which stays small).
         */
        struct xfree_obj **pp = &free_list[c];

        while ( *pp )
            if ( (char *)*pp >= page && (char *)*pp < page + PAGE_SIZE )
                *pp = (*pp)->next;
            else
                pp = &(*pp)->next;
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    if ( page )
        free_xenheap_page(page);
}
