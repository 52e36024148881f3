/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xenstore test harness (see harness.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "xenstore_client.h"
#include "xenstored.h"

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
    struct timespec ts = { 0, ms * 1000000L };

    nanosleep(&ts, NULL);
}

void xsd_start(struct xsd *x, ...)
{
    char *argv[32];
    char log[128], trace[128];
    int argc = 0;
    long deadline;
    va_list ap;
    const char *a;

    strcpy(x->dir, "/tmp/xs-test-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->sock, sizeof(x->sock), "%s/socket", x->dir);
    snprintf(log, sizeof(log), "%s/xenstored.log", x->dir);
    snprintf(trace, sizeof(trace), "%s/trace", x->dir);
    argv[argc++] = "xenstored";
    argv[argc++] = "--no-fork";
    argv[argc++] = "--socket-dir";
    argv[argc++] = x->dir;
    argv[argc++] = "--log-file";
    argv[argc++] = log;
    argv[argc++] = "--trace-file";
    argv[argc++] = trace;
    argv[argc++] = "--fake-rings";
    argv[argc++] = x->dir;
    va_start(ap, x);
    while ( (a = va_arg(ap, const char *)) && argc < 30 )
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    fflush(NULL);
    x->pid = fork();
    assert_true(x->pid >= 0);
    if ( x->pid == 0 )
    {
        /* Never outlive the test, whatever happens to it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if ( getppid() == 1 )
            _exit(1);
        /* A fresh image (main() sees XS_TEST_DAEMON): LeakSanitizer
         * then judges the daemon's heap only, not the test's. */
        setenv("XS_TEST_DAEMON", "1", 1);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    setenv("XENSTORED_PATH", x->sock, 1);

    /* Ready when its socket accepts: bounded retry, no fixed sleep. */
    deadline = now_ms() + 10000;
    for ( ;; )
    {
        struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);

        if ( h )
        {
            xs_close(h);
            return;
        }
        if ( now_ms() > deadline || !xsd_alive(x) )
            fail_msg("xenstored did not come up on %s", x->sock);
        pause_ms(5);
    }
}

bool xsd_alive(const struct xsd *x)
{
    int st;

    return x->pid > 0 && waitpid(x->pid, &st, WNOHANG) == 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    return remove(p);
}

int xsd_stop(struct xsd *x)
{
    long deadline = now_ms() + 10000;
    int st = -1;

    if ( x->pid > 0 )
    {
        kill(x->pid, SIGTERM);
        while ( waitpid(x->pid, &st, WNOHANG) == 0 )
        {
            if ( now_ms() > deadline )
            {
                kill(x->pid, SIGKILL);
                waitpid(x->pid, &st, 0);
                x->pid = 0;
                nftw(x->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
                fail_msg("xenstored ignored SIGTERM for 10 s");
            }
            pause_ms(5);
        }
        x->pid = 0;
    }
    nftw(x->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    return st;
}

struct xs_handle *xsd_open(struct xsd *x, unsigned long flags)
{
    struct xs_handle *h = xs_open(flags | XS_OPEN_SOCKETONLY);

    assert_non_null(h);
    return h;
}

int raw_connect(struct xsd *x)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    struct timeval tv = { 5, 0 };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    strcpy(a.sun_path, x->sock);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    /* A send the daemon never drains fails the test, not hangs it. */
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
                                sizeof(tv)), 0);
    return fd;
}

void raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, len };

    assert_int_equal(send(fd, &h, sizeof(h), MSG_NOSIGNAL), sizeof(h));
    if ( payload && len )
        assert_int_equal(send(fd, payload, len, MSG_NOSIGNAL), len);
}

static void read_exact(int fd, void *buf, size_t len)
{
    char *p = buf;

    while ( len )
    {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t n;

        if ( poll(&pfd, 1, 5000) != 1 )
            fail_msg("no reply from xenstored within 5 s");
        n = read(fd, p, len);
        if ( n <= 0 )
            fail_msg("xenstored closed the connection");
        p += n;
        len -= n;
    }
}

uint32_t raw_recv(int fd, struct xsd_sockmsg *hdr, char *body, size_t max)
{
    read_exact(fd, hdr, sizeof(*hdr));
    assert_true(hdr->len < max);
    read_exact(fd, body, hdr->len);
    body[hdr->len] = '\0';
    return hdr->len;
}

/* ---- fake guests ---- */
void guest_create(struct guest *g, struct xsd *x, unsigned int domid)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    char path[128];
    int fd;

    memset(g, 0, sizeof(*g));
    g->x = x;
    g->domid = domid;
    g->port = 10 + domid;
    g->mfn = 0x1000 + domid;
    snprintf(path, sizeof(path), "%s/ring-%lu", x->dir, g->mfn);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4096), 0);
    g->intf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(g->intf != MAP_FAILED);
    close(fd);
    g->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(g->fd >= 0);
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/guest-%u-%u", x->dir,
             domid, g->port);
    unlink(a.sun_path);
    assert_int_equal(bind(g->fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

void guest_destroy(struct guest *g)
{
    if ( g->intf )
        munmap(g->intf, 4096);
    if ( g->fd >= 0 )
        close(g->fd);
    g->intf = NULL;
    g->fd = -1;
}

void guest_introduce(struct guest *g, struct xs_handle *dom0)
{
    assert_true(xs_introduce_domain(dom0, g->domid, g->mfn, g->port));
}

static void guest_kick(struct guest *g)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    uint32_t msg[2] = { g->domid, g->port };

    snprintf(a.sun_path, sizeof(a.sun_path), "%s/evtchn", g->x->dir);
    /* A full queue means a kick is pending already: enough. */
    if ( sendto(g->fd, msg, sizeof(msg), 0, (struct sockaddr *)&a,
                sizeof(a)) != sizeof(msg) && errno != EAGAIN )
        fail_msg("dom%u: cannot kick xenstored: %s", g->domid,
                 strerror(errno));
}

/* ---- the fake hypervisor (xenstored_domain.c's fake backend) ---- */
void hv_set_state(struct xsd *x, unsigned int domid, const char *state)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/dominfo-%u", x->dir, domid);
    if ( !state )
    {
        assert_true(unlink(path) == 0 || errno == ENOENT);
        return;
    }
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", state);
    assert_int_equal(fclose(f), 0);
}

void hv_dom_exc(struct xsd *x)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    /* {DOMID_XEN, VIRQ_DOM_EXC}: the fake backend's VIRQ binding. */
    uint32_t msg[2] = { 0x7ff2, 3 };
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

    assert_true(fd >= 0);
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/evtchn", x->dir);
    assert_int_equal(sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&a,
                            sizeof(a)), sizeof(msg));
    close(fd);
}

/* Wait for a kick from xenstored (or time out); drains all pending. */
static bool guest_wait(struct guest *g, int timeout_ms)
{
    struct pollfd pfd = { g->fd, POLLIN, 0 };
    uint32_t m;

    if ( poll(&pfd, 1, timeout_ms) != 1 )
        return false;
    while ( recv(g->fd, &m, sizeof(m), 0) > 0 )
        ;
    return true;
}

void guest_put(struct guest *g, const void *data, size_t len)
{
    const char *p = data;
    long deadline = now_ms() + 5000;

    while ( len )
    {
        XENSTORE_RING_IDX cons = __atomic_load_n(&g->intf->req_cons,
                                                 __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = g->intf->req_prod;
        size_t space = XENSTORE_RING_SIZE - (prod - cons), n, i;

        if ( space == 0 )
        {
            if ( now_ms() > deadline )
                fail_msg("xenstored does not consume dom%u's requests",
                         g->domid);
            guest_wait(g, 100);
            continue;
        }
        n = len < space ? len : space;
        for ( i = 0; i < n; i++ )
            g->intf->req[MASK_XENSTORE_IDX(prod + i)] = p[i];
        __atomic_store_n(&g->intf->req_prod, prod + n, __ATOMIC_RELEASE);
        guest_kick(g);
        p += n;
        len -= n;
    }
}

void guest_send(struct guest *g, uint32_t type, uint32_t tx_id,
                const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = { type, ++g->req_id, tx_id, len };

    guest_put(g, &h, sizeof(h));
    if ( len )
        guest_put(g, payload, len);
}

static bool ring_get(struct guest *g, void *buf, size_t len, long deadline)
{
    char *p = buf;

    while ( len )
    {
        XENSTORE_RING_IDX prod = __atomic_load_n(&g->intf->rsp_prod,
                                                 __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = g->intf->rsp_cons;
        size_t avail = prod - cons, n, i;

        if ( avail == 0 )
        {
            long left = deadline - now_ms();

            if ( left <= 0 )
                return false;
            guest_wait(g, left);
            continue;
        }
        n = len < avail ? len : avail;
        for ( i = 0; i < n; i++ )
            p[i] = g->intf->rsp[MASK_XENSTORE_IDX(cons + i)];
        __atomic_store_n(&g->intf->rsp_cons, cons + n, __ATOMIC_RELEASE);
        guest_kick(g);
        p += n;
        len -= n;
    }
    return true;
}

bool guest_recv(struct guest *g, struct xsd_sockmsg *hdr, char *body,
                size_t max, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;

    if ( !ring_get(g, hdr, sizeof(*hdr), deadline) )
        return false;
    assert_true(hdr->len < max);
    assert_true(ring_get(g, body, hdr->len, now_ms() + 5000));
    body[hdr->len] = '\0';
    return true;
}

int guest_op(struct guest *g, uint32_t type, uint32_t tx_id,
             const void *payload, uint32_t len, char *out, size_t max)
{
    struct xsd_sockmsg h;
    char buf[8192];

    guest_send(g, type, tx_id, payload, len);
    for ( ;; )
    {
        if ( !guest_recv(g, &h, buf, sizeof(buf), 5000) )
            fail_msg("dom%u: no reply to message type %u", g->domid, type);
        if ( h.type != XS_WATCH_EVENT )
            break;
    }
    assert_int_equal(h.req_id, g->req_id);
    if ( h.type == XS_ERROR )
        return xs_error_from_name(buf);
    assert_int_equal(h.type, type);
    if ( out )
    {
        assert_true(h.len < max);
        memcpy(out, buf, h.len + 1);
    }
    return 0;
}

int guest_str_op(struct guest *g, uint32_t type, const char *arg,
                 char *out, size_t max)
{
    return guest_op(g, type, 0, arg, strlen(arg) + 1, out, max);
}

int guest_read(struct guest *g, const char *path, char *out, size_t max)
{
    return guest_str_op(g, XS_READ, path, out, max);
}

int guest_write(struct guest *g, const char *path, const char *val)
{
    char buf[4096];
    size_t lp = strlen(path) + 1, lv = strlen(val);

    memcpy(buf, path, lp);
    memcpy(buf + lp, val, lv);
    return guest_op(g, XS_WRITE, 0, buf, lp + lv, NULL, 0);
}

/* ---- the tools ---- */
static char *drain(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    long deadline = now_ms() + 10000;

    assert_non_null(buf);
    for ( ;; )
    {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t n;

        if ( poll(&pfd, 1, deadline - now_ms()) != 1 )
            fail_msg("the tool's output did not end within 10 s");
        if ( len + 1024 > cap )
        {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = read(fd, buf + len, cap - len - 1);
        if ( n <= 0 )
            break;
        len += n;
    }
    buf[len] = '\0';
    return buf;
}

int run_tool(struct xsd *x, char **out, char **err, const char *cmd, ...)
{
    char *argv[32], name[64];
    int argc = 0, po[2], pe[2], st;
    pid_t pid;
    va_list ap;
    const char *a;
    char *o, *e;

    snprintf(name, sizeof(name), "/usr/bin/xenstore-%s", cmd);
    argv[argc++] = name;
    va_start(ap, cmd);
    while ( (a = va_arg(ap, const char *)) && argc < 30 )
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    assert_int_equal(pipe(po), 0);
    assert_int_equal(pipe(pe), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if ( pid == 0 )
    {
        int rc;

        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        close(po[1]);
        close(pe[1]);
        rc = xenstore_client_main(argc, argv);
        fflush(NULL);
        _exit(rc);
    }
    close(po[1]);
    close(pe[1]);
    o = drain(po[0]);
    e = drain(pe[0]);
    close(po[0]);
    close(pe[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    if ( out )
        *out = o;
    else
        free(o);
    if ( err )
        *err = e;
    else
        free(e);
    return WEXITSTATUS(st);
}
