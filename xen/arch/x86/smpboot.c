/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMP bring-up.  The MADT parser registers every LAPIC; the BSP is CPU 0
 * and the other enabled LAPICs get CPU numbers in firmware order.  Each
 * AP is started on its own, with the universal startup algorithm (Intel
 * SDM vol. 3A 8.4.4.1, MP spec B.4): INIT, 10 ms, STARTUP, 200 us,
 * STARTUP, into the real-mode trampoline (boot/trampoline.S) copied to a
 * free page below 1 MiB.  The BSP waits (bounded) for the AP to mark
 * itself online before starting the next, so one stack pointer slot
 * (ap_stack_top) serves them all.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/bootinfo.h>
#include <xen/acpi.h>
#include <xen/mm.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/softirq.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/hvm/hvm.h>

/* maxcpus=<n>: start at most n CPUs, the BSP included. */
static unsigned int max_cpus = NR_CPUS;
integer_param("maxcpus", max_cpus);

/* smp=<bool> ("nosmp" = smp=0): start the APs at all. */
static bool opt_smp = true;
boolean_param("smp", opt_smp);

cpumask_t cpu_online_map = { .bits = { 1 } };     /* the BSP */
cpumask_t cpu_present_map = { .bits = { 1 } };
u32 x86_cpu_to_apicid[NR_CPUS] = { [0 ... NR_CPUS - 1] = BAD_APICID };
unsigned int nr_cpu_ids = 1;

static unsigned int disabled_cpus, dropped_cpus;

/* Read by trampoline.S. */
u32 ap_cr3;
unsigned long ap_stack_top;

#define AP_START_TIMEOUT_MS 2000
#define TRAMPOLINE_LIMIT    0x9f000UL   /* below the usual EBDA */

/* The BSP's APIC ID from CPUID: the LAPIC may not be set up yet. */
static u32 boot_cpu_apicid(void)
{
    u32 a, b, c, d;

    if ( cpuid_eax(0) >= 0xb )
    {
        cpuid_count(0xb, 0, &a, &b, &c, &d);
        if ( b )                /* leaf 0xb implemented: EDX = x2APIC ID */
            return d;
    }
    return cpuid_ebx(1) >> 24;
}

int smp_register_lapic(u32 apic_id, bool enabled)
{
    unsigned int cpu;

    if ( x86_cpu_to_apicid[0] == BAD_APICID )
        x86_cpu_to_apicid[0] = boot_cpu_apicid();

    for ( cpu = 0; cpu < nr_cpu_ids; cpu++ )
        if ( x86_cpu_to_apicid[cpu] == apic_id )
            return cpu;         /* the BSP, or a duplicate entry */

    if ( !enabled )
    {
        disabled_cpus++;
        return -1;
    }
    if ( nr_cpu_ids == NR_CPUS )
    {
        if ( !dropped_cpus++ )
            printk(XENLOG_WARNING "More than %u CPUs: the rest are ignored "
                   "(raise CONFIG_NR_CPUS)\n", (unsigned int)NR_CPUS);
        return -1;
    }

    cpu = nr_cpu_ids++;
    x86_cpu_to_apicid[cpu] = apic_id;
    cpumask_set_cpu(cpu, &cpu_present_map);
    return cpu;
}

/*
 * A RAM page below 1 MiB for the trampoline: not page 0 (IVT, BIOS data
 * area), below the EBDA and 0x9f000, inside a RAM entry of the loader's
 * map and overlapping no other entry.  The highest such page is taken,
 * away from what loaders tend to use at the bottom.
 */
static paddr_t pick_trampoline_page(void)
{
    paddr_t limit = TRAMPOLINE_LIMIT, ebda, p;
    unsigned int i;

    ebda = bios_ebda_addr();
    if ( ebda >= 0x10000 && ebda < limit )
        limit = ebda;

    for ( p = ROUNDDOWN(limit, PAGE_SIZE) - PAGE_SIZE; p >= PAGE_SIZE;
          p -= PAGE_SIZE )
    {
        bool in_ram = false, clash = false;

        for ( i = 0; i < boot_info.nr_memmap; i++ )
        {
            const struct e820entry *e = &boot_info.memmap[i];
            bool overlap = e->addr < p + PAGE_SIZE && e->addr + e->size > p;

            if ( !overlap )
                continue;
            if ( e->type == E820_RAM && e->addr <= p &&
                 e->addr + e->size >= p + PAGE_SIZE )
                in_ram = true;
            else
                clash = true;
        }
        if ( in_ram && !clash )
            return p;
    }
    return 0;
}

void __noreturn start_secondary(void)
{
    unsigned int cpu = smp_processor_id();

    cpu_init_tables(cpu);
    setup_local_apic(false);
    if ( get_apic_id() != x86_cpu_to_apicid[cpu] )
        printk(XENLOG_WARNING "CPU%u: APIC id %u, MADT said %u\n", cpu,
               get_apic_id(), x86_cpu_to_apicid[cpu]);
    get_cpu_info()->apic_id = get_apic_id();

    hvm_cpu_up();

    /* The BSP waits for this. */
    cpumask_set_cpu(cpu, &cpu_online_map);

    startup_cpu_idle_loop();
}

static bool wakeup_secondary_cpu(u32 apicid, paddr_t tramp)
{
    unsigned int i;

    apic_write(APIC_ESR, 0);
    if ( !apic_send_icr(apicid, APIC_DM_INIT | APIC_INT_LEVELTRIG |
                                APIC_INT_ASSERT) )
        return false;
    /* INIT level de-assert exists in xAPIC mode only (SDM 10.6.1). */
    if ( !x2apic_enabled )
        apic_send_icr(apicid, APIC_DM_INIT | APIC_INT_LEVELTRIG);
    mdelay(10);

    for ( i = 0; i < 2; i++ )
    {
        if ( !apic_send_icr(apicid, APIC_DM_STARTUP | (tramp >> 12)) )
            return false;
        udelay(200);
    }
    return true;
}

static bool do_boot_cpu(unsigned int cpu, paddr_t tramp)
{
    u32 apicid = x86_cpu_to_apicid[cpu];
    volatile u32 *alive = (volatile u32 *)(uintptr_t)
        (tramp + (trampoline_alive - trampoline_start));
    struct cpu_info *ci;
    void *stack;
    s_time_t deadline;

    stack = alloc_xenheap_pages(STACK_ORDER, 0);
    if ( !stack )
    {
        printk(XENLOG_ERR "CPU%u: no memory for its stack\n", cpu);
        return false;
    }
    ci = (struct cpu_info *)((char *)stack + STACK_SIZE) - 1;
    memset(ci, 0, sizeof(*ci));
    ci->processor_id = cpu;
    ci->apic_id = apicid;
    ap_stack_top = (unsigned long)ci;
    *alive = 0;

    printk(XENLOG_INFO "Booting processor %u/%u eip %lx\n", cpu, apicid,
           tramp);

    __asm__ __volatile__ ( "mfence" ::: "memory" );
    if ( wakeup_secondary_cpu(apicid, tramp) )
    {
        deadline = NOW() + MILLISECS(AP_START_TIMEOUT_MS);
        while ( !cpu_online(cpu) && NOW() < deadline )
            cpu_relax();
        if ( cpu_online(cpu) )
            return true;
    }

    printk(XENLOG_ERR "CPU%u: failed to start (%s)\n", cpu,
           *alive ? "stuck after the trampoline" : "no response to SIPI");
    /* Park it again so it cannot run later on someone else's stack. */
    apic_send_icr(apicid, APIC_DM_INIT | APIC_INT_LEVELTRIG |
                          APIC_INT_ASSERT);
    free_xenheap_pages(stack, STACK_ORDER);
    return false;
}

/* Arm a 10 ms timer on every online CPU and wait (bounded) for them. */
static unsigned int timers_fired;
static struct timer check_timers[NR_CPUS];

static void check_timer_fn(void *data)
{
    __atomic_fetch_add(&timers_fired, 1, __ATOMIC_SEQ_CST);
}

static void smp_check_timers(void)
{
    unsigned int cpu, n = num_online_cpus();
    s_time_t deadline;

    for_each_online_cpu ( cpu )
    {
        init_timer(&check_timers[cpu], check_timer_fn, NULL, cpu);
        set_timer(&check_timers[cpu], NOW() + MILLISECS(10));
    }

    /* The BSP's own timer runs from its softirq here. */
    deadline = NOW() + SECONDS(2);
    while ( ACCESS_ONCE(timers_fired) < n && NOW() < deadline )
    {
        do_softirq();
        cpu_relax();
    }

    if ( ACCESS_ONCE(timers_fired) == n )
        printk(XENLOG_INFO "Timers: %u CPUs ticking\n", n);
    else
        printk(XENLOG_WARNING "Timers: only %u of %u CPUs ticking\n",
               ACCESS_ONCE(timers_fired), n);

    for_each_online_cpu ( cpu )
        kill_timer(&check_timers[cpu]);
}

void smp_boot_cpus(void)
{
    unsigned int cpu, limit = min(max_cpus, nr_cpu_ids);
    paddr_t tramp = 0;

    if ( x86_cpu_to_apicid[0] == BAD_APICID )
        x86_cpu_to_apicid[0] = get_apic_id();
    get_cpu_info()->apic_id = x86_cpu_to_apicid[0];

    printk(XENLOG_INFO "SMP: %u CPUs in the MADT (%u disabled), maxcpus=%u"
           "%s\n", nr_cpu_ids, disabled_cpus, max_cpus,
           opt_smp ? "" : ", smp=0");

    if ( !opt_smp || limit == 0 )
        limit = 1;

    if ( limit > 1 )
    {
        tramp = pick_trampoline_page();
        if ( !tramp )
        {
            printk(XENLOG_ERR "SMP: no free page below 1 MiB for the AP "
                   "trampoline: not starting APs\n");
            limit = 1;
        }
        else if ( read_cr3() >> 32 )
        {
            printk(XENLOG_ERR "SMP: page tables above 4 GiB: not starting "
                   "APs\n");
            limit = 1;
        }
    }

    if ( limit > 1 )
    {
        memcpy((void *)(uintptr_t)tramp, trampoline_start,
               trampoline_end - trampoline_start);
        ap_cr3 = read_cr3();
        for ( cpu = 1; cpu < limit; cpu++ )
            do_boot_cpu(cpu, tramp);
    }

    printk("Brought up %u CPUs\n", num_online_cpus());
    smp_check_timers();
}
