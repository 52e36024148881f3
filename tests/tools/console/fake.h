/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake platform for xenconsoled's core: an in-memory xenstore with
 * watches (a pipe readable while events wait, as xs_fileno), console
 * pages in our own memory, event channels whose notifications are port
 * numbers written into a pipe.
 */
#ifndef FAKE_H
#define FAKE_H

#include "consd.h"

#define FAKE_NODES   256
#define FAKE_EVENTS  256
#define FAKE_WATCHES 8
#define FAKE_PORTS   64
#define FAKE_DOMS    8

struct fake_dom {
    unsigned int domid;
    uint64_t gfn;
    struct cons_ring *page;         /* 4 KiB, owned by the fake */
    int mapped;                     /* current mappings */
};

struct fake {
    struct { char *path, *value; } nodes[FAKE_NODES];
    unsigned int nr_nodes;
    struct { char *path, *token; } watches[FAKE_WATCHES];
    unsigned int nr_watches;
    char *events[FAKE_EVENTS][2];
    unsigned int ev_head, ev_tail;
    int watch_pipe[2];
    unsigned int directory_calls;
    unsigned int read_calls;        /* xs_read, any path */
    char last_read[128];

    struct fake_dom doms[FAKE_DOMS];
    unsigned int maps, unmaps, map_failures;

    int evtchn_pipe[2];
    int next_port;
    int bound[FAKE_PORTS];          /* domid, or -1 */
    unsigned int notifies[FAKE_PORTS];
    unsigned int binds, unbinds, unmasks;

    bool dying[FAKE_PORTS];         /* by domid: getdomaininfo's answer */
    unsigned int dom_state_calls;
};

extern const struct cons_ops fake_ops;

void fake_init(struct fake *f);
void fake_fini(struct fake *f);
/* A guest's console page, available for mapping at gfn. */
struct cons_ring *fake_add_page(struct fake *f, unsigned int domid,
                                uint64_t gfn);
void fake_xs_write(struct fake *f, const char *path, const char *value);
/* The node's value (owned by the fake) or NULL. */
const char *fake_xs_get(struct fake *f, const char *path);
/* Remove path and all below it, firing watches. */
void fake_xs_rm(struct fake *f, const char *path);
/* Fire watches on a special path (@releaseDomain...). */
void fake_xs_fire(struct fake *f, const char *path);
/* The guest notifies its end of the channel bound to local port. */
void fake_guest_notify(struct fake *f, int local_port);
/* The local port bound for domid, or -1. */
int fake_port_of(struct fake *f, unsigned int domid);

/* The guest side of the ring. */
size_t guest_put(struct cons_ring *r, const char *s, size_t n);
size_t guest_get(struct cons_ring *r, char *buf, size_t n);

#endif
