/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend: the daemon that owns domain lifecycle (Xen 3.x's xend in C).
 *
 * Layers, so that everything but the hypervisor calls can be tested on
 * the host:
 *   pure.c      config SXP -> build arguments, domain/node/VCPU records,
 *               the memory check, the xenstore layout, on_* decisions
 *   domains.c   the domain table and every lifecycle step, over
 *               struct xend_hv_ops (the hypervisor) and libxenstore
 *   rpc.c       the XML-RPC methods of docs/design/xend-xmlrpc.md and
 *               the server loop (xend_run)
 *   log.c       /var/log/xen/xend.log in Xen's line format
 *   hv_xc.c     xend_hv_ops on libxc (the real hypervisor)
 *   main.c      xend start|stop|status|restart
 * The unit tests (tests/tools/xend) put a fake behind xend_hv_ops and run
 * a real xenstored.
 */
#ifndef KEEL_XEND_H
#define KEEL_XEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keelcfg.h"

struct xmlrpc_value;

#define XEND_NAME_MAX     64
#define XEND_ERR_MAX      1024
#define XEND_MAX_DOMS     256
#define XEND_MAX_VCPUS    128

/* Xen's SHUTDOWN_* reasons (public/sched.h). */
#define XEND_SHUTDOWN_POWEROFF  0
#define XEND_SHUTDOWN_REBOOT    1
#define XEND_SHUTDOWN_SUSPEND   2
#define XEND_SHUTDOWN_CRASH     3
#define XEND_SHUTDOWN_WATCHDOG  4

/* ---- the hypervisor, as xend sees it ------------------------------------ */

struct xend_dominfo {
    uint32_t domid;
    uint8_t handle[16];             /* the uuid given at create */
    bool dying, crashed, shutdown, paused, blocked, running;
    unsigned int shutdown_reason;   /* XEND_SHUTDOWN_* when shutdown */
    uint64_t nr_pages;
    uint64_t max_memkb;
    uint64_t cpu_time_ns;
    unsigned int online_vcpus;
    unsigned int max_vcpu_id;
};

struct xend_physinfo {
    unsigned int nr_cpus, nr_nodes, cores_per_socket, threads_per_core;
    unsigned int cpu_khz;
    uint64_t total_pages, free_pages;
    uint32_t hw_cap[8];
    bool hvm;                       /* SVM/VMX usable */
};

struct xend_version {
    unsigned int major, minor;
    char extra[16];
    char caps[1024];
    char changeset[64];
    char commandline[1024];
    char compiler[64], compile_by[16], compile_domain[32], compile_date[32];
    unsigned long pagesize;
    uint64_t virt_start;
    char scheduler[16];
};

struct xend_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time_ns;
    int cpu;                        /* -1: never ran */
    uint64_t cpumap;                /* allowed pCPUs (first 64) */
};

struct xend_build {
    /* in */
    uint32_t domid;
    unsigned int mem_mb, vcpus;
    const char *kernel, *ramdisk, *cmdline;
    /* out */
    uint64_t console_pfn, store_pfn;
    unsigned int console_port, store_port;
    char desc[512];                 /* what was loaded, for the log */
};

/*
 * Every call returns 0 (list: the number of domains) or a negative errno
 * with err (XEND_ERR_MAX bytes) saying why in words.
 */
struct xend_hv_ops {
    int (*physinfo)(void *h, struct xend_physinfo *pi, char *err);
    int (*version)(void *h, struct xend_version *v, char *err);
    int (*list)(void *h, struct xend_dominfo *out, unsigned int max,
                char *err);
    int (*create)(void *h, const uint8_t uuid[16], unsigned int max_vcpus,
                  uint32_t *domid, char *err);
    int (*set_maxmem)(void *h, uint32_t domid, uint64_t kib, char *err);
    int (*set_max_vcpus)(void *h, uint32_t domid, unsigned int n,
                         char *err);
    int (*build)(void *h, struct xend_build *b, char *err);
    int (*destroy)(void *h, uint32_t domid, char *err);
    int (*pause)(void *h, uint32_t domid, char *err);
    int (*unpause)(void *h, uint32_t domid, char *err);
    int (*vcpu_info)(void *h, uint32_t domid, unsigned int vcpu,
                     struct xend_vcpuinfo *vi, char *err);
    int (*vcpu_pin)(void *h, uint32_t domid, unsigned int vcpu,
                    uint64_t cpumap, char *err);
    /* The console ring into buf (*len in: size, out: bytes). */
    int (*readconsole)(void *h, char *buf, size_t *len, bool clear,
                       char *err);
    /* An fd that becomes readable on VIRQ_DOM_EXC (-1: none), and its
     * acknowledgement. */
    int (*event_fd)(void *h);
    void (*event_ack)(void *h);
};

/* ---- pure parts (pure.c) ----------------------------------------------- */

#define XEND_MAX_DEVS        16
#define XEND_SCRIPTS_DIR     "/etc/xen/scripts"
#define XEND_DEFAULT_BRIDGE  "xenbr0"

/* One disk or vif of a domain, checked (devices.c). */
enum xend_dev_kind { XEND_DEV_VBD, XEND_DEV_VIF };

struct xend_dev {
    enum xend_dev_kind kind;
    uint32_t devid;         /* vbd: from its vdev (xvda = 51712); vif: n */
    /* vbd */
    char vdev[32];          /* "xvda", without ":cdrom" */
    char type[8];           /* "phy" or "file" */
    char params[256];       /* the device or image path */
    char mode[4];           /* "r", "w", "w!" */
    bool cdrom;
    /* vif */
    char mac[18];           /* "" until xend_config_fill_macs */
    char bridge[32];        /* "" = XEND_DEFAULT_BRIDGE */
    char script[160];       /* absolute path */
    char ip[64], vifname[32];
};

/* What xend needs of a (vm ...) config to build a domain. */
struct xend_vmcfg {
    char name[XEND_NAME_MAX];
    char uuid[37];                  /* "" when the config has none */
    long memory, maxmem;            /* MiB */
    unsigned int vcpus;
    uint64_t vcpu_avail;
    char cpus[128];                 /* affinity as written, "" = any */
    char *kernel, *ramdisk, *cmdline;   /* malloc'd (ramdisk may be NULL) */
    enum kcfg_action on_poweroff, on_reboot, on_crash;
    struct xend_dev devs[XEND_MAX_DEVS];    /* in config order */
    unsigned int n_devs;
};

/* (vm ...) -> cfg; -1 with a message naming the option and the problem
 * (missing kernel, HVM, devices: "not supported yet"). */
int xend_vmcfg_parse(const struct sxp *vm, struct xend_vmcfg *cfg,
                     char *err, size_t errlen);
void xend_vmcfg_free(struct xend_vmcfg *cfg);

/* "r-----" etc. into buf[7]. */
void xend_state_string(const struct xend_dominfo *di, char buf[7]);

/* Memory that a domain of cfg needs from the hypervisor, in KiB
 * (its RAM plus the page-table and bookkeeping overhead). */
uint64_t xend_mem_needed_kib(long memory_mb, unsigned int vcpus);
/*
 * The memory check of a create: 0 when need_kib fits in free_kib;
 * otherwise -1 with the message saying what is needed, what is free
 * and how far dom0 (dom0_kib now) could balloon before dom0_min_mb.
 */
int xend_mem_check(const char *name, uint64_t need_kib, uint64_t free_kib,
                   uint64_t dom0_kib, long dom0_min_mb, bool ballooning,
                   char *msg, size_t len);

/* Which action applies to a domain that shut down for reason; false
 * (no action) for suspend and unknown reasons. */
bool xend_shutdown_action(const struct xend_vmcfg *cfg, unsigned int reason,
                          enum kcfg_action *act);
const char *xend_shutdown_reason_name(unsigned int reason);
/* Xen refuses to restart a domain that keeps dying right away: true when
 * another restart now is allowed given the previous restart times. */
bool xend_restart_allowed(const double *restart_times, unsigned int n,
                          double now);
#define XEND_RESTART_WINDOW   60.0  /* s */
#define XEND_RESTART_MAX      5     /* restarts within the window */

/* uuid text <-> bytes; generate a random (v4) one. */
int xend_uuid_parse(const char *s, uint8_t out[16]);
void xend_uuid_format(const uint8_t u[16], char out[37]);
void xend_uuid_generate(uint8_t out[16]);

/* "0-3,^2" / "0,1" -> bitmap of pCPUs (< 64); -1 if malformed. */
int xend_cpus_parse(const char *s, uint64_t *map);

/* One xenstore entry of a new domain, and who owns it. */
enum xend_xs_perm {
    XEND_XS_DOM0,       /* owned by dom0, the guest may read */
    XEND_XS_GUEST,      /* owned by the guest (it writes there) */
    XEND_XS_INHERIT,    /* a value under a directory above */
};

struct xend_xs_entry {
    char path[128];
    char value[2048];
    enum xend_xs_perm perm;
};

/*
 * A list of entries being filled (the domain's nodes, a device's): add
 * "<dir>/<key>" (key NULL: dir itself) = printf(fmt); past max the entry
 * is dropped and full set, so the caller checks once at the end.
 */
struct xend_xs_list {
    struct xend_xs_entry *out;
    unsigned int n, max;
    bool full;
};

void xend_xs_add(struct xend_xs_list *l, enum xend_xs_perm perm,
                 const char *dir, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

struct xend_xs_layout_args {
    uint32_t domid;
    const char *uuid, *name;
    const struct xend_vmcfg *cfg;
    const char *image_sxp;          /* flat (image ...) */
    const char *config_sxp;         /* flat (vm ...), for a restarted xend */
    unsigned int restart_count;
    double start_time;
    uint64_t console_pfn, store_pfn;
    unsigned int console_port, store_port;
    long console_limit_kb;
};

/* The nodes xend writes for a new domain, in order (directories before
 * their contents).  Returns the count (<= max) or -1 if max is short. */
int xend_xs_layout(const struct xend_xs_layout_args *a,
                   struct xend_xs_entry *out, unsigned int max);

/* ---- virtual devices (devices.c) --------------------------------------- */

/* A vbd's device number from its name, as Xen computes it: xvd<x><n>
 * (202 << 8 | disk << 4 | n, or 1 << 28 | disk << 8 | n past xvdp15),
 * hd<x><n> (IDE majors), sd<x><n> (SCSI majors), or a plain number.
 * -1 if the name is none of these. */
int xend_vdev_devid(const char *vdev, uint32_t *devid);
/* "00:16:3e:xx:xx:xx" from three random bytes (the first one's top bit
 * cleared, as Xen's randomMAC); and from /dev/urandom. */
void xend_mac_format(const uint8_t rnd[3], char out[18]);
void xend_mac_random(char out[18]);
/* The (device (vbd|tap|vif ...)) entries of vm into cfg->devs; -1 with a
 * message naming the device and the problem.  vif_script: xend-config's
 * default (a name under XEND_SCRIPTS_DIR or an absolute path). */
int xend_devs_parse(const struct sxp *vm, const char *vif_script,
                    struct xend_vmcfg *cfg, char *err, size_t errlen);
/* Random MACs for the vifs that have none, written into vm as (mac ..)
 * so that the stored config keeps them.  -1: out of memory. */
int xend_config_fill_macs(struct sxp *vm, struct xend_vmcfg *cfg);

const char *xend_dev_class(const struct xend_dev *d);   /* "vbd", "vif" */
/* /local/domain/0/backend/<class>/<domid>/<devid> and
 * /local/domain/<domid>/device/<class>/<devid>. */
void xend_dev_paths(const struct xend_dev *d, uint32_t domid,
                    char back[96], char front[96]);

struct xend_dev_layout_args {
    uint32_t domid;
    const char *name, *uuid;        /* the domain's */
    const char *dev_uuid;           /* the device's own */
    const struct xend_dev *dev;
    bool bootable;
};

/* The back-end, front-end and /vm nodes of one device (Xen 3.x's names),
 * directories first.  Returns the count or -1 if max is short. */
int xend_dev_layout(const struct xend_dev_layout_args *a,
                    struct xend_xs_entry *out, unsigned int max);

/* SXP helpers between libkeelcfg's trees and XML-RPC's arrays. */

/* ---- logging (log.c) --------------------------------------------------- */

enum xend_log_level { XEND_DEBUG, XEND_INFO, XEND_WARNING, XEND_ERROR };

/* path NULL: stderr.  Levels below min are dropped. */
int xend_log_open(const char *path, const char *min_level);
void xend_log_close(void);
const char *xend_log_path(void);
void xend_log(enum xend_log_level lvl, const char *module, int line,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* One log line, as written (pure; for the tests). */
void xend_log_format(char *buf, size_t len, double when, int pid,
                     enum xend_log_level lvl, const char *module, int line,
                     const char *msg);

/*
 * A step of xend's own (xenstore nodes, an XML-RPC call) timed at debug
 * level in the line format of hv_xc's hypervisor calls, "hv: <step>
 * d<id>: <ms> ms (tsc <TSC at its start>)", so that create_time.py's
 * timelines show what happens between those calls.
 */
struct xend_stamp {
    uint64_t ns, tsc;
};

void xend_stamp_start(struct xend_stamp *s);
void xend_stamp_log(const struct xend_stamp *s, const char *step,
                    long domid);

#define LOG_DEBUG(...) xend_log(XEND_DEBUG, XEND_MODULE, __LINE__, __VA_ARGS__)
#define LOG_INFO(...)  xend_log(XEND_INFO, XEND_MODULE, __LINE__, __VA_ARGS__)
#define LOG_WARN(...)  xend_log(XEND_WARNING, XEND_MODULE, __LINE__, \
                                __VA_ARGS__)
#define LOG_ERROR(...) xend_log(XEND_ERROR, XEND_MODULE, __LINE__, \
                                __VA_ARGS__)

/* ---- the daemon (domains.c, rpc.c) ------------------------------------- */

struct xend_opts {
    const char *config;             /* xend-config.sxp (NULL: defaults) */
    const char *socket;             /* XML-RPC socket */
    const char *log;                /* NULL: from the config */
    const char *domains_dir;        /* NULL: from the config */
    const char *kernel_cache;       /* NULL: libxc's default */
};

struct xend;

/*
 * Set up (config, log, xenstore, rediscovery of running and managed
 * domains, socket) and return the daemon; NULL with err filled.
 */
struct xend *xend_new(const struct xend_opts *o,
                      const struct xend_hv_ops *ops, void *hv,
                      char *err, size_t errlen);
/* Serve until xend_stop (or a signal handler calling it). */
int xend_serve(struct xend *x);
/* Async-signal-safe. */
void xend_stop(struct xend *x);
void xend_free(struct xend *x);

/* Fault codes of the protocol page. */
#define XEND_FAULT_INTERNAL  1
#define XEND_FAULT_USER      2
#define XEND_FAULT_NODOMAIN  3

/* A failed operation: fault code and message. */
struct xend_fail {
    int code;
    char msg[2 * XEND_ERR_MAX + 256];
};

#endif /* KEEL_XEND_H */
