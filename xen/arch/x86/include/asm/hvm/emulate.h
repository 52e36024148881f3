/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instruction decoding and emulation for HVM vCPUs: the hypervisor side
 * of asm/x86_emulate.h.  Instruction bytes and memory operands are reached
 * through the guest's page tables (guest_walk_vcpu()) and its p2m; memory
 * an emulated device claims (vLAPIC, vIOAPIC) goes to hvm_mmio_dispatch(),
 * guest RAM to copy_{from,to}_guest_phys(), string port I/O to
 * hvm_portio_dispatch().
 *
 * Both functions work on v->regs (rip, rflags, GPRs), which the backend
 * keeps authoritative, and return X86EMUL_* codes:
 *   OKAY          done (rip advanced, the interrupt shadow cleared)
 *   RETRY         nothing done; an exception may have been queued for the
 *                 guest (a #PF on the instruction fetch): re-enter it
 *   EXCEPTION     the instruction raised an exception, which is queued
 *                 (hvm_inject_event()); rip is on the instruction
 *   UNHANDLEABLE  the instruction cannot be emulated (logged with its
 *                 bytes): the caller crashes the domain
 */
#ifndef ASM_HVM_EMULATE_H
#define ASM_HVM_EMULATE_H

#include <asm/x86_emulate.h>

struct vcpu;

/* Length of the instruction at the guest's CS:rip (exits without NRIPS). */
int hvm_insn_length(struct vcpu *v, unsigned int *len);

/* Emulate the instruction at CS:rip (MMIO after an NPF, INS/OUTS). */
int hvm_emulate_one(struct vcpu *v);

#endif /* ASM_HVM_EMULATE_H */
