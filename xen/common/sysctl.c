/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysctl (35): the toolstack's host-wide operations (public/sysctl.h).
 * dom0 only; the argument is copied in, its interface_version checked
 * (-EACCES), one handler runs, the structure is copied back on success.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/cpumask.h>
#include <xen/guest_access.h>
#include <asm/current.h>
#include <asm/e820.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/hvm/hvm.h>
#include <public/xen.h>
#include <public/sysctl.h>

/* Bytes readconsole moves per copy (kept on the stack). */
#define READCONSOLE_CHUNK 256

static long readconsole(struct xen_sysctl_readconsole *r)
{
    char chunk[READCONSOLE_CHUNK];
    unsigned long index = r->incremental ? r->index : 0;
    u32 done = 0;

    if ( r->count && !r->buffer )
        return -EFAULT;
    while ( done < r->count )
    {
        size_t want = r->count - done, n;

        if ( want > sizeof(chunk) )
            want = sizeof(chunk);
        n = console_ring_read(chunk, want, &index, false);
        if ( !n )
            break;
        if ( copy_to_guest(r->buffer + done, chunk, n) )
            return -EFAULT;
        done += n;
    }
    /* clear: drop what was copied (everything, when the buffer held it). */
    if ( r->clear )
        console_ring_read(chunk, 0, &index, true);
    r->count = done;
    r->index = (u32)index;
    return 0;
}

static unsigned long max_ram_pfn(void)
{
    unsigned long max = 0, end;
    unsigned int i;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        if ( e820.map[i].type != E820_RAM )
            continue;
        end = PFN_DOWN(e820.map[i].addr + e820.map[i].size);
        if ( end > max )
            max = end;
    }
    return max;
}

static long physinfo(struct xen_sysctl_physinfo *pi)
{
    unsigned int cpu, max_cpu = 0, n = 0;
    u32 a, b;

    memset(pi, 0, sizeof(*pi));
    for_each_online_cpu ( cpu )
    {
        n++;
        max_cpu = cpu;
    }
    /*
     * The topology is not parsed yet: every pCPU counts as one core of
     * one socket (nr_cpus = threads * cores * sockets still holds).
     */
    pi->threads_per_core = 1;
    pi->cores_per_socket = n ? n : 1;
    pi->nr_cpus = n ? n : 1;
    pi->max_cpu_id = max_cpu;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = cpu_khz;
    if ( hvm_enabled )
        pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm;
    if ( hvm_hap_enabled() )
        pi->capabilities |= XEN_SYSCTL_PHYSCAP_hap;
    pi->total_pages = total_pages;
    pi->free_pages = avail_heap_pages();
    pi->max_mfn = max_ram_pfn() ? max_ram_pfn() - 1 : 0;
    cpuid(1, &a, &b, &pi->hw_cap[1], &pi->hw_cap[0]);
    if ( cpuid_eax(0x80000000) >= 0x80000001 )
        cpuid(0x80000001, &a, &b, &pi->hw_cap[3], &pi->hw_cap[2]);
    return 0;
}

/*
 * The domain with the lowest id >= from, live or zombie (destroyed, its
 * frames still mapped by others), or NULL.  domain_list is in id order;
 * the zombies are few and unordered.  Under domctl's lock.
 */
static struct domain *domain_from(unsigned int from)
{
    struct domain *d, *best = NULL;

    for ( d = domain_list; d; d = d->next_in_list )
        if ( d->domain_id >= from )
        {
            best = d;
            break;
        }
    for ( d = domain_first_zombie(); d; d = d->next_in_list )
        if ( d->domain_id >= from &&
             (!best || d->domain_id < best->domain_id) )
            best = d;
    return best;
}

/*
 * Info packing is domctl's (one place), under its lock.  Dying domains
 * and zombies are listed with XEN_DOMINF_dying, as Xen lists a dying
 * domain, so the toolstack and its admin see what still holds memory.
 */
static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct domain *d;
    unsigned int next = l->first_domain;
    u32 n = 0;
    long rc = 0;

    domctl_lock_acquire();
    while ( n < l->max_domains && (d = domain_from(next)) != NULL )
    {
        struct xen_domctl_getdomaininfo info;

        next = d->domain_id + 1u;
        domctl_getdomaininfo(d, &info);
        if ( copy_to_guest(l->buffer + n * sizeof(info), &info,
                           sizeof(info)) )
        {
            rc = -EFAULT;
            break;
        }
        n++;
    }
    domctl_lock_release();
    l->num_domains = n;
    return rc;
}

static long getcpuinfo(struct xen_sysctl_getcpuinfo *c)
{
    unsigned int cpu, n = 0;

    for ( cpu = 0; cpu < nr_cpu_ids && cpu < NR_CPUS && n < c->max_cpus;
          cpu++ )
    {
        struct xen_sysctl_cpuinfo ci;

        ci.idletime = cpu_online(cpu) ? sched_idle_time(cpu) : 0;
        if ( copy_to_guest(c->info + n * sizeof(ci), &ci, sizeof(ci)) )
            return -EFAULT;
        n++;
    }
    c->nr_cpus = n;
    return 0;
}

long do_sysctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5)
{
    struct xen_sysctl op;
    long rc;

    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EACCES;

    switch ( op.cmd )
    {
    case XEN_SYSCTL_readconsole:
        rc = readconsole(&op.u.readconsole);
        break;
    case XEN_SYSCTL_physinfo:
        rc = physinfo(&op.u.physinfo);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        rc = 0;
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_getcpuinfo:
        rc = getcpuinfo(&op.u.getcpuinfo);
        break;
    default:
        rc = -ENOSYS;
        break;
    }
    if ( rc >= 0 && copy_to_guest(arg, &op, sizeof(op)) )
        rc = -EFAULT;
    return rc;
}
