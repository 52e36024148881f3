/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#include <generated/compile.h>

/* The Xen interface level Keel tracks (XENVER_version). */
#define XEN_INTERFACE_MAJOR 4
#define XEN_INTERFACE_MINOR 17

#endif
