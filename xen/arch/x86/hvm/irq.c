/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest GSIs, and dom0's GSIs following the physical IOAPIC pins.
 *
 * A passed-through level-triggered pin is masked on the physical IOAPIC
 * when it fires and unmasked when dom0's vLAPIC broadcasts the EOI for
 * it (SDM: the EOI clears the vIOAPIC's remote IRR).  The hypervisor
 * EOIs its own LAPIC at once, so a slow dom0 handler never holds back
 * the hypervisor's timer or IPIs.  A PCI INTx line shared by several
 * devices is one pin and one virtual line: dom0 runs all their handlers
 * for one interrupt, and the pin fires again after the EOI if any of
 * them still asserts it.  Edge pins are pulsed (assert, deassert).
 *
 * Each pin is announced once, when dom0 first unmasks it:
 *   (XEN) d0: GSI 11 -> vector 0x6b (level, high)
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

/*
 * gsi_lock orders the interrupt handler (CPU0, interrupts off) against
 * dom0's RTE writes and EOIs (any CPU, under its vIOAPIC lock, which is
 * taken first).  The handler never holds it while asserting the line,
 * so the two locks are never taken in the other order.
 */
static DEFINE_SPINLOCK(gsi_lock);
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
    unsigned long flags;
    bool routed = false, warn = false;
    int rc = 0;

    if ( !d->is_hardware_domain )
        return;
    if ( gsi >= HVM_MAX_HOST_GSIS )
    {
        static bool warned_range;

        /* One host vector per GSI: the range 0x60-0xef holds 144. */
        if ( !(rte & IOAPIC_RTE_MASKED) && !warned_range )
        {
            warned_range = true;
            printk(XENLOG_WARNING "d%u: GSI %u cannot be routed (host "
                   "vectors serve GSIs 0-%u only)\n",
                   d->domain_id, gsi, HVM_MAX_HOST_GSIS - 1);
        }
        return;
    }
    g = &host_gsis[gsi];
    flags = spin_lock_irqsave(&gsi_lock);
    gsi_owner = d;

    if ( rte & IOAPIC_RTE_MASKED )
    {
        if ( g->routed )
            ioapic_mask_pin(gsi, true);
    }
    else if ( !g->routed || g->level != level || g->active_low != low )
    {
        /*
         * First unmask, or dom0 changed trigger or polarity: program the
         * physical entry to match.  Vector and destination stay ours.
         */
        rc = ioapic_route_pin_to_vector(gsi, HVM_GSI_VECTOR(gsi), level, low,
                                        hvm_dom0_gsi_interrupt);
        if ( rc )
        {
            warn = !g->warned;
            g->warned = true;
        }
        else
        {
            routed = true;
            g->routed = true;
            g->level = level;
            g->active_low = low;
            if ( !level )
                g->in_service = false;
            /* Still waiting for dom0's EOI of the previous interrupt. */
            if ( g->in_service )
                ioapic_mask_pin(gsi, true);
        }
    }
    else if ( !g->in_service )
        ioapic_mask_pin(gsi, false);
    spin_unlock_irqrestore(&gsi_lock, flags);

    /*
     * Outside gsi_lock (printk is slow): once per pin, or again if dom0
     * changes its trigger or polarity.
     */
    if ( routed )
        printk(XENLOG_INFO "d%u: GSI %u -> vector %#x (%s, %s)\n",
               d->domain_id, gsi, HVM_GSI_VECTOR(gsi),
               level ? "level" : "edge", low ? "low" : "high");
    if ( warn )
        printk(XENLOG_WARNING
               "d%u: cannot route GSI %u to the host IOAPIC (%d)\n",
               d->domain_id, gsi, rc);
}

bool hvm_gsi_eoi(struct domain *d, unsigned int gsi)
{
    struct host_gsi *g;
    unsigned long flags;
    bool ours;

    if ( !d->is_hardware_domain || gsi >= HVM_MAX_HOST_GSIS )
        return false;
    g = &host_gsis[gsi];
    flags = spin_lock_irqsave(&gsi_lock);
    ours = g->routed && g->level;
    /*
     * Lower the virtual line and let the physical pin speak again: if
     * the device (or another one sharing the line) still asserts it, it
     * interrupts at once and raises the line anew.
     */
    if ( ours && g->in_service )
    {
        g->in_service = false;
        ioapic_mask_pin(gsi, false);
    }
    spin_unlock_irqrestore(&gsi_lock, flags);
    return ours;
}

void hvm_dom0_gsi_interrupt(struct cpu_user_regs *regs)
{
    unsigned int gsi = regs->entry_vector - HVM_GSI_VECTOR_BASE;
    struct domain *d;
    struct host_gsi *g;
    bool level;

    if ( gsi >= HVM_MAX_HOST_GSIS )
    {
        ack_APIC_irq();
        return;
    }
    g = &host_gsis[gsi];
    spin_lock(&gsi_lock);
    d = gsi_owner;
    if ( !d || !g->routed )
    {
        spin_unlock(&gsi_lock);
        ack_APIC_irq();
        return;
    }
    level = g->level;
    if ( level )
    {
        /*
         * Masked before our EOI, or the still-asserted line would fire
         * again at once; dom0's EOI of its vector unmasks it.
         */
        ioapic_mask_pin(gsi, true);
        g->in_service = true;
    }
    spin_unlock(&gsi_lock);
    ack_APIC_irq();

    hvm_gsi_assert(d, gsi);
    if ( !level )
        hvm_gsi_deassert(d, gsi);
}
