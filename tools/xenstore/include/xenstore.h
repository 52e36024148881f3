/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenstore: the client side of xenstore, with the names and shapes of
 * Xen's libxenstore so that code written for Xen's tools reads the same.
 *
 * Every call returns false/NULL on failure and sets errno: the error the
 * daemon sent (ENOENT, EACCES, EAGAIN...) or the local one (ECONNRESET
 * when the daemon went away, ENOMEM, EINVAL for an argument that cannot
 * be sent).  Strings and vectors returned are malloc'd and belong to the
 * caller; a vector is one allocation, so one free() releases it.
 *
 * A handle may be used from several threads; requests are serialised.
 */
#ifndef KEEL_XENSTORE_H
#define KEEL_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_wire.h"

#define XBT_NULL 0
typedef uint32_t xs_transaction_t;

/* xs_open() flags. */
#define XS_OPEN_READONLY    (1UL << 0)  /* socket_ro: reads only */
#define XS_OPEN_SOCKETONLY  (1UL << 1)  /* never fall back to xenbus */
#define XS_UNWATCH_FILTER   (1UL << 2)  /* accepted, always on here */

/* Permission bits (a node's ACL entry). */
#define XS_PERM_NONE      0x00
#define XS_PERM_READ      0x01
#define XS_PERM_WRITE     0x02
#define XS_PERM_ENOENT_OK 0x04
#define XS_PERM_OWNER     0x08
#define XS_PERM_IGNORE    0x10

/*
 * A node's permissions: entry 0 names the owner and gives what every
 * domain not listed later may do; entries 1.. give per-domain rights.
 * Dom0 (and the owner) may always do everything.
 */
struct xs_permissions
{
    unsigned int id;
    int perms;
};

struct xs_handle;

/* Default paths; XENSTORED_PATH and XENSTORED_RUNDIR override them. */
#define XS_DEFAULT_RUNDIR "/var/run/xenstored"
#define XS_DEFAULT_XENBUS "/dev/xen/xenbus"

const char *xs_daemon_rundir(void);
const char *xs_daemon_socket(void);
const char *xs_daemon_socket_ro(void);
const char *xs_domain_dev(void);

/*
 * Connect to xenstored: the socket named by $XENSTORED_PATH (default
 * /var/run/xenstored/socket, or socket_ro with XS_OPEN_READONLY), else
 * (unless XS_OPEN_SOCKETONLY) the kernel's /dev/xen/xenbus.
 */
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh);

/* Older names, as in Xen. */
struct xs_handle *xs_daemon_open(void);
struct xs_handle *xs_daemon_open_readonly(void);
struct xs_handle *xs_domain_open(void);
void xs_daemon_close(struct xs_handle *xsh);

/* Children's names of a node; *num gets the count. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num);

/* A node's value, NUL-terminated (the NUL not counted in *len). */
void *xs_read(struct xs_handle *h, xs_transaction_t t,
              const char *path, unsigned int *len);

/* Create or replace a node's value; missing parents are created. */
bool xs_write(struct xs_handle *h, xs_transaction_t t,
              const char *path, const void *data, unsigned int len);

/* Create a node (and parents) with an empty value; fine if it exists. */
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);

/* Remove a node and everything below it. */
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path,
                                          unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms);

/*
 * Keel's addition (not in Xen's libxenstore): many writes, each with
 * optional permissions, as one round trip to xenstored.  On a socket the
 * requests go out together and the replies are read in order (xenstored
 * answers a connection's requests in order); through the xenbus device,
 * or once the handle has watches, they are made one by one.  value NULL:
 * permissions only.  Every operation is attempted; false if any failed,
 * with *failed (if not NULL) the index of the first failure and errno
 * its error.  A toolstack writing a new domain's nodes in a transaction
 * makes dozens of requests: one round trip instead of one each.
 */
struct xs_batch_op {
    const char *path;
    const void *value;
    unsigned int len;
    const struct xs_permissions *perms;
    unsigned int num_perms;
};

bool xs_write_batch(struct xs_handle *h, xs_transaction_t t,
                    const struct xs_batch_op *ops, unsigned int num,
                    unsigned int *failed);

/*
 * Watches: the daemon fires each watch once when it is registered and
 * again on every change of the path or anything below it.  Events are
 * read as a vector: vec[XS_WATCH_PATH], vec[XS_WATCH_TOKEN].
 * xs_fileno() is readable while events are waiting.
 */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);
int xs_fileno(struct xs_handle *h);
char **xs_read_watch(struct xs_handle *h, unsigned int *num);  /* blocks */
char **xs_check_watch(struct xs_handle *h);   /* NULL+EAGAIN if none */

/*
 * Transactions: start returns XBT_NULL on failure.  End with abort=false
 * commits, and fails with errno EAGAIN if anything the transaction read
 * or wrote was changed by someone else meanwhile: start again.
 */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t,
                        bool abort);

/* Domains (dom0 only, except get_domain_path and is_domain_introduced). */
bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* Helpers shared by the daemon, the tools and callers. */

/* "r5" -> {5, XS_PERM_READ}; false (errno EINVAL) on a bad string. */
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings);
/* {5, XS_PERM_READ} -> "r5"; false if buf_len is too small. */
bool xs_perm_to_string(const struct xs_permissions *perm, char *buffer,
                       size_t buf_len);
/* Number of NUL-terminated strings in a block of len bytes. */
unsigned int xs_count_strings(const char *strings, unsigned int len);
/* Is child equal to parent or below it (at a '/' boundary)? */
bool xs_path_is_subpath(const char *parent, const char *child);

/* Error name <-> errno ("ENOENT" <-> ENOENT); unknown names give EINVAL. */
int xs_error_from_name(const char *name);
const char *xs_error_name(int err);

#endif /* KEEL_XENSTORE_H */
