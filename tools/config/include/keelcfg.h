/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keelcfg: the one parser for vm.cfg (xmdomain.cfg) and xend-config.sxp.
 *
 * Nothing else in the toolstack parses these files.  Typical use by
 * "xm create [--dryrun] cfg name=value ...":
 *
 *     char path[KCFG_PATH_MAX];
 *     struct kcfg *cfg;
 *     struct kcfg_domain *dom;
 *     struct kcfg_error err;
 *
 *     if ( kcfg_find_config(arg, NULL, path, sizeof(path), &err) ||
 *          kcfg_parse_file(path, overrides, n, &cfg, &err) ||
 *          kcfg_domain_build(cfg, &dom, &err) )
 *         print kcfg_error_format(&err) and exit 1;
 *     printf("Using config file \"%s\".\n", path);
 *     struct sxp *s = kcfg_domain_to_sxp(dom);   sxp_print(stdout, s);
 *
 * The language is the subset of Python the manuals' files use (see
 * vm.cfg(5)); it is evaluated, not executed: nothing runs, nothing is
 * read but the file itself, and sizes and nesting are bounded so hostile
 * input cannot exhaust the stack or memory.
 *
 * Every function returning int gives 0 on success and -1 on failure with
 * *err filled in (never a partial result: outputs are NULL on failure).
 * Strings reachable from a result are owned by that result and live until
 * it is freed.
 */
#ifndef KEELCFG_H
#define KEELCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KCFG_PATH_MAX   4096

/* Limits enforced on every input (bigger inputs are errors, not crashes). */
#define KCFG_MAX_INPUT  (1u << 20)   /* bytes of one file or string */
#define KCFG_MAX_DEPTH  64           /* nesting of brackets / expressions */
#define KCFG_MAX_STRING (64u << 10)  /* bytes of one evaluated string */
#define KCFG_MAX_ITEMS  4096         /* elements of one list */

/* ---- errors ------------------------------------------------------------ */

struct kcfg_error {
    char file[256];     /* as given to the parser ("vm.cfg", a path, ...) */
    int line;           /* 1-based; 0 when the error has no position */
    int column;         /* 1-based, in bytes; 0 when unknown */
    char msg[256];      /* what was expected / what is wrong, no newline */
};

/*
 * "vm.cfg:12:9: expected ']' or ',' after list item" (the position parts
 * are left out when line/column are 0).  Returns buf.
 */
const char *kcfg_error_format(const struct kcfg_error *err, char *buf,
                              size_t len);

/* ---- generic values (everything a vm.cfg variable can hold) ------------ */

enum kcfg_type {
    KCFG_NONE,          /* None */
    KCFG_BOOL,          /* True / False (i is 1 / 0) */
    KCFG_INT,           /* i */
    KCFG_STR,           /* s, NUL-terminated, len bytes (no inner NUL) */
    KCFG_LIST,          /* items[0..n), tuple set for ( , ) tuples */
};

struct kcfg_value {
    enum kcfg_type type;
    int line, column;   /* where the value's expression starts */
    long long i;
    char *s;
    size_t len;
    struct kcfg_value *items;
    size_t n;
    bool tuple;
    /*
     * KCFG_STR: where the string's bytes appear verbatim in the file (a
     * literal without escapes on one line), so errors can point inside
     * it; 0 when they do not.
     */
    int text_line, text_column;
};

/* ---- the option table (all 119 options of Xen 3.x create.py) ----------- */

enum kcfg_opt_type {
    KCFG_T_INT,         /* an int, or a string holding one ("512") */
    KCFG_T_STR,         /* a string (ints are accepted and printed) */
    KCFG_T_LIST,        /* a list (of strings unless noted) */
    KCFG_T_ANY,         /* anything (e.g. cpus: "0-3" or [0, 1]) */
    KCFG_T_SWITCH,      /* command-line switch of xm create, not a var */
};

struct kcfg_option {
    const char *name;
    enum kcfg_opt_type type;
    const char *def;    /* default as Python text: "128", "None", "'c'" */
    const char *help;   /* one line, for xm create --help_config */
};

const struct kcfg_option *kcfg_option_table(size_t *count);
const struct kcfg_option *kcfg_option_lookup(const char *name);

/* ---- parsing vm.cfg ---------------------------------------------------- */

struct kcfg;            /* the evaluated variables of one file */

/*
 * overrides: "name=value" strings from the xm command line.  They are
 * bound before the file is evaluated (so the file may use them, as
 * xmexample2 does with vmid) and the file's own assignments do not
 * replace them.  A value that is a decimal or hex integer becomes an int,
 * anything else a string.  file_name is used in error messages.
 */
int kcfg_parse_file(const char *path, const char *const *overrides,
                    size_t n_overrides, struct kcfg **out,
                    struct kcfg_error *err);
int kcfg_parse_string(const char *file_name, const char *text, size_t len,
                      const char *const *overrides, size_t n_overrides,
                      struct kcfg **out, struct kcfg_error *err);
void kcfg_free(struct kcfg *cfg);

/* The value of a variable as left by the file, or NULL when never set. */
const struct kcfg_value *kcfg_get(const struct kcfg *cfg, const char *name);

/*
 * Every variable in order of first assignment, options and other names
 * alike (Xen ignores unknown names; xm --dryrun may warn about them).
 * Returns the name, or NULL past the end.
 */
const char *kcfg_var(const struct kcfg *cfg, size_t idx,
                     const struct kcfg_value **value, bool *is_option);

/*
 * Resolve a config argument the way xm does: a name containing '/' is used
 * as is; otherwise each directory of search_path (colon-separated; NULL
 * means ".:/etc/xen") is tried in turn.  An absolute path is checked to
 * exist.  Fills out with the path found.
 */
int kcfg_find_config(const char *name, const char *search_path,
                     char *out, size_t out_len, struct kcfg_error *err);

/* ---- the typed view of a domain ---------------------------------------- */

enum kcfg_action {
    KCFG_ACTION_DESTROY,
    KCFG_ACTION_RESTART,
    KCFG_ACTION_PRESERVE,
    KCFG_ACTION_RENAME_RESTART,
    KCFG_ACTION_COREDUMP_DESTROY,
    KCFG_ACTION_COREDUMP_RESTART,
};
/* "destroy", "restart", "preserve", "rename-restart", ... */
const char *kcfg_action_name(enum kcfg_action a);

enum kcfg_disk_proto {
    KCFG_DISK_PHY,      /* phy:/dev/sdb */
    KCFG_DISK_FILE,     /* file:/path/img */
    KCFG_DISK_TAP,      /* tap:aio:/path, tap:sync:, tap:qcow: ... */
    KCFG_DISK_NONE,     /* empty target (",hdc:cdrom,r": an empty drive) */
};

enum kcfg_disk_mode {
    KCFG_MODE_R,        /* "r": read-only */
    KCFG_MODE_W,        /* "w": read-write, exclusive */
    KCFG_MODE_W_SHARED, /* "w!": read-write, may be shared */
};

struct kcfg_disk {
    const char *spec;   /* the entry as written */
    const char *uname;  /* "phy:/dev/sdb" as Xen's (uname ...) */
    enum kcfg_disk_proto proto;
    const char *tap_type;   /* "aio" for tap:aio:, else NULL */
    const char *target; /* path after the protocol prefixes ("" if none) */
    const char *vdev;   /* "hda", "xvda", "sda1" (without ":cdrom") */
    bool cdrom;         /* vdev had ":cdrom" */
    enum kcfg_disk_mode mode;
    const char *mode_str;   /* "r", "w", "w!" as written */
    const char *backend;    /* backend domain name or id, NULL = dom0 */
    int line, column;   /* of the list item, for later error messages */
};

struct kcfg_vif {
    const char *spec;   /* the entry as written */
    const char *type;   /* "netfront" or "ioemu", NULL if not given */
    const char *mac;    /* "00:16:3e:..." (lower case), NULL = random */
    const char *bridge, *ip, *script, *backend, *vifname, *rate, *model;
    const char *accel;
    int line, column;
};

struct kcfg_vfb {
    const char *spec;   /* the entry as written */
    const char *type;   /* "vnc" or "sdl" */
    int vncunused;      /* -1 if not given */
    int vncdisplay;     /* -1 if not given */
    const char *vnclisten, *vncpasswd, *display, *xauthority, *keymap;
    int opengl;         /* -1 if not given */
    int line, column;
};

struct kcfg_pci {
    const char *spec;
    unsigned int domain, bus, slot, func;
    int line, column;
};

struct kcfg_domain {
    const char *file;       /* the config file name */
    const char *name;       /* required */
    const char *uuid;       /* NULL: xend generates one */
    long memory;            /* MB, default 128 */
    long maxmem;            /* MB, defaults to memory */
    long shadow_memory;     /* MB */
    int vcpus;              /* default 1 */
    long long vcpu_avail;   /* bitmap, -1 = all */
    const char *cpus;       /* affinity as written ("0-3,^2"), or NULL */
    int cpu_cap, cpu_weight;    /* -1 if not given */
    const char *builder;    /* "linux" (PV, built as PVH here) or "hvm" */
    bool hvm;               /* builder == "hvm" */
    const char *kernel, *ramdisk;   /* NULL if not given */
    const char *root, *extra;       /* "" if not given */
    const char *args;       /* kernel command line: "root=<root> <extra>" */
    const char *bootloader, *bootargs;
    const char *ip, *gateway, *netmask, *hostname, *interface, *dhcp;
    const char *nfs_server, *nfs_root;
    enum kcfg_action on_poweroff;   /* default destroy */
    enum kcfg_action on_reboot;     /* default restart */
    enum kcfg_action on_crash;      /* default restart */
    const char *description;
    int localtime;
    long rtc_timeoffset;

    struct kcfg_disk *disks;
    size_t n_disks;
    struct kcfg_vif *vifs;
    size_t n_vifs;
    struct kcfg_vfb *vfbs;
    size_t n_vfbs;
    struct kcfg_pci *pcis;
    size_t n_pcis;

    /* HVM (and device model) options; the ints are -1 when not given. */
    struct {
        const char *device_model, *loader, *boot;   /* boot default "c" */
        int acpi, apic, pae, hpet, viridian, timer_mode, tsc_mode;
        int stdvga, isa, usb, nographic, vnc, vncunused, vncdisplay;
        int vncconsole, sdl, opengl, monitor, ne2000, xen_platform_pci;
        const char *vnclisten, *vncpasswd, *serial, *parallel;
        const char *usbdevice, *soundhw, *keymap, *fda, *fdb, *cdrom;
        const char *display, *xauthority, *guest_os_type;
        long videoram;
    } hvm_opts;

    void *priv_;            /* storage for the strings (library use) */
};

/*
 * Typed view with the defaults of the option table filled in, validated:
 * name present and made of [A-Za-z0-9_.:-]; memory > 0; maxmem >= memory;
 * vcpus in 1..128; disk protocol, vdev and mode; MAC syntax; on_* values.
 * Errors name file:line:column of the offending value.
 */
int kcfg_domain_build(const struct kcfg *cfg, struct kcfg_domain **out,
                      struct kcfg_error *err);
void kcfg_domain_free(struct kcfg_domain *dom);

/*
 * Parse one disk or vif entry on its own (block-attach, network-attach):
 * one malloc'd block holding the struct and its strings; free() it.
 */
struct kcfg_disk *kcfg_disk_parse(const char *spec, struct kcfg_error *err);
struct kcfg_vif *kcfg_vif_parse(const char *spec, struct kcfg_error *err);

/* ---- S-expressions ----------------------------------------------------- */

enum sxp_type {
    SXP_ATOM,
    SXP_LIST,
};

struct sxp {
    enum sxp_type type;
    char *atom;             /* SXP_ATOM: the text, NUL-terminated */
    struct sxp **items;     /* SXP_LIST: children */
    size_t n, cap;
    int line, column;       /* position in the parsed text, 0 if built */
};

/*
 * Parse every top-level expression of text into one SXP_LIST (the
 * "document"); '#' starts a comment outside quotes.  Atoms may be
 * bare, 'single' or "double" quoted with backslash escapes.
 */
struct sxp *sxp_parse(const char *file_name, const char *text, size_t len,
                      struct kcfg_error *err);
/* Exactly one expression (trailing text other than blanks is an error). */
struct sxp *sxp_parse_one(const char *file_name, const char *text,
                          size_t len, struct kcfg_error *err);
void sxp_free(struct sxp *s);

/* Building (return NULL only on out-of-memory). */
struct sxp *sxp_atom(const char *text);
struct sxp *sxp_atomf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
struct sxp *sxp_list(void);
/* Appends child (ownership passes) and returns list, NULL on ENOMEM. */
struct sxp *sxp_append(struct sxp *list, struct sxp *child);
/* (name value) convenience: appends (name value) to list. */
struct sxp *sxp_add_pair(struct sxp *list, const char *name,
                         const char *value);

/* The first child list whose head atom is name, or NULL. */
const struct sxp *sxp_child(const struct sxp *list, const char *name);
/* The second element of that child as text: (name value) -> value. */
const char *sxp_child_value(const struct sxp *list, const char *name);
/* The head atom of a list, or NULL. */
const char *sxp_name(const struct sxp *s);
bool sxp_equal(const struct sxp *a, const struct sxp *b);

/*
 * Print in the layout of Xen's PrettyPrint (as "xm create --dryrun" and
 * "xm list --long" show it), with a final newline; atoms are quoted only
 * when they need it.  sxp_to_string returns a malloc'd string.
 */
void sxp_print(FILE *f, const struct sxp *s);
char *sxp_to_string(const struct sxp *s);
/* Everything on one line, as sxp.show() does (used in xenstore / RPC). */
char *sxp_to_string_flat(const struct sxp *s);

/*
 * What Xen 3.x "xm create --dryrun" prints: (vm (name ..) (memory ..) ...
 * (image (linux (kernel ..) (ramdisk ..) (args ..))) (device (vbd ..)) ...)
 */
struct sxp *kcfg_domain_to_sxp(const struct kcfg_domain *dom);

/* ---- xend-config.sxp --------------------------------------------------- */

struct kcfg_xend {
    const char *logfile;                /* /var/log/xen/xend.log */
    const char *loglevel;               /* DEBUG */
    const struct sxp *xen_api_server;   /* ((unix)) */
    bool xend_http_server;              /* no */
    bool xend_unix_server;              /* no */
    bool xend_tcp_xmlrpc_server;        /* no */
    bool xend_unix_xmlrpc_server;       /* yes */
    bool xend_relocation_server;        /* no */
    bool xend_relocation_ssl_server;    /* no */
    bool xend_relocation_ssl;           /* no */
    const char *xend_unix_path;         /* /var/lib/xend/xend-socket */
    const char *xend_tcp_xmlrpc_server_address;  /* localhost */
    int xend_tcp_xmlrpc_server_port;    /* 8006 */
    const char *xend_tcp_xmlrpc_server_ssl_key_file;   /* NULL */
    const char *xend_tcp_xmlrpc_server_ssl_cert_file;  /* NULL */
    int xend_port;                      /* 8000 */
    int xend_relocation_port;           /* 8002 */
    int xend_relocation_ssl_port;       /* 8003 */
    const char *xend_address;           /* "" */
    const char *xend_relocation_address;        /* "" */
    const char *xend_relocation_hosts_allow;    /* "" (all) */
    const char *xend_relocation_server_ssl_key_file;   /* NULL */
    const char *xend_relocation_server_ssl_cert_file;  /* NULL */
    int console_limit;                  /* KB, 1024 */
    const char *network_script;         /* NULL: no bridge set-up */
    const char *vif_script;             /* vif-bridge */
    long dom0_min_mem;                  /* MB, 196 (Oracle VM 2.2) */
    int dom0_cpus;                      /* 0 = all */
    bool enable_dom0_ballooning;        /* yes */
    bool enable_dump;                   /* no */
    const char *external_migration_tool;    /* "" */
    const char *vnc_listen;             /* 127.0.0.1 */
    const char *vncpasswd;              /* "" */
    bool vnc_tls;                       /* no */
    const char *vnc_x509_cert_dir;      /* /etc/xen/vnc */
    bool vnc_x509_verify;               /* no */
    const char *keymap;                 /* en-us */
    const char *xend_domains_path;      /* /var/lib/xend/domains */
    const char *xend_state_path;        /* /var/lib/xend/state */
    const char *xend_storage_path;      /* /var/lib/xend/storage */
    const char *xend_domains_lock_path; /* NULL */
    int xend_domain_shutdown_timeout;   /* s, 60 (unused by Keel) */
    int device_create_timeout;          /* s, 100 */
    int device_destroy_timeout;         /* s, 100 */
    bool xend_domain_lock;              /* no */
    const char *xend_domain_lock_path;  /* /var/lib/xen/images/vm_locks */
    const char *xend_domain_lock_utility;   /* domain-lock */
    bool pci_passthrough_strict_check;  /* yes */
    long total_available_memory;        /* MB, 0 = all */
    const char *usbdevice;              /* NULL (see xend-config.sxp(5)) */
    const struct sxp *doc;  /* the whole parsed file (NULL for defaults) */
    void *priv_;
};

/* Defaults only (as if the file were empty). */
int kcfg_xend_defaults(struct kcfg_xend **out);
/*
 * Parse; unknown options are kept in doc and otherwise ignored, a known
 * option with a bad value ("(xend-port http)") is an error naming it.
 */
int kcfg_xend_parse_file(const char *path, struct kcfg_xend **out,
                         struct kcfg_error *err);
int kcfg_xend_parse_string(const char *file_name, const char *text,
                           size_t len, struct kcfg_xend **out,
                           struct kcfg_error *err);
void kcfg_xend_free(struct kcfg_xend *x);

#endif /* KEELCFG_H */
