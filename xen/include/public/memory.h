/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op hypercall (__HYPERVISOR_memory_op 12): command numbers and
 * argument layouts of the guest ABI, written from the public interface
 * description (Xen's public/memory.h, the x86_64 layout).  The call is
 * memory_op(cmd, arg): arg is a guest pointer to the command's structure
 * (or to a domid_t for the reservation queries).  Guest handles are
 * 64-bit guest-virtual pointers here.
 *
 * For PVH dom0 Linux uses: memory_map (its e820, in enlighten_pvh.c),
 * add_to_physmap (shared_info, grant frames), populate_physmap and
 * decrease_reservation (balloon), add_to_physmap_batch with
 * XENMAPSPACE_gmfn_foreign (privcmd mmap of another domain's frames),
 * machine_memory_map (dom0 only: the host e820), current/maximum
 * reservation and maximum_ram_page.
 */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include <public/xen.h>

/* ---- reservations ---------------------------------------------------- */

#define XENMEM_increase_reservation   0
#define XENMEM_decrease_reservation   1
#define XENMEM_populate_physmap       6
#define XENMEM_claim_pages            24    /* toolstack; same struct */

/*
 * extent_start: guest pointer to nr_extents xen_pfn_t.  increase: OUT
 * the frames (meaningless for translated guests); decrease: IN the gfns
 * to give up; populate: IN the gfns to fill.  Each extent is
 * 2^extent_order pages.  The hypercall returns how many extents it
 * completed (a short count means failure at that index).
 */
struct xen_memory_reservation {
    uint64_t extent_start;          /* XEN_GUEST_HANDLE(xen_pfn_t) */
    xen_ulong_t nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags;         /* XENMEMF_* */
    domid_t domid;                  /* DOMID_SELF or a domain (toolstack) */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/* mem_flags */
#define XENMEMF_address_bits(x)       (x)           /* 0: no limit */
#define XENMEMF_get_address_bits(x)   ((x) & 0xffu)
#define XENMEMF_node(x)               (((x) + 1) << 8)
#define XENMEMF_get_node(x)           ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand    (1u << 16)
#define XENMEMF_exact_node_request    (1u << 17)
#define XENMEMF_exact_node(n)         (XENMEMF_node(n) | \
                                       XENMEMF_exact_node_request)
#define XENMEMF_vnode                 (1u << 18)

/* Exchange extents for others (e.g. below an address limit). */
#define XENMEM_exchange               11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;       /* OUT */
};

/* arg: domid_t *; the result is the return value (in pages). */
#define XENMEM_maximum_ram_page       2     /* arg ignored */
#define XENMEM_current_reservation    3
#define XENMEM_maximum_reservation    4
#define XENMEM_maximum_gpfn           14

/* PV only: the M2P table.  -ENOSYS here. */
#define XENMEM_machphys_mfn_list      5
#define XENMEM_machphys_mapping       12
#define XENMEM_machphys_compat_mfn_list 25

/* ---- physmap --------------------------------------------------------- */

#define XENMEM_add_to_physmap         7
#define XENMAPSPACE_shared_info       0     /* idx 0 */
#define XENMAPSPACE_grant_table       1     /* idx: grant frame number */
#define XENMAPSPACE_gmfn              2     /* idx: a gfn of the caller */
#define XENMAPSPACE_gmfn_range        3     /* like gmfn, size frames */
#define XENMAPSPACE_gmfn_foreign      4     /* batch only: foreign gfn */
#define XENMAPSPACE_dev_mmio          5     /* Arm */
/* With XENMAPSPACE_grant_table: map status frames (v2), not entries. */
#define XENMAPIDX_grant_table_status  0x80000000u

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;                  /* frames, for XENMAPSPACE_gmfn_range */
    unsigned int space;             /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;                 /* where in the caller's physmap */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

#define XENMEM_add_to_physmap_batch   23
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;                 /* XENMAPSPACE_* */
    uint16_t size;                  /* entries in the three arrays */
    union {
        uint16_t res0;
        domid_t foreign_domid;      /* XENMAPSPACE_gmfn_foreign */
    } u;
    uint64_t idxs;                  /* XEN_GUEST_HANDLE(xen_ulong_t) */
    uint64_t gpfns;                 /* XEN_GUEST_HANDLE(xen_pfn_t) */
    uint64_t errs;                  /* XEN_GUEST_HANDLE(int): OUT per entry */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

#define XENMEM_remove_from_physmap    15
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};

/* ---- memory maps ----------------------------------------------------- */

/*
 * memory_map: the caller's own e820; machine_memory_map: the host's
 * (dom0 only).  buffer holds nr_entries e820 entries of 20 bytes
 * (u64 addr, u64 size, u32 type, packed); IN the room, OUT the count.
 */
#define XENMEM_memory_map             9
#define XENMEM_machine_memory_map     10
struct xen_memory_map {
    unsigned int nr_entries;
    uint64_t buffer;                /* XEN_GUEST_HANDLE(void) */
};

/* Toolstack: set a domain's e820. */
#define XENMEM_set_memory_map         13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};

/* ---- the rest (numbers only, for -ENOSYS logging) --------------------- */

#define XENMEM_set_pod_target         16
#define XENMEM_get_pod_target         17
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op              20
#define XENMEM_access_op              21
#define XENMEM_sharing_op             22
#define XENMEM_get_vnumainfo          26
#define XENMEM_reserved_device_memory_map 27

/* ---- resources (ioreq server pages, grant table frames) --------------- */

#define XENMEM_acquire_resource       28
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type;                  /* XENMEM_resource_* */
    uint32_t id;
    uint32_t nr_frames;             /* IN/OUT */
    uint32_t flags;                 /* XENMEM_rsrc_acq_* */
    uint64_t frame;                 /* first frame of the resource */
    uint64_t frame_list;            /* XEN_GUEST_HANDLE(xen_pfn_t) */
};
#define XENMEM_resource_ioreq_server  0
#define XENMEM_resource_grant_table   1
#define XENMEM_resource_vmtrace_buf   2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMEM_rsrc_acq_caller_owned  (1u << 0)

/* The layouts the guest ABI fixes (x86_64). */
_Static_assert(sizeof(struct xen_memory_reservation) == 32,
               "xen_memory_reservation size");
_Static_assert(offsetof(struct xen_memory_reservation, nr_extents) == 8,
               "nr_extents offset");
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16,
               "extent_order offset");
_Static_assert(offsetof(struct xen_memory_reservation, mem_flags) == 20,
               "mem_flags offset");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24,
               "domid offset");
_Static_assert(sizeof(struct xen_memory_exchange) == 72,
               "xen_memory_exchange size");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24,
               "xen_add_to_physmap size");
_Static_assert(offsetof(struct xen_add_to_physmap, space) == 4,
               "space offset");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "idx offset");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16,
               "gpfn offset");
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32,
               "xen_add_to_physmap_batch size");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, u) == 6,
               "foreign_domid offset");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, idxs) == 8,
               "idxs offset");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, errs) == 24,
               "errs offset");
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16,
               "xen_remove_from_physmap size");
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map size");
_Static_assert(offsetof(struct xen_memory_map, buffer) == 8,
               "buffer offset");
_Static_assert(sizeof(struct xen_foreign_memory_map) == 24,
               "xen_foreign_memory_map size");
_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32,
               "xen_mem_acquire_resource size");
_Static_assert(offsetof(struct xen_mem_acquire_resource, frame) == 16,
               "frame offset");

#endif /* PUBLIC_MEMORY_H */
