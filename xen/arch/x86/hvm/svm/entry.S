/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch (AMD64 APM vol. 2, 15.5 "VMRUN", 15.5.2 "VMSAVE and
 * VMLOAD").
 *
 * void svm_vmrun(struct cpu_user_regs *regs, paddr_t vmcb_pa,
 *                paddr_t host_vmcb_pa);
 *
 * Called with interrupts disabled.  CLGI holds every interrupt and NMI
 * until STGI; STI before VMRUN makes the host's saved RFLAGS.IF 1, so
 * that (with V_INTR_MASKING) physical interrupts arriving in the guest
 * make it exit and are taken right after STGI, in the host's handlers.
 * VMRUN itself switches RAX, RSP, RIP, RFLAGS, CRs, EFER and the
 * ES/CS/SS/DS segments; VMLOAD/VMSAVE switch FS, GS, TR, LDTR,
 * KernelGSbase and the SYSCALL/SYSENTER MSRs, through the per-CPU host
 * VMCB.  The other guest GPRs live in *regs.  Returns with interrupts
 * enabled.
 */

/* struct cpu_user_regs (asm/traps.h), checked in svm.c. */
#define R_r15   0
#define R_r14   8
#define R_r13   16
#define R_r12   24
#define R_rbp   32
#define R_rbx   40
#define R_r11   48
#define R_r10   56
#define R_r9    64
#define R_r8    72
#define R_rcx   88
#define R_rdx   96
#define R_rsi   104
#define R_rdi   112

        .text
        .globl svm_vmrun
        .type svm_vmrun, @function
svm_vmrun:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* 16(%rsp): regs */
        push    %rdx                    /*  8(%rsp): host VMCB */
        push    %rsi                    /*   (%rsp): guest VMCB */

        clgi
        sti
        mov     %rdx, %rax
        vmsave
        mov     (%rsp), %rax
        vmload

        mov     R_r15(%rdi), %r15
        mov     R_r14(%rdi), %r14
        mov     R_r13(%rdi), %r13
        mov     R_r12(%rdi), %r12
        mov     R_rbp(%rdi), %rbp
        mov     R_rbx(%rdi), %rbx
        mov     R_r11(%rdi), %r11
        mov     R_r10(%rdi), %r10
        mov     R_r9(%rdi), %r9
        mov     R_r8(%rdi), %r8
        mov     R_rcx(%rdi), %rcx
        mov     R_rdx(%rdi), %rdx
        mov     R_rsi(%rdi), %rsi
        mov     R_rdi(%rdi), %rdi

        vmrun
        /* #VMEXIT: RAX, RSP and RFLAGS are the host's again; GIF is 0. */
        vmsave

        push    %rdi
        mov     24(%rsp), %rdi          /* regs, below the guest's rdi */
        mov     %r15, R_r15(%rdi)
        mov     %r14, R_r14(%rdi)
        mov     %r13, R_r13(%rdi)
        mov     %r12, R_r12(%rdi)
        mov     %rbp, R_rbp(%rdi)
        mov     %rbx, R_rbx(%rdi)
        mov     %r11, R_r11(%rdi)
        mov     %r10, R_r10(%rdi)
        mov     %r9, R_r9(%rdi)
        mov     %r8, R_r8(%rdi)
        mov     %rcx, R_rcx(%rdi)
        mov     %rdx, R_rdx(%rdi)
        mov     %rsi, R_rsi(%rdi)
        popq    R_rdi(%rdi)

        mov     8(%rsp), %rax               /* host VMCB */
        vmload
        stgi                            /* pending interrupts are taken here */

        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size svm_vmrun, . - svm_vmrun
