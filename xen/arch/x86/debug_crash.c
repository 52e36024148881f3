/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debug_crash=<kind> (debug builds only): at the end of boot, raise an
 * exception on purpose so the system tests can check the fault report and
 * the reboot / "noreboot" paths.  Kinds:
 *
 *   ud2    #UD from debug_crash_ud2()
 *   pf     #PF (read of an unmapped address) from debug_crash_pf()
 *   de     #DE (divide by zero) from debug_crash_de()
 *   gp     #GP (non-canonical read) from debug_crash_gp()
 *   df     #DF: #UD with a non-canonical %rsp cannot be delivered, so the
 *          CPU escalates to a double fault on its IST stack
 *   nested #UD, and the fault report faults again: one short line, halt
 *   ap     #UD on CPU1, in an IPI handler (the BSP gets stopped by NMI)
 *   stray  not fatal: software interrupts to an unowned vector (reported
 *          once) and to a vector with a handler, then boot goes on
 *   reboot, poweroff
 *          no fault: machine_restart(0) / machine_power_off(), to test
 *          the ACPI, 0xCF9 and keyboard-controller paths
 *
 * A release build does not know the option ("parameter ... unknown").
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/cpumask.h>
#include <xen/delay.h>
#include <xen/shutdown.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/traps.h>

#ifdef CONFIG_DEBUG

enum crash_kind {
    CRASH_NONE,
    CRASH_UD2,
    CRASH_PF,
    CRASH_DE,
    CRASH_GP,
    CRASH_DF,
    CRASH_NESTED,
    CRASH_AP,
    CRASH_STRAY,
    CRASH_REBOOT,
    CRASH_POWEROFF,
};

static const char *const kind_names[] = {
    [CRASH_UD2]   = "ud2",
    [CRASH_PF]    = "pf",
    [CRASH_DE]    = "de",
    [CRASH_GP]    = "gp",
    [CRASH_DF]    = "df",
    [CRASH_NESTED] = "nested",
    [CRASH_AP]    = "ap",
    [CRASH_STRAY] = "stray",
    [CRASH_REBOOT] = "reboot",
    [CRASH_POWEROFF] = "poweroff",
};

static enum crash_kind opt_debug_crash = CRASH_NONE;

static int parse_debug_crash(const char *s)
{
    unsigned int i;

    for ( i = CRASH_UD2; i < ARRAY_SIZE(kind_names); i++ )
        if ( !strcmp(s, kind_names[i]) )
        {
            opt_debug_crash = i;
            return 0;
        }
    return -EINVAL;
}
custom_param("debug_crash", parse_debug_crash);

/*
 * PML4 slot 256 (0xffff800000000000) is never mapped by Keel: slot 0 is
 * the identity map and slot 262 the direct map.
 */
#define UNMAPPED_ADDR      0xffff80000dead000UL
#define NON_CANONICAL_ADDR 0x8000000000000000UL

static noinline void debug_crash_ud2(void)
{
    __asm__ __volatile__ ( "ud2" );
}

static noinline void debug_crash_pf(void)
{
    unsigned long v;

    __asm__ __volatile__ ( "mov (%1), %0" : "=r" (v) : "r" (UNMAPPED_ADDR) );
}

static noinline void debug_crash_de(void)
{
    __asm__ __volatile__ ( "xor %%ecx, %%ecx\n\t"
                           "div %%ecx"
                           :: "a" (1), "d" (0) : "rcx" );
}

static noinline void debug_crash_gp(void)
{
    unsigned long v;

    __asm__ __volatile__ ( "mov (%1), %0"
                           : "=r" (v) : "r" (NON_CANONICAL_ADDR) );
}

static noinline void debug_crash_df(void)
{
    /*
     * Pushing the #UD frame faults (#SS, non-canonical stack), and so
     * does pushing the #SS frame: two contributory faults make a #DF
     * (Intel SDM vol. 3A table 6-5), which switches to IST_DF.
     */
    __asm__ __volatile__ ( "mov %0, %%rsp\n\t"
                           "ud2"
                           :: "r" (NON_CANONICAL_ADDR) );
}

#define STRAY_VECTOR   0x50
#define HANDLED_VECTOR 0x51
#define AP_VECTOR      0x52

static noinline void debug_crash_nested(void)
{
    debug_fault_in_report = true;
    __asm__ __volatile__ ( "ud2" );
}

static void debug_ap_handler(struct cpu_user_regs *regs)
{
    __asm__ __volatile__ ( "ud2" );
}

static noinline void debug_crash_ap(void)
{
    unsigned int i;

    if ( !cpu_online(1) )
    {
        printk("debug_crash=ap: CPU1 is not online\n");
        return;
    }
    set_irq_handler(AP_VECTOR, debug_ap_handler);
    send_IPI_cpu(1, AP_VECTOR);

    /* CPU1's panic stops this CPU with an NMI; bounded all the same. */
    local_irq_enable();
    for ( i = 0; i < 10000; i++ )
        mdelay(1);
}

static unsigned int handled_count;

static void debug_irq_handler(struct cpu_user_regs *regs)
{
    /* A software INT n: nothing to acknowledge at the LAPIC. */
    handled_count++;
}

static noinline void debug_crash_stray(void)
{
    __asm__ __volatile__ ( "int %0" :: "i" (STRAY_VECTOR) );
    __asm__ __volatile__ ( "int %0" :: "i" (STRAY_VECTOR) );

    set_irq_handler(HANDLED_VECTOR, debug_irq_handler);
    __asm__ __volatile__ ( "int %0" :: "i" (HANDLED_VECTOR) : "memory" );
    __asm__ __volatile__ ( "int %0" :: "i" (HANDLED_VECTOR) : "memory" );
    set_irq_handler(HANDLED_VECTOR, NULL);
    printk("debug_crash=stray: survived vector %#x; handler for %#x ran "
           "%u times\n", STRAY_VECTOR, HANDLED_VECTOR, handled_count);
}

void debug_crash(void)
{
    if ( opt_debug_crash == CRASH_NONE )
        return;

    printk("debug_crash=%s: raising it now\n", kind_names[opt_debug_crash]);
    switch ( opt_debug_crash )
    {
    case CRASH_UD2:
        debug_crash_ud2();
        break;
    case CRASH_PF:
        debug_crash_pf();
        break;
    case CRASH_DE:
        debug_crash_de();
        break;
    case CRASH_GP:
        debug_crash_gp();
        break;
    case CRASH_DF:
        debug_crash_df();
        break;
    case CRASH_NESTED:
        debug_crash_nested();
        break;
    case CRASH_AP:
        debug_crash_ap();
        break;
    case CRASH_STRAY:
        debug_crash_stray();
        return;
    case CRASH_REBOOT:
        machine_restart(0);
    case CRASH_POWEROFF:
        machine_power_off();
    case CRASH_NONE:
        return;
    }
    panic("debug_crash=%s: the exception did not happen",
          kind_names[opt_debug_crash]);
}

#endif /* CONFIG_DEBUG */
