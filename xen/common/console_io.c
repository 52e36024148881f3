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
 *
 * Serial input: a software timer on CPU0 polls COM1's receive side every
 * few milliseconds.  Polling rather than the UART interrupt because the
 * IOAPIC pin routing is not ours to set up; at 115200 baud a 16-byte FIFO
 * fills in 1.4 ms, so typing (not pasting) loses nothing.  Bytes go to
 * dom0 (its input ring, then VIRQ_CONSOLE) or, after three CTRL-a in a
 * row, to the hypervisor's debug keys, as on Xen.  Input to dom0 is
 * flow-controlled: see rx_poll.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/serial.h>
#include <xen/shutdown.h>
#include <xen/timer.h>
#include <asm/io.h>
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

/*
 * Guests other than dom0 share a budget of lines on the hypervisor
 * console (Xen's guest_loglvl rate limit), so a guest printing in a loop
 * cannot drown the log, while a booting kernel's few hundred lines of
 * earlyprintk=xen get through whole: a bucket of guest_console_burst
 * lines, refilled at guest_console_rate lines per second.  What is
 * dropped is counted and reported once lines flow again.
 *
 *   guest_console_rate=<lines/s>   default 100; 0: no limit
 *   guest_console_burst=<lines>    default 2000
 */
static unsigned int opt_guest_console_rate = 100;
integer_param("guest_console_rate", opt_guest_console_rate);
static unsigned int opt_guest_console_burst = 2000;
integer_param("guest_console_burst", opt_guest_console_burst);

static s_time_t guest_refill;
static unsigned int guest_tokens, guest_dropped;
static bool guest_bucket_started;

static bool guest_line_allowed(domid_t domid)
{
    s_time_t now, per_line;
    unsigned long long add;

    if ( domid == 0 || !opt_guest_console_rate )
        return true;
    now = NOW();
    per_line = SECONDS(1) / opt_guest_console_rate;
    if ( !guest_bucket_started )
    {
        guest_bucket_started = true;
        guest_tokens = opt_guest_console_burst;
        guest_refill = now;
    }
    add = per_line ? (unsigned long long)((now - guest_refill) / per_line)
                   : ~0ULL;
    if ( add )
    {
        if ( add >= opt_guest_console_burst - guest_tokens )
        {
            guest_tokens = opt_guest_console_burst;
            guest_refill = now;
        }
        else
        {
            guest_tokens += add;
            guest_refill += add * per_line;
        }
    }
    if ( !guest_tokens )
    {
        guest_dropped++;
        return false;
    }
    guest_tokens--;
    if ( guest_dropped )
    {
        printk(XENLOG_WARNING "guest console: %u lines suppressed "
               "(guest_console_rate=%u/s)\n", guest_dropped,
               opt_guest_console_rate);
        guest_dropped = 0;
    }
    return true;
}

static void linebuf_flush(struct linebuf *lb)
{
    lb->buf[lb->len] = '\0';
    if ( guest_line_allowed(lb->domid) )
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
/* When rx_poll found the ring full with nothing read since; 0: not so. */
static s_time_t inring_full_since;
static DEFINE_SPINLOCK(inring_lock);

bool dom0_console_input(char c)
{
    unsigned long flags = spin_lock_irqsave(&inring_lock);
    bool ok = inring_prod - inring_cons < INRING_SIZE;

    if ( ok )
        inring[inring_prod++ % INRING_SIZE] = c;
    spin_unlock_irqrestore(&inring_lock, flags);
    return ok;
}

static bool inring_full(void)
{
    return inring_prod - ACCESS_ONCE(inring_cons) >= INRING_SIZE;
}

/*
 * How long the ring has been full without dom0 taking a byte (0 when it
 * is not full), starting the clock when it is first seen full.
 */
static s_time_t inring_stalled_for(s_time_t now)
{
    unsigned long flags = spin_lock_irqsave(&inring_lock);
    s_time_t stalled = 0;

    if ( inring_prod - inring_cons < INRING_SIZE )
        inring_full_since = 0;
    else if ( !inring_full_since )
        inring_full_since = now;
    else
        stalled = now - inring_full_since;
    spin_unlock_irqrestore(&inring_lock, flags);
    return stalled;
}

/* --- COM1 receive poll -------------------------------------------------- */

#define UART_RBR   0
#define UART_LSR   5
#define LSR_DR     0x01         /* receive data ready */

#define SWITCH_CODE     0x01    /* CTRL-a */
#define RX_POLL_PERIOD  MILLISECS(5)
/* Bytes taken per poll at most, so a stuck LSR cannot hold CPU0. */
#define RX_POLL_BUDGET  64
/*
 * How long dom0 may leave its full input ring unread before the poll
 * goes back to taking (and dropping) bytes: see rx_poll.
 *
 *   console_input_hold=<ms>   default 5000; 0: drop at once, as Xen
 */
static unsigned int opt_console_input_hold = 5000;
integer_param("console_input_hold", opt_console_input_hold);
#define RX_STALL_LIMIT  MILLISECS(opt_console_input_hold)

static struct timer rx_timer;
static bool rx_started;
static DEFINE_SPINLOCK(rx_start_lock);
static bool input_to_xen;
static unsigned int switch_count;

static void switch_serial_input(void)
{
    input_to_xen = !input_to_xen;
    printk("*** Serial input to %s (type 'CTRL-a' three times to "
           "switch input)\n", input_to_xen ? "Xen" : "DOM0");
}

/*
 * Debug key 'q': every domain and vCPU with what keeps it from running,
 * then the zombies (destroyed, frames still mapped by other domains:
 * what holds that memory), read without locks (a snapshot for a human
 * looking at a stuck guest or at memory that did not come back).
 */
static void dump_domains(void)
{
    const struct domain *d;
    unsigned int i;

    for ( d = domain_list; d; d = d->next_in_list )
    {
        printk("d%u: pages %lu/%lu pause_count %u%s%s code %u\n",
               d->domain_id, d->tot_pages, d->max_pages, d->pause_count,
               d->is_shutting_down ? " shutting-down" : "",
               d->is_dying ? " dying" : "", d->shutdown_code);
        for ( i = 0; i < d->max_vcpus; i++ )
        {
            const struct vcpu *v = d->vcpu[i];
            const struct vcpu_info *vi;

            if ( !v )
                continue;
            vi = v->vcpu_info;
            printk("    d%uv%u: cpu %u pause_flags %#lx runstate %d%s%s "
                   "rip %#lx upcall pending %u mask %u\n", d->domain_id,
                   v->vcpu_id, v->processor, v->pause_flags, v->runstate,
                   v->is_running ? " running" : "",
                   v->on_runq ? " queued" : "", v->regs.rip,
                   vi ? vi->evtchn_upcall_pending : 0,
                   vi ? vi->evtchn_upcall_mask : 0);
        }
    }
    for ( d = domain_first_zombie(); d; d = d->next_in_list )
        printk("d%u: dying (destroyed): %lu pages still mapped by other "
               "domains\n", d->domain_id, d->tot_pages);
}

static void debugkey(char c)
{
    switch ( c )
    {
    case 'h':
        printk("'h' pressed -> showing installed handlers\n");
        printk(" key 'C' (ascii '43') => trigger a crash\n");
        printk(" key 'R' (ascii '52') => reboot machine\n");
        printk(" key 'h' (ascii '68') => show this message\n");
        printk(" key 'q' (ascii '71') => dump domain (and guest debug) "
               "info\n");
        break;
    case 'q':
        printk("'q' pressed -> dumping domain info\n");
        dump_domains();
        break;
    case 'R':
        printk("'R' pressed -> rebooting machine\n");
        machine_restart(0);
    case 'C':
        printk("'C' pressed -> triggering crashdump\n");
        panic("Triggered by debug key");
    default:
        break;
    }
}

/*
 * Flow control: while dom0's input ring is full a byte for dom0 is left
 * in the UART.  Its FIFO fills, the line's sender waits (QEMU's 16550
 * stops taking from its chardev; a real line overruns unless the far
 * side honours RTS/CTS), and the poll resumes once CONSOLEIO_read has
 * made room, so a long line or a paste reaches dom0 whole.
 *
 * The switch code travels in the same stream: behind bytes left in the
 * UART, three CTRL-a (and so the debug keys 'q', 'h'...) would be
 * unreachable for as long as dom0 does not read, which is exactly when
 * they are wanted (a hung dom0).  Xen never holds input back: its
 * serial_rx drops what dom0's full ring cannot take, so the switch code
 * always gets through.  Here a full ring holds input back only while
 * dom0 is expected to read it: once the ring has stayed full for
 * console_input_hold ms with nothing read, the poll takes bytes again,
 * Xen's way (the switch code acts, what dom0 cannot take is dropped and
 * counted), until dom0 reads again.  A dom0 reading at all, however
 * slowly, loses nothing; console_input_hold=0 drops at once, as Xen.
 */
static unsigned long rx_dropped;
static bool rx_dropping;

/* Enter or leave Xen's dropping way, saying so on the console. */
static void rx_update_dropping(s_time_t stalled)
{
    if ( rx_dropping && stalled < RX_STALL_LIMIT )
    {
        rx_dropping = false;
        printk("dom0 console input: %lu characters dropped while dom0 "
               "did not read\n", rx_dropped);
        rx_dropped = 0;
    }
    else if ( !rx_dropping && stalled >= RX_STALL_LIMIT &&
              opt_console_input_hold )
    {
        rx_dropping = true;
        printk("dom0 console input: not read for %lu ms, dropping input "
               "(CTRL-a three times still switches to Xen)\n",
               (unsigned long)(stalled / MILLISECS(1)));
    }
}

static void rx_poll(void *unused)
{
    u16 io = com1_config.io_base;
    unsigned int n = 0;
    bool fed = false;

    (void)unused;
    if ( !input_to_xen )
        rx_update_dropping(inring_stalled_for(NOW()));

    while ( n < RX_POLL_BUDGET && (inb(io + UART_LSR) & LSR_DR) )
    {
        char c;

        /*
         * Leave the byte in the UART while the ring is full; a ring
         * that filled up during this poll starts its clock at the next.
         */
        if ( !input_to_xen && !rx_dropping && opt_console_input_hold &&
             inring_full() )
            break;
        c = inb(io + UART_RBR);
        n++;
        if ( c == SWITCH_CODE && ++switch_count == 3 )
        {
            switch_count = 0;
            switch_serial_input();
            continue;
        }
        if ( c != SWITCH_CODE )
            switch_count = 0;
        if ( input_to_xen )
        {
            if ( c != SWITCH_CODE )
                debugkey(c);
        }
        else if ( dom0_console_input(c) )
            fed = true;
        else
            rx_dropped++;
    }
    /* Linux's hvc_xen drains with CONSOLEIO_read when this fires. */
    if ( fed && hardware_domain )
        send_global_virq(VIRQ_CONSOLE);
    set_timer(&rx_timer, NOW() + RX_POLL_PERIOD);
}

/*
 * Start polling once dom0 exists and uses its console (its first
 * console_io call): before that there is nobody to give input to.
 */
static void rx_start(void)
{
    unsigned long flags;

    if ( ACCESS_ONCE(rx_started) || !ns16550_present() )
        return;
    flags = spin_lock_irqsave(&rx_start_lock);
    if ( !rx_started )
    {
        init_timer(&rx_timer, rx_poll, NULL, 0);
        set_timer(&rx_timer, NOW() + RX_POLL_PERIOD);
        rx_started = true;
    }
    spin_unlock_irqrestore(&rx_start_lock, flags);
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
        /* Room again: rx_poll takes from the UART at its next run. */
        if ( n )
            inring_full_since = 0;
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

    if ( d->is_hardware_domain )
        rx_start();

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
