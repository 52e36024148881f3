/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled: guests' PV consoles on ptys, buffered and logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keel/daemon.h>

#include "consd.h"
#include "sys_linux.h"

#define DEFAULT_LOG_DIR     "/var/log/xen/console"
#define DEFAULT_DAEMON_LOG  "/var/log/xen/xenconsoled.log"

static volatile sig_atomic_t quit, reopen;

static void on_quit(int sig)
{
    quit = 1;
}

static void on_hup(int sig)
{
    reopen = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xenconsoled [options]\n"
"Connect each guest's PV console to a pty (/local/domain/<id>/console/tty)\n"
"and log its output.\n"
"\n"
"  -i, --interactive     stay in the foreground, messages on stderr\n"
"  -v, --verbose         say when consoles come and go\n"
"      --log=WHAT        guest (default): log guest consoles; none\n"
"      --log-dir=DIR     guest logs, DIR/<name>.log (" DEFAULT_LOG_DIR ")\n"
"      --log-size=KB     rotate a guest log at this size (1024; 0: never)\n"
"      --log-keep=N      rotated logs kept, <name>.log.1..N (4)\n"
"      --limit=KB        output kept for an absent client (1024, as\n"
"                        xend-config.sxp's console-limit; a domain's\n"
"                        console/limit node, in bytes, overrides it)\n"
"      --pid-file=FILE   write the daemon's pid to FILE\n"
"      --daemon-log=FILE messages when in the background\n"
"                        (" DEFAULT_DAEMON_LOG ")\n"
"  -h, --help            this text\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "interactive", no_argument, NULL, 'i' },
        { "verbose", no_argument, NULL, 'v' },
        { "log", required_argument, NULL, 'L' },
        { "log-dir", required_argument, NULL, 'D' },
        { "log-size", required_argument, NULL, 'S' },
        { "log-keep", required_argument, NULL, 'K' },
        { "limit", required_argument, NULL, 'l' },
        { "pid-file", required_argument, NULL, 'p' },
        { "daemon-log", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct consd_config cfg = {
        .log_dir = DEFAULT_LOG_DIR,
        .buffer_limit = 1024 * 1024,
        .log_max_size = 1024 * 1024,
        .log_keep = 4,
    };
    const char *pid_file = NULL, *daemon_log = DEFAULT_DAEMON_LOG;
    const struct cons_ops *ops;
    struct kd_start start;
    bool interactive = false;
    struct sigaction sa;
    unsigned long v;
    struct consd c;
    int o;
    void *h;

    while ( (o = getopt_long(argc, argv, "ivh", opts, NULL)) != -1 )
    {
        switch ( o )
        {
        case 'i':
            interactive = true;
            break;
        case 'v':
            cfg.verbose = true;
            break;
        case 'L':
            /* Xen's values: hv and all also log guests here. */
            if ( !strcmp(optarg, "none") )
                cfg.log_dir = NULL;
            else if ( strcmp(optarg, "guest") && strcmp(optarg, "all") &&
                      strcmp(optarg, "hv") )
            {
                fprintf(stderr, "xenconsoled: --log=%s: expected none, "
                        "guest or all\n", optarg);
                return 2;
            }
            break;
        case 'D':
            cfg.log_dir = optarg;
            break;
        case 'S':
            if ( kd_parse_ulong("xenconsoled", "--log-size", optarg,
                                ~0UL >> 10, &v) )
                return 2;
            cfg.log_max_size = (uint64_t)v * 1024;
            break;
        case 'K':
            if ( kd_parse_ulong("xenconsoled", "--log-keep", optarg,
                                ~0UL >> 10, &v) )
                return 2;
            cfg.log_keep = v;
            break;
        case 'l':
            if ( kd_parse_ulong("xenconsoled", "--limit", optarg,
                                ~0UL >> 10, &v) )
                return 2;
            cfg.buffer_limit = (size_t)v * 1024;
            break;
        case 'p':
            pid_file = optarg;
            break;
        case 'o':
            daemon_log = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if ( optind < argc )
    {
        fprintf(stderr, "xenconsoled: unexpected argument '%s'\n",
                argv[optind]);
        usage(stderr);
        return 2;
    }

    /*
     * Into the background before connecting to xenstore (libxenstore's
     * reader thread would not survive a fork); the starter exits only once
     * the daemon runs, with its status: the init script sees failures, and
     * their messages on its stderr.
     */
    if ( interactive )
        kd_foreground(&start, "xenconsoled");
    else if ( kd_background(&start, "xenconsoled") )
        return 1;

    ops = sys_linux_open(&h);
    if ( !ops )
        return 1;
    if ( pid_file && kd_write_pid(pid_file, getpid()) )
    {
        consd_msg("cannot write the pid file %s: %s", pid_file,
                  strerror(errno));
        return 1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_quit;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    consd_init(&c, ops, h, &cfg);
    if ( consd_watch(&c) )
        return 1;
    if ( kd_ready(&start, interactive ? NULL : daemon_log) )
        return 1;
    if ( cfg.verbose )
        consd_msg("running (logs in %s)", cfg.log_dir ? cfg.log_dir :
                  "nowhere: --log=none");
    while ( !quit )
    {
        int rc = consd_run_once(&c, 1000);

        if ( reopen )
        {
            reopen = 0;
            consd_reopen_logs(&c);
        }
        if ( rc < 0 && rc != -EINTR )
        {
            consd_msg("poll failed: %s", strerror(-rc));
            break;
        }
    }
    consd_fini(&c);
    sys_linux_close(h);
    if ( pid_file )
        unlink(pid_file);
    return 0;
}
