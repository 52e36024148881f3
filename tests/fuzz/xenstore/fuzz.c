/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstored's request handling as untrusted input.  The first byte picks
 * the client: dom0 on a unix socket (privileged) or guest domain 5 on a
 * ring (unprivileged); the rest is fed to the daemon as the bytes that
 * client sent, in two chunks split where the second byte says so.  Any
 * crash, sanitizer report or leak is a bug; each input starts from a
 * fresh store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xenstored.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t discard(void *d, const char *buf, size_t len)
{
    return len;     /* a guest that reads everything at once */
}

static const struct ring_ops sink = { .write = discard };

static char dir[] = "/tmp/fuzz-xenstore-XXXXXX";

static void cleanup(void)
{
    domain_fini();      /* removes the backend's socket */
    rmdir(dir);
}

static void once(void)
{
    static int done;

    if ( done )
        return;
    done = 1;
    xsd_log_to(fopen("/dev/null", "w"));
    /* Rings that INTRODUCE asks for do not exist: it fails cleanly. */
    if ( !mkdtemp(dir) || domain_init(backend_fake_open(dir), false) )
        abort();
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conn *c;
    int sv[2] = { -1, -1 };
    char buf[65536];
    size_t split;

    once();
    if ( size < 2 )
        return 0;
    store_init();
    if ( data[0] & 1 )
        c = conn_new_ring(5, NULL, &sink);
    else
    {
        if ( socketpair(AF_UNIX, SOCK_STREAM, 0, sv) )
            abort();
        c = conn_new_socket(sv[0], false);
    }
    if ( !c )
        abort();
    split = data[1] % (size - 1);
    conn_feed(c, (const char *)data + 2, split);
    conn_feed(c, (const char *)data + 2 + split, size - 2 - split);
    conn_free(c);
    if ( sv[1] >= 0 )
    {
        while ( recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0 )
            ;
        close(sv[1]);
    }
    store_fini();
    return 0;
}
