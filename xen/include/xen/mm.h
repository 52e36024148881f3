/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory management interface of the hypervisor.
 *
 * Physical memory: the sanitized e820 (asm/e820.h) feeds a boot allocator,
 * which hands the remaining RAM to the buddy allocator.  Memory below 1 MiB,
 * the hypervisor image and the boot modules are never handed out.
 * Every RAM page is reachable through the direct map at
 * DIRECTMAP_VIRT_START + physical address.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>
#include <asm/config.h>

/* Direct map conversions (valid for all RAM once the direct map is up). */
void *maddr_to_virt(paddr_t ma);
paddr_t virt_to_maddr(const void *va);
#define __va(ma) maddr_to_virt(ma)
#define __pa(va) virt_to_maddr(va)

/*
 * Early allocator, usable between e820_init() and end_boot_allocator():
 * nr_pfns frames aligned to pfn_align frames.  Returns a PFN; panics on
 * failure (boot cannot continue without it).
 */
unsigned long alloc_boot_pages(unsigned long nr_pfns, unsigned long pfn_align);

/*
 * Buddy allocator.  Blocks of 2^order pages, naturally aligned (an
 * order-2 block is 16 KiB aligned, so STACK_ORDER blocks serve as stacks).
 * Returns the direct-map address, or NULL when no block is free.
 */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *v, unsigned int order);
#define alloc_xenheap_page() alloc_xenheap_pages(0, 0)
#define free_xenheap_page(v) free_xenheap_pages(v, 0)

/* Small-object heap on top of the buddy allocator. */
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xmalloc(type)           ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type)           ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n)  ((type *)xzalloc_bytes(sizeof(type) * (n)))

/* Totals, in pages. */
extern unsigned long total_pages;       /* RAM the e820 reports */
unsigned long avail_heap_pages(void);   /* free in the buddy allocator */

#endif
