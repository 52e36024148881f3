/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest GSIs, and dom0's GSIs following the physical IOAPIC pins.
 *
 * A passed-through level-triggered pin is masked on the physical IOAPIC
 * when it fires and unmasked when dom0's vLAPIC broadcasts the EOI for
 * it (SDM: the EOI clears the vIOAPIC's remote IRR).  The hypervisor
 * EOIs its own LAPIC at once, so a slow dom0 handler never holds back
 * the hypervisor's timer or IPIs.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/console.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/hvm/io.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vioapic.h>

struct host_gsi {
    bool routed;                /* the physical RTE points at us */
    bool level;
    bool active_low;
    bool in_service;            /* level: masked until dom0's EOI */
    bool warned;
};

static struct host_gsi host_gsis[HVM_MAX_HOST_GSIS];
static struct domain *gsi_owner;       /* the hardware domain */

int hvm_vdev_init(struct domain *d)
{
    struct vioapic_config cfg[HVM_MAX_VIOAPICS];
    unsigned int i, nr = 0;
    int rc;

    rc = hvm_io_init(d);
    if ( rc )
        return rc;

    /* dom0 sees its vIOAPICs where the host's MADT puts the real ones. */
    if ( d->is_hardware_domain )
        for ( i = 0; i < nr_ioapics && nr < HVM_MAX_VIOAPICS; i++ )
        {
            cfg[nr].base = io_apics[i].addr;
            cfg[nr].id = io_apics[i].apic_id;
            cfg[nr].gsi_base = io_apics[i].gsi_base;
            cfg[nr].nr_pins = io_apics[i].nr_pins ?: VIOAPIC_DEFAULT_PINS;
            if ( cfg[nr].nr_pins > VIOAPIC_MAX_PINS )
                cfg[nr].nr_pins = VIOAPIC_MAX_PINS;
            cfg[nr].version = io_apics[i].version & 0xff;
            nr++;
        }

    rc = vioapic_init(d, cfg, nr);
    if ( !rc )
        rc = vlapic_domain_init(d);
    if ( rc )
        hvm_vdev_destroy(d);
    return rc;
}

void hvm_vdev_destroy(struct domain *d)
{
    unsigned int gsi;

    /* The hardware domain goes: its pins go quiet. */
    if ( d->is_hardware_domain )
    {
        for ( gsi = 0; gsi < HVM_MAX_HOST_GSIS; gsi++ )
            if ( host_gsis[gsi].routed )
                ioapic_mask_pin(gsi, true);
        memset(host_gsis, 0, sizeof(host_gsis));
    }
    if ( gsi_owner == d )
        gsi_owner = NULL;
    vioapic_destroy(d);
    hvm_io_destroy(d);
}

void hvm_gsi_assert(struct domain *d, unsigned int gsi)
{
    vioapic_set_line(d, gsi, true);
}

void hvm_gsi_deassert(struct domain *d, unsigned int gsi)
{
    vioapic_set_line(d, gsi, false);
}

void hvm_gsi_rte_changed(struct domain *d, unsigned int gsi, u64 rte)
{
    struct host_gsi *g;
    bool level = rte & IOAPIC_RTE_LEVEL;
    bool low = rte & IOAPIC_RTE_POLARITY_LOW;
    int rc;

    if ( !d->is_hardware_domain || gsi >= HVM_MAX_HOST_GSIS )
        return;
    g = &host_gsis[gsi];
    gsi_owner = d;

    if ( rte & IOAPIC_RTE_MASKED )
    {
        if ( g->routed )
            ioapic_mask_pin(gsi, true);
        return;
    }

    if ( !g->routed || g->level != level || g->active_low != low )
    {
        rc = ioapic_route_pin_to_vector(gsi, HVM_GSI_VECTOR(gsi), level, low,
                                        hvm_dom0_gsi_interrupt);
        if ( rc )
        {
            if ( !g->warned )
                printk(XENLOG_WARNING
                       "d%u: cannot route GSI %u to the host IOAPIC (%d)\n",
                       d->domain_id, gsi, rc);
            g->warned = true;
            return;
        }
        g->routed = true;
        g->level = level;
        g->active_low = low;
        if ( !level )
            g->in_service = false;
        /* Still waiting for dom0's EOI of the previous interrupt. */
        if ( g->in_service )
            ioapic_mask_pin(gsi, true);
    }
    else if ( !g->in_service )
        ioapic_mask_pin(gsi, false);
}

bool hvm_gsi_eoi(struct domain *d, unsigned int gsi)
{
    struct host_gsi *g;

    if ( !d->is_hardware_domain || gsi >= HVM_MAX_HOST_GSIS )
        return false;
    g = &host_gsis[gsi];
    if ( !g->routed || !g->level )
        return false;
    /*
     * Lower the virtual line and let the physical pin speak again: if
     * the device still asserts it, it interrupts at once and raises the
     * line anew.
     */
    if ( g->in_service )
    {
        g->in_service = false;
        ioapic_mask_pin(gsi, false);
    }
    return true;
}

void hvm_dom0_gsi_interrupt(struct cpu_user_regs *regs)
{
    unsigned int gsi = regs->entry_vector - HVM_GSI_VECTOR_BASE;
    struct domain *d = gsi_owner;
    struct host_gsi *g;

    if ( gsi >= HVM_MAX_HOST_GSIS || !d || !host_gsis[gsi].routed )
    {
        ack_APIC_irq();
        return;
    }
    g = &host_gsis[gsi];
    if ( g->level )
    {
        /* Masked first, so our EOI cannot make the pin fire again. */
        ioapic_mask_pin(gsi, true);
        g->in_service = true;
        ack_APIC_irq();
        hvm_gsi_assert(d, gsi);
    }
    else
    {
        ack_APIC_irq();
        hvm_gsi_assert(d, gsi);
        hvm_gsi_deassert(d, gsi);
    }
}

/*
 * ---- The physical pins, through asm/io_apic.h's register access ----
 *
 * Weak, so that the platform IOAPIC code may take these over.  The
 * hypervisor itself uses no IOAPIC pin, so after io_apic_init() masked
 * them all only this code writes their entries; pin_lock makes the
 * read-modify-write of a mask bit atomic.
 */

static DEFINE_SPINLOCK(pin_lock);

static bool host_pin(unsigned int gsi, unsigned int *apic, unsigned int *pin)
{
    unsigned int i;

    for ( i = 0; i < nr_ioapics; i++ )
        if ( gsi >= io_apics[i].gsi_base &&
             gsi - io_apics[i].gsi_base < io_apics[i].nr_pins )
        {
            *apic = i;
            *pin = gsi - io_apics[i].gsi_base;
            return true;
        }
    return false;
}

__attribute__((__weak__))
int ioapic_route_pin_to_vector(unsigned int gsi, u8 vector, bool level,
                               bool active_low, irq_handler_t fn)
{
    unsigned int apic, pin;
    unsigned long flags;
    u32 lo = vector;

    if ( !host_pin(gsi, &apic, &pin) || x86_cpu_to_apicid[0] > 0xff )
        return -EINVAL;
    /* Fixed delivery, physical destination: the BSP. */
    if ( level )
        lo |= IOAPIC_RTE_LEVEL;
    if ( active_low )
        lo |= IOAPIC_RTE_POLARITY_LOW;
    set_irq_handler(vector, fn);

    flags = spin_lock_irqsave(&pin_lock);
    io_apic_write(apic, 0x10 + 2 * pin, lo | IOAPIC_RTE_MASKED);
    io_apic_write(apic, 0x11 + 2 * pin, x86_cpu_to_apicid[0] << 24);
    io_apic_write(apic, 0x10 + 2 * pin, lo);
    spin_unlock_irqrestore(&pin_lock, flags);
    return 0;
}

__attribute__((__weak__)) void ioapic_mask_pin(unsigned int gsi, bool mask)
{
    unsigned int apic, pin;
    unsigned long flags;
    u32 lo;

    if ( !host_pin(gsi, &apic, &pin) )
        return;
    flags = spin_lock_irqsave(&pin_lock);
    lo = io_apic_read(apic, 0x10 + 2 * pin);
    if ( mask )
        lo |= IOAPIC_RTE_MASKED;
    else
        lo &= ~IOAPIC_RTE_MASKED;
    io_apic_write(apic, 0x10 + 2 * pin, lo);
    spin_unlock_irqrestore(&pin_lock, flags);
}
