/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O APICs found in the MADT.  The hypervisor keeps every pin masked for
 * now; the GSI ranges and interrupt source overrides are recorded so
 * that routing (and the virtual IOAPIC dom0 sees) can be built on them.
 */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

#include <xen/types.h>

#define MAX_IO_APICS 16

struct io_apic {
    u32 apic_id;                /* from the MADT */
    paddr_t addr;
    u32 gsi_base;
    unsigned int nr_pins;       /* 0 until io_apic_init() read it */
    unsigned int version;
};

extern struct io_apic io_apics[MAX_IO_APICS];
extern unsigned int nr_ioapics;

/* Register an IOAPIC (MADT parser).  Returns false if the table is full. */
bool io_apic_register(u32 id, paddr_t addr, u32 gsi_base);

/* Read version and pin count of every IOAPIC, mask all pins, mask the PIC. */
void io_apic_init(void);

u32 io_apic_read(unsigned int apic, unsigned int reg);
void io_apic_write(unsigned int apic, unsigned int reg, u32 v);

#endif /* ASM_IO_APIC_H */
