/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Halt, reboot and power-off paths.  They run after panics, so they use
 * nothing that needs locks or interrupts, and every method that can fail
 * silently falls through to the next one.
 */
#include <xen/lib.h>
#include <xen/acpi.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/shutdown.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/traps.h>

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

void __noreturn machine_halt(void)
{
    local_irq_disable();
    stop_other_cpus();
    halt_forever();
}

/*
 * The PC/AT keyboard controller's output port bit 0 drives the CPU reset
 * line; command 0xfe pulses it.  Wait for its input buffer to drain first
 * (status bit 1), bounded in case there is no controller at all.
 */
static void kbc_reset(void)
{
    unsigned int i, j;

    for ( i = 0; i < 10; i++ )
    {
        for ( j = 0; j < 0x10000 && (inb(0x64) & 0x02); j++ )
            udelay(2);
        outb(0xfe, 0x64);
        mdelay(50);
    }
}

/*
 * Last resort: an IDT with limit 0 makes int3 raise #GP, which cannot be
 * delivered either (#DF), and a fault delivering #DF shuts the processor
 * down; the chipset turns the shutdown cycle into a reset.
 */
static void __noreturn triple_fault(void)
{
    static const struct desc_ptr no_idt = { .limit = 0, .base = 0 };

    __asm__ __volatile__ ( "lidt %0; int3" :: "m" (no_idt) );
    halt_forever();
}

void __noreturn machine_restart(unsigned int delay_ms)
{
    local_irq_disable();
    if ( delay_ms )
        mdelay(delay_ms);

    /*
     * Quiesce the other CPUs first (as Xen's smp_send_stop()), so nothing
     * races the reset with I/O or console output.
     */
    stop_other_cpus();

    /* The FADT reset register first, as Xen's default reboot=acpi. */
    acpi_reset();

    /*
     * Reset control register at 0xCF9 (Intel PCH/ICH and PIIX3, also
     * emulated by QEMU): SYS_RST first, then with RST_CPU for a hard
     * reset.
     */
    outb(0x02, 0xcf9);
    udelay(50);
    outb(0x06, 0xcf9);
    mdelay(100);

    kbc_reset();

    printk("Reboot through ACPI, 0xCF9 and the keyboard controller failed: "
           "triple fault\n");
    triple_fault();
}

void __noreturn machine_power_off(void)
{
    local_irq_disable();
    stop_other_cpus();

    /* S5 through the FADT PM1 control blocks; returns if that failed. */
    acpi_power_off();

    printk("Power off failed: halting\n");
    halt_forever();
}
