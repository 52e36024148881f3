/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsole: attach this terminal to a guest's console pty, found in
 * xenstore.  `xm console <dom>' execs it; Ctrl-] detaches.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "escape.h"

#ifndef XBT_NULL
#define XBT_NULL 0
#endif

/* How long to wait for xenconsoled to publish the tty of a domain that
 * is being created (xm create -c execs us at once). */
#define TTY_WAIT_DEFAULT 10

static struct termios saved;
static bool restore_needed;

static void restore_term(void)
{
    if ( restore_needed )
    {
        /* What was typed after the detach is for the shell: keep it. */
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
        restore_needed = false;
    }
}

static void on_signal(int sig)
{
    restore_term();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xenconsole [options] <domid>\n"
"Attach to a domain's console.  Ctrl-] detaches.\n"
"\n"
"  -t, --type=pv|serial  the PV console (default) or the emulated serial\n"
"                        port of an HVM guest\n"
"  -n, --num=N           console number (default 0)\n"
"  -e, --escape=^C       escape character (default ^])\n"
"  -w, --wait=S          wait up to S seconds for the console to appear\n"
"                        (default 10)\n"
"  -h, --help            this text\n");
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* The tty path, waiting up to TTY_WAIT_MS for it to be written. */
static char *wait_tty(struct xs_handle *xs, const char *path, long wait_ms)
{
    long deadline = now_ms() + wait_ms;
    unsigned int len;
    char *tty;

    if ( !xs_watch(xs, path, "tty") )
        return xs_read(xs, XBT_NULL, path, &len);
    for ( ;; )
    {
        struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
        long left;

        tty = xs_read(xs, XBT_NULL, path, &len);
        if ( tty && tty[0] )
            break;
        free(tty);
        tty = NULL;
        left = deadline - now_ms();
        if ( left <= 0 || poll(&p, 1, left) <= 0 )
            break;
        if ( p.revents & POLLIN )
        {
            unsigned int num;

            free(xs_read_watch(xs, &num));
        }
    }
    xs_unwatch(xs, path, "tty");
    return tty;
}

static int write_all(int fd, const char *p, size_t n)
{
    while ( n )
    {
        ssize_t w = write(fd, p, n);

        if ( w < 0 )
        {
            if ( errno == EINTR )
                continue;
            if ( errno == EAGAIN )
            {
                struct pollfd pf = { .fd = fd, .events = POLLOUT };

                poll(&pf, 1, -1);
                continue;
            }
            return -1;
        }
        p += w;
        n -= w;
    }
    return 0;
}

static int console_loop(int tty, int escape)
{
    char buf[4096];

    for ( ;; )
    {
        struct pollfd p[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = tty, .events = POLLIN },
        };
        ssize_t r;

        if ( poll(p, 2, -1) < 0 )
        {
            if ( errno == EINTR )
                continue;
            return 1;
        }
        if ( p[0].revents & (POLLIN | POLLHUP) )
        {
            bool detach;
            size_t n;

            r = read(STDIN_FILENO, buf, sizeof(buf));
            if ( r <= 0 )
                return 0;       /* our input ended */
            n = cons_escape_scan(buf, r, escape, &detach);
            if ( n && write_all(tty, buf, n) )
                return 1;
            if ( detach )
                return 0;
        }
        if ( p[1].revents & (POLLIN | POLLHUP | POLLERR) )
        {
            r = read(tty, buf, sizeof(buf));
            if ( r < 0 && (errno == EAGAIN || errno == EINTR) )
                continue;
            if ( r <= 0 )
                return 0;       /* the console went away with its domain */
            if ( write_all(STDOUT_FILENO, buf, r) )
                return 1;
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "type", required_argument, NULL, 't' },
        { "num", required_argument, NULL, 'n' },
        { "escape", required_argument, NULL, 'e' },
        { "wait", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *type = "pv";
    int escape = CONS_ESCAPE_DEFAULT, o, fd, rc;
    unsigned long domid, num = 0, wait_s = TTY_WAIT_DEFAULT;
    char path[128], *tty, *end, *name;
    struct xs_handle *xs;
    struct termios t;
    unsigned int len;
    char **dir;

    while ( (o = getopt_long(argc, argv, "t:n:e:w:h", opts, NULL)) != -1 )
    {
        switch ( o )
        {
        case 't':
            type = optarg;
            if ( strcmp(type, "pv") && strcmp(type, "serial") )
            {
                fprintf(stderr, "xenconsole: --type %s: expected pv or "
                        "serial\n", type);
                return 2;
            }
            break;
        case 'n':
            num = strtoul(optarg, &end, 10);
            if ( end == optarg || *end )
            {
                fprintf(stderr, "xenconsole: --num %s: not a number\n",
                        optarg);
                return 2;
            }
            break;
        case 'e':
            escape = cons_escape_parse(optarg);
            if ( escape < 0 )
            {
                fprintf(stderr, "xenconsole: --escape %s: expected one "
                        "character or ^X\n", optarg);
                return 2;
            }
            break;
        case 'w':
            wait_s = strtoul(optarg, &end, 10);
            if ( end == optarg || *end || wait_s > 3600 )
            {
                fprintf(stderr, "xenconsole: --wait %s: expected seconds "
                        "(0-3600)\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if ( optind != argc - 1 )
    {
        usage(stderr);
        return 2;
    }
    domid = strtoul(argv[optind], &end, 10);
    if ( end == argv[optind] || *end || domid >= 0x7ff0 )
    {
        fprintf(stderr, "xenconsole: '%s' is not a domain id\n",
                argv[optind]);
        return 2;
    }

    xs = xs_open(0);
    if ( !xs )
    {
        fprintf(stderr, "xenconsole: cannot connect to xenstore: %s (is "
                "xenstored running?)\n", strerror(errno));
        return 1;
    }
    snprintf(path, sizeof(path), "/local/domain/%lu", domid);
    dir = xs_directory(xs, XBT_NULL, path, &len);
    if ( !dir )
    {
        fprintf(stderr, "Error: Domain '%lu' does not exist.\n", domid);
        return 1;
    }
    free(dir);
    snprintf(path, sizeof(path), "/local/domain/%lu/name", domid);
    name = xs_read(xs, XBT_NULL, path, &len);

    if ( !strcmp(type, "serial") )
        snprintf(path, sizeof(path), "/local/domain/%lu/serial/%lu/tty",
                 domid, num);
    else if ( num == 0 )
        snprintf(path, sizeof(path), "/local/domain/%lu/console/tty", domid);
    else
        snprintf(path, sizeof(path),
                 "/local/domain/%lu/device/console/%lu/tty", domid, num);
    tty = wait_tty(xs, path, wait_s * 1000);
    if ( !tty || !tty[0] )
    {
        fprintf(stderr, "xenconsole: domain %lu (%s) has no %s console %lu: "
                "%s was not written within %d s (is xenconsoled running? "
                "does the guest's config give it a console?)\n", domid,
                name ? name : "no name", type, num, path, (int)wait_s);
        return 1;
    }
    fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if ( fd < 0 )
    {
        fprintf(stderr, "xenconsole: domain %lu (%s): cannot open its "
                "console %s: %s\n", domid, name ? name : "no name", tty,
                strerror(errno));
        return 1;
    }
    free(name);
    free(tty);
    xs_close(xs);

    /* The guest's bytes unchanged, both ways. */
    if ( tcgetattr(fd, &t) == 0 )
    {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    if ( isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0 )
    {
        t = saved;
        cfmakeraw(&t);
        restore_needed = true;
        atexit(restore_term);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        signal(SIGINT, on_signal);
        /*
         * Not TCSAFLUSH: keys typed while `xm console' was starting are
         * meant for the guest and would otherwise be lost silently.
         */
        tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
    }
    signal(SIGPIPE, SIG_IGN);
    rc = console_loop(fd, escape);
    restore_term();
    close(fd);
    return rc;
}
