/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH boot information block (Xen's public
 * arch-x86/hvm/start_info.h; docs/misc/pvh.pandoc).  Its guest-physical
 * address is in ebx at the XEN_ELFNOTE_PHYS32_ENTRY entry point; it and
 * everything it points to lie below 4 GiB.
 */
#ifndef PUBLIC_HVM_START_INFO_H
#define PUBLIC_HVM_START_INFO_H

#include <xen/types.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578  /* "xEn3" with bit 7 */

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;           /* 0: up to rsdp_paddr; 1: memmap */
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;     /* hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;     /* NUL-terminated */
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;      /* hvm_memmap_table_entry[] (v1) */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_*, e820 numbering */
    uint32_t reserved;
};

#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

/* start_info flags (SIF_*, xen.h). */
#define SIF_PRIVILEGED    (1 << 0)  /* domain may access hardware */
#define SIF_INITDOMAIN    (1 << 1)  /* the initial control domain */

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16,
               "hvm_start_info.modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32,
               "hvm_start_info.rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40,
               "hvm_start_info.memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48,
               "hvm_start_info.memmap_entries");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
               "hvm_memmap_table_entry");

#endif /* PUBLIC_HVM_START_INFO_H */
