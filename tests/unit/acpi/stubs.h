/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ACPI_TEST_STUBS_H
#define ACPI_TEST_STUBS_H

#include <xen/lib.h>
#include <xen/bootinfo.h>
#include <asm/io_apic.h>
#include <asm/smp.h>

extern u32 reg_lapic_ids[64];
extern bool reg_lapic_enabled[64];
extern unsigned int nr_reg_lapics;
extern u32 reg_ioapic_ids[16];
extern unsigned int nr_reg_ioapics;

void stubs_reset(void);

#endif
