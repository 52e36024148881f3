/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copies between the hypervisor and guest memory.  Guest addresses are
 * guest-virtual for hypercall arguments (translated through the guest's
 * own page tables, then the p2m) or guest-physical.  Every function
 * returns 0 or -EFAULT and never faults on a bad address; only p2m RAM
 * of the domain itself is reachable.
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <xen/types.h>

struct vcpu;
struct domain;

int copy_from_guest_virt(struct vcpu *v, void *dst, unsigned long gva,
                         size_t len);
int copy_to_guest_virt(struct vcpu *v, unsigned long gva, const void *src,
                       size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa,
                         size_t len);
int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src,
                       size_t len);

/* Hypercall-argument helpers on the current vCPU. */
#define copy_from_guest(dst, gva, len) \
    copy_from_guest_virt(current, dst, gva, len)
#define copy_to_guest(gva, src, len) \
    copy_to_guest_virt(current, gva, src, len)

#endif
