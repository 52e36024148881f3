/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_op (__HYPERVISOR_platform_op 7), dom0 only: setting the
 * wallclock and describing physical CPUs.  Firmware (EDD, EFI), power
 * management, microcode and CPU hotplug are not ours to do yet: -ENOSYS,
 * which Linux takes as "not available" for each of them.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/cpumask.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/guest_time.h>
#include <public/xen.h>
#include <public/platform.h>
#include <asm/current.h>
#include <asm/smp.h>
#include <asm/apic.h>

static long platform_op(unsigned long arg)
{
    struct xen_platform_op op;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    /* As Xen: a caller built against another layout is refused. */
    if ( op.interface_version != XENPF_INTERFACE_VERSION )
        return -EACCES;

    switch ( op.cmd )
    {
    case XENPF_settime32:
        guest_wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs,
                            (s_time_t)op.u.settime32.system_time);
        return 0;

    case XENPF_settime64:
        if ( op.u.settime64.mbz || op.u.settime64.nsecs >= 1000000000U )
            return -EINVAL;
        guest_wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs,
                            (s_time_t)op.u.settime64.system_time);
        return 0;

    case XENPF_get_cpuinfo:
    {
        struct xenpf_pcpuinfo *p = &op.u.pcpu_info;
        unsigned int cpu = p->xen_cpuid;

        p->max_present = nr_cpu_ids ? nr_cpu_ids - 1 : 0;
        if ( cpu >= nr_cpu_ids || cpu >= NR_CPUS )
        {
            p->flags = XEN_PCPU_FLAGS_INVALID;
            p->apic_id = p->acpi_id = 0;
        }
        else
        {
            p->flags = cpu_online(cpu) ? XEN_PCPU_FLAGS_ONLINE : 0;
            p->apic_id = x86_cpu_to_apicid[cpu];
            /* No ACPI processor IDs recorded yet: the MADT order. */
            p->acpi_id = cpu;
        }
        return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
    }

    case XENPF_firmware_info:
    case XENPF_get_dom0_console:
    case XENPF_set_processor_pminfo:
    case XENPF_enter_acpi_sleep:
    case XENPF_microcode_update:
    default:
        return -ENOSYS;
    }
}

long do_platform_op(unsigned long arg, unsigned long a2, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct vcpu *curr = current;

    /* Registered HC_PRIVILEGED; checked again for direct callers. */
    if ( !curr || !curr->domain->is_hardware_domain )
        return -EPERM;
    return platform_op(arg);
}

void platform_op_init(void)
{
    hypercall_register(__HYPERVISOR_platform_op, do_platform_op,
                       HC_PRIVILEGED, "platform_op");
}
