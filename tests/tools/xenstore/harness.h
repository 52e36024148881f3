/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test harness for xenstored: runs the daemon (xenstored_main) in a
 * forked child on a private socket directory with the fake-rings
 * backend, fakes guests whose store page is a shared file, and runs the
 * xenstore-* tools in a child with their output captured.
 */
#ifndef XS_TEST_HARNESS_H
#define XS_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xenstore.h"

struct xsd
{
    char dir[64];
    char sock[96];
    pid_t pid;
};

/* Start xenstored with extra options (NULL-terminated); fails the test
 * if its socket does not accept within 10 s. */
void xsd_start(struct xsd *x, ...);
/* SIGTERM, wait (bounded); returns the daemon's exit status. */
int xsd_stop(struct xsd *x);
/* Is the daemon process still running? */
bool xsd_alive(const struct xsd *x);
/* A handle on the daemon's socket (fails the test if none). */
struct xs_handle *xsd_open(struct xsd *x, unsigned long flags);

/* A raw socket connection, for malformed messages. */
int raw_connect(struct xsd *x);
void raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *payload, uint32_t len);
/* Reads one reply (5 s bound); returns payload length, body NUL-ended. */
uint32_t raw_recv(int fd, struct xsd_sockmsg *hdr, char *body, size_t max);

/* A fake guest: its ring page is <dir>/ring-<mfn>, events are datagrams. */
struct guest
{
    struct xsd *x;
    unsigned int domid, port;
    unsigned long mfn;
    struct xenstore_domain_interface *intf;
    int fd;
    uint32_t req_id;
};

void guest_create(struct guest *g, struct xsd *x, unsigned int domid);
void guest_destroy(struct guest *g);
/* Introduce it through dom0's handle. */
void guest_introduce(struct guest *g, struct xs_handle *dom0);
/* Put raw bytes on the request ring (waits for room) and kick. */
void guest_put(struct guest *g, const void *data, size_t len);
void guest_send(struct guest *g, uint32_t type, uint32_t tx_id,
                const void *payload, uint32_t len);
/* Next message from the response ring (5 s bound, false on timeout). */
bool guest_recv(struct guest *g, struct xsd_sockmsg *hdr, char *body,
                size_t max, int timeout_ms);
/* Request/reply helpers; return 0 or the errno named by an ERROR reply.
 * Watch events met on the way are counted in *events if non-NULL. */
int guest_op(struct guest *g, uint32_t type, uint32_t tx_id,
             const void *payload, uint32_t len, char *out, size_t max);
int guest_read(struct guest *g, const char *path, char *out, size_t max);
int guest_write(struct guest *g, const char *path, const char *val);
int guest_str_op(struct guest *g, uint32_t type, const char *arg,
                 char *out, size_t max);

/* The fake hypervisor: what getdomaininfo says of domid ("running",
 * "shutdown", "crashed", "dying"; NULL: no such domain any more). */
void hv_set_state(struct xsd *x, unsigned int domid, const char *state);
/* Raise VIRQ_DOM_EXC towards the daemon. */
void hv_dom_exc(struct xsd *x);

/* Run xenstore-<cmd> with args (NULL-terminated) in a child; its stdout
 * goes to *out (malloc'd), the exit status is returned. */
int run_tool(struct xsd *x, char **out, char **err, const char *cmd, ...);

#endif
