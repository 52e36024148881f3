/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI power off (S5) and reset.  S5: write SLP_TYPx to PM1a_CNT and
 * PM1b_CNT, then set SLP_EN (ACPI 6.x section 16.1.6 and 4.8.3.2.1; the
 * type is written first, the enable bit last, as ACPICA does).  Reset:
 * the FADT reset register (section 4.8.3.6), in I/O, memory or PCI
 * configuration space.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/acpi.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PM1_SLP_MASK ((7U << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN)

static void pm1_write(u16 port, u8 slp_typ, bool enable)
{
    u16 v;

    if ( !port )
        return;
    v = inw(port) & ~PM1_SLP_MASK;
    v |= (slp_typ & 7) << ACPI_PM1_SLP_TYP_SHIFT;
    if ( enable )
        v |= ACPI_PM1_SLP_EN;
    outw(v, port);
}

void acpi_power_off(void)
{
    if ( !acpi_info.s5_valid || !acpi_info.pm1a_cnt )
    {
        printk(XENLOG_WARNING "ACPI: S5 not available (%s)\n",
               acpi_info.s5_valid ? "no PM1a control block" : "no \\_S5");
        return;
    }

    printk(XENLOG_INFO "ACPI: entering S5 (power off)\n");
    local_irq_disable();
    pm1_write(acpi_info.pm1a_cnt, acpi_info.slp_typa, false);
    pm1_write(acpi_info.pm1b_cnt, acpi_info.slp_typb, false);
    pm1_write(acpi_info.pm1a_cnt, acpi_info.slp_typa, true);
    pm1_write(acpi_info.pm1b_cnt, acpi_info.slp_typb, true);

    /* The chipset powers down within microseconds if S5 worked. */
    mdelay(100);
    printk(XENLOG_WARNING "ACPI: S5 did not power the machine off\n");
}

void acpi_reset(void)
{
    const struct acpi_gas *r = &acpi_info.reset_reg;
    u8 v = acpi_info.reset_value;

    if ( !acpi_info.reset_supported )
        return;

    switch ( r->space_id )
    {
    case ACPI_ADR_SPACE_SYSTEM_IO:
        if ( r->address < 0x10000 )
            outb(v, r->address);
        break;

    case ACPI_ADR_SPACE_SYSTEM_MEMORY:
        /* The identity map covers 0-4 GiB. */
        if ( r->address < (4UL << 30) )
            *(volatile u8 *)(uintptr_t)r->address = v;
        break;

    case ACPI_ADR_SPACE_PCI_CONFIG:
    {
        /* Bus 0; device in bits 47:32, function 31:16, offset 15:0. */
        unsigned int dev = (r->address >> 32) & 0x1f;
        unsigned int fn = (r->address >> 16) & 0x7;
        unsigned int off = r->address & 0xff;

        outl(0x80000000U | (dev << 11) | (fn << 8) | (off & 0xfc), 0xcf8);
        outb(v, 0xcfc + (off & 3));
        break;
    }

    default:
        printk(XENLOG_WARNING "ACPI: reset register in address space %u "
               "not supported\n", r->space_id);
        return;
    }

    mdelay(100);
}
