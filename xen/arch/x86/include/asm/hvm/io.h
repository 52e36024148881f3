/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Port-I/O and MMIO dispatch to the devices the hypervisor emulates
 * itself (vLAPIC, vIOAPIC, later vPIT/vRTC/PM timer).
 *
 * Devices register per domain, normally while the domain is built and
 * before its vCPUs run: a port range with one handler, or an MMIO
 * handler that claims addresses through its check() callback.  The SVM
 * exit handlers (IN/OUT) and the instruction emulator (MMIO accesses on
 * nested page faults) call hvm_portio_dispatch() / hvm_mmio_dispatch().
 *
 * Results are X86EMUL-style: X86EMUL_OKAY when a device took the access,
 * X86EMUL_UNHANDLEABLE when none claims it (reads then return all ones;
 * the caller decides: pass through for dom0, or forward to a device
 * model), X86EMUL_EXCEPTION when the device wants #GP injected.
 */
#ifndef ASM_HVM_IO_H
#define ASM_HVM_IO_H

#include <xen/types.h>
#include <asm/spinlock.h>
#include <asm/x86_emulate.h>    /* X86EMUL_* */

struct domain;
struct vcpu;
struct hvm_vioapic;

/*
 * A port handler: size is 1, 2 or 4; port is the first port accessed
 * (it lies inside the registered range).  For in, store the value in
 * *val (the dispatcher has preset it to all ones).
 */
typedef int (*portio_action_t)(struct vcpu *v, bool in, u16 port,
                               unsigned int size, u32 *val);

/*
 * An MMIO device.  check() says whether gpa belongs to the device as
 * seen by v (the vLAPIC page moves with each vCPU's APIC base MSR).
 * size is 1, 2, 4 or 8.
 */
struct hvm_mmio_ops {
    bool (*check)(struct vcpu *v, paddr_t gpa);
    int (*read)(struct vcpu *v, paddr_t gpa, unsigned int size, u64 *val);
    int (*write)(struct vcpu *v, paddr_t gpa, unsigned int size, u64 val);
};

#define HVM_MAX_PORTIO_HANDLERS 32
#define HVM_MAX_MMIO_HANDLERS   16
#define HVM_MAX_VIOAPICS        8

struct hvm_portio_handler {
    u32 port;                   /* first port */
    u32 count;                  /* ports in the range */
    portio_action_t action;
};

/* A domain's emulated devices; d->vdev. */
struct hvm_vdev {
    spinlock_t lock;            /* registration */
    unsigned int nr_portio;
    struct hvm_portio_handler portio[HVM_MAX_PORTIO_HANDLERS];
    unsigned int nr_mmio;
    const struct hvm_mmio_ops *mmio[HVM_MAX_MMIO_HANDLERS];

    /* vIOAPICs (dom0: one per physical IOAPIC), see asm/hvm/vioapic.h. */
    unsigned int nr_vioapics;
    struct hvm_vioapic *vioapic[HVM_MAX_VIOAPICS];
    spinlock_t irq_lock;        /* vIOAPIC state and GSI lines */
};

/* Allocate d->vdev with empty tables.  0 or -ENOMEM. */
int hvm_io_init(struct domain *d);
/* Free d->vdev (not the vIOAPICs: see hvm_vdev_destroy()). */
void hvm_io_destroy(struct domain *d);

/*
 * Claim ports port .. port+count-1 for fn.  Returns 0, -EINVAL (count 0
 * or past 0xffff), -EEXIST (overlaps a registered range) or -ENOSPC.
 */
int hvm_register_portio(struct domain *d, u16 port, unsigned int count,
                        portio_action_t fn);

/*
 * Add an MMIO device; ops must stay valid while the domain lives.
 * Devices are asked in registration order; the first whose check()
 * accepts an address gets it.  Returns 0, -EINVAL, -EEXIST (ops already
 * registered) or -ENOSPC.
 */
int hvm_register_mmio(struct domain *d, const struct hvm_mmio_ops *ops);

/* True if an emulated device claims gpa for v (the NPF handler's test). */
bool hvm_mmio_claimed(struct vcpu *v, paddr_t gpa);

/*
 * Perform an access.  size 1, 2, 4 (ports) or 1, 2, 4, 8 (MMIO); other
 * sizes are X86EMUL_UNHANDLEABLE.  For reads *val is preset to all ones
 * of size and is left that way when nothing claims the access.
 */
int hvm_portio_dispatch(struct vcpu *v, u16 port, unsigned int size,
                        bool in, u32 *val);
int hvm_mmio_dispatch(struct vcpu *v, paddr_t gpa, unsigned int size,
                      bool write, u64 *val);

#endif /* ASM_HVM_IO_H */
