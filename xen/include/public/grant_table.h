/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grant_table_op hypercall (__HYPERVISOR_grant_table_op 20): the guest
 * ABI of grant tables, version 1, written from the public interface
 * description (Xen's public/grant_table.h).  The call is
 * grant_table_op(cmd, uop, count): uop is a guest pointer to an array of
 * count structures of the command's type.  The hypercall returns 0 or a
 * negative errno for the call as a whole; each element carries its own
 * GNTST_* status.
 *
 * A domain grants access to one of its frames by filling an entry of its
 * grant table (frames it maps with XENMEM_add_to_physmap,
 * XENMAPSPACE_grant_table): flags, the domain allowed in, and the frame
 * (a gfn for auto-translated guests).  The hypervisor sets GTF_reading /
 * GTF_writing while the frame is mapped or copied, so the granting
 * domain knows when it may take the grant back.
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include <public/xen.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* A v1 grant entry: 8 bytes, 512 per 4 KiB frame. */
struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_* */
    domid_t domid;                  /* who may map / copy */
    uint32_t frame;                 /* the granted frame (gfn) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* flags: type in bits 0-1, then modifiers. */
#define GTF_invalid             0
#define GTF_permit_access       1
#define GTF_accept_transfer     2
#define GTF_transitive          3   /* v2 only */
#define GTF_type_mask           3
#define _GTF_readonly           2
#define GTF_readonly            (1U << _GTF_readonly)
#define _GTF_reading            3   /* set by the hypervisor */
#define GTF_reading             (1U << _GTF_reading)
#define _GTF_writing            4   /* set by the hypervisor */
#define GTF_writing             (1U << _GTF_writing)
#define _GTF_PWT                5
#define _GTF_PCD                6
#define _GTF_PAT                7
#define _GTF_sub_page           8   /* v2 only */
/* accept_transfer entries, after a transfer. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version         10
#define GNTTABOP_swap_grant_ref      11
#define GNTTABOP_cache_flush         12

/* map_grant_ref flags. */
#define _GNTMAP_device_map      0   /* dev_bus_addr receives the frame */
#define GNTMAP_device_map       (1U << _GNTMAP_device_map)
#define _GNTMAP_host_map        1   /* map at host_addr (a gpa for HVM) */
#define GNTMAP_host_map         (1U << _GNTMAP_host_map)
#define _GNTMAP_readonly        2
#define GNTMAP_readonly         (1U << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map  (1U << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    4   /* PV only */
#define GNTMAP_contains_pte     (1U << _GNTMAP_contains_pte)

/* Map (dom, ref) into the caller: OUT status, handle, dev_bus_addr. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;                 /* GNTMAP_* */
    grant_ref_t ref;
    domid_t dom;
    int16_t status;                 /* OUT: GNTST_* */
    grant_handle_t handle;          /* OUT */
    uint64_t dev_bus_addr;          /* OUT */
};

/* Undo a map_grant_ref (the handle it returned): OUT status. */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;                 /* OUT */
};

/*
 * Make dom's table at least nr_frames long and list its frames (PV
 * guests).  Auto-translated guests map the frames themselves and get
 * their gfns, if mapped, here.
 */
struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;                 /* OUT */
    uint64_t frame_list;            /* guest pointer to xen_pfn_t[] */
};

struct gnttab_dump_table {
    domid_t dom;
    int16_t status;                 /* OUT */
};

/* Copy len bytes between grant refs or the caller's own gmfns. */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_* */
    int16_t status;                 /* OUT */
};
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref  (1U << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   1
#define GNTCOPY_dest_gref    (1U << _GNTCOPY_dest_gref)

/* Current and largest size of dom's table, in frames. */
struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;             /* OUT */
    uint32_t max_nr_frames;         /* OUT */
    int16_t status;                 /* OUT */
};

/* IN: version wanted; OUT: the version in force. */
struct gnttab_set_version {
    uint32_t version;
};

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;               /* OUT */
};

/* Per-element status codes. */
#define GNTST_okay              0
#define GNTST_general_error    (-1)
#define GNTST_bad_domain       (-2)
#define GNTST_bad_gntref       (-3)
#define GNTST_bad_handle       (-4)
#define GNTST_bad_virt_addr    (-5)
#define GNTST_bad_dev_addr     (-6)
#define GNTST_no_device_space  (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page         (-9)
#define GNTST_bad_copy_arg    (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain          (-12)
#define GNTST_no_space        (-13)

typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
typedef struct gnttab_setup_table gnttab_setup_table_t;
typedef struct gnttab_copy gnttab_copy_t;
typedef struct gnttab_query_size gnttab_query_size_t;
typedef struct gnttab_set_version gnttab_set_version_t;
typedef struct gnttab_get_version gnttab_get_version_t;

/* Layouts (x86_64), as guests compile them. */
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, ref) == 12,
               "map_grant_ref.ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18,
               "map_grant_ref.status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20,
               "map_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24,
               "map_grant_ref.dev_bus_addr");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24,
               "unmap_grant_ref");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20,
               "unmap_grant_ref.status");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16,
               "setup_table.frame_list");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "gnttab_copy.dest");
_Static_assert(offsetof(struct gnttab_copy, dest.offset) == 26,
               "gnttab_copy.dest.offset");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len");
_Static_assert(offsetof(struct gnttab_copy, status) == 36,
               "gnttab_copy.status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12,
               "query_size.status");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "get_version");

#endif /* PUBLIC_GRANT_TABLE_H */
