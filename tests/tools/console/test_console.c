/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled's core (tools/console/daemon) against the fake platform in
 * fake.c, with real ptys and log files; the client's escape handling;
 * mkinitrd.py --tools (check_mkinitrd.py); the client against a real
 * xenstored (check_client.py).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "consd.h"
#include "escape.h"
#include "fake.h"

/* --- helpers ------------------------------------------------------------- */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    return remove(p);
}

static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/test-console-XXXXXX");

    assert_non_null(mkdtemp(d));
    return d;
}

static void remove_tree(char *d)
{
    nftw(d, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(d);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if ( !f )
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc(n + 1);
    assert_int_equal(fread(buf, 1, n, f), n);
    buf[n] = '\0';
    fclose(f);
    if ( len )
        *len = n;
    return buf;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ( (e = readdir(d)) )
        if ( e->d_name[0] != '.' )
            n++;
    closedir(d);
    return n - 1;               /* opendir's own */
}

/* Run the daemon's loop until nothing is ready. */
static void settle(struct consd *c)
{
    int i;

    for ( i = 0; i < 10000 && consd_run_once(c, 0) > 0; i++ )
        ;
    assert_true(i < 10000);
}

/* Read exactly n bytes from fd, running the daemon meanwhile; fails the
 * test after 5 s. */
static void read_exactly(struct consd *c, int fd, char *buf, size_t n)
{
    long deadline = now_ms() + 5000;
    size_t got = 0;

    while ( got < n )
    {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t r;

        assert_true(now_ms() < deadline);
        settle(c);
        if ( poll(&p, 1, 20) <= 0 )
            continue;
        r = read(fd, buf + got, n - got);
        if ( r < 0 && errno == EAGAIN )
            continue;
        assert_true(r > 0);
        got += r;
    }
}

/* The guest's input ring receives exactly n bytes, within 5 s. */
static void guest_receives(struct consd *c, struct cons_ring *r, char *buf,
                           size_t n)
{
    long deadline = now_ms() + 5000;
    size_t got = 0;

    while ( got < n )
    {
        assert_true(now_ms() < deadline);
        consd_run_once(c, 20);
        got += guest_get(r, buf + got, n - got);
    }
}

/* A daemon on a fake platform with one guest, domid 3, "guest1". */
struct world {
    struct fake f;
    struct consd c;
    struct consd_config cfg;
    struct cons_ring *ring;
    char *dir;
    char logdir[256];
};

static void guest_nodes(struct fake *f, unsigned int domid, const char *name,
                        uint64_t gfn, unsigned int port)
{
    char path[96], v[32];

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    fake_xs_write(f, path, name);
    snprintf(path, sizeof(path), "/local/domain/%u/console/port", domid);
    snprintf(v, sizeof(v), "%u", port);
    fake_xs_write(f, path, v);
    snprintf(path, sizeof(path), "/local/domain/%u/console/ring-ref", domid);
    snprintf(v, sizeof(v), "%#llx", (unsigned long long)gfn);
    fake_xs_write(f, path, v);
}

static int world_setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));

    fake_init(&w->f);
    w->dir = make_tmpdir();
    snprintf(w->logdir, sizeof(w->logdir), "%s/var/log/xen/console", w->dir);
    w->cfg.log_dir = w->logdir;
    w->cfg.buffer_limit = 1024 * 1024;
    w->cfg.log_max_size = 1024 * 1024;
    w->cfg.log_keep = 2;
    fake_xs_write(&w->f, "/local/domain/0/name", "Domain-0");
    w->ring = fake_add_page(&w->f, 3, 0xfeffc);
    *state = w;
    return 0;
}

static void world_start(struct world *w)
{
    consd_init(&w->c, &fake_ops, &w->f, &w->cfg);
    assert_int_equal(consd_watch(&w->c), 0);
    settle(&w->c);
}

static int world_teardown(void **state)
{
    struct world *w = *state;

    consd_fini(&w->c);
    fake_fini(&w->f);
    remove_tree(w->dir);
    free(w);
    return 0;
}

static char *log_of(struct world *w, const char *name, size_t *len)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s.log", w->logdir, name);
    return slurp(path, len);
}

/* --- the ring -------------------------------------------------------------- */

static void test_ring_out_wraps(void **state)
{
    struct cons_ring *r = aligned_alloc(4096, 4096);
    char msg[100], got[200];
    size_t i;

    memset(r, 0, 4096);
    /* Both the buffer offset and the 32-bit index wrap in this read. */
    r->out_cons = r->out_prod = 0xffffffff - 40;
    for ( i = 0; i < sizeof(msg); i++ )
        msg[i] = 'A' + i % 26;
    assert_int_equal(guest_put(r, msg, sizeof(msg)), sizeof(msg));
    assert_int_equal(cons_ring_out_avail(r), 100);
    assert_int_equal(cons_ring_read_out(r, got, 30), 30);
    assert_memory_equal(got, msg, 30);
    assert_int_equal(cons_ring_read_out(r, got, sizeof(got)), 70);
    assert_memory_equal(got, msg + 30, 70);
    assert_int_equal(r->out_cons, r->out_prod);
    assert_int_equal(r->out_cons, (uint32_t)(0xffffffff - 40 + 100));
    assert_int_equal(cons_ring_read_out(r, got, sizeof(got)), 0);
    free(r);
}

static void test_ring_out_bogus_producer(void **state)
{
    struct cons_ring *r = aligned_alloc(4096, 4096);
    char got[4096];

    memset(r, 0, 4096);
    memset(r->out, 'x', CONS_OUT_SIZE);
    /* A guest claiming more than a ring's worth: at most one ring. */
    r->out_prod = 5000;
    assert_int_equal(cons_ring_out_avail(r), CONS_OUT_SIZE);
    assert_int_equal(cons_ring_read_out(r, got, sizeof(got)), CONS_OUT_SIZE);
    assert_int_equal(r->out_cons, 5000);
    free(r);
}

static void test_ring_in_wraps_and_fills(void **state)
{
    struct cons_ring *r = aligned_alloc(4096, 4096);
    char big[2000], got[2000];
    size_t i;

    memset(r, 0, 4096);
    for ( i = 0; i < sizeof(big); i++ )
        big[i] = 'a' + i % 26;
    r->in_cons = r->in_prod = 1000;
    assert_int_equal(cons_ring_in_space(r), CONS_IN_SIZE);
    assert_int_equal(cons_ring_write_in(r, big, 100), 100);
    assert_int_equal(cons_ring_in_space(r), CONS_IN_SIZE - 100);
    /* Only what fits. */
    assert_int_equal(cons_ring_write_in(r, big + 100, 1900), 924);
    assert_int_equal(cons_ring_in_space(r), 0);
    assert_int_equal(cons_ring_write_in(r, big, 10), 0);
    assert_int_equal(guest_get(r, got, sizeof(got)), 1024);
    assert_memory_equal(got, big, 1024);
    /* A consumer index ahead of the producer: no room, no writes. */
    r->in_cons = r->in_prod + 5;
    assert_int_equal(cons_ring_in_space(r), 0);
    assert_int_equal(cons_ring_write_in(r, big, 10), 0);
    free(r);
}

/* --- the buffer ------------------------------------------------------------ */

static void test_buffer_drops_oldest(void **state)
{
    struct cons_buf b;
    const char *p;
    char big[25];

    cons_buf_init(&b, 10);
    cons_buf_append(&b, "0123456789", 10);
    assert_int_equal(b.dropped, 0);
    cons_buf_append(&b, "abc", 3);
    assert_int_equal(cons_buf_peek(&b, &p), 10);
    assert_memory_equal(p, "3456789abc", 10);
    assert_int_equal(b.dropped, 3);
    cons_buf_consume(&b, 4);
    assert_int_equal(cons_buf_peek(&b, &p), 6);
    assert_memory_equal(p, "789abc", 6);
    /* A chunk larger than the limit: its newest bytes only. */
    memset(big, 'z', sizeof(big));
    big[24] = '!';
    cons_buf_append(&b, big, sizeof(big));
    assert_int_equal(cons_buf_peek(&b, &p), 10);
    assert_memory_equal(p, "zzzzzzzzz!", 10);
    assert_int_equal(b.dropped, 3 + 6 + 15);
    cons_buf_consume(&b, 10);
    assert_int_equal(cons_buf_peek(&b, &p), 0);
    cons_buf_free(&b);

    /* Unbounded (limit 0) keeps everything. */
    cons_buf_init(&b, 0);
    for ( int i = 0; i < 1000; i++ )
        cons_buf_append(&b, big, sizeof(big));
    assert_int_equal(b.len, 25000);
    assert_int_equal(b.dropped, 0);
    cons_buf_free(&b);
}

/* --- logs ------------------------------------------------------------------ */

static void assert_file(const char *dir, const char *name, const char *want)
{
    char path[512];
    char *got;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    got = slurp(path, NULL);
    if ( !want )
    {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_log_rotates(void **state)
{
    char *dir = make_tmpdir(), sub[512];
    struct cons_log l;

    snprintf(sub, sizeof(sub), "%s/a/b", dir);
    assert_int_equal(cons_log_open(&l, sub, "g1", 10, 2), 0);
    assert_int_equal(cons_log_write(&l, "AAAAAAAAAABBBBBBBBBBCCCCC", 25), 0);
    assert_file(sub, "g1.log", "CCCCC");
    assert_file(sub, "g1.log.1", "BBBBBBBBBB");
    assert_file(sub, "g1.log.2", "AAAAAAAAAA");
    assert_int_equal(cons_log_write(&l, "DDDDDEEEEE", 10), 0);
    assert_file(sub, "g1.log", "EEEEE");
    assert_file(sub, "g1.log.1", "CCCCCDDDDD");
    assert_file(sub, "g1.log.2", "BBBBBBBBBB");
    assert_file(sub, "g1.log.3", NULL);
    cons_log_close(&l);
    assert_int_equal(l.fd, -1);

    /* Reopening appends; keep 0 starts afresh without copies. */
    assert_int_equal(cons_log_open(&l, sub, "g1", 6, 0), 0);
    assert_int_equal(cons_log_write(&l, "FFF", 3), 0);
    assert_file(sub, "g1.log", "FF");
    assert_file(sub, "g1.log.1", "CCCCCDDDDD");
    cons_log_close(&l);
    assert_int_equal(cons_log_open(&l, sub, "g1", 0, 0), 0);
    assert_int_equal(cons_log_write(&l, "GG", 2), 0);
    assert_file(sub, "g1.log", "FFGG");
    cons_log_close(&l);

    /* A name cannot climb out of the directory. */
    assert_int_equal(cons_log_open(&l, sub, "../evil", 0, 0), 0);
    assert_int_equal(cons_log_write(&l, "x", 1), 0);
    assert_file(sub, "_._evil.log", "x");
    cons_log_close(&l);
    remove_tree(dir);
}

/* --- the daemon ------------------------------------------------------------ */

static void test_daemon_both_directions(void **state)
{
    struct world *w = *state;
    const char *tty;
    struct cons_dom *d;
    char buf[64], *log;
    int fd, port;

    /* Output before the daemon connects must not be lost. */
    guest_put(w->ring, "early ", 6);
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    world_start(w);
    d = consd_find(&w->c, 3);
    assert_non_null(d);
    assert_null(consd_find(&w->c, 0));
    assert_int_equal(w->f.maps, 1);
    port = fake_port_of(&w->f, 3);
    assert_true(port >= 0);
    assert_int_equal(d->local_port, port);
    tty = fake_xs_get(&w->f, "/local/domain/3/console/tty");
    assert_non_null(tty);
    assert_string_equal(tty, d->tty);
    assert_int_equal(strncmp(tty, "/dev/pts/", 9), 0);

    guest_put(w->ring, "hello\r\n", 7);
    fake_guest_notify(&w->f, port);
    settle(&w->c);
    assert_int_equal(w->ring->out_cons, w->ring->out_prod);
    assert_true(w->f.notifies[port] >= 1);
    assert_true(w->f.unmasks >= 1);

    /* A client attaching later reads all of it. */
    fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_true(fd >= 0);
    read_exactly(&w->c, fd, buf, 13);
    assert_memory_equal(buf, "early hello\r\n", 13);
    log = log_of(w, "guest1", NULL);
    assert_non_null(log);
    assert_string_equal(log, "early hello\r\n");
    free(log);

    /* What the client types reaches the guest, and the guest is told. */
    port = w->f.notifies[port];
    assert_int_equal(write(fd, "ls -l\n", 6), 6);
    guest_receives(&w->c, w->ring, buf, 6);
    assert_memory_equal(buf, "ls -l\n", 6);
    assert_true(w->f.notifies[d->local_port] > (unsigned int)port);
    close(fd);
}

static void test_daemon_limit_drops_oldest(void **state)
{
    struct world *w = *state;
    enum { TOTAL = 300 * 1024, LIMIT = 1000 };
    char *gen = malloc(TOTAL), *got = malloc(TOTAL), *log;
    struct cons_dom *d;
    size_t i, sent = 0, len, expect;
    int fd;

    /* Numbered 8-byte records: any misplaced byte shows. */
    for ( i = 0; i < TOTAL; i += 8 )
        snprintf(gen + i, 9, "%07zu", i / 8), gen[i + 7] = ' ';
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    fake_xs_write(&w->f, "/local/domain/3/console/limit", "1000");
    world_start(w);
    d = consd_find(&w->c, 3);
    assert_non_null(d);
    assert_int_equal(d->buf.limit, LIMIT);

    /* No client: the pty fills up, then the buffer drops the oldest. */
    while ( sent < TOTAL )
    {
        sent += guest_put(w->ring, gen + sent, TOTAL - sent);
        fake_guest_notify(&w->f, d->local_port);
        settle(&w->c);
    }
    assert_true(d->buf.dropped > 0);
    assert_int_equal(d->buf.len, LIMIT);
    /* The log has every byte. */
    log = log_of(w, "guest1", &len);
    assert_int_equal(len, TOTAL);
    assert_memory_equal(log, gen, TOTAL);
    free(log);

    /*
     * The client gets what the pty held (from the very first byte: a
     * limit below the ring's size must not lose output a pty could
     * take), then whatever survived in order, ending with the newest
     * LIMIT bytes: a subsequence of the output, exactly `dropped' short.
     */
    expect = TOTAL - d->buf.dropped;
    fd = open(d->tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_true(fd >= 0);
    read_exactly(&w->c, fd, got, expect);
    assert_memory_equal(got, gen, CONS_OUT_SIZE);
    assert_memory_equal(got + expect - LIMIT, gen + TOTAL - LIMIT, LIMIT);
    for ( i = 0, len = 0; i < expect && len < TOTAL; len++ )
        if ( got[i] == gen[len] )
            i++;
    assert_int_equal(i, expect);
    assert_int_equal(d->buf.len, 0);
    close(fd);
    free(gen);
    free(got);
}

static void test_daemon_log_rotation(void **state)
{
    struct world *w = *state;
    char *log;
    int i;

    w->cfg.log_max_size = 100;
    w->cfg.log_keep = 1;
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    world_start(w);
    for ( i = 0; i < 3; i++ )
    {
        char line[80];

        memset(line, '0' + i, sizeof(line));
        guest_put(w->ring, line, sizeof(line));
        fake_guest_notify(&w->f, fake_port_of(&w->f, 3));
        settle(&w->c);
    }
    /* 240 bytes at 100 per file, one old copy kept. */
    log = log_of(w, "guest1", NULL);
    assert_int_equal(strlen(log), 40);
    assert_int_equal(strspn(log, "2"), 40);
    free(log);
    log = log_of(w, "guest1.log", NULL);    /* guest1.log.log: none */
    assert_null(log);
}

static void test_daemon_no_log(void **state)
{
    struct world *w = *state;
    struct stat st;

    w->cfg.log_dir = NULL;
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    world_start(w);
    guest_put(w->ring, "x", 1);
    fake_guest_notify(&w->f, fake_port_of(&w->f, 3));
    settle(&w->c);
    assert_non_null(consd_find(&w->c, 3));
    assert_int_not_equal(stat(w->logdir, &st), 0);
}

static void test_daemon_removal_frees_everything(void **state)
{
    struct world *w = *state;
    struct cons_ring *r2 = fake_add_page(&w->f, 4, 0x1000);
    int fds_before = count_fds(), fd;
    char tty[64], *log;

    world_start(w);
    assert_null(w->c.doms);
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    guest_nodes(&w->f, 4, "guest2", 0x1000, 9);
    settle(&w->c);
    assert_non_null(consd_find(&w->c, 3));
    assert_non_null(consd_find(&w->c, 4));
    assert_int_equal(w->f.maps, 2);
    assert_int_equal(w->f.binds, 2);
    /* Each: pty master and slave, and the log. */
    assert_int_equal(count_fds(), fds_before + 6);
    snprintf(tty, sizeof(tty), "%s", consd_find(&w->c, 3)->tty);

    /* Last words, not signalled: the domain dies at once. */
    guest_put(w->ring, "Kernel panic\r\n", 14);
    fake_xs_rm(&w->f, "/local/domain/3");
    fake_xs_fire(&w->f, "@releaseDomain");
    settle(&w->c);
    assert_null(consd_find(&w->c, 3));
    assert_non_null(consd_find(&w->c, 4));
    assert_int_equal(w->f.unmaps, 1);
    assert_int_equal(w->f.unbinds, 1);
    assert_int_equal(w->f.doms[0].mapped, 0);
    assert_int_equal(fake_port_of(&w->f, 3), -1);
    assert_int_equal(count_fds(), fds_before + 3);
    log = log_of(w, "guest1", NULL);
    assert_string_equal(log, "Kernel panic\r\n");
    free(log);
    /* The pty is gone with it. */
    fd = open(tty, O_RDWR | O_NOCTTY);
    assert_true(fd < 0);

    /* A console whose nodes go away (but not its domain) is closed too. */
    guest_put(r2, "bye", 3);
    fake_xs_rm(&w->f, "/local/domain/4/console");
    settle(&w->c);
    assert_null(w->c.doms);
    assert_int_equal(w->f.unmaps, 2);
    assert_int_equal(w->f.unbinds, 2);
    assert_int_equal(count_fds(), fds_before);
    log = log_of(w, "guest2", NULL);
    assert_string_equal(log, "bye");
    free(log);
}

/* A domain destroyed behind the toolstack's back: its xenstore nodes stay,
 * the hypervisor says it is dying; @releaseDomain makes us let go. */
static void test_daemon_dying_domain_dropped(void **state)
{
    struct world *w = *state;
    int fds_before = count_fds();
    char *log;

    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    world_start(w);
    assert_non_null(consd_find(&w->c, 3));
    assert_true(w->f.dom_state_calls >= 1);
    assert_int_equal(w->f.doms[0].mapped, 1);

    guest_put(w->ring, "last words", 10);
    w->f.dying[3] = true;
    fake_xs_fire(&w->f, "@releaseDomain");
    settle(&w->c);
    assert_null(consd_find(&w->c, 3));
    assert_int_equal(w->f.doms[0].mapped, 0);
    assert_int_equal(w->f.unbinds, 1);
    assert_int_equal(count_fds(), fds_before);
    log = log_of(w, "guest1", NULL);
    assert_string_equal(log, "last words");
    free(log);
    /* Its nodes are still there: it is not set up again. */
    assert_non_null(fake_xs_get(&w->f, "/local/domain/3/console/ring-ref"));
    fake_xs_fire(&w->f, "@introduceDomain");
    settle(&w->c);
    assert_null(consd_find(&w->c, 3));
    assert_int_equal(w->f.maps, 1);
}

static void test_daemon_same_id_new_page(void **state)
{
    struct world *w = *state;
    struct cons_dom *d;

    fake_add_page(&w->f, 3, 0x2000);
    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    world_start(w);
    d = consd_find(&w->c, 3);
    assert_non_null(d);
    assert_int_equal(d->gfn, 0xfeffc);
    /* A rebuilt console: old mapping and channel go, new ones come. */
    fake_xs_write(&w->f, "/local/domain/3/console/ring-ref", "8192");
    settle(&w->c);
    d = consd_find(&w->c, 3);
    assert_non_null(d);
    assert_int_equal(d->gfn, 0x2000);
    assert_int_equal(w->f.maps, 2);
    assert_int_equal(w->f.unmaps, 1);
    assert_int_equal(w->f.binds, 2);
    assert_int_equal(w->f.unbinds, 1);
}

static void test_daemon_failed_map_not_retried(void **state)
{
    struct world *w = *state;
    unsigned int dirs, reads;

    /* No page at this gfn: the map fails. */
    guest_nodes(&w->f, 5, "broken", 0x9999, 7);
    world_start(w);
    assert_null(consd_find(&w->c, 5));
    assert_int_equal(w->f.map_failures, 1);
    assert_null(fake_xs_get(&w->f, "/local/domain/5/console/tty"));
    /* Other domains' events do not retry it... */
    fake_xs_fire(&w->f, "@introduceDomain");
    settle(&w->c);
    assert_int_equal(w->f.map_failures, 1);
    /* ...a new ring-ref does. */
    fake_add_page(&w->f, 5, 0x3000);
    fake_xs_write(&w->f, "/local/domain/5/console/ring-ref", "0x3000");
    settle(&w->c);
    assert_non_null(consd_find(&w->c, 5));
    assert_non_null(fake_xs_get(&w->f, "/local/domain/5/console/tty"));

    /* Guests' device traffic does not make the daemon look. */
    dirs = w->f.directory_calls;
    reads = w->f.read_calls;
    fake_xs_write(&w->f, "/local/domain/5/device/vif/0/state", "4");
    fake_xs_write(&w->f, "/local/domain/5/console/tty", "/dev/pts/99");
    settle(&w->c);
    assert_int_equal(w->f.directory_calls, dirs);
    assert_int_equal(w->f.read_calls, reads);
    /* A console node: that domain is looked at, not the list. */
    fake_xs_write(&w->f, "/local/domain/5/console/limit", "4096");
    settle(&w->c);
    assert_int_equal(w->f.directory_calls, dirs);
    assert_true(w->f.read_calls > reads);
}

/*
 * With guests running, one guest's console nodes make the daemon read
 * that guest's nodes only (creation must not slow down as the host
 * fills); a new domain's introduction lists the domains but reads only
 * the new one; a domain's death removes its console without a rescan.
 */
static void test_daemon_events_look_at_one_domain(void **state)
{
    struct world *w = *state;
    unsigned int id, reads, dirs;
    char path[64];

    for ( id = 1; id <= 5; id++ )
    {
        uint64_t gfn = id == 3 ? 0xfeffc : 0x1000 * id;

        snprintf(path, sizeof(path), "guest%u", id);
        if ( id != 3 )      /* world_setup gave domain 3 its page */
            fake_add_page(&w->f, id, gfn);
        guest_nodes(&w->f, id, path, gfn, 10 + id);
    }
    world_start(w);
    for ( id = 1; id <= 5; id++ )
        assert_non_null(consd_find(&w->c, id));

    /* Domain 6's layout, node by node as a transaction's events. */
    fake_add_page(&w->f, 6, 0x6000);
    reads = w->f.read_calls;
    dirs = w->f.directory_calls;
    fake_xs_write(&w->f, "/local/domain/6/console/port", "16");
    settle(&w->c);
    assert_true(w->f.read_calls > reads);
    assert_non_null(strstr(w->f.last_read, "/local/domain/6/"));
    assert_null(consd_find(&w->c, 6));      /* no ring-ref yet */
    fake_xs_write(&w->f, "/local/domain/6/console/ring-ref", "0x6000");
    settle(&w->c);
    assert_non_null(consd_find(&w->c, 6));
    assert_int_equal(w->f.directory_calls, dirs);
    /* At most the handful of reads per event of one domain, not one per
     * running guest. */
    assert_true(w->f.read_calls - reads <= 2 * 4);

    /* Its introduction: one listing, no reads of the known guests. */
    reads = w->f.read_calls;
    fake_xs_fire(&w->f, "@introduceDomain");
    settle(&w->c);
    assert_int_equal(w->f.directory_calls, dirs + 1);
    assert_true(w->f.read_calls - reads <= 1);

    /* Domain 3 dies: its console goes at @releaseDomain, no listing. */
    w->f.dying[3] = true;
    fake_xs_fire(&w->f, "@releaseDomain");
    settle(&w->c);
    assert_null(consd_find(&w->c, 3));
    assert_non_null(consd_find(&w->c, 2));
    assert_int_equal(w->f.directory_calls, dirs + 1);
    /* Domain 4's nodes removed: its console goes too. */
    fake_xs_rm(&w->f, "/local/domain/4");
    settle(&w->c);
    assert_null(consd_find(&w->c, 4));
    assert_non_null(consd_find(&w->c, 5));
}

static void test_daemon_other_console_type(void **state)
{
    struct world *w = *state;

    guest_nodes(&w->f, 3, "guest1", 0xfeffc, 7);
    fake_xs_write(&w->f, "/local/domain/3/console/type", "ioemu");
    world_start(w);
    assert_null(consd_find(&w->c, 3));
    assert_int_equal(w->f.maps, 0);
    fake_xs_write(&w->f, "/local/domain/3/console/type", "xenconsoled");
    settle(&w->c);
    assert_non_null(consd_find(&w->c, 3));
}

/* --- the client's escape ------------------------------------------------- */

static void test_escape(void **state)
{
    bool detach;

    assert_int_equal(cons_escape_scan("abc", 3, CONS_ESCAPE_DEFAULT,
                                      &detach), 3);
    assert_false(detach);
    /* Bytes before Ctrl-] still go; nothing after it. */
    assert_int_equal(cons_escape_scan("ab\x1d" "cd", 5, CONS_ESCAPE_DEFAULT,
                                      &detach), 2);
    assert_true(detach);
    assert_int_equal(cons_escape_scan("\x1d", 1, CONS_ESCAPE_DEFAULT,
                                      &detach), 0);
    assert_true(detach);
    /* Ctrl-C and NUL pass through to the guest. */
    assert_int_equal(cons_escape_scan("\x03\0x", 3, CONS_ESCAPE_DEFAULT,
                                      &detach), 3);
    assert_false(detach);
    assert_int_equal(cons_escape_scan("ab\x01", 3, 0x01, &detach), 2);
    assert_true(detach);

    assert_int_equal(cons_escape_parse("^]"), 0x1d);
    assert_int_equal(cons_escape_parse("^a"), 0x01);
    assert_int_equal(cons_escape_parse("^A"), 0x01);
    assert_int_equal(cons_escape_parse("^?"), 0x7f);
    assert_int_equal(cons_escape_parse("q"), 'q');
    assert_int_equal(cons_escape_parse("^"), '^');
    assert_int_equal(cons_escape_parse("^1"), -1);
    assert_int_equal(cons_escape_parse("ab"), -1);
    assert_int_equal(cons_escape_parse(""), -1);
}

/* --- mkinitrd.py --tools --------------------------------------------------- */

static void test_mkinitrd_tools(void **state)
{
    const char *dir = getenv("KEEL_TEST_DIR");
    char cmd[1024];
    int rc;

    assert_non_null(dir);
    snprintf(cmd, sizeof(cmd), "python3 %s/check_mkinitrd.py", dir);
    rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
}

/* --- the client against a real xenstored ----------------------------------- */

static void test_client(void **state)
{
    const char *dir = getenv("KEEL_TEST_DIR");
    char cmd[1024];
    int rc;

    assert_non_null(dir);
    snprintf(cmd, sizeof(cmd), "python3 %s/check_client.py", dir);
    rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_out_wraps),
        cmocka_unit_test(test_ring_out_bogus_producer),
        cmocka_unit_test(test_ring_in_wraps_and_fills),
        cmocka_unit_test(test_buffer_drops_oldest),
        cmocka_unit_test(test_log_rotates),
        cmocka_unit_test_setup_teardown(test_daemon_both_directions,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_limit_drops_oldest,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_log_rotation,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_no_log,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_removal_frees_everything,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_dying_domain_dropped,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_same_id_new_page,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_events_look_at_one_domain,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_failed_map_not_retried,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_daemon_other_console_type,
                                        world_setup, world_teardown),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_mkinitrd_tools),
        cmocka_unit_test(test_client),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
