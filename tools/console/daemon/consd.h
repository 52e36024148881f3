/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled's core: each guest's console ring connected to a pty,
 * guest output buffered (bounded) and logged.
 *
 * Everything that touches Xen or xenstore goes through struct cons_ops,
 * so the same logic runs against /dev/xen/{privcmd,gntdev,evtchn} and
 * libxenstore in dom0 (sys_linux.c) and against fakes in the unit tests
 * (tests/tools/console).  Ptys and log files are real in both.
 */
#ifndef CONSD_H
#define CONSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The shared console page: Xen's public io/console.h layout. */
#define CONS_IN_SIZE    1024
#define CONS_OUT_SIZE   2048

struct cons_ring {
    char in[CONS_IN_SIZE];          /* dom0 -> guest */
    char out[CONS_OUT_SIZE];        /* guest -> dom0 */
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

/* Bytes of guest output waiting in the ring. */
size_t cons_ring_out_avail(const struct cons_ring *r);
/* Move up to n bytes of guest output into dst; returns the count. */
size_t cons_ring_read_out(struct cons_ring *r, char *dst, size_t n);
/* Room for input to the guest. */
size_t cons_ring_in_space(const struct cons_ring *r);
/* Queue up to n bytes of input for the guest; returns the count. */
size_t cons_ring_write_in(struct cons_ring *r, const char *src, size_t n);

/*
 * Guest output not yet taken by the pty.  Bounded by `limit' bytes
 * (0: unbounded): past it the oldest bytes are dropped and counted, so
 * a client that attaches late sees the most recent output.
 */
struct cons_buf {
    char *data;
    size_t cap, start, len, limit;
    uint64_t dropped;
};

void cons_buf_init(struct cons_buf *b, size_t limit);
void cons_buf_free(struct cons_buf *b);
void cons_buf_append(struct cons_buf *b, const char *p, size_t n);
/* The oldest waiting bytes, contiguous; returns their count. */
size_t cons_buf_peek(const struct cons_buf *b, const char **p);
void cons_buf_consume(struct cons_buf *b, size_t n);

/*
 * A guest's console log, <dir>/<name>.log.  Written with write(2) as the
 * bytes arrive (nothing waits in a user-space buffer), rotated once it
 * would pass max_size bytes: <name>.log -> <name>.log.1 -> ... up to
 * <name>.log.<keep> (keep 0: the log is just started afresh).
 */
struct cons_log {
    int fd;
    char *path;
    uint64_t size, max_size;
    unsigned int keep;
    bool failed;                    /* a write error was reported once */
};

void cons_log_init(struct cons_log *l);
/* Returns 0, or -errno with the log left closed. */
int cons_log_open(struct cons_log *l, const char *dir, const char *name,
                  uint64_t max_size, unsigned int keep);
int cons_log_write(struct cons_log *l, const char *p, size_t n);
/* Reopen the same path (after an outside logrotate). */
int cons_log_reopen(struct cons_log *l);
void cons_log_close(struct cons_log *l);

/*
 * The platform: xenstore, the console page, event channels.  Strings and
 * directories returned are malloc()ed, freed by the caller with one
 * free() (libxenstore's convention); NULL means absent or failed with
 * errno set.
 */
struct cons_ops {
    char *(*xs_read)(void *h, const char *path);
    int (*xs_write)(void *h, const char *path, const char *value);
    char **(*xs_directory)(void *h, const char *path, unsigned int *num);
    int (*xs_watch)(void *h, const char *path, const char *token);
    int (*xs_fileno)(void *h);
    /* After xs_fileno polled readable: {path, token} or NULL. */
    char **(*xs_read_watch)(void *h, unsigned int *num);

    /* The guest's console page, by grant or by gfn; NULL on failure. */
    struct cons_ring *(*map_ring)(void *h, unsigned int domid,
                                  uint64_t gfn);
    void (*unmap_ring)(void *h, unsigned int domid, struct cons_ring *r);

    /* Returns the local port, or -errno. */
    int (*evtchn_bind)(void *h, unsigned int domid, unsigned int port);
    void (*evtchn_unbind)(void *h, unsigned int port);
    void (*evtchn_notify)(void *h, unsigned int port);
    int (*evtchn_fd)(void *h);
    /* A port with an event (masked until unmasked), or -1: none left. */
    int (*evtchn_pending)(void *h);
    void (*evtchn_unmask)(void *h, unsigned int port);

    /*
     * The hypervisor's word on a domain (getdomaininfo): CONSD_DOM_GONE
     * when it is dying or destroyed, so its console is dropped even if
     * nobody removes its xenstore nodes (a domain destroyed behind the
     * toolstack's back would otherwise stay a zombie, its console page
     * mapped here), as Xen's xenconsoled does on @releaseDomain.
     * NULL, or CONSD_DOM_UNKNOWN: go by xenstore alone.
     */
    int (*dom_state)(void *h, unsigned int domid);
};

enum { CONSD_DOM_UNKNOWN = -1, CONSD_DOM_ALIVE = 0, CONSD_DOM_GONE = 1 };

struct consd_config {
    const char *log_dir;            /* NULL: no guest logs */
    size_t buffer_limit;            /* bytes; console/limit overrides */
    uint64_t log_max_size;          /* bytes before rotation; 0: never */
    unsigned int log_keep;          /* rotated logs kept */
    bool verbose;
};

struct cons_dom {
    struct cons_dom *next;
    unsigned int domid;
    char *name;
    uint64_t gfn;
    unsigned int remote_port;
    int local_port;                 /* -1: not bound */
    struct cons_ring *ring;
    int master, slave;              /* the pty; we keep the slave open */
    char tty[64];
    struct cons_buf buf;
    struct cons_log log;
    bool seen;                      /* mark for consd_scan */
};

struct consd {
    const struct cons_ops *ops;
    void *h;
    struct consd_config cfg;
    struct cons_dom *doms;
    /* Setups that failed, so that a broken domain is not retried on
     * every xenstore event (only when its console nodes change). */
    struct cons_fail {
        unsigned int domid;
        uint64_t gfn;
        unsigned int port;
    } failed[64];
    unsigned int nr_failed;
};

#define CONSD_TOKEN "xenconsoled"

void consd_init(struct consd *c, const struct cons_ops *ops, void *h,
                const struct consd_config *cfg);
/* Register the xenstore watches (they fire once at once: first scan). */
int consd_watch(struct consd *c);
/* Bring the set of consoles in line with xenstore. */
void consd_scan(struct consd *c);
/* A watch fired on path: rescan if it concerns a domain or console. */
void consd_watch_event(struct consd *c, const char *path);
/* The guest signalled its console event channel (local port). */
void consd_evtchn(struct consd *c, unsigned int port);
/* Input from the pty (a client typed) into the guest's ring. */
void consd_pty_input(struct consd *c, struct cons_dom *d);
/* Push buffered output into the pty. */
void consd_pty_output(struct consd *c, struct cons_dom *d);
/* One poll() round over xenstore, event channels and ptys; returns the
 * number of ready fds, 0 on timeout, -errno (EINTR included). */
int consd_run_once(struct consd *c, int timeout_ms);
struct cons_dom *consd_find(struct consd *c, unsigned int domid);
void consd_remove(struct consd *c, struct cons_dom *d);
void consd_reopen_logs(struct consd *c);
/* Everything torn down (logs flushed and closed, ptys released). */
void consd_fini(struct consd *c);

/* Messages go to stderr, prefixed "xenconsoled: ". */
void consd_msg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif /* CONSD_H */
