/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What xen/arch/x86/acpi/boot.c calls outside ACPI, recorded for checks. */
#include "stubs.h"

struct boot_info boot_info;

u32 reg_lapic_ids[64];
bool reg_lapic_enabled[64];
unsigned int nr_reg_lapics;
u32 reg_ioapic_ids[16];
unsigned int nr_reg_ioapics;

void stubs_reset(void)
{
    nr_reg_lapics = 0;
    nr_reg_ioapics = 0;
    memset(&boot_info, 0, sizeof(boot_info));
}

int smp_register_lapic(u32 apic_id, bool enabled)
{
    if ( nr_reg_lapics < 64 )
    {
        reg_lapic_ids[nr_reg_lapics] = apic_id;
        reg_lapic_enabled[nr_reg_lapics] = enabled;
    }
    return nr_reg_lapics++;
}

bool io_apic_register(u32 id, paddr_t addr, u32 gsi_base)
{
    if ( nr_reg_ioapics == 16 )
        return false;
    reg_ioapic_ids[nr_reg_ioapics++] = id;
    return true;
}
