/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version hypercall (__HYPERVISOR_xen_version 17): sub-ops and their
 * argument buffers, from Xen's public version.h.  arg is a guest pointer
 * to the buffer named for each op; XENVER_version and XENVER_pagesize
 * return their answer in rax and take no buffer.
 */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include <public/xen.h>

#define XENVER_version      0   /* rax = major << 16 | minor */

#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

#define XENVER_changeset    4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;     /* start of the hypervisor hole (PV) */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

#define XENVER_get_features 6
struct xen_feature_info {
    uint32_t submap_idx;        /* IN: which 32-bit word of XENFEAT_* */
    uint32_t submap;            /* OUT */
};
typedef struct xen_feature_info xen_feature_info_t;

#define XENVER_pagesize     7   /* rax = page size */

#define XENVER_guest_handle 8
typedef uint8_t xen_domain_handle_t[16];

#define XENVER_commandline  9
typedef char xen_commandline_t[1024];

#define XENVER_build_id     10
struct xen_build_id {
    uint32_t len;               /* IN: buffer size; OUT: id length */
    unsigned char buf[];
};
typedef struct xen_build_id xen_build_id_t;

_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info");
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info");
_Static_assert(sizeof(struct xen_platform_parameters) == 8,
               "xen_platform_parameters");
_Static_assert(sizeof(struct xen_build_id) == 4, "xen_build_id header");

#endif /* PUBLIC_VERSION_H */
