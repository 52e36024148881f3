/* SPDX-License-Identifier: GPL-2.0-only */
/* Halting, powering off and rebooting the machine. */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/types.h>
#include <xen/compiler.h>

/* "noreboot": stop instead of rebooting after a panic. */
extern bool opt_noreboot;

/* Stop every CPU for good (the screen keeps the last message). */
void __noreturn machine_halt(void);

/* Reboot after delay_ms (0: at once); ACPI reset, 0xCF9, then the KBC. */
void __noreturn machine_restart(unsigned int delay_ms);

/* Power off through ACPI S5 (FADT PM1 control); halts if that fails. */
void __noreturn machine_power_off(void);

#endif
