/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io: a guest's console on the hypervisor's serial line.
 *
 * CONSOLEIO_write collects the guest's bytes into lines and prints each
 * through printk with the domain as prefix: "(XEN) (d0) text".  Only
 * printable ASCII and tabs are kept; escape sequences and carriage
 * returns are dropped so a guest cannot drive the terminal.
 * CONSOLEIO_read (the control domain only) drains the input ring the
 * serial driver fills with dom0_console_input() when input is switched
 * to dom0.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/spinlock.h>
#include <asm/dom0_build.h>

#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* Longest line printed at once; longer ones are split. */
#define CONS_LINE_MAX 256

/* Most bytes one CONSOLEIO_write prints; the rest is dropped. */
#define CONS_WRITE_MAX 65536

/* Partial lines of the first few domains; others share the last slot. */
#define NR_LINEBUFS 8

struct linebuf {
    domid_t domid;
    bool used;
    unsigned int len;
    char buf[CONS_LINE_MAX + 1];
};

static struct linebuf linebufs[NR_LINEBUFS];
static DEFINE_SPINLOCK(linebuf_lock);

static struct linebuf *linebuf_of(domid_t domid)
{
    unsigned int i;

    for ( i = 0; i < NR_LINEBUFS; i++ )
        if ( linebufs[i].used && linebufs[i].domid == domid )
            return &linebufs[i];
    for ( i = 0; i < NR_LINEBUFS; i++ )
        if ( !linebufs[i].used )
            break;
    if ( i == NR_LINEBUFS )
        i = NR_LINEBUFS - 1;
    linebufs[i].used = true;
    linebufs[i].domid = domid;
    linebufs[i].len = 0;
    return &linebufs[i];
}

static void linebuf_flush(struct linebuf *lb)
{
    lb->buf[lb->len] = '\0';
    printk("(d%u) %s\n", lb->domid, lb->buf);
    lb->len = 0;
}

static void guest_write(domid_t domid, const char *s, size_t n)
{
    unsigned long flags = spin_lock_irqsave(&linebuf_lock);
    struct linebuf *lb = linebuf_of(domid);
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        char c = s[i];

        if ( c == '\n' )
        {
            linebuf_flush(lb);
            continue;
        }
        if ( c != '\t' && (c < 0x20 || c > 0x7e) )
            continue;
        lb->buf[lb->len++] = c;
        if ( lb->len == CONS_LINE_MAX )
            linebuf_flush(lb);
    }
    spin_unlock_irqrestore(&linebuf_lock, flags);
}

/* Input for dom0: filled by the serial driver, drained by CONSOLEIO_read. */
#define INRING_SIZE 1024
static char inring[INRING_SIZE];
static unsigned int inring_prod, inring_cons;
static DEFINE_SPINLOCK(inring_lock);

bool dom0_console_input(char c)
{
    unsigned long flags = spin_lock_irqsave(&inring_lock);
    bool ok = inring_prod - inring_cons < INRING_SIZE;

    if ( ok )
        inring[inring_prod++ % INRING_SIZE] = c;
    spin_unlock_irqrestore(&inring_lock, flags);
    /* VIRQ_CONSOLE to dom0 once event channels can send global VIRQs. */
    return ok;
}

static long console_read(unsigned long buffer, unsigned long count)
{
    char chunk[64];
    long done = 0;

    while ( count )
    {
        unsigned long flags = spin_lock_irqsave(&inring_lock);
        unsigned int n = 0;

        while ( n < sizeof(chunk) && n < count &&
                inring_cons != inring_prod )
            chunk[n++] = inring[inring_cons++ % INRING_SIZE];
        spin_unlock_irqrestore(&inring_lock, flags);
        if ( !n )
            break;
        /* Bytes already taken are lost if the copy fails: as Xen. */
        if ( copy_to_guest(buffer + done, chunk, n) )
            return done ? done : -EFAULT;
        done += n;
        count -= n;
    }
    return done;
}

long do_console_io(unsigned long cmd, unsigned long count,
                   unsigned long buffer, unsigned long a4, unsigned long a5)
{
    struct domain *d = current->domain;

    (void)a4; (void)a5;

    switch ( cmd )
    {
    case CONSOLEIO_write:
    {
        char chunk[128];
        unsigned long done = 0;

        /*
         * Bound the time one call holds the pCPU (Xen would use a
         * continuation); Linux writes at most a page at a time.
         */
        if ( count > CONS_WRITE_MAX )
            count = CONS_WRITE_MAX;

        while ( done < count )
        {
            size_t n = count - done < sizeof(chunk) ? count - done
                                                    : sizeof(chunk);

            if ( copy_from_guest(chunk, buffer + done, n) )
                return -EFAULT;
            guest_write(d->domain_id, chunk, n);
            done += n;
        }
        return 0;
    }

    case CONSOLEIO_read:
        if ( !d->is_privileged )
            return -EPERM;
        return console_read(buffer, count);
    }

    return -ENOSYS;
}
