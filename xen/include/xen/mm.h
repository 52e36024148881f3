/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory management interface of the hypervisor.
 *
 * Physical memory: the sanitized e820 (asm/e820.h) feeds a boot allocator,
 * which hands the remaining RAM to the buddy allocator.  Memory below 1 MiB,
 * the hypervisor image and the boot modules are never handed out.
 * Every RAM page is reachable through the direct map at
 * DIRECTMAP_VIRT_START + physical address.
 *
 * Boot order (xen/arch/x86/setup.c): e820_init(), init_boot_allocator(),
 * init_directmap(), end_boot_allocator().  From then on the buddy
 * allocator and xmalloc() work on every CPU.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>
#include <asm/config.h>

struct domain;
struct page_info;

#define PFN_DOWN(x)  ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_UP(x)    ((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define INVALID_PFN  (~0UL)

/* Largest buddy block: 2^MAX_ORDER pages (1 GiB). */
#define MAX_ORDER    18

/* Direct map conversions (valid for all RAM once the direct map is up). */
void *maddr_to_virt(paddr_t ma);
paddr_t virt_to_maddr(const void *va);
#define __va(ma) maddr_to_virt(ma)
#define __pa(va) virt_to_maddr(va)

/*
 * Early allocator, usable between init_boot_allocator() and
 * end_boot_allocator(): nr_pfns frames aligned to pfn_align frames, taken
 * from the top of the highest RAM the direct map already covers.  Returns
 * a PFN; panics on failure (boot cannot continue without it).
 */
unsigned long alloc_boot_pages(unsigned long nr_pfns, unsigned long pfn_align);

/*
 * Buddy allocator.  Blocks of 2^order pages, naturally aligned (an
 * order-2 block is 16 KiB aligned, so STACK_ORDER blocks serve as stacks).
 * Returns the direct-map address, or NULL when no block is free.
 * Bad frees (double free, wrong order, misaligned or foreign pointer) are
 * reported on the console and otherwise ignored.
 */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
/*
 * memflags of alloc_xenheap_pages() and alloc_domheap_pages().
 * MEMF_zero: every frame of the block reads as zero.  Free memory is
 * either clean (zeroed since its last owner freed it) or dirty (frames
 * freed by a domain or by the hypervisor, and all RAM handed over at
 * boot, unless bootscrub=false); the heap keeps track per frame and an
 * idle pCPU zeroes dirty free frames in the background.  A MEMF_zero
 * allocation prefers clean blocks and zeroes only the dirty frames of
 * the block it returns (outside the heap lock), so a fresh guest frame
 * never shows a previous owner's data, whether or not the scrubber has
 * run.  Without it the block's contents are whatever was there.
 */
#define MEMF_zero    (1U << 0)
void free_xenheap_pages(void *v, unsigned int order);
#define alloc_xenheap_page() alloc_xenheap_pages(0, 0)
#define free_xenheap_page(v) free_xenheap_pages(v, 0)

/*
 * Domain pages.  alloc_domheap_pages() takes 2^order frames from the heap
 * for d, counted in d->tot_pages and refused (NULL) beyond d->max_pages;
 * with d NULL they belong to nobody (the caller's own use).
 * alloc_domheap_exact() (Xen's MEMF_exact_mfn idea) claims exactly the
 * block at mfn; it must be naturally aligned and wholly free.
 * free_domheap_pages() gives a block back and uncounts it from its owner.
 * The p2m is the caller's business: these only hand out frames.
 */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags);
struct page_info *alloc_domheap_exact(struct domain *d, unsigned long mfn,
                                      unsigned int order);
void free_domheap_pages(struct page_info *pg, unsigned int order);
#define alloc_domheap_page(d, f) alloc_domheap_pages(d, 0, f)
#define free_domheap_page(pg)    free_domheap_pages(pg, 0)
/*
 * Claim the lowest free block at or above from (at most max_order) for d
 * and split it into single pages (each freeable alone).  Returns its
 * order and sets *mfn, or -1 when no memory is free or d is at
 * max_pages.  The dom0 identity populator is built on it.
 */
int claim_lowest_for_domain(struct domain *d, unsigned long from,
                            unsigned int max_order, unsigned long *mfn);

/*
 * Page references (Xen's get_page/put_page).  A foreign mapping
 * (XENMAPSPACE_gmfn_foreign) or a grant mapping of a domain's frame holds
 * one reference on it for as long as it is mapped: the p2m entry owns it
 * (asm/p2m.h, p2m_holds_ref) and drops it when the entry goes.  When its
 * owner dies, a referenced frame is not freed: the owner stays a zombie
 * (domain_kill) until the last reference goes, so no mapping ever
 * reaches a frame that was given to someone else.
 *
 * get_page() takes a reference on frame mfn if it is a live (not dying)
 * domain d's; false otherwise.  put_page() drops one; when it was the
 * last one on a dying domain's frame, the frame is queued for freeing
 * (domain_reap_zombies() frees it once no stale TLB can reach it).
 */
bool get_page(unsigned long mfn, const struct domain *d);
void put_page(unsigned long mfn);
/*
 * Hypervisor frames shared with a domain (Xen's share_xen_page_with_guest):
 * a grant table's frames.  Such a frame is owned by d for references, so
 * get_page(mfn, d) succeeds on it: d may put it in its physmap
 * (XENMAPSPACE_grant_table) and dom0 may map it as a foreign page, each
 * mapping holding a reference.  It is not d's RAM: never counted in
 * d->tot_pages or against d->max_pages, and d giving it up
 * (decrease_reservation, remove_from_physmap) only unmaps it
 * (page_is_xen_shared() tells memory_op so).
 *
 * alloc_xen_shared_frame() returns a fresh (not zeroed) frame for d with
 * one reference, the caller's (the grant table's), or INVALID_MFN.
 * put_xen_shared_frame() drops that reference and frees the frame when it
 * was the last one; a frame still mapped stays d's, and is freed with
 * d's other frames once d has died and the last mapping is gone
 * (domain_kill's zombies).  Call it only when d's own vCPUs no longer
 * run or never ran (domain creation failed, or domain_kill).
 */
unsigned long alloc_xen_shared_frame(struct domain *d);
void put_xen_shared_frame(unsigned long mfn);
bool page_is_xen_shared(unsigned long mfn);
/*
 * Free d's in-use block headed by pg (2^order frames) except frames that
 * still hold references: the block is split and those stay allocated to
 * d as single pages.  Returns the pages freed; *kept (if not NULL) is
 * increased by those kept.  Shared hypervisor frames (above) are freed
 * the same way but were never in d->tot_pages.
 */
unsigned long free_domheap_unreferenced(struct page_info *pg,
                                        unsigned int order,
                                        unsigned long *kept);

/* Frame <-> frame table (NULL / INVALID_MFN outside the heap). */
struct page_info *mfn_to_page(unsigned long mfn);
unsigned long page_to_mfn(const struct page_info *pg);
/* The owning domain of a domain frame, NULL for any other frame. */
struct domain *page_get_owner(unsigned long mfn);

/* Small-object heap on top of the buddy allocator (16-byte aligned). */
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xmalloc(type)           ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type)           ((type *)xzalloc_bytes(sizeof(type)))
#define xmalloc_array(type, n)  ((type *)xmalloc_bytes(sizeof(type) * (n)))
#define xzalloc_array(type, n)  ((type *)xzalloc_bytes(sizeof(type) * (n)))

/* Totals, in pages. */
extern unsigned long total_pages;       /* RAM the e820 reports */
unsigned long avail_heap_pages(void);   /* free in the buddy allocator */
unsigned long heap_total_pages(void);   /* ever given to the buddy allocator */
unsigned long heap_dirty_pages(void);   /* free, not zeroed yet */

/*
 * Background scrubbing, from an idle pCPU's loop (domain_idle.c): zero
 * one bounded batch of dirty free frames (heap_lock held for that batch
 * only).  Returns true if dirty free frames remain.  Costs nothing when
 * there are none (a counter, no scan).
 */
bool scrub_free_pages(void);

/* Boot sequence steps (see the top of this file). */
void init_boot_allocator(void);
void init_directmap(void);
void end_boot_allocator(void);

/* First PFN the direct map does not cover (4 GiB until init_directmap). */
extern unsigned long directmap_end_pfn;

/*
 * ---- Allocator cores ----
 * Pure algorithms on caller-provided state; the hypervisor glue above
 * wraps them with locking and direct-map conversion.  The unit tests
 * (tests/unit/page_alloc) drive them on the host.
 */

/* Page states in the frame table. */
#define PGS_RESERVED  0     /* not heap memory (holes, image, modules...) */
#define PGS_FREE      1     /* head of a free block of 2^order pages */
#define PGS_INUSE     2     /* head of an allocated block of 2^order pages */
#define PGS_TAIL      3     /* heap page inside a block, not its head */

struct page_info {
    union {
        struct {
            u32 next, prev; /* free list links (frame index), or PAGE_NIL */
        };
        /* Frames of an in-use domain block (head and tails): its owner. */
        struct domain *owner;
    };
    u8 state;               /* PGS_* */
    u8 order;               /* block order, valid for heads */
    u16 flags;              /* PGF_* */
    union {
        /*
         * Domain frames: references held by other domains' mappings
         * (get_page).  xenheap pages of xmalloc's pools: objects in use.
         */
        u32 count_info;
        /*
         * Head of a free block: index (from the head) of its first frame
         * that may be dirty, frames before it are clean; DIRTY_NONE if
         * the whole block is clean.  0 on every other frame.
         */
        u32 first_dirty;
    };
};
#define PAGE_NIL 0xffffffffU
#define DIRTY_NONE PAGE_NIL
/*
 * A hypervisor frame shared with its owner (alloc_xen_shared_frame): not
 * the owner's RAM, not counted in its tot_pages.
 */
#define PGF_xen_shared  (1U << 0)
/*
 * A free frame that may hold a previous owner's data (not zeroed since it
 * was freed; exact per frame).  Set on every frame of a block when it is
 * freed; cleared when the scrubber zeroes it.  On a frame just handed out
 * it means "still to be zeroed" for heap_zero_block(); on other in-use
 * frames it means nothing (left over from an allocation without
 * MEMF_zero).
 */
#define PGF_dirty       (1U << 1)

/*
 * Frames below HEAP_LOW_PFNS (1 GiB, a MAX_ORDER block, so no block spans
 * the line) are handed out only when there are none above: dom0 is
 * identity-mapped and its kernel needs its link-time physical range (16
 * MiB on) free when dom0 is built, after the hypervisor's own
 * allocations; small fragments next to boot modules must not be taken
 * first just because they are the smallest fitting blocks.
 */
#define HEAP_LOW_PFNS   (1UL << MAX_ORDER)

/*
 * Each free list holds its dirty blocks (first_dirty != DIRTY_NONE) before
 * its clean ones: the scrubber finds dirty memory at a list's head and a
 * MEMF_zero allocation finds clean memory at its tail, neither scanning
 * clean memory.  A block split from a dirty one is taken as dirty from
 * its start when its dirty frames cannot be told from first_dirty alone
 * (the per-frame PGF_dirty bits stay exact; dirty_pages counts them).
 */
struct heap {
    struct page_info *frames;   /* frames[i] describes base_pfn + i */
    unsigned long base_pfn, nr_pfns;
    u32 free_head[MAX_ORDER + 1];       /* blocks below HEAP_LOW_PFNS */
    u32 free_head_high[MAX_ORDER + 1];  /* and above */
    u32 free_tail[MAX_ORDER + 1];
    u32 free_tail_high[MAX_ORDER + 1];
    unsigned long free_pages, total_pages;
    unsigned long dirty_pages;  /* free frames with PGF_dirty */
    /* Zero frame pfn (the scrubber, heap_zero_block); NULL: do not. */
    void (*scrub_page)(unsigned long pfn);
};

/* Frames must be zeroed (PGS_RESERVED) by the caller. */
void heap_init(struct heap *h, struct page_info *frames,
               unsigned long base_pfn, unsigned long nr_pfns);
/* Give the frames [ps, pe) to the heap (reserved ones only; clipped). */
void heap_add_range(struct heap *h, unsigned long ps, unsigned long pe);
/*
 * A naturally aligned block of 2^order frames, or INVALID_PFN.  Its
 * frames that were dirty keep PGF_dirty (and leave dirty_pages).
 * heap_alloc_flags() with MEMF_zero takes a wholly clean block if one
 * fits anywhere, else a dirty one; the caller then runs
 * heap_zero_block() on it (outside its lock: the block is its own).
 */
unsigned long heap_alloc(struct heap *h, unsigned int order);
unsigned long heap_alloc_flags(struct heap *h, unsigned int order,
                               unsigned int memflags);
/* Zero the frames of an in-use block that carry PGF_dirty; clear it. */
void heap_zero_block(struct heap *h, unsigned long pfn, unsigned int order);
/*
 * The scrubber: zero at most max dirty free frames (looking at no more
 * than a bounded number of frames), in the first dirty block found.
 * Returns the frames zeroed.  A block found all clean moves to the tail
 * of its list.
 */
unsigned long heap_scrub(struct heap *h, unsigned long max);
/* Take every free frame as clean (bootscrub=false: firmware zeroed RAM). */
void heap_mark_all_clean(struct heap *h);
/*
 * Return a block.  Bad frees print "Bad page free: ..." and return
 * -EINVAL without touching the heap.
 */
int heap_free(struct heap *h, unsigned long pfn, unsigned int order);

/*
 * Take the naturally aligned block [pfn, pfn + 2^order) out of the free
 * memory (it must be wholly free).  0, or -EBUSY leaving the heap as it
 * was.
 */
int heap_claim(struct heap *h, unsigned long pfn, unsigned int order);
/*
 * Claim the lowest free memory at or above from: the largest naturally
 * aligned block (at most max_order) that starts at the first free frame
 * and is wholly free.  Returns its order and sets *pfn, or -1.
 */
int heap_claim_lowest(struct heap *h, unsigned long from,
                      unsigned int max_order, unsigned long *pfn);
/*
 * Turn the in-use block headed by pfn into 2^order in-use single pages,
 * so that each can be freed on its own (ballooning out dom0 pages).
 */
void heap_split_inuse(struct heap *h, unsigned long pfn);

/* Boot allocator: a sorted list of free PFN ranges [s, e). */
struct boot_region {
    unsigned long s, e;
};
#define MAX_BOOT_REGIONS 256

/* Add RAM [ps, pe) (bytes; rounded inwards to whole pages). */
void init_boot_pages(paddr_t ps, paddr_t pe);
/* Never hand out [ps, pe) (bytes; rounded outwards to whole pages). */
void reserve_boot_pages(paddr_t ps, paddr_t pe);
/*
 * Give memory reserved at boot (a boot module dom0 no longer needs) to the
 * heap: [ps, pe) rounded inwards to whole pages; frames the heap already
 * owns are skipped.
 */
void release_boot_range(paddr_t ps, paddr_t pe);
/* nr frames aligned to align frames, wholly below limit_pfn; INVALID_PFN. */
unsigned long boot_alloc_pfns(unsigned long nr, unsigned long align,
                              unsigned long limit_pfn);
/* The current free ranges (nr set to their number). */
const struct boot_region *boot_regions(unsigned int *nr);
/* Forget every range (the unit tests start each case from here). */
void boot_pages_reset(void);

#endif /* XEN_MM_H */
