/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from a multiboot1 or multiboot2 loader (QEMU -kernel, GRUB 0.97,
 * GRUB2 BIOS and EFI).  We arrive in 32-bit protected mode with paging off,
 * %eax = loader magic and %ebx = physical address of the boot information.
 * Build identity page tables for the first 4 GiB (plus the same tables in
 * the direct-map slot), switch to long mode and call __start_xen().
 */
#include <asm/config.h>

#define MB1_MAGIC   0x1BADB002
#define MB1_FLAGS   0x00000003      /* align modules, want memory info */
#define MB2_MAGIC   0xE85250D6

#define X86_CR0_PE  0x00000001
#define X86_CR0_WP  0x00010000
#define X86_CR0_PG  0x80000000
#define X86_CR4_PAE 0x00000020
#define X86_CR4_PGE 0x00000080
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define EFER_NXE    (1 << 11)

        .section .text.head, "ax", @progbits
        .code32
        .globl  start
start:
        jmp     __start

        .balign 4
multiboot1_header:
        .long   MB1_MAGIC
        .long   MB1_FLAGS
        .long   -(MB1_MAGIC + MB1_FLAGS)

        .balign 8
multiboot2_header:
        .long   MB2_MAGIC
        .long   0                               /* architecture: i386 */
        .long   mb2_end - multiboot2_header
        .long   -(MB2_MAGIC + (mb2_end - multiboot2_header))
        /* Information request (optional): cmdline, loader name, modules,
         * basic meminfo, mmap, ACPI old and new RSDP. */
        .balign 8
mb2_inforeq:
        .short  1, 1
        .long   mb2_inforeq_end - mb2_inforeq
        .long   1, 2, 3, 4, 6, 14, 15
mb2_inforeq_end:
        /* Modules page-aligned. */
        .balign 8
        .short  6, 1
        .long   8
        /* End tag. */
        .balign 8
        .short  0, 0
        .long   8
mb2_end:

early_msg_no64:
        .asciz  "ERR: Not a 64-bit CPU; Keel needs x86-64.\r\n"

        /* Print %esi to COM1 with polling, then halt forever. */
early_error:
        mov     $0x3fd, %dx
1:      inb     %dx, %al
        test    $0x20, %al
        jz      1b
        mov     $0x3f8, %dx
        lodsb
        test    %al, %al
        jz      2f
        outb    %al, %dx
        jmp     early_error
2:      cli
        hlt
        jmp     2b

__start:
        cld
        cli
        /* Keep the loader's registers safe from the BSS clear. */
        mov     %eax, %ebp
        mov     %ebx, %edi

        lgdt    boot_gdt_descr
        mov     $__HYPERVISOR_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        ljmp    $__HYPERVISOR_CS32, $1f
1:
        /* Zero the BSS. */
        push    %edi
        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        pop     %edi

        mov     %ebp, boot_magic
        mov     %edi, boot_info_pa

        mov     $(cpu0_stack + STACK_SIZE - CPUINFO_SIZE), %esp

        /* Long mode available? */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      .Lno64
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     .Lno64
        xor     %ebx, %ebx
        bt      $20, %edx               /* NX available? */
        jnc     2f
        mov     $EFER_NXE, %ebx
2:
        /* l2_identmap: 2048 x 2 MiB pages covering 0..4 GiB. */
        mov     $l2_identmap, %edi
        xor     %ecx, %ecx
3:      mov     %ecx, %eax
        shl     $21, %eax
        or      $0x83, %eax             /* present, writable, PSE */
        mov     %eax, (%edi,%ecx,8)
        mov     %ecx, %eax
        shr     $11, %eax               /* bits 32+ of (ecx << 21) */
        mov     %eax, 4(%edi,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      3b

        /* l3_identmap[0..3] -> the four l2 pages. */
        mov     $l3_identmap, %edi
        mov     $l2_identmap + 0x3, %eax
        xor     %ecx, %ecx
4:      mov     %eax, (%edi,%ecx,8)
        movl    $0, 4(%edi,%ecx,8)
        add     $0x1000, %eax
        inc     %ecx
        cmp     $4, %ecx
        jb      4b

        /* PML4: slot 0 (identity) and DIRECTMAP_SLOT share l3_identmap. */
        mov     $l3_identmap + 0x3, %eax
        mov     %eax, idle_pg_table
        mov     %eax, idle_pg_table + DIRECTMAP_SLOT * 8

        mov     %cr4, %eax
        or      $(X86_CR4_PAE | X86_CR4_PGE), %eax
        mov     %eax, %cr4
        mov     $idle_pg_table, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        or      %ebx, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
        mov     %eax, %cr0
        ljmp    $__HYPERVISOR_CS, $start64

.Lno64:
        mov     $early_msg_no64, %esi
        jmp     early_error

        .code64
start64:
        mov     $__HYPERVISOR_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        xor     %ecx, %ecx
        mov     %ecx, %fs
        mov     %ecx, %gs
        lea     cpu0_stack + STACK_SIZE - CPUINFO_SIZE(%rip), %rsp
        xor     %ebp, %ebp
        mov     boot_magic(%rip), %edi
        mov     boot_info_pa(%rip), %esi
        call    __start_xen
5:      cli
        hlt
        jmp     5b

        .section .data.head, "aw", @progbits
        .balign 8
        .globl  boot_gdt
boot_gdt:
        .quad   0
        .quad   0x00af9b000000ffff      /* 0x08: 64-bit code, DPL0 */
        .quad   0x00cf93000000ffff      /* 0x10: flat data */
        .quad   0x00cf9b000000ffff      /* 0x18: flat 32-bit code */
boot_gdt_end:
        .balign 8
        .word   0
        .globl  boot_gdt_descr
boot_gdt_descr:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .globl  boot_magic, boot_info_pa
boot_magic:
        .long   0
boot_info_pa:
        .long   0

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl  idle_pg_table, l3_identmap, l2_identmap
idle_pg_table:
        .skip   4096
l3_identmap:
        .skip   4096
l2_identmap:
        .skip   4096 * 4

        .section .bss.stack_aligned, "aw", @nobits
        .balign STACK_SIZE
        .globl  cpu0_stack
cpu0_stack:
        .skip   STACK_SIZE
