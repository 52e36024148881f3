/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tinyguest: the smallest PVH kernel the builder takes (an ELF with a
 * XEN_ELFNOTE_PHYS32_ENTRY note).  It halts for ever: a guest that
 * holds its memory and a domain slot while others are created
 * ("10 other guests running"), at no CPU cost.
 */
        .section .note.Xen, "a", @note
        .p2align 2
        .long 4                 /* namesz: "Xen\0" */
        .long 4                 /* descsz */
        .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long _start

        .text
        .code32
        .globl _start
_start:
        cli
1:      hlt
        jmp 1b
