/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every dom0 daemon and tool of Keel does at start-up, once:
 * option numbers, directories, pid files, and going into the background
 * so that the starting script learns whether the daemon really started.
 */
#ifndef KEEL_DAEMON_H
#define KEEL_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * A decimal number given for option `opt` (e.g. "--log-size"), at most
 * `max`.  On error prints "<prog>: <opt> wants a number up to <max>, got
 * '<arg>'" (without "up to" when max is ~0UL) on stderr and returns -1.
 */
int kd_parse_ulong(const char *prog, const char *opt, const char *arg,
                   unsigned long max, unsigned long *out);

/* mkdir -p: every missing directory of `dir` (mode 0755); 0 or -1/errno. */
int kd_mkdir_p(const char *dir);
/* kd_mkdir_p() of the directory `path` is in. */
int kd_mkdir_parent(const char *path);

/* "<pid>\n" into `file`; 0 or -1/errno. */
int kd_write_pid(const char *file, pid_t pid);
/* The pid in `file` if that process is alive, else 0. */
pid_t kd_read_pid(const char *file);

/*
 * Going into the background with the start-up result reaching whoever
 * started the daemon (an init script must see a failure, with its reason):
 *
 *   struct kd_start s;
 *   if ( kd_background(&s, "xend") )        -- parent never returns
 *       ... fork failed: message printed, exit 1
 *   ... set up (sockets, devices, threads) ...
 *   kd_failed(&s, "cannot open %s: %s", ...)  -- parent prints it, exits 1
 *   kd_ready(&s, "/var/log/xen/x.log")       -- parent exits 0
 *
 * The parent exits 1 too if the child dies before either call.  The child
 * runs in its own session with stdin and stdout on /dev/null; kd_ready()
 * sends its stderr to `stderr_log` (appended; NULL: /dev/null).
 * kd_failed() and kd_ready() do nothing to the parent when s->fd < 0, so
 * a daemon run in the foreground can call them too (kd_failed() then
 * prints the message on stderr).
 */
struct kd_start {
    const char *prog;
    int fd;                     /* the pipe to the waiting parent, or -1 */
};

void kd_foreground(struct kd_start *s, const char *prog);
int kd_background(struct kd_start *s, const char *prog);
int kd_ready(struct kd_start *s, const char *stderr_log);
void kd_failed(struct kd_start *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* KEEL_DAEMON_H */
