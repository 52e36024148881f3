/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstored, libxenstore and the xenstore-* tools, end to end: each test
 * runs its own daemon (forked, private socket, fake rings) and checks
 * what clients see: dom0 through the library on the socket, guests
 * through their ring page (harness.c).  Teardown asserts the daemon
 * exits cleanly on SIGTERM, with LeakSanitizer watching its heap.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "xenstored.h"

struct world
{
    struct xsd x;
    struct xs_handle *h;
};

static int setup_with(void **state, const char *a1, const char *a2,
                      const char *a3, const char *a4)
{
    struct world *w = calloc(1, sizeof(*w));

    assert_non_null(w);
    xsd_start(&w->x, a1, a2, a3, a4, NULL);
    w->h = xsd_open(&w->x, 0);
    *state = w;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL, NULL, NULL, NULL);
}

static int setup_quota(void **state)
{
    return setup_with(state, "--entry-nb", "4", "--entry-size", "16");
}

static int teardown(void **state)
{
    struct world *w = *state;
    int st;

    if ( w->h )
        xs_close(w->h);
    st = xsd_stop(&w->x);
    free(w);
    /* A clean exit: 0, no sanitizer report (its exit code is not 0). */
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    return 0;
}

static void expect_read(struct xs_handle *h, xs_transaction_t t,
                        const char *path, const char *want)
{
    unsigned int len = 12345;
    char *v = xs_read(h, t, path, &len);

    if ( !v )
        fail_msg("read %s: %s", path, strerror(errno));
    assert_string_equal(v, want);
    assert_int_equal(len, strlen(want));
    free(v);
}

static void expect_fail(bool ok, int err)
{
    assert_false(ok);
    assert_int_equal(errno, err);
}

static void expect_read_fails(struct xs_handle *h, xs_transaction_t t,
                              const char *path, int err)
{
    char *v = xs_read(h, t, path, NULL);

    assert_null(v);
    assert_int_equal(errno, err);
}

/* The names in a directory, joined with ',' for easy comparison. */
static void expect_dir(struct xs_handle *h, xs_transaction_t t,
                       const char *path, const char *want)
{
    unsigned int n = 999, i;
    char **d = xs_directory(h, t, path, &n);
    char buf[1024] = "";

    if ( !d )
        fail_msg("directory %s: %s", path, strerror(errno));
    for ( i = 0; i < n; i++ )
    {
        if ( i )
            strcat(buf, ",");
        strcat(buf, d[i]);
    }
    assert_null(d[n]);
    free(d);
    assert_string_equal(buf, want);
}

/* ---- basic operations ---- */
static void test_read_write_mkdir_rm(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    char *p;

    assert_true(xs_write(h, XBT_NULL, "/a/b/c", "hello", 5));
    expect_read(h, XBT_NULL, "/a/b/c", "hello");
    /* Parents were created, empty. */
    expect_read(h, XBT_NULL, "/a/b", "");
    expect_dir(h, XBT_NULL, "/a/b", "c");
    /* Binary values with NULs survive; len counts them. */
    {
        unsigned int len;
        char *v;

        assert_true(xs_write(h, XBT_NULL, "/bin", "x\0y", 3));
        v = xs_read(h, XBT_NULL, "/bin", &len);
        assert_non_null(v);
        assert_int_equal(len, 3);
        assert_memory_equal(v, "x\0y", 4);
        free(v);
    }
    /* Overwrite, empty value. */
    assert_true(xs_write(h, XBT_NULL, "/a/b/c", "", 0));
    expect_read(h, XBT_NULL, "/a/b/c", "");

    assert_true(xs_mkdir(h, XBT_NULL, "/a/d"));
    assert_true(xs_mkdir(h, XBT_NULL, "/a/d"));     /* exists: fine */
    assert_true(xs_write(h, XBT_NULL, "/a/e", "1", 1));
    expect_dir(h, XBT_NULL, "/a", "b,d,e");

    expect_read_fails(h, XBT_NULL, "/nope", ENOENT);
    expect_read_fails(h, XBT_NULL, "/a/nope/deeper", ENOENT);
    assert_null(xs_directory(h, XBT_NULL, "/nope", NULL));
    assert_int_equal(errno, ENOENT);

    /* rm is recursive; removing a missing child of a node is fine,
     * below a missing parent it is ENOENT; the root stays. */
    assert_true(xs_rm(h, XBT_NULL, "/a/b"));
    expect_read_fails(h, XBT_NULL, "/a/b/c", ENOENT);
    expect_dir(h, XBT_NULL, "/a", "d,e");
    assert_true(xs_rm(h, XBT_NULL, "/a/zzz"));
    expect_fail(xs_rm(h, XBT_NULL, "/a/zzz/yyy"), ENOENT);
    expect_fail(xs_rm(h, XBT_NULL, "/"), EINVAL);

    /* Bad names. */
    expect_fail(xs_write(h, XBT_NULL, "/a//b", "1", 1), EINVAL);
    expect_fail(xs_write(h, XBT_NULL, "/a/", "1", 1), EINVAL);
    expect_fail(xs_write(h, XBT_NULL, "/a b", "1", 1), EINVAL);
    expect_fail(xs_write(h, XBT_NULL, "/a@b", "1", 1), EINVAL);
    expect_fail(xs_write(h, XBT_NULL, "", "1", 1), EINVAL);

    /* A relative path from dom0 lives under /local/domain/0. */
    assert_true(xs_write(h, XBT_NULL, "rel", "r", 1));
    expect_read(h, XBT_NULL, "/local/domain/0/rel", "r");

    p = xs_get_domain_path(h, 7);
    assert_string_equal(p, "/local/domain/7");
    free(p);
    assert_true(xs_is_domain_introduced(h, 0));
    assert_false(xs_is_domain_introduced(h, 7));

    /* A value too big for one message is refused by the library. */
    {
        char *big = calloc(1, 5000);

        expect_fail(xs_write(h, XBT_NULL, "/big", big, 5000), E2BIG);
        free(big);
    }
}

static void test_permissions_strings(void **state)
{
    struct xs_permissions p[4];
    char buf[16];

    (void)state;
    assert_true(xs_strings_to_perms(p, 4, "n0\0r5\0w17\0b4294967295"));
    assert_int_equal(p[0].id, 0);
    assert_int_equal(p[0].perms, XS_PERM_NONE);
    assert_int_equal(p[1].perms, XS_PERM_READ);
    assert_int_equal(p[1].id, 5);
    assert_int_equal(p[2].perms, XS_PERM_WRITE);
    assert_int_equal(p[3].perms, XS_PERM_READ | XS_PERM_WRITE);
    assert_int_equal(p[3].id, 4294967295u);
    assert_false(xs_strings_to_perms(p, 1, "x1"));
    assert_false(xs_strings_to_perms(p, 1, "r"));
    assert_false(xs_strings_to_perms(p, 1, "r1x"));
    assert_false(xs_strings_to_perms(p, 1, "r4294967296"));
    assert_true(xs_perm_to_string(&p[3], buf, sizeof(buf)));
    assert_string_equal(buf, "b4294967295");
    assert_false(xs_perm_to_string(&p[3], buf, 5));
    assert_true(xs_path_is_subpath("/a", "/a/b"));
    assert_true(xs_path_is_subpath("/a", "/a"));
    assert_true(xs_path_is_subpath("/", "/a"));
    assert_false(xs_path_is_subpath("/a", "/ab"));
    assert_int_equal(xs_count_strings("a\0b\0", 4), 2);
    assert_int_equal(xs_error_from_name("EAGAIN"), EAGAIN);
    assert_string_equal(xs_error_name(ENOENT), "ENOENT");
}

/* ---- guests over their ring ---- */
static void test_guest_permissions(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct xs_permissions home = { 5, XS_PERM_NONE };
    struct xs_permissions *got;
    struct guest g;
    char buf[4096];
    unsigned int n;

    assert_true(xs_mkdir(h, XBT_NULL, "/local/domain/5"));
    assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/5", &home, 1));
    assert_true(xs_write(h, XBT_NULL, "/secret", "s", 1));
    guest_create(&g, &w->x, 5);
    guest_introduce(&g, h);
    assert_true(xs_is_domain_introduced(h, 5));

    /* Its home: relative paths, nodes it creates are its own. */
    assert_int_equal(guest_write(&g, "name", "guest5"), 0);
    expect_read(h, XBT_NULL, "/local/domain/5/name", "guest5");
    assert_int_equal(guest_read(&g, "name", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "guest5");
    assert_int_equal(guest_write(&g, "/local/domain/5/a/b", "deep"), 0);
    got = xs_get_permissions(h, XBT_NULL, "/local/domain/5/a/b", &n);
    assert_non_null(got);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].id, 5);
    free(got);
    assert_int_equal(guest_str_op(&g, XS_GET_DOMAIN_PATH, "5", buf,
                                  sizeof(buf)), 0);
    assert_string_equal(buf, "/local/domain/5");

    /* Dom0's node with n0: no reading, writing, listing or removing. */
    assert_int_equal(guest_read(&g, "/secret", buf, sizeof(buf)), EACCES);
    assert_int_equal(guest_write(&g, "/secret", "x"), EACCES);
    assert_int_equal(guest_write(&g, "/secret/under", "x"), EACCES);
    assert_int_equal(guest_str_op(&g, XS_RM, "/secret", NULL, 0), EACCES);
    assert_int_equal(guest_str_op(&g, XS_DIRECTORY, "/", NULL, 0), EACCES);
    assert_int_equal(guest_str_op(&g, XS_GET_PERMS, "/secret", NULL, 0),
                     EACCES);
    assert_int_equal(guest_read(&g, "/nothing", buf, sizeof(buf)), ENOENT);
    expect_read(h, XBT_NULL, "/secret", "s");

    /* r5: read only; b5: read and write; the default entry for others. */
    {
        struct xs_permissions p[2] = { { 0, XS_PERM_NONE },
                                       { 5, XS_PERM_READ } };

        assert_true(xs_set_permissions(h, XBT_NULL, "/secret", p, 2));
        assert_int_equal(guest_read(&g, "/secret", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "s");
        assert_int_equal(guest_write(&g, "/secret", "x"), EACCES);
        p[1].perms = XS_PERM_READ | XS_PERM_WRITE;
        assert_true(xs_set_permissions(h, XBT_NULL, "/secret", p, 2));
        assert_int_equal(guest_write(&g, "/secret", "x"), 0);
        expect_read(h, XBT_NULL, "/secret", "x");
        p[0].perms = XS_PERM_READ;      /* everyone may read ... */
        p[1].perms = XS_PERM_NONE;      /* ... except dom5 */
        assert_true(xs_set_permissions(h, XBT_NULL, "/secret", p, 2));
        assert_int_equal(guest_read(&g, "/secret", buf, sizeof(buf)),
                         EACCES);
    }

    /* A guest may share its node but not give it away, nor touch perms
     * of nodes it does not own; and dom0-only operations are refused. */
    assert_int_equal(guest_op(&g, XS_SET_PERMS, 0, "name\0n5\0r7", 11,
                              NULL, 0), 0);
    got = xs_get_permissions(h, XBT_NULL, "/local/domain/5/name", &n);
    assert_non_null(got);
    assert_int_equal(n, 2);
    assert_int_equal(got[1].id, 7);
    assert_int_equal(got[1].perms, XS_PERM_READ);
    free(got);
    assert_int_equal(guest_op(&g, XS_SET_PERMS, 0, "name\0n0", 8, NULL, 0),
                     EPERM);
    assert_int_equal(guest_op(&g, XS_SET_PERMS, 0, "/secret\0b5", 11,
                              NULL, 0), EACCES);
    assert_int_equal(guest_op(&g, XS_INTRODUCE, 0, "6\0" "1\0" "2", 6,
                              NULL, 0), EACCES);
    assert_int_equal(guest_str_op(&g, XS_RELEASE, "5", NULL, 0), EACCES);

    /* Release: the ring is no longer served. */
    assert_true(xs_release_domain(h, 5));
    assert_false(xs_is_domain_introduced(h, 5));
    expect_fail(xs_release_domain(h, 5), ENOENT);
    guest_send(&g, XS_READ, 0, "name", 5);
    {
        struct xsd_sockmsg m;

        assert_false(guest_recv(&g, &m, buf, sizeof(buf), 300));
    }
    guest_destroy(&g);
}

static void test_introduce_rules(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct guest g;

    guest_create(&g, &w->x, 3);
    /* No page behind the frame number: refused, with nothing left. */
    expect_fail(xs_introduce_domain(h, 3, 0x99999, g.port), EIO);
    assert_false(xs_is_domain_introduced(h, 3));
    guest_introduce(&g, h);
    /* Repeating it is harmless; a different page is not. */
    assert_true(xs_introduce_domain(h, 3, g.mfn, g.port));
    expect_fail(xs_introduce_domain(h, 3, g.mfn + 1, g.port), EEXIST);
    expect_fail(xs_resume_domain(h, 4), ENOENT);
    assert_true(xs_resume_domain(h, 3));
    /* A guest may queue requests before it is introduced. */
    guest_destroy(&g);
}

/*
 * A request whose event never came (a lost notification below us): the
 * daemon's periodic check still answers it, and logs it once.
 */
static void test_lost_event(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct xsd_sockmsg m = { XS_GET_DOMAIN_PATH, 77, 0, 0 };
    const char path[] = "9";
    struct xsd_sockmsg hdr;
    char msg[sizeof(m) + sizeof(path)], body[64];
    XENSTORE_RING_IDX prod;
    struct guest g;
    size_t i;

    guest_create(&g, &w->x, 9);
    guest_introduce(&g, h);
    /* Written into the ring by hand: no kick. */
    m.len = sizeof(path);
    memcpy(msg, &m, sizeof(m));
    memcpy(msg + sizeof(m), path, sizeof(path));
    prod = g.intf->req_prod;
    for ( i = 0; i < sizeof(msg); i++ )
        g.intf->req[MASK_XENSTORE_IDX(prod + i)] = msg[i];
    __atomic_store_n(&g.intf->req_prod, prod + sizeof(msg),
                     __ATOMIC_RELEASE);
    assert_true(guest_recv(&g, &hdr, body, sizeof(body), 4000));
    assert_int_equal(hdr.type, XS_GET_DOMAIN_PATH);
    assert_int_equal(hdr.req_id, 77);
    assert_string_equal(body, "/local/domain/9");
    guest_destroy(&g);
}

static void test_ring_wraps_and_big_messages(void **state)
{
    struct world *w = *state;
    struct guest g;
    char val[2001], buf[4096];     /* under the 2048-byte node quota */
    int i;

    guest_create(&g, &w->x, 2);
    guest_introduce(&g, w->h);
    assert_true(xs_mkdir(w->h, XBT_NULL, "/local/domain/2"));
    {
        struct xs_permissions p = { 2, XS_PERM_NONE };

        assert_true(xs_set_permissions(w->h, XBT_NULL, "/local/domain/2",
                                       &p, 1));
    }
    /* Messages bigger than the 1 KB ring, many times round it. */
    for ( i = 0; i < 20; i++ )
    {
        memset(val, 'a' + i, sizeof(val) - 1);
        val[sizeof(val) - 1] = '\0';
        val[0] = '0' + i % 10;
        assert_int_equal(guest_write(&g, "big", val), 0);
        assert_int_equal(guest_read(&g, "big", buf, sizeof(buf)), 0);
        assert_string_equal(buf, val);
    }
    guest_destroy(&g);
}

/* ---- watches ---- */
static void expect_event(struct xs_handle *h, const char *path,
                         const char *token)
{
    struct pollfd pfd = { xs_fileno(h), POLLIN, 0 };
    unsigned int n;
    char **v;

    assert_int_equal(poll(&pfd, 1, 5000), 1);
    v = xs_read_watch(h, &n);
    assert_non_null(v);
    assert_int_equal(n, 2);
    assert_string_equal(v[XS_WATCH_PATH], path);
    assert_string_equal(v[XS_WATCH_TOKEN], token);
    free(v);
}

/* After a round trip on h, every event sent before is queued. */
static void expect_no_event(struct xs_handle *h)
{
    char *v = xs_read(h, XBT_NULL, "/", NULL);
    char **e;

    free(v);
    e = xs_check_watch(h);
    if ( e )
        fail_msg("unexpected event %s (token %s)", e[0], e[1]);
    assert_int_equal(errno, EAGAIN);
}

static void test_watches(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h, *w2 = xsd_open(&w->x, 0);

    assert_true(xs_write(h, XBT_NULL, "/vm/1/name", "a", 1));
    assert_true(xs_watch(w2, "/vm/1", "tok"));
    /* Fires once on registration. */
    expect_event(w2, "/vm/1", "tok");
    expect_no_event(w2);
    expect_fail(xs_watch(w2, "/vm/1", "tok"), EEXIST);

    /* On the path and below, not beside it. */
    assert_true(xs_write(h, XBT_NULL, "/vm/1/name", "b", 1));
    expect_event(w2, "/vm/1/name", "tok");
    assert_true(xs_write(h, XBT_NULL, "/vm/10", "x", 1));
    assert_true(xs_write(h, XBT_NULL, "/vm", "x", 1));
    expect_no_event(w2);
    assert_true(xs_mkdir(h, XBT_NULL, "/vm/1/dev"));
    expect_event(w2, "/vm/1/dev", "tok");

    /* Removing a parent fires watches below it with their own path. */
    assert_true(xs_watch(w2, "/vm/1/dev/0", "deep"));
    expect_event(w2, "/vm/1/dev/0", "deep");
    assert_true(xs_rm(h, XBT_NULL, "/vm"));
    {
        /* Order between the two watches is not specified. */
        unsigned int n, seen = 0, i;

        for ( i = 0; i < 2; i++ )
        {
            char **v = xs_read_watch(w2, &n);

            assert_non_null(v);
            if ( !strcmp(v[1], "tok") )
            {
                assert_string_equal(v[0], "/vm/1");
                seen |= 1;
            }
            else
            {
                assert_string_equal(v[0], "/vm/1/dev/0");
                seen |= 2;
            }
            free(v);
        }
        assert_int_equal(seen, 3);
    }
    expect_no_event(w2);

    assert_true(xs_unwatch(w2, "/vm/1", "tok"));
    expect_fail(xs_unwatch(w2, "/vm/1", "tok"), ENOENT);
    assert_true(xs_write(h, XBT_NULL, "/vm/1", "again", 5));
    expect_no_event(w2);

    /* A closed connection's watches go with it. */
    xs_close(w2);
    assert_true(xs_write(h, XBT_NULL, "/vm/1", "more", 4));
}

static void test_domain_watches(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h, *w2 = xsd_open(&w->x, 0);
    struct guest g;

    assert_true(xs_watch(w2, "@introduceDomain", "in"));
    expect_event(w2, "@introduceDomain", "in");
    assert_true(xs_watch(w2, "@releaseDomain", "out"));
    expect_event(w2, "@releaseDomain", "out");
    expect_fail(xs_watch(w2, "@other", "x"), EINVAL);

    guest_create(&g, &w->x, 9);
    guest_introduce(&g, h);
    expect_event(w2, "@introduceDomain", "in");
    expect_no_event(w2);
    assert_true(xs_release_domain(h, 9));
    expect_event(w2, "@releaseDomain", "out");
    expect_no_event(w2);
    guest_destroy(&g);
    xs_close(w2);
}

/*
 * Dying domains are noticed by the daemon itself (VIRQ_DOM_EXC and
 * getdomaininfo, as Xen's xenstored): shutdown fires @releaseDomain
 * once, dying or vanished releases the domain, and the toolstack's own
 * XS_RELEASE afterwards is harmless.
 */
static void test_dying_domains(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h, *w2 = xsd_open(&w->x, 0);
    struct xsd_sockmsg hdr;
    struct guest g, g2, g3;
    char out[256];

    struct xs_permissions home9 = { 9, XS_PERM_NONE };
    struct xs_permissions home10 = { 10, XS_PERM_NONE };

    assert_true(xs_mkdir(h, XBT_NULL, "/local/domain/9"));
    assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/9", &home9,
                                   1));
    assert_true(xs_mkdir(h, XBT_NULL, "/local/domain/10"));
    assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/10", &home10,
                                   1));
    assert_true(xs_watch(w2, "@releaseDomain", "out"));
    expect_event(w2, "@releaseDomain", "out");
    guest_create(&g, &w->x, 9);
    guest_create(&g2, &w->x, 10);
    hv_set_state(&w->x, 9, "running");
    hv_set_state(&w->x, 10, "running");
    guest_introduce(&g, h);
    guest_introduce(&g2, h);
    /* The guest holds a watch and an open transaction. */
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "data\0tok", 9, out,
                              sizeof(out)), 0);
    assert_true(guest_recv(&g, &hdr, out, sizeof(out), 5000));
    assert_int_equal(hdr.type, XS_WATCH_EVENT);
    assert_int_equal(guest_op(&g, XS_TRANSACTION_START, 0, "", 1, out,
                              sizeof(out)), 0);

    /* Running: nothing happens. */
    hv_dom_exc(&w->x);
    expect_no_event(w2);
    assert_true(xs_is_domain_introduced(h, 9));

    /* Shut down: announced once, still connected. */
    hv_set_state(&w->x, 9, "shutdown");
    hv_dom_exc(&w->x);
    expect_event(w2, "@releaseDomain", "out");
    expect_no_event(w2);
    hv_dom_exc(&w->x);
    expect_no_event(w2);
    assert_true(xs_is_domain_introduced(h, 9));
    assert_int_equal(guest_write(&g, "data/x", "1"), 0);
    /* Its watch still works (the control for the check below). */
    assert_true(xs_write(h, XBT_NULL, "/local/domain/9/data/w", "0", 1));
    assert_true(guest_recv(&g, &hdr, out, sizeof(out), 5000));
    assert_int_equal(hdr.type, XS_WATCH_EVENT);

    /* Dying: released without any XS_RELEASE. */
    hv_set_state(&w->x, 9, "dying");
    hv_dom_exc(&w->x);
    expect_event(w2, "@releaseDomain", "out");
    expect_no_event(w2);
    assert_false(xs_is_domain_introduced(h, 9));
    assert_true(xs_is_domain_introduced(h, 10));
    /* Its watch went with it: a change under it reaches nobody. */
    assert_true(xs_write(h, XBT_NULL, "/local/domain/9/data/y", "2", 1));
    assert_false(guest_recv(&g, &hdr, out, sizeof(out), 200));
    /* The toolstack's late release: OK, no second event; then unknown. */
    assert_true(xs_release_domain(h, 9));
    expect_no_event(w2);
    expect_fail(xs_release_domain(h, 9), ENOENT);

    /* Gone altogether (getdomaininfo: no such domain): released too. */
    hv_set_state(&w->x, 10, NULL);
    hv_dom_exc(&w->x);
    expect_event(w2, "@releaseDomain", "out");
    assert_false(xs_is_domain_introduced(h, 10));

    /* The id comes back for a new domain: its release is a real one. */
    guest_create(&g3, &w->x, 10);
    hv_set_state(&w->x, 10, "running");
    guest_introduce(&g3, h);
    assert_int_equal(guest_write(&g3, "data/z", "3"), 0);
    assert_true(xs_release_domain(h, 10));
    expect_event(w2, "@releaseDomain", "out");
    expect_no_event(w2);

    guest_destroy(&g);
    guest_destroy(&g2);
    guest_destroy(&g3);
    xs_close(w2);
}

static void test_guest_watch_relative_and_private(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct xs_permissions home = { 4, XS_PERM_NONE };
    struct xsd_sockmsg m;
    struct guest g;
    char buf[256];

    assert_true(xs_mkdir(h, XBT_NULL, "/local/domain/4"));
    assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/4", &home, 1));
    assert_true(xs_write(h, XBT_NULL, "/hidden/x", "1", 1));
    guest_create(&g, &w->x, 4);
    guest_introduce(&g, h);

    assert_int_equal(guest_op(&g, XS_WATCH, 0, "device\0t1", 10, NULL, 0),
                     0);
    /* The registration event follows the reply; paths stay relative. */
    assert_true(guest_recv(&g, &m, buf, sizeof(buf), 5000));
    assert_int_equal(m.type, XS_WATCH_EVENT);
    assert_memory_equal(buf, "device\0t1", 10);
    assert_true(xs_write(h, XBT_NULL, "/local/domain/4/device/vif", "", 0));
    assert_true(guest_recv(&g, &m, buf, sizeof(buf), 5000));
    assert_int_equal(m.type, XS_WATCH_EVENT);
    assert_memory_equal(buf, "device/vif\0t1", 14);

    /* Changes to nodes the guest may not read are not reported. */
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "/hidden\0t2", 11, NULL, 0),
                     0);
    assert_true(guest_recv(&g, &m, buf, sizeof(buf), 5000));
    assert_memory_equal(buf, "/hidden\0t2", 11);
    assert_true(xs_write(h, XBT_NULL, "/hidden/x", "2", 1));
    assert_false(guest_recv(&g, &m, buf, sizeof(buf), 300));
    guest_destroy(&g);
}

/* ---- transactions ---- */
static void test_transactions(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h, *o = xsd_open(&w->x, 0);
    xs_transaction_t t, t2;

    assert_true(xs_write(h, XBT_NULL, "/t/a", "1", 1));

    /* Isolation: writes, removals and listings inside stay inside. */
    t = xs_transaction_start(h);
    assert_true(t != XBT_NULL);
    assert_true(xs_write(h, t, "/t/b", "2", 1));
    assert_true(xs_rm(h, t, "/t/a"));
    expect_read(h, t, "/t/b", "2");
    expect_read_fails(h, t, "/t/a", ENOENT);
    expect_dir(h, t, "/t", "b");
    expect_read(o, XBT_NULL, "/t/a", "1");
    expect_read_fails(o, XBT_NULL, "/t/b", ENOENT);
    expect_dir(o, XBT_NULL, "/t", "a");
    assert_true(xs_transaction_end(h, t, false));
    expect_read(o, XBT_NULL, "/t/b", "2");
    expect_read_fails(o, XBT_NULL, "/t/a", ENOENT);
    expect_fail(xs_transaction_end(h, t, false), ENOENT);

    /* Abort: nothing happened. */
    t = xs_transaction_start(h);
    assert_true(xs_write(h, t, "/t/c", "3", 1));
    assert_true(xs_transaction_end(h, t, true));
    expect_read_fails(o, XBT_NULL, "/t/c", ENOENT);

    /* Conflict: something read was changed meanwhile. */
    t = xs_transaction_start(h);
    expect_read(h, t, "/t/b", "2");
    assert_true(xs_write(h, t, "/t/d", "4", 1));
    assert_true(xs_write(o, XBT_NULL, "/t/b", "changed", 7));
    expect_fail(xs_transaction_end(h, t, false), EAGAIN);
    expect_read_fails(o, XBT_NULL, "/t/d", ENOENT);

    /* ... or something it found absent was created meanwhile. */
    t = xs_transaction_start(h);
    expect_read_fails(h, t, "/t/e", ENOENT);
    assert_true(xs_write(o, XBT_NULL, "/t/e", "5", 1));
    assert_true(xs_write(h, t, "/t/f", "6", 1));
    expect_fail(xs_transaction_end(h, t, false), EAGAIN);

    /* Two transactions on separate nodes both commit. */
    assert_true(xs_write(h, XBT_NULL, "/u/x", "", 0));
    assert_true(xs_write(h, XBT_NULL, "/v/y", "", 0));
    t = xs_transaction_start(h);
    t2 = xs_transaction_start(o);
    assert_true(xs_write(h, t, "/u/x", "1", 1));
    assert_true(xs_write(o, t2, "/v/y", "2", 1));
    assert_true(xs_transaction_end(h, t, false));
    assert_true(xs_transaction_end(o, t2, false));
    expect_read(h, XBT_NULL, "/u/x", "1");
    expect_read(h, XBT_NULL, "/v/y", "2");

    /* Watches fire at commit, not before. */
    assert_true(xs_watch(o, "/u", "u"));
    expect_event(o, "/u", "u");
    t = xs_transaction_start(h);
    assert_true(xs_write(h, t, "/u/x", "9", 1));
    expect_no_event(o);
    assert_true(xs_transaction_end(h, t, false));
    expect_event(o, "/u/x", "u");

    /* Unknown transaction ids; another connection's ids are unknown. */
    expect_read_fails(h, 777, "/u/x", ENOENT);
    t = xs_transaction_start(h);
    expect_read_fails(o, t, "/u/x", ENOENT);
    assert_true(xs_transaction_end(h, t, true));
    xs_close(o);
}

/* ---- xs_write_batch ---- */
static void test_write_batch(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h, *o = xsd_open(&w->x, 0);
    struct xs_permissions guest[2] = {
        { .id = 0, .perms = XS_PERM_NONE }, { .id = 5, .perms = XS_PERM_READ },
    };
    struct xs_batch_op ops[] = {
        { "/b/dom", "", 0, guest, 2 },
        { "/b/dom/name", "web", 3, NULL, 0 },
        { "/b/dom/bad path!", "x", 1, NULL, 0 },
        { "/b/dom/mem", "512", 3, NULL, 0 },
        { "/b/dom/mem", NULL, 0, guest, 1 },
    };
    struct xs_permissions *p;
    xs_transaction_t t;
    unsigned int failed = 99, n;

    /* In a transaction, on a socket: pipelined; the bad path fails, the
     * others are made, and the stream stays in step. */
    t = xs_transaction_start(h);
    assert_true(t != XBT_NULL);
    errno = 0;
    assert_false(xs_write_batch(h, t, ops, 5, &failed));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(failed, 2);
    expect_read(h, t, "/b/dom/name", "web");
    assert_true(xs_transaction_end(h, t, false));
    expect_read(o, XBT_NULL, "/b/dom/name", "web");
    expect_read(o, XBT_NULL, "/b/dom/mem", "512");
    p = xs_get_permissions(o, XBT_NULL, "/b/dom/name", &n);
    assert_non_null(p);
    assert_int_equal(n, 2);
    assert_int_equal(p[1].id, 5);
    free(p);
    p = xs_get_permissions(o, XBT_NULL, "/b/dom/mem", &n);
    assert_non_null(p);
    assert_int_equal(n, 1);
    free(p);

    /* All good: true; many more than one socket read's worth. */
    {
        struct xs_batch_op many[300];
        char paths[300][32];
        unsigned int i;

        for ( i = 0; i < 300; i++ )
        {
            snprintf(paths[i], sizeof(paths[i]), "/b/many/%u", i);
            many[i] = (struct xs_batch_op){ paths[i], paths[i],
                                            strlen(paths[i]), NULL, 0 };
        }
        assert_true(xs_write_batch(h, XBT_NULL, many, 300, NULL));
        expect_read(o, XBT_NULL, "/b/many/299", "/b/many/299");
    }

    /* With watches (a reader thread owns the socket): one by one, same
     * result. */
    assert_true(xs_watch(o, "/b/w", "w"));
    expect_event(o, "/b/w", "w");
    failed = 99;
    ops[0].path = "/b/w";
    ops[1].path = "/b/w/name";
    ops[3].path = "/b/w/mem";
    ops[4].path = "/b/w/mem";
    assert_false(xs_write_batch(o, XBT_NULL, ops, 5, &failed));
    assert_int_equal(failed, 2);
    expect_read(h, XBT_NULL, "/b/w/mem", "512");
    xs_close(o);
}

/* ---- quotas ---- */
static void test_quotas(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct xs_permissions home = { 6, XS_PERM_NONE };
    struct guest g;

    assert_true(xs_mkdir(h, XBT_NULL, "/local/domain/6"));
    assert_true(xs_set_permissions(h, XBT_NULL, "/local/domain/6", &home, 1));
    guest_create(&g, &w->x, 6);
    guest_introduce(&g, h);

    /* --entry-size 16 */
    assert_int_equal(guest_write(&g, "v", "0123456789abcdef"), 0);
    assert_int_equal(guest_write(&g, "v", "0123456789abcdefg"), ENOSPC);
    /* --entry-nb 4: it owns its home and v; two more, then no more. */
    assert_int_equal(guest_write(&g, "a", ""), 0);
    assert_int_equal(guest_write(&g, "b", ""), 0);
    assert_int_equal(guest_write(&g, "c", ""), ENOSPC);
    assert_int_equal(guest_write(&g, "x/y/z", ""), ENOSPC);
    /* Removing frees its share; dom0 has no such limits. */
    assert_int_equal(guest_str_op(&g, XS_RM, "a", NULL, 0), 0);
    assert_int_equal(guest_write(&g, "c", ""), 0);
    assert_true(xs_write(h, XBT_NULL, "/local/domain/6/dom0/1", "", 0));
    assert_true(xs_write(h, XBT_NULL, "/big", "0123456789abcdefXYZ", 19));
    /* The refusals were explained in the log, naming the option. */
    {
        char path[128], line[512];
        FILE *f;
        bool size = false, count = false;

        snprintf(path, sizeof(path), "%s/xenstored.log", w->x.dir);
        f = fopen(path, "r");
        assert_non_null(f);
        while ( fgets(line, sizeof(line), f) )
        {
            size |= strstr(line, "dom6: write of 17 bytes") &&
                    strstr(line, "--entry-size");
            count |= strstr(line, "dom6: creating") &&
                     strstr(line, "--entry-nb");
        }
        fclose(f);
        assert_true(size);
        assert_true(count);
    }
    guest_destroy(&g);
}

static int setup_quota2(void **state)
{
    return setup_with(state, "--watch-nb", "2", "--transaction", "1");
}

static void test_quota_watches_transactions(void **state)
{
    struct world *w = *state;
    struct xs_handle *h = w->h;
    struct guest g;
    struct xsd_sockmsg m;
    char buf[256];
    xs_transaction_t t1, t2;

    guest_create(&g, &w->x, 8);
    guest_introduce(&g, h);
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "/a\0t", 5, NULL, 0), 0);
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "/b\0t", 5, NULL, 0), 0);
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "/c\0t", 5, NULL, 0), E2BIG);
    assert_int_equal(guest_op(&g, XS_UNWATCH, 0, "/a\0t", 5, NULL, 0), 0);
    assert_int_equal(guest_op(&g, XS_WATCH, 0, "/c\0t", 5, NULL, 0), 0);

    assert_int_equal(guest_op(&g, XS_TRANSACTION_START, 0, "", 1, buf,
                              sizeof(buf)), 0);
    assert_int_equal(guest_op(&g, XS_TRANSACTION_START, 0, "", 1, NULL, 0),
                     ENOSPC);
    assert_int_equal(guest_op(&g, XS_TRANSACTION_END, atoi(buf), "F", 2,
                              NULL, 0), 0);
    assert_int_equal(guest_op(&g, XS_TRANSACTION_START, 0, "", 1, NULL, 0),
                     0);
    while ( guest_recv(&g, &m, buf, sizeof(buf), 100) )
        ;
    /* Dom0 is not limited. */
    t1 = xs_transaction_start(h);
    t2 = xs_transaction_start(h);
    assert_true(t1 && t2 && t1 != t2);
    assert_true(xs_transaction_end(h, t1, true));
    assert_true(xs_transaction_end(h, t2, true));
    guest_destroy(&g);
}

/* ---- malformed input ---- */
static void test_malformed_socket(void **state)
{
    struct world *w = *state;
    int fd = raw_connect(&w->x);
    struct xsd_sockmsg m;
    char body[8192];
    static char junk[5000];

    /* Payload longer than the protocol allows: E2BIG, stream kept. */
    raw_send(fd, XS_WRITE, 1, 0, junk, sizeof(junk));
    raw_recv(fd, &m, body, sizeof(body));
    assert_int_equal(m.type, XS_ERROR);
    assert_int_equal(m.req_id, 1);
    assert_string_equal(body, "E2BIG");

    /* No NUL at the end of the path. */
    raw_send(fd, XS_READ, 2, 0, "/tool", 5);
    raw_recv(fd, &m, body, sizeof(body));
    assert_int_equal(m.type, XS_ERROR);
    assert_string_equal(body, "EINVAL");

    /* WRITE without the NUL between path and value. */
    raw_send(fd, XS_WRITE, 3, 0, "/x", 2);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");

    /* Empty payloads, extra arguments, unknown types, bad numbers. */
    raw_send(fd, XS_READ, 4, 0, NULL, 0);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");
    raw_send(fd, XS_READ, 5, 0, "/a\0/b", 6);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");
    raw_send(fd, 99, 6, 0, "x", 2);
    raw_recv(fd, &m, body, sizeof(body));
    assert_int_equal(m.type, XS_ERROR);
    assert_string_equal(body, "ENOSYS");
    raw_send(fd, XS_INTRODUCE, 7, 0, "x\0" "1\0" "2", 6);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");
    raw_send(fd, XS_GET_DOMAIN_PATH, 8, 0, "-1", 3);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");
    raw_send(fd, XS_TRANSACTION_END, 9, 0, "T", 2);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "ENOENT");
    raw_send(fd, XS_SET_PERMS, 10, 0, "/tool\0q1", 9);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");
    raw_send(fd, XS_SET_PERMS, 11, 0, "/tool", 6);
    raw_recv(fd, &m, body, sizeof(body));
    assert_string_equal(body, "EINVAL");

    /* A header cut in two writes still parses; the reply echoes ids. */
    {
        struct xsd_sockmsg h = { XS_READ, 42, 0, 6 };

        assert_int_equal(write(fd, &h, 7), 7);
        assert_int_equal(write(fd, (char *)&h + 7, sizeof(h) - 7),
                         sizeof(h) - 7);
        assert_int_equal(write(fd, "/tool", 6), 6);
        raw_recv(fd, &m, body, sizeof(body));
        assert_int_equal(m.type, XS_READ);
        assert_int_equal(m.req_id, 42);
        assert_int_equal(m.len, 0);
    }

    /* Half a message, then hang up: the daemon carries on. */
    raw_send(fd, XS_WRITE, 12, 0, NULL, 0);
    close(fd);
    fd = raw_connect(&w->x);
    {
        struct xsd_sockmsg h = { XS_WRITE, 1, 0, 100 };

        assert_int_equal(write(fd, &h, sizeof(h)), sizeof(h));
        assert_int_equal(write(fd, "/y", 2), 2);
    }
    close(fd);
    expect_read(w->h, XBT_NULL, "/tool", "");
    assert_true(xsd_alive(&w->x));
}

/* A client that sends but does not read is throttled, not fatal. */
static void test_slow_reader(void **state)
{
    struct world *w = *state;
    static char val[4000], body[8192];
    struct xsd_sockmsg m;
    int fd, i, n = 600;

    memset(val, 'v', sizeof(val));
    assert_true(xs_write(w->h, XBT_NULL, "/v", val, sizeof(val)));
    fd = raw_connect(&w->x);
    {
        /* One write: the requests sit in the socket even while the
         * daemon stops reading this client. */
        size_t one = sizeof(struct xsd_sockmsg) + 3;
        char *req = malloc(n * one);

        assert_non_null(req);
        for ( i = 0; i < n; i++ )
        {
            struct xsd_sockmsg h = { XS_READ, i, 0, 3 };

            memcpy(req + i * one, &h, sizeof(h));
            memcpy(req + i * one + sizeof(h), "/v", 3);
        }
        assert_int_equal(send(fd, req, n * one, 0), n * one);
        free(req);
    }
    /* 2.4 MB of replies are due; the daemon still serves others. */
    expect_read(w->h, XBT_NULL, "/tool", "");
    for ( i = 0; i < n; i++ )
    {
        raw_recv(fd, &m, body, sizeof(body));
        assert_int_equal(m.req_id, i);
        assert_int_equal(m.len, sizeof(val));
    }
    close(fd);
    assert_true(xsd_alive(&w->x));
}

static void test_readonly_socket(void **state)
{
    struct world *w = *state;
    struct xs_handle *ro = xsd_open(&w->x, XS_OPEN_READONLY);

    assert_true(xs_write(w->h, XBT_NULL, "/r", "1", 1));
    expect_read(ro, XBT_NULL, "/r", "1");
    expect_fail(xs_write(ro, XBT_NULL, "/r", "2", 1), EROFS);
    expect_fail(xs_rm(ro, XBT_NULL, "/r"), EROFS);
    expect_fail(xs_introduce_domain(ro, 3, 1, 1), EROFS);
    xs_close(ro);
}

static void test_malformed_ring(void **state)
{
    struct world *w = *state;
    struct guest g, g2;
    struct xsd_sockmsg m;
    char buf[256];
    static char junk[6000];

    guest_create(&g, &w->x, 11);
    guest_introduce(&g, w->h);
    /* An oversized message on the ring: E2BIG, the ring stays in step. */
    guest_send(&g, XS_WRITE, 0, junk, sizeof(junk));
    assert_true(guest_recv(&g, &m, buf, sizeof(buf), 5000));
    assert_int_equal(m.type, XS_ERROR);
    assert_string_equal(buf, "E2BIG");
    assert_int_equal(guest_str_op(&g, XS_GET_DOMAIN_PATH, "11", buf,
                                  sizeof(buf)), 0);
    assert_string_equal(buf, "/local/domain/11");

    /* Corrupt indexes: the daemon stops using that ring, flags the error
     * on it, and serves everybody else. */
    g.intf->req_prod = g.intf->req_cons + 5000;
    guest_send(&g, XS_READ, 0, "/", 2);
    guest_create(&g2, &w->x, 12);
    guest_introduce(&g2, w->h);
    assert_int_equal(guest_str_op(&g2, XS_GET_DOMAIN_PATH, "12", buf,
                                  sizeof(buf)), 0);
    assert_int_equal(g.intf->error, XENSTORE_ERROR_RINGIDX);
    /* More kicks on the broken ring: said once in the log, not each. */
    guest_send(&g, XS_READ, 0, "/", 2);
    guest_send(&g, XS_READ, 0, "/", 2);
    assert_int_equal(guest_str_op(&g2, XS_GET_DOMAIN_PATH, "12", buf,
                                  sizeof(buf)), 0);
    {
        char path[128], line[512];
        FILE *f;
        int n = 0;

        snprintf(path, sizeof(path), "%s/xenstored.log", w->x.dir);
        f = fopen(path, "r");
        assert_non_null(f);
        while ( fgets(line, sizeof(line), f) )
            n += strstr(line, "dom11: request ring indexes are corrupt")
                 != NULL;
        fclose(f);
        assert_int_equal(n, 1);
    }
    expect_read(w->h, XBT_NULL, "/tool", "");
    assert_true(xsd_alive(&w->x));
    guest_destroy(&g);
    guest_destroy(&g2);
}

static void test_daemon_gone(void **state)
{
    struct world *w = *state;
    int st;

    st = xsd_stop(&w->x);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* The library reports it, it does not hang. */
    expect_read_fails(w->h, XBT_NULL, "/tool", ECONNRESET);
    xs_close(w->h);
    w->h = NULL;
    assert_null(xs_open(XS_OPEN_SOCKETONLY));
    /* The daemon removed its sockets. */
    assert_int_not_equal(access(w->x.sock, F_OK), 0);
    /* Restart for teardown's own check. */
    xsd_start(&w->x, NULL);
}

/* ---- the tools ---- */
static void test_tools(void **state)
{
    struct world *w = *state;
    char *out, *err;

    assert_int_equal(run_tool(&w->x, NULL, NULL, "write",
                              "/local/domain/1/name", "vm1",
                              "/local/domain/1/esc", "a\\tb\\\\c\\001",
                              NULL), 0);
    assert_int_equal(run_tool(&w->x, &out, NULL, "ls", NULL), 0);
    assert_string_equal(out,
        "tool = \"\"\n"
        " xenstored = \"\"\n"
        "local = \"\"\n"
        " domain = \"\"\n"
        "  1 = \"\"\n"
        "   name = \"vm1\"\n"
        "   esc = \"a\\tb\\\\c\\001\"\n");
    free(out);
    /* The value really holds the tab, backslash and \001. */
    {
        unsigned int len;
        char *v = xs_read(w->h, XBT_NULL, "/local/domain/1/esc", &len);

        assert_int_equal(len, 6);
        assert_memory_equal(v, "a\tb\\c\001", 6);
        free(v);
    }
    assert_int_equal(run_tool(&w->x, &out, NULL, "ls", "-f", "/local",
                              NULL), 0);
    assert_string_equal(out,
        "/local/domain = \"\"\n"
        "/local/domain/1 = \"\"\n"
        "/local/domain/1/name = \"vm1\"\n"
        "/local/domain/1/esc = \"a\\tb\\\\c\\001\"\n");
    free(out);

    assert_int_equal(run_tool(&w->x, &out, NULL, "read", "-p",
                              "/local/domain/1/name", NULL), 0);
    assert_string_equal(out, "/local/domain/1/name: vm1\n");
    free(out);
    /* Several keys: one transaction, output printed once at commit;
     * a missing key fails the lot and prints nothing. */
    assert_int_equal(run_tool(&w->x, &out, NULL, "read", "-p",
                              "/local/domain/1/name", "/local/domain/1",
                              NULL), 0);
    assert_string_equal(out, "/local/domain/1/name: vm1\n"
                             "/local/domain/1: \n");
    free(out);
    assert_int_equal(run_tool(&w->x, &out, NULL, "read",
                              "/local/domain/1/name", "/nope", NULL), 1);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(run_tool(&w->x, &out, &err, "read", "/nope", NULL), 1);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "/nope"));
    assert_non_null(strstr(err, "ENOENT"));
    free(out);
    free(err);

    assert_int_equal(run_tool(&w->x, &out, NULL, "list", "/local/domain/1",
                              NULL), 0);
    assert_string_equal(out, "name\nesc\n");
    free(out);
    assert_int_equal(run_tool(&w->x, &out, NULL, "list", "-p",
                              "/local/domain/1", NULL), 0);
    assert_string_equal(out, "/local/domain/1/name\n/local/domain/1/esc\n");
    free(out);

    assert_int_equal(run_tool(&w->x, NULL, NULL, "exists", "/local", NULL),
                     0);
    assert_int_equal(run_tool(&w->x, NULL, NULL, "exists", "/nope", NULL),
                     1);

    assert_int_equal(run_tool(&w->x, NULL, NULL, "chmod", "-r",
                              "/local/domain/1", "n1", "r2", NULL), 0);
    assert_int_equal(run_tool(&w->x, &out, NULL, "ls", "-p", "/local/domain",
                              NULL), 0);
    assert_string_equal(out,
        "1 = \"\" . . . . . . . . . . . . . . . . . . . . . . . . . . .  "
        "(n1,r2)\n"
        " name = \"vm1\"  . . . . . . . . . . . . . . . . . . . . . . .  "
        "(n1,r2)\n"
        " esc = \"a\\tb\\\\c\\001\" "
        ". . . . . . . . . . . . . . . . . . . .  (n1,r2)\n");
    free(out);
    assert_int_equal(run_tool(&w->x, NULL, &err, "chmod", "/local", "q1",
                              NULL), 1);
    assert_non_null(strstr(err, "q1"));
    free(err);

    /* watch -n 1: the registration event, then exit. */
    assert_int_equal(run_tool(&w->x, &out, NULL, "watch", "-n", "1",
                              "/local/domain/1", NULL), 0);
    assert_string_equal(out, "/local/domain/1\n");
    free(out);

    /* rm -t removes parents left empty. */
    assert_int_equal(run_tool(&w->x, NULL, NULL, "write", "/p/q/r", "1",
                              NULL), 0);
    assert_int_equal(run_tool(&w->x, NULL, NULL, "rm", "-t", "/p/q/r",
                              NULL), 0);
    expect_read_fails(w->h, XBT_NULL, "/p", ENOENT);
    assert_int_equal(run_tool(&w->x, NULL, NULL, "rm", "/local/domain/1",
                              NULL), 0);
    expect_read_fails(w->h, XBT_NULL, "/local/domain/1/name", ENOENT);

    /* Long values are cut at 80 columns like Xen's ls (not a tty). */
    {
        char big[201];

        memset(big, 'v', 200);
        big[200] = '\0';
        assert_true(xs_write(w->h, XBT_NULL, "/long", big, 200));
        assert_int_equal(run_tool(&w->x, &out, NULL, "ls", "/", NULL), 0);
        assert_non_null(strstr(out, "long = \"vvvv"));
        assert_non_null(strstr(out, "v\\...\"\n"));
        assert_true(strlen(strstr(out, "long = ")) < 82);
        free(out);
    }

    /* Usage errors and a missing daemon. */
    assert_int_equal(run_tool(&w->x, NULL, NULL, "write", "/odd", NULL), 1);
    xsd_stop(&w->x);
    assert_int_equal(run_tool(&w->x, NULL, &err, "read", "-s", "/x", NULL),
                     1);
    assert_non_null(strstr(err, "could not connect to xenstored"));
    free(err);
    xs_close(w->h);
    w->h = NULL;
    xsd_start(&w->x, NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permissions_strings),
        cmocka_unit_test_setup_teardown(test_read_write_mkdir_rm, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_guest_permissions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_introduce_rules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lost_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_wraps_and_big_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_watches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_watches, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dying_domains, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_guest_watch_relative_and_private,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotas, setup_quota, teardown),
        cmocka_unit_test_setup_teardown(test_quota_watches_transactions,
                                        setup_quota2, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_socket, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_slow_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_socket, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_malformed_ring, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_daemon_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools, setup, teardown),
    };

    /* harness.c runs the daemon as this program under XS_TEST_DAEMON. */
    if ( getenv("XS_TEST_DAEMON") )
    {
        unsetenv("XS_TEST_DAEMON");
        return xenstored_main(argc, argv);
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
