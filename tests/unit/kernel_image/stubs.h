/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KERNEL_IMAGE_STUBS_H
#define KERNEL_IMAGE_STUBS_H
extern int xenheap_live;
/* alloc_xenheap_pages() fails for this order and above. */
extern unsigned int xenheap_fail_order;
#endif
