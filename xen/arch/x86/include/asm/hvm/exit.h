/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM exit in vendor-neutral form.  svm/ and vmx/ translate their exit
 * codes into struct hvm_exit and call hvm_handle_exit(); nothing in hvm/
 * looks at a VMCB or VMCS.
 */
#ifndef ASM_HVM_EXIT_H
#define ASM_HVM_EXIT_H

#include <xen/types.h>

enum hvm_exit_reason {
    HVM_EXIT_NONE,          /* e.g. a physical interrupt: nothing to do */
    HVM_EXIT_IO,            /* port I/O */
    HVM_EXIT_NPF,           /* nested page fault / EPT violation */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,
    HVM_EXIT_MSR_WRITE,
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,     /* VMMCALL / VMCALL */
    HVM_EXIT_INTR_WINDOW,   /* the guest can take an interrupt now */
    HVM_EXIT_CR_ACCESS,
    HVM_EXIT_EXCEPTION,     /* an intercepted guest exception */
    HVM_EXIT_INVLPG,
    HVM_EXIT_PAUSE,
    HVM_EXIT_SHUTDOWN,      /* triple fault */
    HVM_EXIT_INIT,
    HVM_EXIT_XSETBV,
    HVM_EXIT_INVALID,       /* bad guest state: VMRUN/VMLAUNCH refused */
    HVM_EXIT_UNHANDLED,     /* vendor code we do not know */
};

struct hvm_exit {
    enum hvm_exit_reason reason;
    u64 vendor_code;            /* raw exit code, for messages */
    /*
     * Length of the exiting instruction if the hardware told us (0 if
     * not: TCG's SVM has no NRIPS; then hvm/ decodes it).
     */
    unsigned int insn_len;
    union {
        struct {
            u16 port;
            u8 size;            /* 1, 2, 4 */
            bool in, str, rep;
            unsigned int next_rip_valid:1;
            u64 next_rip;       /* SVM gives it for IOIO even without NRIPS */
        } io;
        struct {
            u64 gpa;
            u64 gla;
            bool gla_valid;
            bool read, write, fetch;
            bool present;       /* a translation existed (permission fault) */
        } npf;
        struct {
            u32 index;
        } msr;
        struct {
            unsigned int cr;
            bool write;
            int gpr;            /* -1 if the hardware did not decode it */
        } cr;
        struct {
            u8 vector;
            bool has_error_code;
            u32 error_code;
            u64 cr2;
        } exception;
    } u;
};

#endif
