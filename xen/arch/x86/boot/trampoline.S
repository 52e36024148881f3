/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application processor start.  A STARTUP IPI with vector VV starts the
 * AP in real mode at VV00:0000 (Intel SDM vol. 3A 8.4.4.1), so the
 * 16-bit part below (trampoline_start .. trampoline_end) is copied by
 * smpboot.c to a page below 1 MiB and must not depend on where it runs:
 * it addresses its data relative to CS.  It loads the boot GDT from the
 * image, enters protected mode and jumps to ap_start32 in the image at
 * its linked (identity-mapped) address, which enables paging with the
 * BSP's page tables, enters long mode and calls start_secondary() on the
 * stack the BSP prepared.
 */
#include <asm/config.h>

#define X86_CR0_PE  0x00000001
#define X86_CR0_WP  0x00010000
#define X86_CR0_PG  0x80000000
#define X86_CR4_PAE 0x00000020
#define X86_CR4_PGE 0x00000080
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define EFER_NXE    (1 << 11)

        .section .text, "ax", @progbits
        .code16
        .balign 16
        .globl  trampoline_start, trampoline_end
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        /* Tell the BSP we got here (offset of the flag within the page). */
        movl    $1, trampoline_alive - trampoline_start
        lgdtl   tramp_gdt_descr - trampoline_start
        mov     %cr0, %eax
        or      $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   $__HYPERVISOR_CS32, $ap_start32

        .balign 8
tramp_gdt_descr:
        .word   4 * 8 - 1               /* boot_gdt: null, CS64, DS, CS32 */
        .long   boot_gdt
        .balign 4
        .globl  trampoline_alive
trampoline_alive:
        .long   0
trampoline_end:

        .code32
ap_start32:
        mov     $__HYPERVISOR_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss

        mov     %cr4, %eax
        or      $(X86_CR4_PAE | X86_CR4_PGE), %eax
        mov     %eax, %cr4
        mov     ap_cr3, %eax
        mov     %eax, %cr3

        /* EFER.NXE exactly when the CPU has NX, as head.S does. */
        xor     %ebx, %ebx
        mov     $0x80000001, %eax
        cpuid
        bt      $20, %edx
        jnc     1f
        mov     $EFER_NXE, %ebx
1:      mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        or      %ebx, %eax
        wrmsr

        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
        mov     %eax, %cr0
        ljmp    $__HYPERVISOR_CS, $ap_start64

        .code64
ap_start64:
        mov     $__HYPERVISOR_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        xor     %ecx, %ecx
        mov     %ecx, %fs
        mov     %ecx, %gs
        mov     ap_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        call    start_secondary
2:      cli
        hlt
        jmp     2b
