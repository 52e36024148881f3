/* SPDX-License-Identifier: GPL-2.0-only */
/* The ns16550 UART the hypervisor logs to (COM1 unless com1= moves it). */
#ifndef XEN_SERIAL_H
#define XEN_SERIAL_H

#include <xen/types.h>

struct ns16550_config {
    unsigned int baud;      /* 0 = keep what the firmware programmed */
    unsigned int data_bits, stop_bits;
    char parity;            /* 'n', 'o', 'e', 'm', 's' */
    u16 io_base;
    u8 irq;
};

extern struct ns16550_config com1_config;

/*
 * Parse "<baud>|auto[,<data><parity><stop>[,<io-base>[,<irq>]]]" into cfg.
 * Returns 0, or -EINVAL leaving cfg untouched.
 */
int ns16550_parse_config(const char *s, struct ns16550_config *cfg);

void ns16550_init(void);
void ns16550_putc(char c);
bool ns16550_present(void);

#endif
