/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O APICs: registered from the MADT, probed and fully masked at boot.
 * Register access is indirect: IOREGSEL at +0x00 selects, IOWIN at +0x10
 * reads/writes (82093AA datasheet, section 3).  Registers: 0x00 ID,
 * 0x01 version (bits 23:16 = last redirection entry), 0x10 + 2n the
 * redirection entry of pin n (low then high dword).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/acpi.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/spinlock.h>

#define IOAPIC_REGSEL  0x00
#define IOAPIC_WINDOW  0x10
#define IOAPIC_ID      0x00
#define IOAPIC_VER     0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_RTE_LEVEL  (1U << 15)
#define IOAPIC_RTE_ACTIVE_LOW (1U << 13)
#define IOAPIC_RTE_MASKED (1U << 16)

struct io_apic io_apics[MAX_IO_APICS];
unsigned int nr_ioapics;

static DEFINE_SPINLOCK(ioapic_lock);

bool io_apic_register(u32 id, paddr_t addr, u32 gsi_base)
{
    if ( nr_ioapics == MAX_IO_APICS )
        return false;
    io_apics[nr_ioapics].apic_id = id;
    io_apics[nr_ioapics].addr = addr;
    io_apics[nr_ioapics].gsi_base = gsi_base;
    nr_ioapics++;
    return true;
}

static volatile u32 *ioapic_reg(unsigned int apic, unsigned int off)
{
    return (volatile u32 *)(uintptr_t)(io_apics[apic].addr + off);
}

/* ioapic_lock held: the select/window pair is one shared cursor. */
static u32 read_locked(unsigned int apic, unsigned int reg)
{
    writel(reg, ioapic_reg(apic, IOAPIC_REGSEL));
    return readl(ioapic_reg(apic, IOAPIC_WINDOW));
}

static void write_locked(unsigned int apic, unsigned int reg, u32 v)
{
    writel(reg, ioapic_reg(apic, IOAPIC_REGSEL));
    writel(v, ioapic_reg(apic, IOAPIC_WINDOW));
}

u32 io_apic_read(unsigned int apic, unsigned int reg)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);
    u32 v = read_locked(apic, reg);

    spin_unlock_irqrestore(&ioapic_lock, flags);
    return v;
}

void io_apic_write(unsigned int apic, unsigned int reg, u32 v)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);

    write_locked(apic, reg, v);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* The probed IOAPIC and pin serving gsi. */
static bool gsi_pin(unsigned int gsi, unsigned int *apic, unsigned int *pin)
{
    unsigned int i;

    for ( i = 0; i < nr_ioapics; i++ )
        if ( io_apics[i].nr_pins && gsi >= io_apics[i].gsi_base &&
             gsi - io_apics[i].gsi_base < io_apics[i].nr_pins )
        {
            *apic = i;
            *pin = gsi - io_apics[i].gsi_base;
            return true;
        }
    return false;
}

int ioapic_route_pin_to_vector(unsigned int gsi, u8 vector, bool level,
                               bool active_low, irq_handler_t fn)
{
    unsigned int apic, pin;
    unsigned long flags;
    u32 lo = vector;

    if ( !gsi_pin(gsi, &apic, &pin) )
        return -EINVAL;
    if ( x86_cpu_to_apicid[0] > 0xff )
        return -ERANGE;
    if ( level )
        lo |= IOAPIC_RTE_LEVEL;
    if ( active_low )
        lo |= IOAPIC_RTE_ACTIVE_LOW;
    /* The handler is in place before the pin can fire. */
    set_irq_handler(vector, fn);

    /*
     * Masked while the destination changes, so that no message goes out
     * with half an entry; fixed delivery, physical destination.
     */
    flags = spin_lock_irqsave(&ioapic_lock);
    write_locked(apic, IOAPIC_REDIR(pin), lo | IOAPIC_RTE_MASKED);
    write_locked(apic, IOAPIC_REDIR(pin) + 1, x86_cpu_to_apicid[0] << 24);
    write_locked(apic, IOAPIC_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}

void ioapic_mask_pin(unsigned int gsi, bool mask)
{
    unsigned int apic, pin;
    unsigned long flags;
    u32 lo;

    if ( !gsi_pin(gsi, &apic, &pin) )
        return;
    flags = spin_lock_irqsave(&ioapic_lock);
    lo = read_locked(apic, IOAPIC_REDIR(pin));
    if ( mask )
        lo |= IOAPIC_RTE_MASKED;
    else
        lo &= ~IOAPIC_RTE_MASKED;
    write_locked(apic, IOAPIC_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* Mask both 8259s: the hypervisor takes no legacy PIC interrupts. */
static void mask_8259(void)
{
    outb(0xff, 0xa1);
    outb(0xff, 0x21);
}

void io_apic_init(void)
{
    unsigned int i, pin;

    mask_8259();

    for ( i = 0; i < nr_ioapics; i++ )
    {
        struct io_apic *a = &io_apics[i];
        u32 ver;

        if ( !a->addr || a->addr >= (4UL << 30) || (a->addr & 0xf) )
        {
            printk(XENLOG_WARNING "IOAPIC[%u]: bad address %#lx: ignored\n",
                   i, a->addr);
            continue;
        }
        ver = io_apic_read(i, IOAPIC_VER);
        if ( ver == 0xffffffffU )
        {
            printk(XENLOG_WARNING "IOAPIC[%u]: no device at %#lx: ignored\n",
                   i, a->addr);
            continue;
        }
        a->version = ver & 0xff;
        a->nr_pins = ((ver >> 16) & 0xff) + 1;

        /* Mask the pin first, then clear the destination. */
        for ( pin = 0; pin < a->nr_pins; pin++ )
        {
            io_apic_write(i, IOAPIC_REDIR(pin), IOAPIC_RTE_MASKED);
            io_apic_write(i, IOAPIC_REDIR(pin) + 1, 0);
        }

        printk(XENLOG_INFO "IOAPIC[%u]: apic_id %u, version %u, address "
               "%#lx, GSI %u-%u\n", i, a->apic_id, a->version, a->addr,
               a->gsi_base, a->gsi_base + a->nr_pins - 1);
    }

    if ( !nr_ioapics )
        printk(XENLOG_WARNING "No IOAPIC found\n");
}
