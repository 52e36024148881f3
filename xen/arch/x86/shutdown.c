/* SPDX-License-Identifier: GPL-2.0-only */
/* Halt, reboot and power-off paths. */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/delay.h>
#include <xen/shutdown.h>
#include <asm/io.h>
#include <asm/processor.h>

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

void __noreturn machine_halt(void)
{
    halt_forever();
}

void __noreturn machine_restart(unsigned int delay_ms)
{
    unsigned int i;

    local_irq_disable();
    if ( delay_ms )
        mdelay(delay_ms);

    /* Reset control register 0xCF9: SYS_RST, then with RST_CPU set. */
    outb(0x02, 0xcf9);
    udelay(50);
    outb(0x06, 0xcf9);
    mdelay(100);

    /* Keyboard controller pulse on the reset line. */
    for ( i = 0; i < 100; i++ )
    {
        unsigned int j;

        for ( j = 0; j < 0x10000 && (inb(0x64) & 0x02); j++ )
            udelay(1);
        outb(0xfe, 0x64);
        mdelay(10);
    }

    printk("Reboot failed: halting\n");
    halt_forever();
}

void __noreturn machine_power_off(void)
{
    printk("Power off not available: halting\n");
    halt_forever();
}
