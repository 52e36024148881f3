/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder and emulator.
 *
 * Pure code (no hypervisor services; the unit tests run it on the host):
 * the caller supplies the register file, the CPU mode, the segment bases
 * and a table of callbacks for memory, instruction fetch and port I/O.
 *
 * x86_insn_length() decodes any instruction in 16-, 32- and 64-bit mode
 * (legacy prefixes, REX, the 0F/0F38/0F3A maps, VEX/EVEX/XOP, ModRM, SIB,
 * displacements, immediates) and returns its length: TCG's SVM has no
 * NRIPS, so every intercepted instruction is measured here.
 *
 * x86_emulate() decodes and executes one instruction of the set Linux uses
 * on MMIO (mov and its zero/sign-extending forms, string moves, ALU ops
 * with a memory operand, xchg, inc/dec/not/neg, bt*, movnti, in/out/ins/
 * outs) and advances rip.  Anything else returns X86EMUL_UNHANDLEABLE with
 * ctxt->unsupported set and the bytes in ctxt->insn_bytes for the message.
 *
 * Memory callbacks get linear addresses: the emulator adds the segment
 * base (FS/GS only in 64-bit mode), applies the address-size wrap and the
 * canonical check.  Segment limits and access rights are not checked
 * (every guest we run uses flat segments).
 */
#ifndef ASM_X86_EMULATE_H
#define ASM_X86_EMULATE_H

#include <xen/types.h>
#include <asm/traps.h>

/* Return codes of the emulator and of every callback (Xen's values). */
#define X86EMUL_OKAY          0
#define X86EMUL_UNHANDLEABLE  1 /* cannot do it: caller decides (crash) */
#define X86EMUL_EXCEPTION     2 /* inject ctxt->event into the guest */
#define X86EMUL_RETRY         3 /* nothing done: re-enter the guest */

/* Segment registers in their hardware encoding (ModRM reg of mov sreg). */
enum x86_segment {
    x86_seg_es,
    x86_seg_cs,
    x86_seg_ss,
    x86_seg_ds,
    x86_seg_fs,
    x86_seg_gs,
    x86_seg_nr,
};

/* A segment register as the backends hold it (VMCB layout of attr). */
struct segment_register {
    u16 sel;
    u16 attr;       /* type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
    u32 limit;
    u64 base;
};

/* Execution modes: the default operand and address size. */
#define X86EMUL_MODE_16  2      /* real, virtual-8086, 16-bit protected */
#define X86EMUL_MODE_32  4      /* 32-bit protected (CS.D=1) */
#define X86EMUL_MODE_64  8      /* long mode, CS.L=1 */

/* An exception to inject when a call returns X86EMUL_EXCEPTION. */
struct x86_emulate_event {
    u8 vector;              /* TRAP_* */
    bool has_error_code;
    u32 error_code;
    u64 cr2;                /* #PF only */
};

struct x86_emulate_ctxt;

struct x86_emulate_ops {
    /*
     * Data accesses at a linear address, bytes 1-8 (string instructions
     * and bt use the same sizes).  An access never crosses from one
     * operand into another, but may cross a page: the callback splits it
     * if it must.
     */
    int (*read)(unsigned long addr, void *buf, unsigned int bytes,
                struct x86_emulate_ctxt *ctxt);
    int (*write)(unsigned long addr, const void *buf, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt);
    /*
     * Instruction bytes at a linear address.  The decoder asks only for
     * the bytes it needs, in order, so a fault past the end of a short
     * instruction is never reported.
     */
    int (*fetch)(unsigned long addr, void *buf, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt);
    /* Port I/O for in/out/ins/outs; NULL means unhandleable. */
    int (*read_io)(unsigned int port, unsigned int bytes, unsigned long *val,
                   struct x86_emulate_ctxt *ctxt);
    int (*write_io)(unsigned int port, unsigned int bytes, unsigned long val,
                    struct x86_emulate_ctxt *ctxt);
};

#define X86_MAX_INSN_LEN 15

struct x86_emulate_ctxt {
    /* Set by the caller. */
    struct cpu_user_regs *regs;     /* GPRs, rip, rflags: updated */
    unsigned int mode;              /* X86EMUL_MODE_* */
    u64 seg_base[x86_seg_nr];
    /*
     * Largest number of iterations of a rep string instruction done in
     * one call (0: 1024).  When rcx is not exhausted, rip stays on the
     * instruction, as after an interrupt, and the guest re-executes it.
     */
    unsigned int max_reps;
    void *data;                     /* for the callbacks */

    /* Results. */
    struct x86_emulate_event event; /* valid after X86EMUL_EXCEPTION */
    unsigned int insn_len;          /* bytes decoded (all of them if OK) */
    u8 insn_bytes[X86_MAX_INSN_LEN];
    /* (map << 8) | opcode byte: 0 one-byte, 1 0F, 2 0F38, 3 0F3A, ... */
    unsigned int opcode;
    bool unsupported;               /* decoded fine, not emulated */
};

/* For callbacks: record an exception and return X86EMUL_EXCEPTION. */
int x86_emul_exception(struct x86_emulate_ctxt *ctxt, u8 vector,
                       bool has_error_code, u32 error_code);
int x86_emul_pagefault(struct x86_emulate_ctxt *ctxt, u32 error_code,
                       unsigned long cr2);

/*
 * Length of the instruction at CS:rip.  X86EMUL_OKAY with *len set, or
 * X86EMUL_EXCEPTION (#UD for an invalid opcode, #GP(0) past 15 bytes, a
 * fetch fault), or what the fetch callback returned.
 */
int x86_insn_length(struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, unsigned int *len);

/* Decode and execute the instruction at CS:rip. */
int x86_emulate(struct x86_emulate_ctxt *ctxt,
                const struct x86_emulate_ops *ops);

/* Guest mode from the state the backends hold (EFER.LMA, CS.L, CS.D). */
unsigned int x86_emul_mode(bool protected_mode, bool vm86, bool lma,
                           const struct segment_register *cs);

#endif /* ASM_X86_EMULATE_H */
