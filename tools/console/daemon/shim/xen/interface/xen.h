/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux's uapi <xen/privcmd.h> and <xen/gntdev.h> include the kernel's
 * internal <xen/interface/xen.h> for three types; Debian ships the uapi
 * headers without it.  This is all they need from it.
 */
#ifndef CONSOLE_SHIM_XEN_INTERFACE_XEN_H
#define CONSOLE_SHIM_XEN_INTERFACE_XEN_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t domid_t;
typedef uint64_t xen_pfn_t;
typedef uint32_t grant_ref_t;

#endif
