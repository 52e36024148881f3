/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk, the console ring and the console outputs.
 *
 * Output produced before console_init_preirq() only goes to the ring; the
 * init replays it, so early warnings (e.g. from the command-line parser)
 * still reach the serial line.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/serial.h>
#include <xen/shutdown.h>
#include <asm/spinlock.h>
#include <asm/current.h>
#include <asm/io.h>

#ifndef CONFIG_CONRING_SHIFT
#define CONFIG_CONRING_SHIFT 15
#endif
#define CONRING_SIZE (1UL << CONFIG_CONRING_SHIFT)
#define CONRING_IDX(i) ((i) & (CONRING_SIZE - 1))

static char conring[CONRING_SIZE];
static unsigned long conring_prod, conring_cons;  /* free-running */

static DEFINE_SPINLOCK(console_lock);
static bool console_up;
static bool at_line_start = true;

/* console=com1,vga | none */
static char opt_console[32] = "com1";
string_param("console", opt_console);
static bool out_serial, out_vga;

/*
 * loglvl=<level>[/<rate-limited level>]: none, error, warning, info,
 * debug, all.  The second part is accepted for compatibility.
 */
#ifdef CONFIG_DEBUG
static int loglvl_thresh = 4;           /* all */
#else
static int loglvl_thresh = 2;           /* error and warning */
#endif

static int level_from_word(const char *s, const char **end)
{
    static const char *const names[] = {
        "none", "error", "warning", "info", "debug", "all",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(names); i++ )
    {
        size_t l = strlen(names[i]);

        if ( !strncmp(s, names[i], l) )
        {
            *end = s + l;
            return i;               /* number of levels printed */
        }
    }
    return -1;
}

static int parse_loglvl(const char *s)
{
    const char *e;
    int lvl = level_from_word(s, &e);

    if ( lvl < 0 )
        return -EINVAL;
    if ( *e == '/' )
    {
        const char *e2;

        if ( level_from_word(e + 1, &e2) < 0 || *e2 )
            return -EINVAL;
    }
    else if ( *e )
        return -EINVAL;
    loglvl_thresh = lvl;
    return 0;
}
custom_param("loglvl", parse_loglvl);

/* VGA text mode: 80x25 at 0xb8000, scrolled when full. */
#define VGA_COLS 80
#define VGA_ROWS 25
static unsigned int vga_x, vga_y;

static void vga_putc(char c)
{
    volatile u16 *fb = (volatile u16 *)0xb8000;
    unsigned int i;

    if ( c == '\n' )
    {
        vga_x = 0;
        vga_y++;
    }
    else if ( c != '\r' )
    {
        fb[vga_y * VGA_COLS + vga_x] = 0x0700 | (u8)c;
        if ( ++vga_x == VGA_COLS )
        {
            vga_x = 0;
            vga_y++;
        }
    }
    if ( vga_y == VGA_ROWS )
    {
        for ( i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++ )
            fb[i] = fb[i + VGA_COLS];
        for ( ; i < VGA_ROWS * VGA_COLS; i++ )
            fb[i] = 0x0720;
        vga_y = VGA_ROWS - 1;
    }
}

static void outputs_putc(char c)
{
    if ( out_serial )
    {
        if ( c == '\n' )
            ns16550_putc('\r');
        ns16550_putc(c);
    }
    if ( out_vga )
        vga_putc(c);
}

static void conring_putc(char c)
{
    conring[CONRING_IDX(conring_prod)] = c;
    conring_prod++;
    if ( conring_prod - conring_cons > CONRING_SIZE )
        conring_cons = conring_prod - CONRING_SIZE;
}

static void emit(const char *s, bool to_ring)
{
    for ( ; *s; s++ )
    {
        if ( at_line_start )
        {
            const char *p;

            for ( p = "(XEN) "; *p; p++ )
            {
                if ( to_ring )
                    conring_putc(*p);
                if ( console_up )
                    outputs_putc(*p);
            }
            at_line_start = false;
        }
        if ( to_ring )
            conring_putc(*s);
        if ( console_up )
            outputs_putc(*s);
        if ( *s == '\n' )
            at_line_start = true;
    }
}

void vprintk(const char *fmt, va_list args)
{
    char buf[1024];
    const char *p = buf;
    int level = 1;                      /* default: warning */
    unsigned long flags;

    vsnprintf(buf, sizeof(buf), fmt, args);
    if ( p[0] == '<' && p[1] >= '0' && p[1] <= '3' && p[2] == '>' )
    {
        level = p[1] - '0';
        p += 3;
    }
    if ( level >= loglvl_thresh )
        return;

    flags = spin_lock_irqsave(&console_lock);
    emit(p, true);
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

void console_puts_raw(const char *s)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    for ( ; *s; s++ )
        outputs_putc(*s);
    spin_unlock_irqrestore(&console_lock, flags);
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}

size_t console_ring_read(char *buf, size_t len, unsigned long *index,
                         bool clear)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    unsigned long i = *index;
    size_t n = 0;

    if ( i < conring_cons )
        i = conring_cons;
    while ( n < len && i < conring_prod )
        buf[n++] = conring[CONRING_IDX(i++)];
    *index = i;
    if ( clear )
        conring_cons = i;
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

void console_init_preirq(void)
{
    const char *p = opt_console;
    unsigned long i;

    out_serial = out_vga = false;
    while ( *p )
    {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);

        if ( l == 4 && !strncmp(p, "com1", 4) )
            out_serial = true;
        else if ( l == 3 && !strncmp(p, "vga", 3) )
            out_vga = true;
        else if ( !(l == 4 && !strncmp(p, "none", 4)) )
        {
            /* Unknown target: keep logging somewhere useful. */
            out_serial = true;
            printk(XENLOG_WARNING "console: unknown output \"%.*s\", "
                   "using com1\n", (int)l, p);
        }
        p += l;
        if ( *p == ',' )
            p++;
    }

    ns16550_init();
    console_up = true;

    /* Replay what was logged before the outputs existed. */
    for ( i = conring_cons; i < conring_prod; i++ )
        outputs_putc(conring[CONRING_IDX(i)]);
}

void __noreturn panic(const char *fmt, ...)
{
    static char buf[512];
    va_list args;

    local_irq_disable();
    console_force_unlock();
    if ( !console_up )
    {
        ns16550_init();
        out_serial = true;
        console_up = true;
    }

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);

    printk("\n****************************************\n");
    printk("Panic on CPU %u:\n", smp_processor_id());
    printk("%s\n", buf);
    printk("****************************************\n\n");
    if ( opt_noreboot )
    {
        printk("Manual reset required ('noreboot' specified)\n");
        machine_halt();
    }
    printk("Reboot in five seconds...\n");
    machine_restart(5000);
}
