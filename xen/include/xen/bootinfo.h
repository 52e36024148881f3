/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told us, in one loader-neutral shape.  Multiboot 1
 * and 2 (and any later EFI path) fill struct boot_info; nothing after
 * setup looks at loader structures again.
 */
#ifndef XEN_BOOTINFO_H
#define XEN_BOOTINFO_H

#include <xen/types.h>

#define MAX_BOOT_MODULES  16
#define MAX_BOOT_MEMMAP   128

/* E820 types (also used in hvm_start_info and XENMEM_memory_map). */
#define E820_RAM          1
#define E820_RESERVED     2
#define E820_ACPI         3
#define E820_NVS          4
#define E820_UNUSABLE     5
#define E820_DISABLED     6
#define E820_PMEM         7

struct e820entry {
    u64 addr;
    u64 size;
    u32 type;
} __attribute__((packed));

struct boot_module {
    paddr_t start;
    u64 size;
    const char *cmdline;        /* as the loader gave it (not cooked); all
                                   strings here are copies in .bss */
};

struct boot_info {
    const char *loader;         /* "GRUB 2.06", "qemu", "GNU GRUB 0.97" */
    const char *cmdline;        /* raw, as given by the loader */
    unsigned int mb_version;    /* 1 or 2 */
    bool efi;                   /* booted through an EFI loader */
    u64 mem_lower_kb, mem_upper_kb;   /* multiboot basic meminfo */
    bool have_meminfo;
    unsigned int nr_memmap;
    struct e820entry memmap[MAX_BOOT_MEMMAP];
    unsigned int nr_modules;
    struct boot_module mods[MAX_BOOT_MODULES];
    paddr_t rsdp;               /* a copy of the loader's RSDP; 0 if none */
};

extern struct boot_info boot_info;

/* Fill boot_info from the loader's magic and information structure. */
int multiboot_parse(u32 magic, paddr_t info);

#endif
