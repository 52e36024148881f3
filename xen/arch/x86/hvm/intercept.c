/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Port-I/O and MMIO dispatch to the in-hypervisor device models.
 *
 * Handlers are registered while a domain is built; the tables are only
 * appended to, and an entry is complete before the count that publishes
 * it grows, so the exit paths read them without a lock.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/hvm/io.h>

int hvm_io_init(struct domain *d)
{
    struct hvm_vdev *vdev;

    if ( d->vdev )
        return 0;
    vdev = xzalloc(struct hvm_vdev);
    if ( !vdev )
        return -ENOMEM;
    spin_lock_init(&vdev->lock);
    spin_lock_init(&vdev->irq_lock);
    d->vdev = vdev;
    return 0;
}

void hvm_io_destroy(struct domain *d)
{
    xfree(d->vdev);
    d->vdev = NULL;
}

int hvm_register_portio(struct domain *d, u16 port, unsigned int count,
                        portio_action_t fn)
{
    struct hvm_vdev *vdev = d->vdev;
    unsigned int i;
    int rc = 0;

    if ( !vdev || !fn || !count || port + count > 0x10000 )
        return -EINVAL;

    spin_lock(&vdev->lock);
    for ( i = 0; i < vdev->nr_portio; i++ )
    {
        const struct hvm_portio_handler *h = &vdev->portio[i];

        if ( port < h->port + h->count && h->port < port + count )
        {
            rc = -EEXIST;
            goto out;
        }
    }
    if ( vdev->nr_portio == HVM_MAX_PORTIO_HANDLERS )
    {
        rc = -ENOSPC;
        goto out;
    }
    vdev->portio[i].port = port;
    vdev->portio[i].count = count;
    vdev->portio[i].action = fn;
    __atomic_store_n(&vdev->nr_portio, i + 1, __ATOMIC_RELEASE);
 out:
    spin_unlock(&vdev->lock);
    return rc;
}

int hvm_register_mmio(struct domain *d, const struct hvm_mmio_ops *ops)
{
    struct hvm_vdev *vdev = d->vdev;
    unsigned int i;
    int rc = 0;

    if ( !vdev || !ops || !ops->check || !ops->read || !ops->write )
        return -EINVAL;

    spin_lock(&vdev->lock);
    for ( i = 0; i < vdev->nr_mmio; i++ )
        if ( vdev->mmio[i] == ops )
        {
            rc = -EEXIST;
            goto out;
        }
    if ( vdev->nr_mmio == HVM_MAX_MMIO_HANDLERS )
    {
        rc = -ENOSPC;
        goto out;
    }
    vdev->mmio[i] = ops;
    __atomic_store_n(&vdev->nr_mmio, i + 1, __ATOMIC_RELEASE);
 out:
    spin_unlock(&vdev->lock);
    return rc;
}

static const struct hvm_mmio_ops *find_mmio(struct vcpu *v, paddr_t gpa)
{
    const struct hvm_vdev *vdev = v->domain->vdev;
    unsigned int i, nr;

    if ( !vdev )
        return NULL;
    nr = __atomic_load_n(&vdev->nr_mmio, __ATOMIC_ACQUIRE);
    for ( i = 0; i < nr; i++ )
        if ( vdev->mmio[i]->check(v, gpa) )
            return vdev->mmio[i];
    return NULL;
}

bool hvm_mmio_claimed(struct vcpu *v, paddr_t gpa)
{
    return find_mmio(v, gpa) != NULL;
}

int hvm_portio_dispatch(struct vcpu *v, u16 port, unsigned int size,
                        bool in, u32 *val)
{
    const struct hvm_vdev *vdev = v->domain->vdev;
    unsigned int i, nr;

    if ( size != 1 && size != 2 && size != 4 )
        return X86EMUL_UNHANDLEABLE;
    if ( in )
        *val = size == 4 ? ~0U : (1U << (size * 8)) - 1;
    if ( !vdev )
        return X86EMUL_UNHANDLEABLE;

    nr = __atomic_load_n(&vdev->nr_portio, __ATOMIC_ACQUIRE);
    for ( i = 0; i < nr; i++ )
    {
        const struct hvm_portio_handler *h = &vdev->portio[i];

        if ( port >= h->port && port < h->port + h->count )
            return h->action(v, in, port, size, val);
    }
    return X86EMUL_UNHANDLEABLE;
}

int hvm_mmio_dispatch(struct vcpu *v, paddr_t gpa, unsigned int size,
                      bool write, u64 *val)
{
    const struct hvm_mmio_ops *ops;

    if ( size != 1 && size != 2 && size != 4 && size != 8 )
        return X86EMUL_UNHANDLEABLE;
    if ( !write )
        *val = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

    ops = find_mmio(v, gpa);
    if ( !ops )
        return X86EMUL_UNHANDLEABLE;
    return write ? ops->write(v, gpa, size, *val)
                 : ops->read(v, gpa, size, val);
}
