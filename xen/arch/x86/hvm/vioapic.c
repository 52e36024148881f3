/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated I/O APICs (Intel 82093AA datasheet).
 *
 * All state of a domain's vIOAPICs is under d->vdev->irq_lock, taken with
 * interrupts off: physical interrupts for dom0's pins assert lines from
 * interrupt context.  Delivery goes to the vLAPICs through
 * vlapic_deliver(), which only sets IRR bits and wakes vCPUs.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/console.h>
#include <asm/hvm/io.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vioapic.h>

/* Bits of the low dword the guest may write (not status, not remote IRR). */
#define RTE_LOW_WRITABLE  (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELIV_MODE | \
                           IOAPIC_RTE_DEST_LOGICAL |                   \
                           IOAPIC_RTE_POLARITY_LOW | IOAPIC_RTE_LEVEL | \
                           IOAPIC_RTE_MASKED)
#define RTE_HIGH_WRITABLE (0xffULL << IOAPIC_RTE_DEST_SHIFT)

#define DM_FIXED   0
#define DM_LOWEST  1

static struct hvm_vioapic *vioapic_at(const struct domain *d, paddr_t gpa)
{
    const struct hvm_vdev *vdev = d->vdev;
    unsigned int i;

    if ( !vdev )
        return NULL;
    for ( i = 0; i < vdev->nr_vioapics; i++ )
    {
        struct hvm_vioapic *vio = vdev->vioapic[i];

        if ( gpa >= vio->base && gpa < vio->base + VIOAPIC_MMIO_SIZE )
            return vio;
    }
    return NULL;
}

struct hvm_vioapic *vioapic_for_gsi(struct domain *d, unsigned int gsi,
                                    unsigned int *pin)
{
    const struct hvm_vdev *vdev = d->vdev;
    unsigned int i;

    if ( !vdev )
        return NULL;
    for ( i = 0; i < vdev->nr_vioapics; i++ )
    {
        struct hvm_vioapic *vio = vdev->vioapic[i];

        if ( gsi >= vio->gsi_base && gsi - vio->gsi_base < vio->nr_pins )
        {
            if ( pin )
                *pin = gsi - vio->gsi_base;
            return vio;
        }
    }
    return NULL;
}

/* Send pin's message if it may be sent now.  Lock held. */
static void deliver(struct hvm_vioapic *vio, unsigned int pin)
{
    u64 rte = vio->rte[pin];
    unsigned int dm = (rte & IOAPIC_RTE_DELIV_MODE) >> 8;
    bool level = rte & IOAPIC_RTE_LEVEL;

    if ( rte & IOAPIC_RTE_MASKED )
        return;
    if ( level && (dm == DM_FIXED || dm == DM_LOWEST) )
    {
        /* Remote IRR: one message until the EOI comes back. */
        if ( rte & IOAPIC_RTE_REMOTE_IRR )
            return;
    }
    else
        level = false;
    /*
     * Remote IRR is set when a local APIC accepts the message; if none
     * did (all disabled), the next assert or RTE write tries again.
     */
    if ( vlapic_deliver(vio->domain, NULL, APIC_SHORT_NONE,
                        rte >> IOAPIC_RTE_DEST_SHIFT,
                        rte & IOAPIC_RTE_DEST_LOGICAL, dm << 8,
                        rte & IOAPIC_RTE_VECTOR, level) )
    {
        if ( level )
            vio->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
        return;
    }
    /*
     * Lost: for dom0's level pins that also leaves the physical pin
     * masked until dom0 writes the entry again.  Say so (once): it is
     * what a device that stops interrupting looks like from inside.
     */
    if ( !vio->warned_lost )
    {
        vio->warned_lost = true;
        printk(XENLOG_WARNING "d%u: vIOAPIC GSI %u: vector %#x to %s "
               "destination %#x reached no vCPU\n",
               vio->domain->domain_id, vio->gsi_base + pin,
               (unsigned int)(rte & IOAPIC_RTE_VECTOR),
               (rte & IOAPIC_RTE_DEST_LOGICAL) ? "logical" : "physical",
               (unsigned int)(rte >> IOAPIC_RTE_DEST_SHIFT));
    }
}

void vioapic_set_line(struct domain *d, unsigned int gsi, bool level)
{
    struct hvm_vioapic *vio;
    unsigned long flags;
    unsigned int pin;
    bool was;

    if ( !d->vdev )
        return;
    flags = spin_lock_irqsave(&d->vdev->irq_lock);
    vio = vioapic_for_gsi(d, gsi, &pin);
    if ( vio )
    {
        was = vio->line[pin];
        vio->line[pin] = level;
        /* Edge pins fire on the rising edge, level pins while high. */
        if ( level && (!was || (vio->rte[pin] & IOAPIC_RTE_LEVEL)) )
            deliver(vio, pin);
    }
    spin_unlock_irqrestore(&d->vdev->irq_lock, flags);
}

/* Remote IRR of every pin with this vector cleared.  Lock held. */
static void eoi_locked(struct domain *d, u8 vector)
{
    const struct hvm_vdev *vdev = d->vdev;
    unsigned int i, pin;

    for ( i = 0; i < vdev->nr_vioapics; i++ )
    {
        struct hvm_vioapic *vio = vdev->vioapic[i];

        for ( pin = 0; pin < vio->nr_pins; pin++ )
        {
            u64 rte = vio->rte[pin];

            if ( (rte & IOAPIC_RTE_VECTOR) != vector ||
                 !(rte & IOAPIC_RTE_REMOTE_IRR) )
                continue;
            vio->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
            if ( hvm_gsi_eoi(d, vio->gsi_base + pin) )
                vio->line[pin] = 0;
            /* Still asserted: the device wants service again. */
            if ( vio->line[pin] && (rte & IOAPIC_RTE_LEVEL) )
                deliver(vio, pin);
        }
    }
}

void vioapic_update_eoi(struct domain *d, u8 vector)
{
    unsigned long flags;

    if ( !d->vdev )
        return;
    flags = spin_lock_irqsave(&d->vdev->irq_lock);
    eoi_locked(d, vector);
    spin_unlock_irqrestore(&d->vdev->irq_lock, flags);
}

u64 vioapic_get_rte(struct domain *d, unsigned int gsi)
{
    struct hvm_vioapic *vio;
    unsigned int pin;

    vio = vioapic_for_gsi(d, gsi, &pin);
    return vio ? vio->rte[pin] : ~0ULL;
}

static u32 read_indirect(const struct hvm_vioapic *vio)
{
    unsigned int reg = vio->ioregsel, pin;

    switch ( reg )
    {
    case VIOAPIC_REG_ID:
    case VIOAPIC_REG_ARB:
        return vio->id << 24;
    case VIOAPIC_REG_VERSION:
        return vio->version | ((vio->nr_pins - 1) << 16);
    }
    if ( reg < VIOAPIC_REG_RTE0 )
        return 0;
    pin = (reg - VIOAPIC_REG_RTE0) / 2;
    if ( pin >= vio->nr_pins )
        return 0;
    return reg & 1 ? vio->rte[pin] >> 32 : (u32)vio->rte[pin];
}

/* Lock held. */
static void write_indirect(struct hvm_vioapic *vio, u32 val)
{
    unsigned int reg = vio->ioregsel, pin;
    u64 old, rte;

    if ( reg == VIOAPIC_REG_ID )
    {
        vio->id = (val >> 24) & 0xf;
        return;
    }
    if ( reg < VIOAPIC_REG_RTE0 )
        return;                 /* version, arbitration: read-only */
    pin = (reg - VIOAPIC_REG_RTE0) / 2;
    if ( pin >= vio->nr_pins )
        return;

    old = vio->rte[pin];
    if ( reg & 1 )
        rte = (old & ~RTE_HIGH_WRITABLE) |
              (((u64)val << 32) & RTE_HIGH_WRITABLE);
    else
    {
        rte = (old & ~(u64)RTE_LOW_WRITABLE & ~0xffffffffULL) |
              (old & (IOAPIC_RTE_DELIV_STATUS | IOAPIC_RTE_REMOTE_IRR)) |
              (val & RTE_LOW_WRITABLE);
        /* Remote IRR only means something for level pins. */
        if ( !(rte & IOAPIC_RTE_LEVEL) )
            rte &= ~IOAPIC_RTE_REMOTE_IRR;
    }
    vio->rte[pin] = rte;
    hvm_gsi_rte_changed(vio->domain, vio->gsi_base + pin, rte);

    /* Unmasking a level pin whose line is high delivers it now. */
    if ( vio->line[pin] && (rte & IOAPIC_RTE_LEVEL) )
        deliver(vio, pin);
}

static bool vioapic_mmio_check(struct vcpu *v, paddr_t gpa)
{
    return vioapic_at(v->domain, gpa) != NULL;
}

static int vioapic_mmio_read(struct vcpu *v, paddr_t gpa, unsigned int size,
                             u64 *val)
{
    struct domain *d = v->domain;
    struct hvm_vioapic *vio = vioapic_at(d, gpa);
    unsigned int off = gpa - vio->base;
    unsigned long flags;
    u32 r = 0;

    flags = spin_lock_irqsave(&d->vdev->irq_lock);
    switch ( off & ~3U )
    {
    case VIOAPIC_REG_SELECT:
        r = vio->ioregsel;
        break;
    case VIOAPIC_REG_WINDOW:
        r = read_indirect(vio);
        break;
    }
    spin_unlock_irqrestore(&d->vdev->irq_lock, flags);

    r >>= (off & 3) * 8;
    *val = size >= 4 ? r : r & ((1U << (size * 8)) - 1);
    return X86EMUL_OKAY;
}

static int vioapic_mmio_write(struct vcpu *v, paddr_t gpa, unsigned int size,
                              u64 val)
{
    struct domain *d = v->domain;
    struct hvm_vioapic *vio = vioapic_at(d, gpa);
    unsigned int off = gpa - vio->base;
    unsigned long flags;

    flags = spin_lock_irqsave(&d->vdev->irq_lock);
    switch ( off )
    {
    case VIOAPIC_REG_SELECT:
        vio->ioregsel = val & 0xff;
        break;
    case VIOAPIC_REG_WINDOW:
        /* Only whole-dword writes reach the indirect registers. */
        if ( size >= 4 )
            write_indirect(vio, (u32)val);
        break;
    case VIOAPIC_REG_EOI:
        /* Version 0x20 parts: directed EOI by vector. */
        if ( vio->version >= 0x20 )
            eoi_locked(d, val & 0xff);
        break;
    }
    spin_unlock_irqrestore(&d->vdev->irq_lock, flags);
    return X86EMUL_OKAY;
}

static const struct hvm_mmio_ops vioapic_mmio_ops = {
    .check = vioapic_mmio_check,
    .read  = vioapic_mmio_read,
    .write = vioapic_mmio_write,
};

int vioapic_init(struct domain *d, const struct vioapic_config *cfg,
                 unsigned int nr)
{
    static const struct vioapic_config dflt = {
        .base = VIOAPIC_DEFAULT_BASE,
        .nr_pins = VIOAPIC_DEFAULT_PINS,
        .version = VIOAPIC_VERSION_ID,
    };
    struct hvm_vdev *vdev = d->vdev;
    unsigned int i, pin;
    int rc;

    if ( !vdev || vdev->nr_vioapics || nr > HVM_MAX_VIOAPICS )
        return -EINVAL;
    if ( !nr )
    {
        cfg = &dflt;
        nr = 1;
    }
    for ( i = 0; i < nr; i++ )
        if ( !cfg[i].nr_pins || cfg[i].nr_pins > VIOAPIC_MAX_PINS )
            return -EINVAL;

    for ( i = 0; i < nr; i++ )
    {
        struct hvm_vioapic *vio = xzalloc(struct hvm_vioapic);

        if ( !vio )
        {
            vioapic_destroy(d);
            return -ENOMEM;
        }
        vio->domain = d;
        vio->base = cfg[i].base;
        vio->id = cfg[i].id;
        vio->gsi_base = cfg[i].gsi_base;
        vio->nr_pins = cfg[i].nr_pins;
        vio->version = cfg[i].version ? cfg[i].version : VIOAPIC_VERSION_ID;
        for ( pin = 0; pin < vio->nr_pins; pin++ )
            vio->rte[pin] = IOAPIC_RTE_MASKED;
        vdev->vioapic[i] = vio;
        vdev->nr_vioapics = i + 1;
    }

    rc = hvm_register_mmio(d, &vioapic_mmio_ops);
    if ( rc && rc != -EEXIST )
    {
        vioapic_destroy(d);
        return rc;
    }
    return 0;
}

void vioapic_destroy(struct domain *d)
{
    struct hvm_vdev *vdev = d->vdev;
    unsigned int i;

    if ( !vdev )
        return;
    for ( i = 0; i < vdev->nr_vioapics; i++ )
    {
        xfree(vdev->vioapic[i]);
        vdev->vioapic[i] = NULL;
    }
    vdev->nr_vioapics = 0;
}
