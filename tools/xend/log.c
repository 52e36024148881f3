/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend.log in the line format of Xen's xend (Python logging as XendLogging
 * set it up), so that people and scripts used to it can read ours:
 *
 *   [2008-05-10 12:00:01 3305] INFO (XendDomainInfo:1234) message
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "xend.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static char *log_name;
static enum xend_log_level log_min = XEND_DEBUG;

static const char *const level_names[] = {
    [XEND_DEBUG] = "DEBUG",
    [XEND_INFO] = "INFO",
    [XEND_WARNING] = "WARNING",
    [XEND_ERROR] = "ERROR",
};

int xend_log_open(const char *path, const char *min_level)
{
    FILE *f = NULL;
    unsigned int i;

    if ( path )
    {
        f = fopen(path, "ae");
        if ( !f )
            return -1;
        setvbuf(f, NULL, _IOLBF, 0);
    }
    pthread_mutex_lock(&log_lock);
    if ( log_file && log_file != stderr )
        fclose(log_file);
    log_file = f;
    free(log_name);
    log_name = path ? strdup(path) : NULL;
    log_min = XEND_DEBUG;
    for ( i = 0; min_level && i < 4; i++ )
        if ( !strcasecmp(min_level, level_names[i]) )
            log_min = i;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

void xend_log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if ( log_file )
        fclose(log_file);
    log_file = NULL;
    free(log_name);
    log_name = NULL;
    pthread_mutex_unlock(&log_lock);
}

const char *xend_log_path(void)
{
    return log_name;
}

void xend_log_format(char *buf, size_t len, double when, int pid,
                     enum xend_log_level lvl, const char *module, int line,
                     const char *msg)
{
    time_t t = (time_t)when;
    struct tm tm;
    char stamp[32];

    localtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, len, "[%s %d] %s (%s:%d) %s\n", stamp, pid,
             level_names[lvl], module, line, msg);
}

void xend_log(enum xend_log_level lvl, const char *module, int line,
              const char *fmt, ...)
{
    char msg[2048], out[2300];
    struct timeval tv;
    va_list ap;

    if ( lvl < log_min )
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gettimeofday(&tv, NULL);
    xend_log_format(out, sizeof(out), tv.tv_sec + tv.tv_usec / 1e6,
                    (int)getpid(), lvl, module, line, msg);
    pthread_mutex_lock(&log_lock);
    fputs(out, log_file ? log_file : stderr);
    pthread_mutex_unlock(&log_lock);
}

void xend_stamp_start(struct xend_stamp *s)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
#if defined(__x86_64__) || defined(__i386__)
    s->tsc = __builtin_ia32_rdtsc();
#else
    s->tsc = 0;
#endif
}

void xend_stamp_log(const struct xend_stamp *s, const char *step,
                    long domid)
{
    struct xend_stamp now;
    uint64_t ns;

    if ( log_min > XEND_DEBUG )
        return;
    xend_stamp_start(&now);
    ns = now.ns - s->ns;
    xend_log(XEND_DEBUG, "XendTiming", 0, "hv: %s d%ld: %llu.%03llu ms "
             "(tsc %llu)", step, domid, (unsigned long long)(ns / 1000000),
             (unsigned long long)(ns / 1000 % 1000),
             (unsigned long long)s->tsc);
}
