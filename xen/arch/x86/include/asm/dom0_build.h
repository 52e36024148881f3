/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH dom0 builder (arch/x86/dom0_build.c).
 *
 * With dom0=pvh on the command line, setup calls dom0_construct_pvh()
 * after the dom0 plan: it creates domain 0 (privileged, the hardware
 * domain) with the planned vCPUs, gives it RAM 1:1 (gfn == mfn) and the
 * host's MMIO, loads the kernel's PT_LOAD segments at their physical
 * addresses, places the initrd, the command line and hvm_start_info in
 * dom0 RAM below 4 GiB and points vCPU 0 at the PVH entry with ebx =
 * the start_info address.  The other vCPUs stay down until VCPUOP_up.
 * Any failure panics: the machine is useless without dom0.
 *
 * The layout helpers below are pure and unit tested (tests/unit/sched).
 */
#ifndef ASM_DOM0_BUILD_H
#define ASM_DOM0_BUILD_H

#include <xen/types.h>
#include <xen/bootinfo.h>
#include <public/hvm/start_info.h>

/* dom0=pvh given: build dom0 and schedule instead of idling. */
/* Build dom0 as above; returns only on success. */
void dom0_construct_pvh(void);

/* A range of guest-physical memory [start, end), in bytes. */
struct dom0_range {
    u64 start, end;
};

/*
 * Dom0's memory map from the host's (host[], sorted, not overlapping,
 * e820_sanitize()'s output) and dom0's RAM (ram[], sorted, disjoint):
 * host RAM that dom0 has stays RAM, host RAM it does not have (the
 * hypervisor's image, heap and boot modules, RAM beyond dom0_mem)
 * becomes UNUSABLE, every other host range keeps its type (reserved,
 * ACPI, NVS, ...).  dom0 RAM outside host RAM is ignored.  Adjacent
 * entries of one type are merged.  Returns the number of entries, or
 * -ENOSPC if more than max_out would be needed.
 */
int dom0_build_memmap(const struct e820entry *host, unsigned int nr_host,
                      const struct dom0_range *ram, unsigned int nr_ram,
                      struct hvm_memmap_table_entry *out,
                      unsigned int max_out);

/* What goes into the start_info block. */
struct dom0_start_params {
    const char *cmdline;            /* NULL: none */
    u64 initrd_paddr, initrd_size;  /* size 0: no module */
    const char *initrd_cmdline;     /* NULL: none */
    u64 rsdp_paddr;                 /* 0: none */
    const struct hvm_memmap_table_entry *memmap;
    unsigned int nr_memmap;
};

/*
 * Lay out, in buf (which will be at guest-physical base, 8-byte aligned):
 * hvm_start_info (version 1), the module list, the memory map, the RSDP
 * copy (if any), then the strings, each 8-byte aligned, with every paddr
 * field pointing into the block.  Returns the bytes used, or 0 if bufsz
 * is too small.
 */
/*
 * Mark [start, end) of a memory map as type (it must lie inside one RAM
 * entry, which is split).  Returns the new number of entries, or -EINVAL
 * (not inside one RAM entry) / -ENOSPC.
 */
int dom0_memmap_mark(struct hvm_memmap_table_entry *m, unsigned int nr,
                     unsigned int max, u64 start, u64 end, u32 type);

/* dom0's ACPI tables (dom0_acpi.c): RSDP, XSDT, MADT, FADT copy. */
struct acpi_table_header;
struct dom0_acpi_params {
    const struct acpi_table_header *const *tables;  /* the host's root */
    const u64 *table_pa;                            /* list, mapped */
    unsigned int nr_tables;
    unsigned int nr_vcpus;
};

/* Bytes the block needs (RSDP first, 16-byte aligned tables). */
size_t dom0_acpi_size(const struct dom0_acpi_params *p);

/*
 * Build the block in buf for dom0 physical address base (the RSDP is at
 * base).  Returns dom0_acpi_size(), or 0 if buf is too small.
 */
size_t dom0_acpi_build(void *buf, size_t bufsz, u64 base,
                       const struct dom0_acpi_params *p);

size_t dom0_start_info_build(void *buf, size_t bufsz, u64 base,
                             const struct dom0_start_params *p);

/* The size dom0_start_info_build() needs for p. */
size_t dom0_start_info_size(const struct dom0_start_params *p);

/*
 * Console input for dom0 (common/console_io.c): the serial driver hands
 * over each byte typed while input is switched to dom0.  False when the
 * ring is full and the byte was dropped.
 */
bool dom0_console_input(char c);

#endif /* ASM_DOM0_BUILD_H */
