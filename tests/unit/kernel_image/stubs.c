/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-ins: the heap and xenheap from malloc (with a count of live
 * xenheap blocks, so tests see leaks), an identity "direct map", a clock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xen/mm.h>
#include <xen/time.h>
#include <xen/bootinfo.h>
#include "stubs.h"

struct boot_info boot_info;
int xenheap_live;
unsigned int xenheap_fail_order = 99;

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

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    void *p;

    if ( order >= xenheap_fail_order )
        return NULL;
    p = aligned_alloc(PAGE_SIZE, (size_t)PAGE_SIZE << order);
    if ( p )
        xenheap_live++;
    return p;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    xenheap_live--;
    free(v);
}

void *maddr_to_virt(paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

s_time_t get_s_time(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (s_time_t)t.tv_sec * 1000000000 + t.tv_nsec;
}
