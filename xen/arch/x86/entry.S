/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry.  All 256 IDT vectors get a 16-byte stub
 * that makes the frame uniform (a dummy error code where the CPU pushes
 * none), records the vector in the upper half of the error-code slot and
 * jumps to the common path, which saves the general registers as a
 * struct cpu_user_regs and calls do_trap() or do_IRQ().
 *
 * Everything that arrives here was interrupted in ring 0 (guests run
 * under SVM/VMX and leave through VM exits, not the IDT), so there is no
 * swapgs and no stack switch other than the IST ones.
 */
#include <asm/config.h>
#include <asm/traps.h>

        .text

/*
 * Vectors for which the CPU pushes an error code (Intel SDM vol. 3A
 * table 6-1; AMD APM vol. 2 8.2: #CP 21, #VC 29, #SX 30).
 */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
                        (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

        .pushsection .rodata, "a", @progbits
        .balign 8
        .globl  entry_stubs
entry_stubs:
        .popsection

        .balign 16
        .globl  entry_stubs_start
entry_stubs_start:
        .set    vec, 0
        .rept   256
        .balign 16
1:
        .ifeq   HAS_ERRCODE(vec)
        pushq   $0
        .endif
        movl    $vec, 4(%rsp)
        jmp     common_entry
        .pushsection .rodata, "a", @progbits
        .quad   1b
        .popsection
        .set    vec, vec + 1
        .endr

        /* Global so that call traces name it. */
        .globl  common_entry
common_entry:
        cld
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15

        /*
         * %rsp is the struct cpu_user_regs.  Keep it in %rbx (callee
         * saved) and call with a 16-byte aligned stack as the ABI wants.
         * A frame record {interrupted rbp, interrupted rip} links the
         * handler's frame-pointer chain to the interrupted code, so call
         * traces taken inside handlers continue through it.
         */
        mov     %rsp, %rbx
        mov     %rsp, %rdi
        and     $~15, %rsp
        push    UREGS_rip(%rbx)
        push    UREGS_rbp(%rbx)
        mov     %rsp, %rbp
        cmpl    $TRAP_nr, UREGS_entry_vector(%rbx)
        jae     1f
        call    do_trap
        jmp     2f
1:      call    do_IRQ
2:      mov     %rbx, %rsp

        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        add     $8, %rsp                /* error code and vector */
        iretq
        .globl  entry_stubs_end
entry_stubs_end:
