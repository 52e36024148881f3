/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up helpers shared by xenstored, xenconsoled, xenconsole and xend. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/daemon.h>

int kd_parse_ulong(const char *prog, const char *opt, const char *arg,
                   unsigned long max, unsigned long *out)
{
    unsigned long v;
    char *end;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if ( end == arg || *end || errno || arg[0] == '-' || arg[0] == '+' ||
         v > max )
    {
        if ( max == ~0UL )
            fprintf(stderr, "%s: %s wants a number, got '%s'\n", prog, opt,
                    arg);
        else
            fprintf(stderr, "%s: %s wants a number up to %lu, got '%s'\n",
                    prog, opt, max, arg);
        return -1;
    }
    *out = v;
    return 0;
}

int kd_mkdir_p(const char *dir)
{
    char *p = strdup(dir), *s;
    int rc = 0, err = 0;

    if ( !p )
        return -1;
    for ( s = p + 1; ; s++ )
    {
        char c = *s;

        if ( c != '/' && c != '\0' )
            continue;
        *s = '\0';
        if ( mkdir(p, 0755) < 0 && errno != EEXIST )
        {
            err = errno;
            rc = -1;
            break;
        }
        *s = c;
        if ( c == '\0' )
            break;
    }
    free(p);
    if ( rc )
        errno = err;
    return rc;
}

int kd_mkdir_parent(const char *path)
{
    char *dir = strdup(path), *slash;
    int rc = 0;

    if ( !dir )
        return -1;
    slash = strrchr(dir, '/');
    if ( slash && slash != dir )
    {
        *slash = '\0';
        rc = kd_mkdir_p(dir);
    }
    free(dir);
    return rc;
}

int kd_write_pid(const char *file, pid_t pid)
{
    FILE *f = fopen(file, "we");
    int err;

    if ( !f )
        return -1;
    if ( fprintf(f, "%ld\n", (long)pid) < 0 )
    {
        err = errno;
        fclose(f);
        errno = err;
        return -1;
    }
    return fclose(f) ? -1 : 0;
}

pid_t kd_read_pid(const char *file)
{
    FILE *f = fopen(file, "re");
    long pid = 0;

    if ( !f )
        return 0;
    if ( fscanf(f, "%ld", &pid) != 1 )
        pid = 0;
    fclose(f);
    if ( pid <= 0 || (kill(pid, 0) && errno == ESRCH) )
        return 0;
    return pid;
}

void kd_foreground(struct kd_start *s, const char *prog)
{
    s->prog = prog;
    s->fd = -1;
}

/* The parent's side: the child's first byte says it all ('0': started). */
static int wait_for_child(const char *prog, int fd, pid_t pid)
{
    char msg[1024];
    ssize_t n, got = 0;

    while ( got < (ssize_t)sizeof(msg) - 1 &&
            ((n = read(fd, msg + got, sizeof(msg) - 1 - got)) > 0 ||
             (n < 0 && errno == EINTR)) )
        if ( n > 0 )
            got += n;
    close(fd);
    msg[got] = '\0';
    if ( got > 0 && msg[0] == '0' )
        return 0;
    if ( got > 1 )
        fprintf(stderr, "%s: %s\n", prog, msg + 1);
    else
    {
        int status = 0;

        /* Died before saying anything: tell how, if we can. */
        if ( waitpid(pid, &status, WNOHANG) == pid && WIFSIGNALED(status) )
            fprintf(stderr, "%s: died during start-up (signal %d)\n", prog,
                    WTERMSIG(status));
        else
            fprintf(stderr, "%s: exited during start-up\n", prog);
    }
    return 1;
}

int kd_background(struct kd_start *s, const char *prog)
{
    int p[2], fd;
    pid_t pid;

    kd_foreground(s, prog);
    if ( pipe2(p, O_CLOEXEC) )
    {
        fprintf(stderr, "%s: cannot go into the background: %s\n", prog,
                strerror(errno));
        return -1;
    }
    pid = fork();
    if ( pid < 0 )
    {
        fprintf(stderr, "%s: cannot go into the background: %s\n", prog,
                strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if ( pid > 0 )
    {
        close(p[1]);
        exit(wait_for_child(prog, p[0], pid));
    }
    close(p[0]);
    s->fd = p[1];
    setsid();
    if ( chdir("/") )
    {
        /* "/" always exists; nothing sensible to do otherwise. */
    }
    umask(022);
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if ( fd >= 0 )
    {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        if ( fd > STDERR_FILENO )
            close(fd);
    }
    return 0;
}

int kd_ready(struct kd_start *s, const char *stderr_log)
{
    int fd;

    if ( s->fd < 0 )
        return 0;
    fd = open(stderr_log ? stderr_log : "/dev/null",
              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if ( fd < 0 )
    {
        kd_failed(s, "cannot open %s: %s", stderr_log, strerror(errno));
        return -1;
    }
    dup2(fd, STDERR_FILENO);
    close(fd);
    if ( write(s->fd, "0", 1) != 1 )
    {
        /* The starter is gone: nobody to tell, carry on. */
    }
    close(s->fd);
    s->fd = -1;
    return 0;
}

void kd_failed(struct kd_start *s, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    msg[0] = '1';
    va_start(ap, fmt);
    vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap);
    va_end(ap);
    if ( s->fd < 0 )
    {
        fprintf(stderr, "%s: %s\n", s->prog, msg + 1);
        return;
    }
    if ( write(s->fd, msg, strlen(msg)) < 0 )
    {
        /* The starter is gone: nobody to tell. */
    }
    close(s->fd);
    s->fd = -1;
}
