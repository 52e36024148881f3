/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O APICs found in the MADT.  The hypervisor uses no pin itself: all
 * are masked at boot, and a pin is programmed only when dom0 unmasks the
 * same pin of its vIOAPIC (asm/hvm/irq.h), to a hypervisor vector whose
 * handler raises dom0's virtual line.
 */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

#include <xen/types.h>
#include <asm/traps.h>

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

/*
 * Program gsi's redirection entry: fixed delivery of vector to the BSP
 * (physical destination), the given trigger and polarity, unmasked, with
 * fn installed as the vector's handler first.  0, or -EINVAL when no
 * probed IOAPIC serves gsi, -ERANGE when the BSP's APIC ID does not fit
 * an xAPIC destination.
 */
int ioapic_route_pin_to_vector(unsigned int gsi, u8 vector, bool level,
                               bool active_low, irq_handler_t fn);

/* Set or clear the mask bit of gsi's redirection entry (atomically). */
void ioapic_mask_pin(unsigned int gsi, bool mask);

#endif /* ASM_IO_APIC_H */
