/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Symbol lookup for stack traces and %pS.  The table is generated from
 * xen-syms by a second link (see xen/Makefile and tools/symbols.c).
 */
#ifndef XEN_SYMBOLS_H
#define XEN_SYMBOLS_H

#include <xen/types.h>

/* Name of the function containing addr, its start and size; NULL if none. */
const char *symbols_lookup(unsigned long addr, unsigned long *start,
                           unsigned long *size);

/* "name+0x12/0x40" (with_offset) or "name"; the hex address if unknown. */
void symbols_snprint(char *buf, size_t len, unsigned long addr,
                     bool with_offset);

#endif
