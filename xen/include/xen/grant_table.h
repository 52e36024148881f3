/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (common/grant_table.c).
 *
 * A domain's table is a set of frames of struct grant_entry_v1, shared
 * hypervisor frames owned by the domain (xen/mm.h), that the domain
 * maps into its own space (XENMEM_add_to_physmap,
 * XENMAPSPACE_grant_table -> gnttab_get_frame()) and fills in.  Another
 * domain named in an entry maps the granted frame into its p2m as
 * p2m_grant_map_rw/ro (GNTTABOP_map_grant_ref, identified afterwards by
 * a maptrack handle) or copies to/from it (GNTTABOP_copy).
 *
 * While a grant is in use its "active" entry counts the pins (mappings
 * plus copies in progress) and GTF_reading / GTF_writing are set in the
 * shared entry; the last unpin clears them.  Granted frames are looked
 * up in the granting domain's p2m and must be its RAM there: grant and
 * foreign entries (other domains' memory) and MMIO are never handed on.
 *
 * Locking: gt->lock guards a table's frames and active entries;
 * gt->maptrack_lock guards the mappings a domain holds and its p2m
 * changes for them.  Order: the mapping domain's maptrack_lock, then the
 * granting domain's lock.  Not used from interrupt context.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <xen/sched.h>
#include <public/grant_table.h>
#include <asm/config.h>
#include <asm/p2m.h>

#define GRANT_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))

/* gnttab_max_frames= default, as in Xen. */
#define DEFAULT_MAX_GRANT_FRAMES    64
/* Mappings one domain may hold (Xen: 1024 maptrack frames of 256). */
#define DEFAULT_MAX_MAPTRACK        (1024 * 256)
#define MAPTRACK_PER_CHUNK          256

struct active_grant_entry {
    u32 rd_pins;                /* read-only mappings + source copies */
    u32 wr_pins;                /* writable mappings + dest copies */
    domid_t domid;              /* the domain holding the pins */
    bool writable;              /* frame was p2m_ram_rw when pinned */
    unsigned long mfn;          /* frame pinned (fixed while pinned) */
};

struct grant_mapping {
    u32 flags;                  /* GNTMAP_* host/device/ro; 0: free */
    grant_ref_t ref;
    domid_t domid;              /* granting domain */
    unsigned long gfn;          /* host_map: where, in the mapper's p2m */
    unsigned long mfn;
    unsigned long old_mfn;      /* what the host mapping replaced */
    p2m_type_t old_type;
    u32 next_free;              /* free list link while flags == 0 */
};
#define MAPTRACK_NONE (~0U)

struct grant_table {
    struct domain *domain;          /* whose table (owns the frames) */
    spinlock_t lock;
    unsigned int version;           /* 1 */
    unsigned int nr_frames;         /* frames allocated so far */
    unsigned int max_frames;
    void **shared;                  /* [max_frames]: direct-map addresses */
    unsigned long *frame_gfn;       /* [max_frames]: gfn in the guest */
    struct active_grant_entry **active;   /* [max_frames][512] */

    spinlock_t maptrack_lock;
    struct grant_mapping **maptrack;      /* chunks of MAPTRACK_PER_CHUNK */
    unsigned int maptrack_limit;    /* handles allocated so far */
    unsigned int maptrack_max;
    unsigned int maptrack_used;
    u32 maptrack_free;              /* head of the free list */
    unsigned long failed_ops;       /* this domain's, for the debug log */
};

/* gnttab_max_frames= (frames per table, default 64). */
extern unsigned int opt_max_grant_frames;

/*
 * Per-domain table: create with the domain (one frame to start with;
 * grows up to opt_max_grant_frames), destroy when it dies (releases the
 * mappings the domain still holds first).  0 or -ENOMEM.
 */
int grant_table_init(struct domain *d);
void grant_table_destroy(struct domain *d);

/* Register grant_table_op (20).  Call once at boot. */
void grant_table_op_init(void);

/*
 * For XENMEM_add_to_physmap(XENMAPSPACE_grant_table): the machine frame
 * of d's table frame idx, growing the table if needed.  0, or -EINVAL
 * (idx beyond the maximum, or a v2 status frame), -ENOMEM.  Once the
 * frame is mapped, report where with gnttab_set_frame_gfn() so
 * setup_table can tell the guest (INVALID_GFN when unmapped).
 *
 * The frames are shared hypervisor frames owned by d (xen/mm.h,
 * alloc_xen_shared_frame): the table holds one reference on each, and
 * d's own mapping of one (frame_gfn set) another, taken by
 * gnttab_set_frame_gfn() when the frame gets a gfn (-EINVAL if d is
 * dying) and dropped when it loses it.  memory_op reports a gfn of d's
 * that stopped mapping a shared frame (remove_from_physmap,
 * decrease_reservation, replaced) with gnttab_frame_unmapped(), which
 * forgets the gfn and drops that reference if it was a table frame's.
 * grant_table_destroy() drops the table's and the guest's references;
 * frames another domain still maps are freed after the last unmap.
 */
int gnttab_get_frame(struct domain *d, unsigned int idx, unsigned long *mfn);
int gnttab_set_frame_gfn(struct domain *d, unsigned int idx,
                         unsigned long gfn);
void gnttab_frame_unmapped(struct domain *d, unsigned long gfn,
                           unsigned long mfn);

/*
 * The hypercall, for the calling vCPU v (exposed for the unit tests):
 * cmd GNTTABOP_*, uop a guest pointer to count structures.
 */
long do_grant_table_op_vcpu(struct vcpu *v, unsigned int cmd,
                            unsigned long uop, unsigned int count);

/*
 * The per-element operations on native structures (curr is the calling
 * vCPU); each sets op->status to a GNTST_* code.
 */
void gnttab_map_grant_ref(struct vcpu *curr, struct gnttab_map_grant_ref *op);
void gnttab_unmap_grant_ref(struct vcpu *curr,
                            struct gnttab_unmap_grant_ref *op);
void gnttab_copy(struct vcpu *curr, struct gnttab_copy *op);
void gnttab_query_size(struct vcpu *curr, struct gnttab_query_size *op);

#endif /* XEN_GRANT_TABLE_H */
