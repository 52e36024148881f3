/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: printk() formats, prefixes every line with
 * "(XEN) ", keeps it in the console ring (read by xm dmesg through
 * sysctl readconsole) and writes it to the configured outputs (COM1, VGA).
 *
 * A message may start with a log level; lines below the loglvl= threshold
 * are dropped.  Without a level a message counts as XENLOG_WARNING, which
 * the default threshold prints.
 */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/stdarg.h>

#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list args);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Bring up the outputs chosen by console= and com1=; replays the ring. */
void console_init_preirq(void);

/* Raw bytes to the outputs, no prefix and no ring (register dumps). */
void console_puts_raw(const char *s);

/* Break a held console lock (panic and fatal-exception paths). */
void console_force_unlock(void);

/*
 * Copy ring contents starting at *index (a free-running byte count; 0 =
 * oldest kept) into buf.  Returns the number of bytes copied and advances
 * *index.  clear drops everything read so far from the ring.
 */
size_t console_ring_read(char *buf, size_t len, unsigned long *index,
                         bool clear);

#ifdef CONFIG_DEBUG
#define ASSERT(p) do { if ( unlikely(!(p)) ) \
    panic("Assertion '%s' failed at %s:%d", #p, __FILE__, __LINE__); } \
    while ( 0 )
#else
#define ASSERT(p) do { if ( 0 && (p) ) {} } while ( 0 )
#endif

#define BUG() panic("Xen BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(p) do { if ( unlikely(p) ) BUG(); } while ( 0 )

#endif
