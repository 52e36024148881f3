/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xend's domain table, shared by domains.c and rpc.c. */
#ifndef KEEL_XEND_PRIV_H
#define KEEL_XEND_PRIV_H

#include <pthread.h>

#include "xend.h"

struct xs_handle;
struct xmlrpc_server;

struct xdom {
    bool used;
    int32_t domid;              /* -1: not running (a stopped managed one) */
    char name[XEND_NAME_MAX];
    char uuid[37];
    struct sxp *config;         /* the (vm ...) it was created from */
    struct xend_vmcfg cfg;      /* NULL-free parts used even if !config */
    bool have_cfg;
    bool managed;               /* xm new: config under domains_dir */
    bool handled;               /* its shutdown was dealt with (preserve) */
    long target_mb;             /* memory/target as set */
    unsigned int restart_count;
    double restart_times[XEND_RESTART_MAX];
    double start_time;
    uint64_t console_pfn, store_pfn;
};

struct xend {
    pthread_mutex_t lock;
    const struct xend_hv_ops *ops;
    void *hv;
    struct kcfg_xend *xcfg;
    struct xs_handle *xs;
    struct xs_handle *xs_watch;
    struct xmlrpc_server *srv;
    char socket[256];
    char domains_dir[256];
    char kernel_cache[256];
    bool have_kernel_cache;
    struct xdom doms[XEND_MAX_DOMS];
    int stop_pipe[2];
    pthread_t watcher;
    bool watcher_started;
    double boot_time;
};

#define FAIL(f, c, ...) \
    do { (f)->code = (c); \
         snprintf((f)->msg, sizeof((f)->msg), __VA_ARGS__); } while ( 0 )

double xend_now(void);

/* Everything below: x->lock held. */
struct xdom *xd_find(struct xend *x, const char *what, struct xend_fail *f);
/* Refresh from the hypervisor; returns false if d is not running. */
bool xd_info(struct xend *x, const struct xdom *d, struct xend_dominfo *di);
int xd_create(struct xend *x, const struct sxp *config, bool start_managed,
              struct xdom **out, struct xend_fail *f);
int xd_destroy(struct xend *x, struct xdom *d, struct xend_fail *f);
int xd_pause(struct xend *x, struct xdom *d, bool pause,
             struct xend_fail *f);
int xd_shutdown(struct xend *x, struct xdom *d, const char *reason,
                struct xend_fail *f);
int xd_mem_target(struct xend *x, struct xdom *d, long mib,
                  struct xend_fail *f);
int xd_mem_max(struct xend *x, struct xdom *d, long mib,
               struct xend_fail *f);
int xd_vcpu_set(struct xend *x, struct xdom *d, long n,
                struct xend_fail *f);
int xd_pin(struct xend *x, struct xdom *d, const char *vcpu,
           const char *cpus, struct xend_fail *f);
int xd_new(struct xend *x, const struct sxp *config, struct xend_fail *f);
int xd_start(struct xend *x, struct xdom *d, bool paused,
             struct xend_fail *f);
int xd_delete(struct xend *x, struct xdom *d, struct xend_fail *f);
/* Notice domains that shut down, crashed or vanished; apply on_*. */
void xd_scan(struct xend *x);
/* xend-config's network-script start (at start). */
void xd_network_script(struct xend *x);
/* Domains from the hypervisor, xenstore and domains_dir (at start). */
void xd_rediscover(struct xend *x);

/* Records (rpc.c). */
struct xmlrpc_value *xd_record(struct xend *x, struct xdom *d, bool full);

#endif /* KEEL_XEND_PRIV_H */
