/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls.  One table indexed by hypercall number; each entry has a
 * handler and says which domains may use it.  64-bit HVM guests pass the
 * number in rax and arguments in rdi, rsi, rdx, r10, r8; the result goes
 * back in rax.  Pointers are guest virtual addresses: read them only with
 * copy_from_guest()/copy_to_guest() (xen/guest_access.h), which fail with
 * -EFAULT instead of faulting.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>

struct vcpu;

typedef long (*hypercall_fn_t)(unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4,
                               unsigned long a5);

#define HC_ANY        0           /* every domain */
#define HC_PRIVILEGED 1           /* dom0 only */

struct hypercall_entry {
    hypercall_fn_t fn;
    unsigned int perm;
    const char *name;
};

#define NR_hypercalls 64

/*
 * Register a handler (at boot, from each subsystem's init).  Numbers are
 * the Xen ABI's (xen.h): __HYPERVISOR_xen_version 17, memory_op 12, ...
 */
void hypercall_register(unsigned int nr, hypercall_fn_t fn, unsigned int perm,
                        const char *name);

/*
 * Run the hypercall the current vCPU asked for (its registers in v).
 * Unknown or forbidden numbers return -ENOSYS / -EPERM and are logged once
 * per number.
 */
void hypercall_dispatch(struct vcpu *v);

/*
 * Handlers of common/ that hypercall.c's table holds from the start:
 * xen_version (version.c), sched_op (schedop.c), console_io
 * (console_io.c).
 */
long do_xen_version(unsigned long cmd, unsigned long arg, unsigned long a3,
                    unsigned long a4, unsigned long a5);
long do_sched_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                 unsigned long a4, unsigned long a5);
long do_console_io(unsigned long cmd, unsigned long count,
                   unsigned long buffer, unsigned long a4, unsigned long a5);

#endif
