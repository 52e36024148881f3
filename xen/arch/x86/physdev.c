/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op (__HYPERVISOR_physdev_op 33), the subset a PVH dom0 uses.
 *
 * A PVH dom0 drives the (emulated, pass-through) IOAPIC and its MSI
 * itself, so the PIRQ operations are not needed: Linux only uses them
 * with XENFEAT_hvm_pirqs, which we do not advertise, and treats -ENOSYS
 * from PHYSDEVOP_pirq_eoi_gmfn_v2 as "no EOI map".  What it does call is
 * the PCI reporting (drivers/xen/pci.c: device add/remove, MMCFG areas),
 * which we record, and PHYSDEVOP_setup_gsi for ACPI GSIs, accepted: the
 * vIOAPIC programs the physical pins when dom0 writes its RTEs.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/guest_time.h>
#include <public/xen.h>
#include <public/physdev.h>
#include <asm/current.h>
#include <asm/spinlock.h>

#define MAX_PCI_DEVS 256

struct pci_dev_rec {
    u16 seg;
    u8 bus, devfn;
    u32 flags;
    bool used;
};

static DEFINE_SPINLOCK(pci_lock);
static struct pci_dev_rec pci_devs[MAX_PCI_DEVS];

static struct pci_dev_rec *pci_find(u16 seg, u8 bus, u8 devfn)
{
    unsigned int i;

    for ( i = 0; i < MAX_PCI_DEVS; i++ )
        if ( pci_devs[i].used && pci_devs[i].seg == seg &&
             pci_devs[i].bus == bus && pci_devs[i].devfn == devfn )
            return &pci_devs[i];
    return NULL;
}

static int pci_add(u16 seg, u8 bus, u8 devfn, u32 flags)
{
    struct pci_dev_rec *p;
    unsigned long irqf = spin_lock_irqsave(&pci_lock);
    unsigned int i;
    int rc = 0;

    p = pci_find(seg, bus, devfn);
    if ( !p )
    {
        for ( i = 0; i < MAX_PCI_DEVS && pci_devs[i].used; i++ )
            ;
        if ( i == MAX_PCI_DEVS )
            rc = -ENOMEM;
        else
        {
            p = &pci_devs[i];
            p->seg = seg;
            p->bus = bus;
            p->devfn = devfn;
            p->used = true;
        }
    }
    if ( p )
        p->flags = flags;
    spin_unlock_irqrestore(&pci_lock, irqf);
    if ( !rc )
        printk(XENLOG_DEBUG "PCI add %sdevice %04x:%02x:%02x.%u\n",
               (flags & XEN_PCI_DEV_VIRTFN) ? "virtual " : "",
               seg, bus, devfn >> 3, devfn & 7);
    return rc;
}

static int pci_remove(u16 seg, u8 bus, u8 devfn)
{
    struct pci_dev_rec *p;
    unsigned long irqf = spin_lock_irqsave(&pci_lock);

    p = pci_find(seg, bus, devfn);
    if ( p )
        p->used = false;
    spin_unlock_irqrestore(&pci_lock, irqf);
    if ( !p )
        return -ENODEV;
    printk(XENLOG_DEBUG "PCI remove device %04x:%02x:%02x.%u\n",
           seg, bus, devfn >> 3, devfn & 7);
    return 0;
}

static long physdev_op(struct vcpu *curr, unsigned int cmd,
                       unsigned long arg)
{
    bool hwdom = curr->domain->is_hardware_domain;

    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
    {
        struct physdev_set_iopl s;

        /* PV only; an HVM guest owns its EFLAGS.IOPL.  Accept and drop. */
        if ( copy_from_guest(&s, arg, sizeof(s)) )
            return -EFAULT;
        return s.iopl > 3 ? -EINVAL : 0;
    }

    case PHYSDEVOP_pci_device_add:
    {
        struct physdev_pci_device_add a;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&a, arg, sizeof(a)) )
            return -EFAULT;
        return pci_add(a.seg, a.bus, a.devfn, a.flags);
    }

    case PHYSDEVOP_pci_device_remove:
    {
        struct physdev_pci_device r;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&r, arg, sizeof(r)) )
            return -EFAULT;
        return pci_remove(r.seg, r.bus, r.devfn);
    }

    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    {
        struct physdev_manage_pci m;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&m, arg, sizeof(m)) )
            return -EFAULT;
        return cmd == PHYSDEVOP_manage_pci_add ? pci_add(0, m.bus, m.devfn, 0)
                                               : pci_remove(0, m.bus, m.devfn);
    }

    case PHYSDEVOP_pci_device_reset:
    {
        struct physdev_pci_device r;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&r, arg, sizeof(r)) )
            return -EFAULT;
        /* Dom0 resets its devices itself; we only check we know it. */
        return pci_find(r.seg, r.bus, r.devfn) ? 0 : -ENODEV;
    }

    case PHYSDEVOP_pci_mmcfg_reserved:
    {
        struct physdev_pci_mmcfg_reserved m;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&m, arg, sizeof(m)) )
            return -EFAULT;
        if ( m.start_bus > m.end_bus )
            return -EINVAL;
        /* We do not use MMCFG ourselves: nothing to reconcile. */
        return 0;
    }

    case PHYSDEVOP_setup_gsi:
    {
        struct physdev_setup_gsi g;

        if ( !hwdom )
            return -EPERM;
        if ( copy_from_guest(&g, arg, sizeof(g)) )
            return -EFAULT;
        if ( g.gsi < 0 || g.triggering > 1 || g.polarity > 1 )
            return -EINVAL;
        return 0;
    }

    case PHYSDEVOP_eoi:
    case PHYSDEVOP_irq_status_query:
    case PHYSDEVOP_map_pirq:
    case PHYSDEVOP_unmap_pirq:
    case PHYSDEVOP_get_free_pirq:
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
    default:
        /* No PIRQs: dom0 uses the (v)IOAPIC and MSI directly. */
        return -ENOSYS;
    }
}

long do_physdev_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                   unsigned long a4, unsigned long a5)
{
    struct vcpu *curr = current;

    if ( !curr )
        return -EINVAL;
    return physdev_op(curr, (unsigned int)cmd, arg);
}

void physdev_op_init(void)
{
    hypercall_register(__HYPERVISOR_physdev_op, do_physdev_op, HC_ANY,
                       "physdev_op");
}
