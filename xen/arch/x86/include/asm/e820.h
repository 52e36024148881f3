/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's physical memory map, as the hypervisor uses it.
 *
 * Loaders hand us whatever the firmware reported: unsorted, overlapping,
 * with zero-length entries and adjacent pieces of the same type.
 * e820_sanitize() turns that into a sorted list of disjoint ranges, merged
 * where neighbours have the same type; on overlap the more restrictive
 * type wins (reserved/unusable > ACPI NVS > ACPI data > RAM).
 *
 * e820_init() builds the global map from boot_info (the loader's map, or
 * mem_lower/mem_upper when there is none), prints it the way Xen does and
 * the "System RAM:" total.
 */
#ifndef ASM_E820_H
#define ASM_E820_H

#include <xen/types.h>
#include <xen/bootinfo.h>   /* struct e820entry, E820_* types */

#define E820MAX 128

struct e820map {
    unsigned int nr_map;
    struct e820entry map[E820MAX];
};

extern struct e820map e820;

/*
 * Sanitize nr entries of in[] into out[] (at most max entries; in and out
 * must not overlap).  Returns the number of entries written, or -E2BIG if
 * nr > E820MAX, or -ENOSPC if the result does not fit in max entries.
 * Ranges that run past 2^64 are clipped.
 */
int e820_sanitize(const struct e820entry *in, unsigned int nr,
                  struct e820entry *out, unsigned int max);

/*
 * Build a sanitized map from a loader's information: the memory map when
 * there is one, else the multiboot mem_lower/mem_upper pair.  Returns the
 * number of entries, or a negative errno if there is nothing usable.
 */
int e820_from_bootinfo(const struct boot_info *bi, struct e820map *out);

/* Bytes of E820_RAM in a map. */
u64 e820_ram_bytes(const struct e820map *m);

/* "usable", "reserved", "ACPI data", ..., or "type N" (buf used then). */
const char *e820_type_name(u32 type, char *buf, size_t len);

/* Print "Xen-e820 RAM map:" and one line per entry. */
void e820_print(const struct e820map *m);

/* Fill the global map from boot_info and print it; panics without RAM. */
void e820_init(void);

#endif /* ASM_E820_H */
