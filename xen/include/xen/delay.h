/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XEN_DELAY_H
#define XEN_DELAY_H

/* Busy-wait.  Uses the calibrated TSC once time_init() ran, the PIT before. */
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

#endif
