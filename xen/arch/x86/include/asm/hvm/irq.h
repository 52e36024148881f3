/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest interrupt lines (GSIs) and how dom0's lines follow the real ones.
 *
 * Emulated devices raise a GSI with hvm_gsi_assert() and lower it with
 * hvm_gsi_deassert() (an edge device pulses: assert, then deassert); the
 * GSI reaches the vIOAPIC pin that serves it.
 *
 * dom0 owns the physical IOAPIC pins (the hypervisor polls COM1 and
 * times itself with the LAPIC, so it needs none).  When dom0 unmasks a
 * pin in its vIOAPIC, the physical pin is programmed with the same
 * trigger and polarity and a host vector HVM_GSI_VECTOR(gsi); a physical
 * interrupt then asserts the GSI in dom0.  Level pins are masked on the
 * physical IOAPIC from the interrupt until dom0's EOI, so the hypervisor
 * can EOI its LAPIC at once without an interrupt storm.
 */
#ifndef ASM_HVM_IRQ_H
#define ASM_HVM_IRQ_H

#include <xen/types.h>
#include <asm/traps.h>
#include <asm/io_apic.h>

struct domain;

/* Host vectors 0x60-0xef carry physical GSIs 0-143 to dom0. */
#define HVM_GSI_VECTOR_BASE     0x60
#define HVM_MAX_HOST_GSIS       144
#define HVM_GSI_VECTOR(gsi)     ((u8)(HVM_GSI_VECTOR_BASE + (gsi)))

/*
 * Set up d's emulated interrupt controllers and dispatcher: d->vdev, the
 * vIOAPIC(s) (dom0: mirroring the physical IOAPICs), the vLAPIC MMIO
 * handler.  Call once from domain creation, before vlapic_init() of its
 * vCPUs.  0 or a negative errno.
 */
int hvm_vdev_init(struct domain *d);
void hvm_vdev_destroy(struct domain *d);

void hvm_gsi_assert(struct domain *d, unsigned int gsi);
void hvm_gsi_deassert(struct domain *d, unsigned int gsi);

/*
 * Called by the vIOAPIC with its lock held:
 * hvm_gsi_rte_changed() after the guest wrote a redirection entry;
 * hvm_gsi_eoi() when a level pin's remote IRR was cleared by an EOI,
 * returning true if the line must be lowered now (a passed-through pin:
 * the physical pin is unmasked and raises it again if still active).
 */
void hvm_gsi_rte_changed(struct domain *d, unsigned int gsi, u64 rte);
bool hvm_gsi_eoi(struct domain *d, unsigned int gsi);

/* The host interrupt handler for passed-through pins. */
void hvm_dom0_gsi_interrupt(struct cpu_user_regs *regs);

/*
 * The pins themselves are programmed through ioapic_route_pin_to_vector()
 * and ioapic_mask_pin() (asm/io_apic.h).
 */

#endif /* ASM_HVM_IRQ_H */
