/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The heap, from the host's malloc (ASan watches every access). */
#include <stdlib.h>
#include <string.h>
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
