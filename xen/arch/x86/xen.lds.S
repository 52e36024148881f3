/* SPDX-License-Identifier: GPL-2.0-only */
/* Link map of the hypervisor: one loadable segment at XEN_LOAD_ADDR. */
#include <asm/config.h>
#undef i386

OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start)

PHDRS
{
    text PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = XEN_LOAD_ADDR;
    _start = .;

    .text : {
        _stext = .;
        *(.text.head)
        *(.text .text.*)
        *(.init.text)
        _etext = .;
    } :text

    .rodata : {
        . = ALIGN(8);
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __start_xen_params = .;
        KEEP(*(xen_params))
        __stop_xen_params = .;
        . = ALIGN(8);
        __initcall_start = .;
        KEEP(*(.initcall))
        __initcall_end = .;
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(.ex_table))
        __ex_table_end = .;
    } :text

    .data : {
        . = ALIGN(4096);
        *(.data.page_aligned)
        *(.data.head)
        *(.data .data.*)
        *(.init.data)
    } :text

    .bss (NOLOAD) : {
        . = ALIGN(STACK_SIZE);
        __bss_start = .;
        *(.bss.stack_aligned)
        . = ALIGN(4096);
        *(.bss.page_aligned)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
        __bss_end = .;
    } :text

    _end = .;

    /DISCARD/ : {
        *(.comment)
        *(.note.GNU-stack)
        *(.eh_frame)
    }
}
