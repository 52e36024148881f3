/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 16550-compatible UART, polled.  com1=<baud>|auto[,8n1[,<io>[,<irq>]]]
 * chooses the line settings; "auto" keeps what the firmware programmed.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/serial.h>
#include <asm/io.h>

#define UART_THR  0     /* transmit holding */
#define UART_RBR  0     /* receive buffer */
#define UART_DLL  0     /* divisor latch low (DLAB=1) */
#define UART_IER  1
#define UART_DLM  1     /* divisor latch high (DLAB=1) */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7

#define LCR_DLAB  0x80
#define LSR_THRE  0x20
#define UART_CLOCK_HZ 1843200

#ifndef CONFIG_SERIAL_BAUD
#define CONFIG_SERIAL_BAUD 115200
#endif
#ifndef CONFIG_SERIAL_IO_BASE
#define CONFIG_SERIAL_IO_BASE 0x3f8
#endif

struct ns16550_config com1_config = {
    .baud = CONFIG_SERIAL_BAUD,
    .data_bits = 8,
    .stop_bits = 1,
    .parity = 'n',
    .io_base = CONFIG_SERIAL_IO_BASE,
    .irq = 4,
};

static bool uart_present;

int ns16550_parse_config(const char *s, struct ns16550_config *cfg)
{
    struct ns16550_config c = *cfg;
    const char *e;
    unsigned long long v;

    if ( !strncmp(s, "auto", 4) )
    {
        c.baud = 0;
        s += 4;
    }
    else
    {
        v = simple_strtoull(s, &e, 10);
        if ( e == s || v < 50 || v > 4000000 )
            return -EINVAL;
        c.baud = v;
        s = e;
    }

    if ( *s == ',' && s[1] != ',' )
    {
        s++;
        if ( s[0] < '5' || s[0] > '8' )
            return -EINVAL;
        c.data_bits = s[0] - '0';
        switch ( s[1] )
        {
        case 'n': case 'o': case 'e': case 'm': case 's':
            c.parity = s[1];
            break;
        default:
            return -EINVAL;
        }
        if ( s[2] != '1' && s[2] != '2' )
            return -EINVAL;
        c.stop_bits = s[2] - '0';
        s += 3;
    }
    else if ( *s == ',' )
        s++;

    if ( *s == ',' )
    {
        s++;
        v = simple_strtoull(s, &e, 0);
        if ( e == s || v == 0 || v > 0xfff8 )
            return -EINVAL;
        c.io_base = v;
        s = e;
        if ( *s == ',' )
        {
            s++;
            v = simple_strtoull(s, &e, 0);
            if ( e == s || v > 15 )
                return -EINVAL;
            c.irq = v;
            s = e;
        }
    }

    if ( *s )
        return -EINVAL;
    *cfg = c;
    return 0;
}

static int parse_com1(const char *s)
{
    return ns16550_parse_config(s, &com1_config);
}
custom_param("com1", parse_com1);

bool ns16550_present(void)
{
    return uart_present;
}

void ns16550_init(void)
{
    u16 io = com1_config.io_base;
    u8 lcr;

    /* Scratch register probe: absent UARTs float to 0xff. */
    outb(0x5a, io + UART_SCR);
    if ( inb(io + UART_SCR) != 0x5a )
    {
        uart_present = false;
        return;
    }

    lcr = (com1_config.data_bits - 5) |
          ((com1_config.stop_bits - 1) << 2);
    switch ( com1_config.parity )
    {
    case 'o': lcr |= 0x08; break;
    case 'e': lcr |= 0x18; break;
    case 'm': lcr |= 0x28; break;
    case 's': lcr |= 0x38; break;
    }

    outb(0, io + UART_IER);                 /* polled: no interrupts */
    if ( com1_config.baud )
    {
        unsigned int div = UART_CLOCK_HZ / (16 * com1_config.baud);

        if ( !div )
            div = 1;
        outb(lcr | LCR_DLAB, io + UART_LCR);
        outb(div & 0xff, io + UART_DLL);
        outb(div >> 8, io + UART_DLM);
    }
    outb(lcr, io + UART_LCR);
    outb(0x07, io + UART_FCR);              /* enable + clear FIFOs */
    outb(0x03, io + UART_MCR);              /* DTR, RTS */
    uart_present = true;
}

void ns16550_putc(char c)
{
    u16 io = com1_config.io_base;
    unsigned int spins = 0;

    if ( !uart_present )
        return;
    /* Bounded wait: a wedged UART must not hang the hypervisor. */
    while ( !(inb(io + UART_LSR) & LSR_THRE) && ++spins < 1000000 )
        __asm__ __volatile__ ( "pause" );
    outb(c, io + UART_THR);
}
