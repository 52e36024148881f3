/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hypervisor's heap (xmalloc, xzalloc, xfree) from the host's malloc,
 * where ASan watches every access.  An area links it by naming
 * ../harness/heap.c in its area.mk's STUBS (domains.c's areas do).
 */
#include <stdlib.h>
#include <xen/mm.h>

void *xmalloc_bytes(size_t size)
{
    return malloc(size);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}
