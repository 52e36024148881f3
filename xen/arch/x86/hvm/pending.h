/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces of subsystems landing in parallel that hvm/ calls but whose
 * headers may not be in the tree yet.  When the owner's header exists it
 * is used; otherwise the declaration agreed in the task briefs is.
 * pending.c has weak stand-ins so the image links meanwhile.
 */
#ifndef HVM_PENDING_H
#define HVM_PENDING_H

struct vcpu;

#if __has_include(<asm/hvm/emulate.h>)
#include <asm/hvm/emulate.h>
#else
/* "emul": length of the instruction at the guest's RIP. */
int hvm_insn_length(struct vcpu *v, unsigned int *len);
/* "emul": emulate the instruction at RIP (MMIO, string I/O). */
int hvm_emulate_one(struct vcpu *v);
#endif

#endif /* HVM_PENDING_H */
