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
};

/* Set up an empty p2m (allocates the root).  0 or -ENOMEM. */
int p2m_init(struct p2m_domain *p2m);

/* Free every table page (not the mapped frames themselves). */
void p2m_teardown(struct p2m_domain *p2m);

/*
 * Map 2^order frames gfn.. -> mfn.. with type t (p2m_invalid removes).
 * Uses 2 MiB / 1 GiB entries when gfn, mfn and order allow and splits
 * larger entries when a smaller range inside them changes.  Returns 0,
 * -EINVAL (misaligned, gfn out of range) or -ENOMEM (tables unchanged).
 */
int p2m_set_entry(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned int order, p2m_type_t t);

/*
 * Look gfn up: returns the mfn (INVALID_MFN if none) and its type in *t;
 * *order (may be NULL) receives the size of the entry that maps it.
 */
unsigned long p2m_get_entry(struct p2m_domain *p2m, unsigned long gfn,
                            p2m_type_t *t, unsigned int *order);

/* Change every entry of type ot to nt (log-dirty on/off), for later. */
void p2m_change_type_global(struct p2m_domain *p2m, p2m_type_t ot,
                            p2m_type_t nt);

static inline bool p2m_is_ram(p2m_type_t t)
{
    return t == p2m_ram_rw || t == p2m_ram_logdirty || t == p2m_ram_ro;
}

#endif
