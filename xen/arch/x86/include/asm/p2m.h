/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical-to-machine map of a domain: guest frame (gfn) -> machine
 * frame (mfn) plus a type.  NPT, EPT and (later) shadow implement the same
 * contract; everything outside arch/x86/mm/ uses only these functions.
 *
 * Entries are typed:
 *   p2m_ram_rw      ordinary guest RAM
 *   p2m_ram_logdirty RAM mapped read-only while log-dirty tracks writes
 *   p2m_ram_ro      read-only RAM
 *   p2m_mmio_direct host MMIO passed through (dom0), uncached
 *   p2m_grant_map_rw/ro a page another domain granted
 *   p2m_foreign     a page of another domain mapped by a privileged one
 *   p2m_io_forward  not present: accesses exit and go to the emulators
 * A gfn with no entry is p2m_invalid.
 */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <xen/types.h>
#include <asm/spinlock.h>

typedef enum {
    p2m_invalid = 0,
    p2m_ram_rw,
    p2m_ram_logdirty,
    p2m_ram_ro,
    p2m_mmio_direct,
    p2m_grant_map_rw,
    p2m_grant_map_ro,
    p2m_foreign,
    p2m_io_forward,
} p2m_type_t;

#define INVALID_MFN (~0UL)
#define INVALID_GFN (~0UL)

/* Largest order p2m_set_entry() takes in one call (1 GiB). */
#define P2M_MAX_ORDER 18

/*
 * One page-table format, described per level (Jailhouse style): the walker
 * in p2m.c is the same for NPT and EPT and asks the format only how to
 * build and read an entry.  Levels count from 1 (4 KiB entries) to 4.
 * The type lives in software-available bits 52-55 in both formats, so a
 * not-present entry (p2m_io_forward) still remembers it.
 */
struct p2m_format {
    const char *name;
    /* Entry pointing at a next-level table at ma. */
    u64 (*table_entry)(paddr_t ma);
    /* Leaf at level (1, 2 or 3) mapping mfn with type t. */
    u64 (*leaf_entry)(unsigned long mfn, p2m_type_t t, unsigned int level);
    /* True if e (non-zero) is a leaf rather than a table pointer. */
    bool (*is_leaf)(u64 e, unsigned int level);
};
extern const struct p2m_format p2m_npt_format;     /* AMD NPT (p2m-pt.c) */
extern const struct p2m_format p2m_ept_format;     /* Intel EPT (p2m-ept.c) */

/* Software type bits shared by both formats. */
#define P2M_TYPE_SHIFT  52
#define P2M_TYPE_MASK   (0xfULL << P2M_TYPE_SHIFT)
#define P2M_ADDR_MASK   0x000ffffffffff000ULL

struct p2m_domain {
    spinlock_t lock;
    paddr_t root;                   /* machine address of the top table */
    unsigned int levels;            /* 4 */
    unsigned long max_mapped_gfn;
    unsigned long nr_ram_pages;     /* p2m_ram_* entries, in 4K pages */
    unsigned long nr_table_pages;   /* page-table pages in use */
    /*
     * Page-table memory.  In the hypervisor these default to the xenheap;
     * the unit tests supply host allocators.
     */
    void *(*alloc_table)(struct p2m_domain *p2m, paddr_t *ma);
    void (*free_table)(struct p2m_domain *p2m, void *va, paddr_t ma);
    void *(*map_table)(struct p2m_domain *p2m, paddr_t ma);

    /*
     * Entry format; NULL before p2m_init() means the default for the
     * running CPU (EPT under VMX, otherwise NPT).
     */
    const struct p2m_format *fmt;
    /*
     * Largest leaf level used: 3 = 1 GiB, 2 = 2 MiB, 1 = 4 KiB only.
     * 0 before p2m_init() means: what the hardware supports
     * (hvm_funcs.hap_capabilities), 3 on the host.
     */
    unsigned int max_leaf_level;

    /*
     * TLB flushing is the caller's.  Whenever an entry that was present
     * is changed or removed, need_flush is set and flush_gen incremented
     * (under the lock).  Adding a translation where there was none needs
     * no flush.  A backend with one vCPU may test and clear need_flush
     * before VMRUN; with several vCPUs each remembers the flush_gen it
     * last flushed at and flushes its ASID/VPID when it differs.
     */
    bool need_flush;
    unsigned long flush_gen;
    /*
     * Page references (xen/mm.h get_page): entries of the types
     * p2m_holds_ref() names map another domain's frame and own one
     * reference on it per 4 KiB page.  p2m_set_entry() installing such
     * an entry takes over a reference the caller got; whenever such an
     * entry is replaced, removed (also when the same entry is written
     * again) or torn down, put_ref is called for each of its frames,
     * with p2m->lock held.  NULL: references are not counted (the unit
     * tests); the hypervisor's default is put_page().
     */
    void (*put_ref)(struct p2m_domain *p2m, unsigned long mfn);
    /*
     * Table pages that left the tree (a removal emptied them, or a large
     * entry replaced them): a vCPU's paging-structure cache may still
     * reach them until it flushes, so they wait here, linked through
     * their first entries, until p2m_free_detached().
     */
    paddr_t detached;
    unsigned long nr_detached;
};

/* Foreign and grant mappings hold a reference on the frame they map. */
static inline bool p2m_holds_ref(p2m_type_t t)
{
    return t == p2m_foreign || t == p2m_grant_map_rw ||
           t == p2m_grant_map_ro;
}

/* Set up an empty p2m (allocates the root).  0 or -ENOMEM. */
int p2m_init(struct p2m_domain *p2m);

/* Free every table page (not the mapped frames themselves). */
void p2m_teardown(struct p2m_domain *p2m);
/*
 * Free the detached table pages (see struct p2m_domain).  Only once no
 * vCPU of the domain can still hold a translation from before they
 * were detached (domain_reap_zombies() waits for that).
 */
void p2m_free_detached(struct p2m_domain *p2m);

/*
 * Map 2^order frames gfn.. -> mfn.. with type t (p2m_invalid removes).
 * Uses 2 MiB / 1 GiB entries when gfn, mfn and order allow and splits
 * larger entries when a smaller range inside them changes; a removal
 * detaches the tables it leaves empty (never the root).  Returns 0,
 * -EINVAL (misaligned, gfn out of range) or -ENOMEM (tables unchanged).
 * p2m_invalid and p2m_io_forward name no frame: mfn is ignored.
 * Takes p2m->lock; never call it with the lock held.
 */
int p2m_set_entry(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned int order, p2m_type_t t);

/*
 * Look gfn up: returns the mfn (INVALID_MFN if none, and for
 * p2m_io_forward) and its type in *t; *order (may be NULL) receives the
 * size of the entry that maps it, or of the empty slot that holds gfn
 * (callers may skip 2^order frames: none of them is mapped).
 */
unsigned long p2m_get_entry(struct p2m_domain *p2m, unsigned long gfn,
                            p2m_type_t *t, unsigned int *order);

/* Change every entry of type ot to nt (log-dirty on/off), for later. */
void p2m_change_type_global(struct p2m_domain *p2m, p2m_type_t ot,
                            p2m_type_t nt);

/*
 * ---- Identity maps for dom0 (gfn == mfn) ----
 *
 * How the dom0 builder uses them, in this order:
 *   1. p2m_init(&d->p2m) (domain_create does it).
 *   2. p2m_populate_identity_dom0(d, nr_pages): dom0's RAM.  First the
 *      host's E820 RAM below 1 MiB (firmware areas and the real-mode
 *      trampoline Linux needs for its APs; the hypervisor no longer uses
 *      it after SMP bring-up), then free heap memory in ascending address
 *      order, each block claimed from the allocator for d (d->tot_pages)
 *      and mapped gfn == mfn as p2m_ram_rw with 1 GiB / 2 MiB entries
 *      where the free memory is aligned.  Memory the hypervisor owns
 *      (image, xenheap, frame table, boot modules) is never free, so it
 *      is skipped and stays unmapped: dom0's e820 must report those
 *      ranges as reserved/unusable (p2m_get_entry() tells what is RAM).
 *      Kernel segments, the initrd copy and start_info then go into dom0
 *      RAM found through p2m_get_entry() (p2m_is_ram, below 4 GiB).
 *   3. p2m_map_mmio_identity(d, limit_pfn, hide, nr_hide): every
 *      non-RAM range of the host e820 (reserved, ACPI, NVS) and every
 *      hole below limit_pfn (0: 4 GiB or the end of the e820, whichever
 *      is higher, rounded up to 1 GiB) as p2m_mmio_direct, except the
 *      LAPIC page, every IOAPIC page, the HPET page if the hypervisor
 *      found one, and the caller's hide[] frames, which become
 *      p2m_io_forward (NPF exits for the emulators).  E820_UNUSABLE and
 *      RAM not given to dom0 stay unmapped.
 * Both return 0 or -ENOMEM (what was mapped so far stays mapped; dom0
 * cannot start anyway).  Heap pages are claimed as single pages, so a
 * balloon driver may give any of them back (free_domheap_page); the RAM
 * below 1 MiB is not heap memory and cannot be freed.
 */
struct domain;
int p2m_populate_identity_dom0(struct domain *d, unsigned long nr_pages);
int p2m_map_mmio_identity(struct domain *d, unsigned long limit_pfn,
                          const unsigned long *hide, unsigned int nr_hide);

/*
 * Pure cores of the two above (tests/unit/p2m).  claim() takes the
 * lowest free naturally aligned block at or above from, of at most
 * max_order, for the domain; it returns its order and sets *mfn, or
 * returns -1 when nothing is free.
 */
struct e820entry;
typedef int (*p2m_claim_fn)(void *ctx, unsigned long from,
                            unsigned int max_order, unsigned long *mfn);
int p2m_identity_low_ram(struct p2m_domain *p2m,
                         const struct e820entry *map, unsigned int nr,
                         unsigned long below_pfn, unsigned long max_pages,
                         unsigned long *mapped);
int p2m_identity_populate(struct p2m_domain *p2m, unsigned long nr_pages,
                          p2m_claim_fn claim, void *ctx,
                          unsigned long *mapped);
int p2m_identity_mmio(struct p2m_domain *p2m, const struct e820entry *map,
                      unsigned int nr, unsigned long limit_pfn,
                      const unsigned long *hide, unsigned int nr_hide);

/* Map [gfn, gfn + nr) -> [mfn, ...) with the largest entries that fit. */
int p2m_set_range(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned long nr, p2m_type_t t);

/* Pointer for the VMCS EPTP field (EPT format only): root | WB | walk. */
u64 p2m_ept_pointer(const struct p2m_domain *p2m);

static inline bool p2m_is_ram(p2m_type_t t)
{
    return t == p2m_ram_rw || t == p2m_ram_logdirty || t == p2m_ram_ro;
}

#endif
