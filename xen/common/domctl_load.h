/* SPDX-License-Identifier: GPL-2.0-only */
/* XEN_DOMCTL_keel_load_memory's handler (domctl_load.c). */
#ifndef COMMON_DOMCTL_LOAD_H
#define COMMON_DOMCTL_LOAD_H

#include <xen/sched.h>
#include <public/domctl.h>

/*
 * Called with the domctl lock held; d is live (not dying); caller is the
 * dom0 vCPU whose virtual addresses l->buffer names.
 */
long domctl_load_memory(struct vcpu *caller, struct domain *d,
                        struct xen_domctl_keel_load_memory *l);

#endif
