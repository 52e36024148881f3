/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstored internals: the node store with transactions, connections
 * (unix sockets and domain rings), watches, domains, and the backend
 * that reaches guests' ring pages and event channels.
 */
#ifndef KEEL_XENSTORED_H
#define KEEL_XENSTORED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xenstore.h"

/* ---- logging (xenstored_core.c) ---- */
void xsd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where xsd_log() writes when the daemon's main did not open a log. */
void xsd_log_to(FILE *f);
extern FILE *xsd_trace_file;

/* ---- the store (xenstored_store.c) ---- */
struct node
{
    char *path;
    char *value;
    unsigned int vlen;
    struct xs_permissions *perms;       /* perms[0] is the owner */
    unsigned int nperms;
    char **children;                    /* names, in creation order */
    unsigned int nchildren;
    uint64_t gen;                       /* changes on every update */
};

struct txn;
struct conn;

struct quota
{
    unsigned int entry_nb;      /* nodes a domain may own */
    unsigned int entry_size;    /* bytes of a node's value */
    unsigned int watch_nb;      /* watches of a domain */
    unsigned int transaction;   /* open transactions of a domain */
};
extern struct quota xsd_quota;

void store_init(void);
void store_fini(void);
unsigned int store_count_owned(unsigned int domid);

/* Lookups and updates through a transaction (NULL: the live tree). */
const struct node *st_get(struct txn *t, const char *path);
int st_write(struct conn *c, struct txn *t, const char *path,
             const char *value, unsigned int vlen, bool only_mkdir);
int st_rm(struct conn *c, struct txn *t, const char *path);
int st_set_perms(struct conn *c, struct txn *t, const char *path,
                 const struct xs_permissions *perms, unsigned int n);
unsigned int perm_for(const struct conn *c, const struct node *n);
unsigned int perms_for(const struct conn *c,
                       const struct xs_permissions *perms, unsigned int np);

struct txn *txn_new(struct conn *c, uint32_t id);
struct txn *txn_find(struct conn *c, uint32_t id);
/* Commit (or abort) and free; EAGAIN on a conflict. */
int txn_end(struct txn *t, bool commit);
void txn_free_all(struct conn *c);
unsigned int txn_count(struct conn *c);

/* ---- watches (xenstored_core.c) ---- */
/* A change at path; recursive when a subtree went away. */
void fire_watches(const char *path, bool recursive,
                  const struct xs_permissions *perms, unsigned int nperms);
void fire_special(const char *name);

/* ---- connections (xenstored_core.c) ---- */
struct ring_ops;
struct conn *conn_new_socket(int fd, bool readonly);
struct conn *conn_new_ring(unsigned int domid, void *ring_data,
                           const struct ring_ops *ops);
void conn_free(struct conn *c);
/* Mark for closing; the main loop frees it. */
void conn_kill(struct conn *c);
unsigned int conn_domid(const struct conn *c);
bool conn_privileged(const struct conn *c);
/* Bytes arrived (socket) or the ring moved: parse and process them. */
void conn_feed(struct conn *c, const char *data, size_t len);
/* Flush queued output towards the peer. */
void conn_flush(struct conn *c);
bool conn_has_output(const struct conn *c);
/* False while its unread output is over the limit (back-pressure). */
bool conn_wants_input(const struct conn *c);
bool conn_is_dead(const struct conn *c);

/* How a ring connection moves bytes (the domain code provides it). */
struct ring_ops
{
    /* Copy up to len bytes into the response ring; returns bytes taken. */
    size_t (*write)(void *data, const char *buf, size_t len);
};

/* ---- domains (xenstored_domain.c) ---- */
struct backend
{
    const char *name;
    /* A pollable fd that becomes readable when event channels fire. */
    int (*fd)(void);
    void *(*map_ring)(unsigned int domid, unsigned long mfn);
    void (*unmap_ring)(void *page);
    /* Bind to the guest's unbound port; returns our local port or -1. */
    int (*bind)(unsigned int domid, unsigned int remote_port);
    void (*unbind)(int local_port);
    void (*notify)(int local_port);
    /* The next local port with a pending event, -1 when there is none. */
    int (*pending)(void);
    /* Dom0's own xenbus page and port from its kernel, or NULL. */
    void *(*dom0_ring)(unsigned int *remote_port);
    /* Bind VIRQ_DOM_EXC (a domain shut down or died); local port or -1. */
    int (*bind_dom_exc)(void);
    /* What the hypervisor says of a domain now: DOM_*, or -1 (errno)
     * when it cannot be asked. */
    int (*domain_state)(unsigned int domid);
    void (*close)(void);
};

/* domain_state's answers (Xen's getdomaininfo flags, reduced). */
#define DOM_RUNNING  0          /* alive, not shut down */
#define DOM_SHUTDOWN 1          /* shut down or crashed, not destroyed */
#define DOM_DYING    2          /* being destroyed, a zombie, or gone */

/* xenstored_xc.c: domain_state through libxc's getdomaininfo. */
int xen_domain_state(unsigned int domid);
void xen_domain_state_close(void);

extern const struct backend backend_xen;
struct backend *backend_fake_open(const char *dir);

int domain_init(const struct backend *be, bool dom0_from_kernel);
void domain_fini(void);
int domain_backend_fd(void);
void domain_handle_events(void);
bool domain_any_introduced(void);
void domain_sweep(void);
int domain_introduce(unsigned int domid, unsigned long mfn,
                     unsigned int port);
int domain_release(unsigned int domid);
bool domain_is_introduced(unsigned int domid);
int domain_resume(unsigned int domid);
/* A ring connection is going away (e.g. after RELEASE). */
void domain_conn_gone(struct conn *c);
/*
 * Ask the hypervisor about every introduced domain (on VIRQ_DOM_EXC):
 * a shut-down one fires @releaseDomain once; a dying or vanished one is
 * released as by XS_RELEASE (connection, watches and transactions gone,
 * @releaseDomain fired).
 */
void domain_check_all(void);

/* ---- the daemon (xenstored_core.c) ---- */
int xenstored_main(int argc, char **argv);

#endif /* KEEL_XENSTORED_H */
