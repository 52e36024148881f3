/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux's uapi <xen/privcmd.h>, <xen/evtchn.h> and <xen/gntdev.h> use
 * types from the kernel-internal <xen/interface/xen.h>, which userspace
 * does not get.
 * This stand-in gives just those (sizes from Xen's public headers).
 */
#ifndef KEEL_COMPAT_XEN_INTERFACE_XEN_H
#define KEEL_COMPAT_XEN_INTERFACE_XEN_H

#include <stdint.h>

typedef uint16_t domid_t;
typedef uint64_t xen_pfn_t;     /* x86_64 */
typedef uint32_t grant_ref_t;   /* used by <xen/gntdev.h> */

#endif
