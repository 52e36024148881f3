/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend start|stop|restart|status, as Xen's xend script: start daemonizes
 * and exits 0 once the daemon serves (1 with the reason otherwise), stop
 * ends it and waits, status exits 0 when it runs and 3 when it does not
 * (LSB).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <keel/daemon.h>

#include "hv_xc.h"
#include "xend.h"

#define DEFAULT_CONFIG  "/etc/xen/xend-config.sxp"
#define DEFAULT_PIDFILE "/var/run/xend.pid"

static struct xend *the_xend;

static void on_signal(int sig)
{
    xend_stop(the_xend);
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xend [options] {start|stop|restart|status|foreground}\n"
"\n"
"The Xen domain lifecycle daemon: xm talks to it over XML-RPC.\n"
"  start       start in the background (exit 1 with the reason if it\n"
"              cannot)\n"
"  stop        stop it and wait until it is gone\n"
"  restart     stop, then start (running domains are kept)\n"
"  status      exit 0 if it runs, 3 if not\n"
"  foreground  run in the foreground (logs still go to the log file)\n"
"\n"
"Options:\n"
"  -f, --config FILE       xend-config.sxp (default " DEFAULT_CONFIG ")\n"
"  -p, --pid-file FILE     (default " DEFAULT_PIDFILE ")\n"
"  -s, --socket PATH       XML-RPC socket (default "
                            "/var/run/xend/xmlrpc.sock)\n"
"  -l, --log FILE          instead of the config's logfile\n"
"  -d, --domains-dir DIR   managed domains (default /var/lib/xend/domains)\n"
"  -k, --kernel-cache DIR  unpacked kernels (default "
                            "/var/lib/xen/kernel-cache)\n");
}

static int do_status(const char *pidfile)
{
    return kd_read_pid(pidfile) ? 0 : 3;
}

static int do_stop(const char *pidfile)
{
    pid_t pid = kd_read_pid(pidfile);
    int i;

    if ( !pid )
        return 0;
    if ( kill(pid, SIGTERM) )
    {
        fprintf(stderr, "xend: cannot stop xend (pid %ld): %s\n", (long)pid,
                strerror(errno));
        return 1;
    }
    /* Bounded: 10 s, then it is reported, not killed harder. */
    for ( i = 0; i < 1000; i++ )
    {
        struct timespec ts = { 0, 10 * 1000 * 1000 };

        if ( kill(pid, 0) && errno == ESRCH )
        {
            unlink(pidfile);
            return 0;
        }
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "xend: xend (pid %ld) did not stop within 10 s\n",
            (long)pid);
    return 1;
}

/*
 * s: kd_background()'s (the starter waits for kd_ready/kd_failed) or
 * kd_foreground()'s.  Everything that opens xenstore or starts threads
 * (libxenstore's reader, the watcher) happens here, after the fork.
 */
static int run(const struct xend_opts *o, const char *cache,
               struct kd_start *s, const char *pidfile)
{
    char err[XEND_ERR_MAX];
    void *hv;
    struct sigaction sa;
    int rc;

    hv = hv_xc_open(cache, err, sizeof(err));
    if ( hv )
        the_xend = xend_new(o, &hv_xc_ops, hv, err, sizeof(err));
    if ( !hv || !the_xend )
    {
        kd_failed(s, "cannot start: %s", err);
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if ( pidfile && kd_write_pid(pidfile, getpid()) )
    {
        kd_failed(s, "cannot start: cannot write the pid file %s: %s",
                  pidfile, strerror(errno));
        xend_free(the_xend);
        return 1;
    }
    /* Started: the starter exits 0; stderr goes nowhere (xend logs to
     * its log file). */
    if ( kd_ready(s, NULL) )
    {
        xend_free(the_xend);
        if ( pidfile )
            unlink(pidfile);
        return 1;
    }
    rc = xend_serve(the_xend);
    xend_free(the_xend);
    if ( pidfile )
        unlink(pidfile);
    return rc ? 1 : 0;
}

static int do_start(const struct xend_opts *o, const char *cache,
                    const char *pidfile)
{
    struct kd_start s;

    if ( kd_read_pid(pidfile) )
        return 0;   /* already running, as Xen's "xend start" */
    /* The starter waits in kd_background() and exits with the result. */
    if ( kd_background(&s, "xend") )
        return 1;
    return run(o, cache, &s, pidfile);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'f' },
        { "pid-file", required_argument, NULL, 'p' },
        { "socket", required_argument, NULL, 's' },
        { "log", required_argument, NULL, 'l' },
        { "domains-dir", required_argument, NULL, 'd' },
        { "kernel-cache", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xend_opts o = { .config = DEFAULT_CONFIG };
    const char *pidfile = DEFAULT_PIDFILE, *cache = NULL, *cmd;
    int c;

    while ( (c = getopt_long(argc, argv, "f:p:s:l:d:k:h", opts, NULL)) != -1 )
        switch ( c )
        {
        case 'f': o.config = optarg; break;
        case 'p': pidfile = optarg; break;
        case 's': o.socket = optarg; break;
        case 'l': o.log = optarg; break;
        case 'd': o.domains_dir = optarg; break;
        case 'k': cache = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    if ( optind != argc - 1 )
    {
        usage(stderr);
        return 2;
    }
    cmd = argv[optind];
    if ( !strcmp(cmd, "start") )
        return do_start(&o, cache, pidfile);
    if ( !strcmp(cmd, "stop") )
        return do_stop(pidfile);
    if ( !strcmp(cmd, "restart") )
        return do_stop(pidfile) ? 1 : do_start(&o, cache, pidfile);
    if ( !strcmp(cmd, "status") )
        return do_status(pidfile);
    if ( !strcmp(cmd, "foreground") )
    {
        struct kd_start s;

        kd_foreground(&s, "xend");
        return run(&o, cache, &s, pidfile);
    }
    fprintf(stderr, "xend: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
