/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake hypervisor behind xend_hv_ops.  Its state lives in a shared
 * anonymous mapping made before xend is forked, so the test sees (and
 * changes) what xend does, and a restarted xend finds the same domains.
 */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include "xend.h"

#define FAKE_MAX_DOMS 16

struct fake_dom {
    bool used;
    struct xend_dominfo info;
    char kernel[256], cmdline[512];
    uint64_t maxmem_kib;
    uint64_t cpumap[4];
};

struct fake_hv {
    uint64_t total_pages, free_pages;
    uint32_t next_domid;
    struct fake_dom doms[FAKE_MAX_DOMS];
    char ring_dir[128];         /* xenstored's --fake-rings directory */
    char fail_op[32];           /* this operation fails with EIO */
    char console[256];
    unsigned int creates, destroys;
    int event_pipe[2];          /* VIRQ_DOM_EXC */
};

extern const struct xend_hv_ops fake_hv_ops;
/* A new fake (shared mapping) with dom0 of dom0_mb and free_mb free. */
struct fake_hv *fake_hv_new(const char *ring_dir, unsigned int dom0_mb,
                            unsigned int free_mb);
void fake_hv_free(struct fake_hv *f);
struct fake_dom *fake_find(struct fake_hv *f, uint32_t domid);
unsigned int fake_count(struct fake_hv *f);
/* The guest shuts down for reason (and dom0 gets VIRQ_DOM_EXC). */
void fake_guest_shutdown(struct fake_hv *f, uint32_t domid,
                         unsigned int reason);

#endif
