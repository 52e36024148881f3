/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local APIC driver: xAPIC through the MMIO window (reached via the
 * 0-4 GiB identity map), or x2APIC through MSRs 0x800-0x8ff when the CPU
 * has it (CPUID.1:ECX[21]).  Provides EOI, IPIs, the spurious and error
 * vectors and the per-CPU one-shot timer that drives the software timers
 * (TSC-deadline mode when CPUID.1:ECX[24] says so, else one-shot count).
 * References: Intel SDM vol. 3A chapter 11 (APIC), AMD APM vol. 2
 * chapter 16.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/acpi.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/softirq.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

bool x2apic_enabled;
paddr_t mp_lapic_addr = APIC_DEFAULT_PHYS_BASE;

/* x2apic=<bool>: use x2APIC mode when the CPU offers it (default on). */
static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);

/* tdt=<bool>: use the TSC-deadline timer when present (default on). */
static bool opt_tdt = true;
boolean_param("tdt", opt_tdt);

static bool tdt_enabled;
/* LAPIC timer input clock (divide by 1), in kHz; one-shot mode only. */
static unsigned long apic_timer_khz;
static unsigned long spurious_count;

#define CPUID1_ECX_X2APIC      (1U << 21)
#define CPUID1_ECX_TSCDEADLINE (1U << 24)

static volatile u32 *apic_mmio(unsigned int reg)
{
    return (volatile u32 *)(uintptr_t)(mp_lapic_addr + reg);
}

u32 apic_read(unsigned int reg)
{
    if ( x2apic_enabled )
        return rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return readl(apic_mmio(reg));
}

void apic_write(unsigned int reg, u32 v)
{
    if ( x2apic_enabled )
    {
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
        return;
    }
    writel(v, apic_mmio(reg));
}

u32 get_apic_id(void)
{
    u32 id = apic_read(APIC_ID);

    return x2apic_enabled ? id : id >> 24;
}

/* --- IPIs ---------------------------------------------------------------- */

bool apic_send_icr(u32 apicid, u32 icr_low)
{
    unsigned long flags = local_irq_save();
    bool ok = true;

    if ( x2apic_enabled )
    {
        /*
         * x2APIC MSR writes are not serialising (SDM 11.12.3): make our
         * earlier stores visible before the target can react.
         */
        __asm__ __volatile__ ( "mfence; lfence" ::: "memory" );
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4),
              ((u64)apicid << 32) | icr_low);
    }
    else
    {
        unsigned int i;

        /* Delivery status: wait for the previous IPI to be sent. */
        for ( i = 0; (apic_read(APIC_ICR) & APIC_ICR_BUSY) && i < 100000;
              i++ )
            cpu_relax();
        apic_write(APIC_ICR2, apicid << 24);
        apic_write(APIC_ICR, icr_low);
        for ( i = 0; (apic_read(APIC_ICR) & APIC_ICR_BUSY); i++ )
        {
            if ( i == 100000 )
            {
                ok = false;
                break;
            }
            cpu_relax();
        }
    }

    local_irq_restore(flags);
    return ok;
}

void send_IPI_apicid(u32 apicid, u8 vector)
{
    apic_send_icr(apicid, APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

void send_IPI_cpu(unsigned int cpu, u8 vector)
{
    if ( cpu < NR_CPUS && x86_cpu_to_apicid[cpu] != BAD_APICID )
        send_IPI_apicid(x86_cpu_to_apicid[cpu], vector);
}

/* --- Interrupt handlers -------------------------------------------------- */

static void spurious_interrupt(struct cpu_user_regs *regs)
{
    /* No EOI for the spurious vector (SDM 11.9). */
    if ( !spurious_count++ )
        printk(XENLOG_DEBUG "spurious APIC interrupt on CPU%u\n",
               smp_processor_id());
}

static void error_interrupt(struct cpu_user_regs *regs)
{
    u32 esr;

    /* The ESR latches on write (SDM 11.5.3). */
    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    ack_APIC_irq();
    printk(XENLOG_WARNING "APIC error on CPU%u: %#x\n", smp_processor_id(),
           esr);
}

static void event_check_interrupt(struct cpu_user_regs *regs)
{
    /* Only wakes the CPU; the idle loop looks at its softirqs. */
    ack_APIC_irq();
}

static void apic_timer_interrupt(struct cpu_user_regs *regs)
{
    ack_APIC_irq();
    raise_softirq(TIMER_SOFTIRQ);
}

/* --- Setup --------------------------------------------------------------- */

static void apic_enable_msr(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);

    if ( !(base & APIC_BASE_ENABLE) )
    {
        base |= APIC_BASE_ENABLE;
        wrmsr(MSR_APIC_BASE, base);
    }
    /* xAPIC -> x2APIC is only legal from the enabled state (SDM 11.12.5). */
    if ( x2apic_enabled && !(base & APIC_BASE_EXTD) )
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
}

void setup_local_apic(bool bsp)
{
    apic_enable_msr();

    if ( !x2apic_enabled )
    {
        /* Flat logical mode; the hypervisor only uses physical IPIs. */
        apic_write(APIC_DFR, 0xffffffffU);
        apic_write(APIC_LDR, (1U << (smp_processor_id() & 7)) << 24);
    }
    apic_write(APIC_TASKPRI, 0);
    apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);

    /*
     * The 8259s are masked for good (io_apic_init), so LINT0 is unused;
     * LINT1 carries the chipset NMI, which only the BSP should take.
     */
    apic_write(APIC_LVT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
    apic_write(APIC_LVT1, bsp ? APIC_DM_NMI : APIC_LVT_MASKED | APIC_DM_NMI);
    if ( (apic_read(APIC_LVR) >> 16 & 0xff) >= 4 )
        apic_write(APIC_LVTPC, APIC_LVT_MASKED);
    if ( (apic_read(APIC_LVR) >> 16 & 0xff) >= 5 )
        apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);

    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);

    /* Timer: armed by reprogram_timer(). */
    apic_write(APIC_TDCR, APIC_TDR_DIV_1);
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR |
               (tdt_enabled ? APIC_LVT_TIMER_TSCDEADLINE
                            : APIC_LVT_TIMER_ONESHOT));
    if ( tdt_enabled )
        wrmsr(MSR_TSC_DEADLINE, 0);
}

void init_bsp_apic(void)
{
    u32 ecx = cpuid_ecx(1);
    u64 base = rdmsr(MSR_APIC_BASE);

    /*
     * Mask both 8259s before touching LINT0: the BIOS leaves the PIT's
     * IRQ0 pending there, and once LINT0 is masked the PIC can no longer
     * withdraw its request.  QEMU then delivers a bogus vector as soon
     * as interrupts are enabled (observed: #GP, error code 0xfffffff2).
     */
    outb(0xff, 0xa1);
    outb(0xff, 0x21);

    if ( acpi_info.lapic_addr )
        mp_lapic_addr = acpi_info.lapic_addr;
    else if ( base & APIC_BASE_ENABLE )
        mp_lapic_addr = base & APIC_BASE_ADDR_MASK;

    /* Firmware may have handed over in x2APIC mode: we must stay there. */
    if ( (base & APIC_BASE_EXTD) ||
         (opt_x2apic && (ecx & CPUID1_ECX_X2APIC)) )
        x2apic_enabled = true;

    if ( x2apic_enabled )
        printk(XENLOG_INFO "Using APIC driver x2apic_phys\n");
    else
        printk(XENLOG_INFO "Using APIC driver default (xAPIC at %#lx)\n",
               mp_lapic_addr);

    tdt_enabled = opt_tdt && (ecx & CPUID1_ECX_TSCDEADLINE);

    set_irq_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt);
    set_irq_handler(ERROR_APIC_VECTOR, error_interrupt);
    set_irq_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
    set_irq_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);

    setup_local_apic(true);
    printk(XENLOG_INFO "CPU0: APIC id %u, version %#x, %u LVT entries\n",
           get_apic_id(), apic_read(APIC_LVR) & 0xff,
           (apic_read(APIC_LVR) >> 16 & 0xff) + 1);
}

/* --- Timer --------------------------------------------------------------- */

void calibrate_apic_timer(void)
{
    u32 start = 0xffffffffU, left;
    u64 t0, t1;

    if ( tdt_enabled )
    {
        printk(XENLOG_INFO "APIC timer: TSC-deadline mode\n");
        return;
    }

    /* Count down from the top for 10 ms of TSC time, masked. */
    apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TDCR, APIC_TDR_DIV_1);
    t0 = rdtsc();
    apic_write(APIC_TMICT, start);
    udelay(10000);
    left = apic_read(APIC_TMCCT);
    t1 = rdtsc();
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR | APIC_LVT_TIMER_ONESHOT);

    apic_timer_khz = (u64)(start - left) * 1000000ULL /
                     (tsc_ticks_to_ns(t1 - t0) ? : 1);
    if ( !apic_timer_khz )
        panic("APIC timer does not count");
    printk(XENLOG_INFO "APIC timer: one-shot mode, bus clock %lu.%03lu MHz\n",
           apic_timer_khz / 1000, apic_timer_khz % 1000);
}

bool reprogram_timer(s_time_t timeout)
{
    s_time_t now;
    u64 ticks;

    if ( timeout == 0 )
    {
        if ( tdt_enabled )
            wrmsr(MSR_TSC_DEADLINE, 0);
        else
            apic_write(APIC_TMICT, 0);
        return true;
    }

    now = NOW();
    if ( timeout <= now )
        return false;

    if ( tdt_enabled )
    {
        /* The LVT write and the MSR write must not be reordered. */
        __asm__ __volatile__ ( "mfence" ::: "memory" );
        wrmsr(MSR_TSC_DEADLINE, stime_to_tsc(timeout));
        return true;
    }

    /* Clamp so the product cannot overflow; a long wait fires early. */
    ticks = (u64)min(timeout - now, SECONDS(4)) * apic_timer_khz /
            1000000ULL;
    if ( ticks == 0 )
        ticks = 1;
    if ( ticks > 0xffffffffULL )
        ticks = 0xffffffffULL;
    apic_write(APIC_TMICT, ticks);
    return true;
}
