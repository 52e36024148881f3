/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_selftest (debug builds): before anything else runs guests, start a
 * tiny flat 32-bit guest (selftest_guest.S) in a throw-away domain on
 * the boot CPU and drive its vCPU by hand until it halts.  It exercises
 * the VMCB set-up, VMRUN/#VMEXIT, exit decoding without NRIPS, CPUID's
 * Xen leaves, the hypercall-page MSR and a hypercall through the page.
 * Prints "HVM selftest: passed" or says what went wrong.
 *
 * The domain is left behind, paused, under DOMID_FIRST_RESERVED - 1.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/guest_access.h>
#include <asm/current.h>
#include <asm/p2m.h>
#include <asm/hvm/hvm.h>
#include <public/sched.h>
#include <asm/hvm/vcpu.h>

#ifdef CONFIG_DEBUG

#define SELFTEST_DOMID      (DOMID_FIRST_RESERVED - 1)
#define SELFTEST_ORDER      4               /* 16 pages of guest RAM */
#define SELFTEST_CODE       0x1000          /* as in selftest_guest.S */
#define SELFTEST_MAX_EXITS  10000

extern const u8 hvm_selftest_guest[], hvm_selftest_guest_end[];

static bool opt_hvm_selftest;
boolean_param("hvm_selftest", opt_hvm_selftest);

static const char *selftest_run(u64 *exits)
{
    struct domain *d;
    struct vcpu *v, *prev = current;
    void *ram;
    unsigned long mfn, i;
    size_t len = hvm_selftest_guest_end - hvm_selftest_guest;

    d = domain_create(SELFTEST_DOMID, 1, false);
    if ( !d )
        return "cannot create the domain";

    ram = alloc_xenheap_pages(SELFTEST_ORDER, 0);
    if ( !ram )
        return "no memory for the guest";
    memset(ram, 0, PAGE_SIZE << SELFTEST_ORDER);
    mfn = virt_to_maddr(ram) >> PAGE_SHIFT;
    for ( i = 0; i < (1ul << SELFTEST_ORDER); i++ )
        if ( p2m_set_entry(&d->p2m, i, mfn + i, 0, p2m_ram_rw) )
            return "cannot map the guest's RAM";

    if ( copy_to_guest_phys(d, SELFTEST_CODE, hvm_selftest_guest, len) )
        return "cannot load the guest";

    v = vcpu_create(d, 0, smp_processor_id());
    if ( !v )
        return "cannot create the vCPU";
    v->regs.rip = SELFTEST_CODE;
    /* Driven here, not by the scheduler: clear "down" by hand. */
    v->pause_flags = 0;

    while ( !v->pause_flags && v->hvm->nr_exits < SELFTEST_MAX_EXITS )
    {
        hvm_vcpu_run(v);
        do_softirq();
    }
    get_cpu_info()->current_vcpu = prev;
    *exits = v->hvm->nr_exits;

    /*
     * The guest ends with cli; hlt: its only vCPU goes offline and the
     * domain is powered off (exits.c, as Xen); anything else is a crash.
     */
    if ( d->is_shutting_down && d->shutdown_code != SHUTDOWN_poweroff )
        return "the guest crashed";
    if ( !(v->pause_flags & ((1ul << VPF_blocked) | (1ul << VPF_down))) )
        return "the guest did not halt";
    if ( (u32)v->regs.rax != 0x600d )
        return "the guest saw something wrong (EAX 0xbad)";
    return NULL;
}

void hvm_selftest(void)
{
    const char *err;
    u64 exits = 0;

    if ( !opt_hvm_selftest )
        return;
    if ( !hvm_enabled )
    {
        printk("HVM selftest: skipped, HVM is disabled\n");
        return;
    }
    if ( !hvm_hap_enabled() )
    {
        printk("HVM selftest: skipped, no nested paging\n");
        return;
    }

    err = selftest_run(&exits);
    if ( err )
        printk(XENLOG_ERR "HVM selftest: FAILED: %s (%lu exits)\n", err,
               exits);
    else
        printk("HVM selftest: passed (%lu exits)\n", exits);
}

#else /* !CONFIG_DEBUG */

void hvm_selftest(void)
{
}

#endif
