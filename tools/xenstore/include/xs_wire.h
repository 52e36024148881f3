/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore wire protocol: the message header that precedes every
 * request and reply on the unix socket, /dev/xen/xenbus and the shared
 * ring page, the message types, the error names and the ring layout.
 * Numbers and layouts follow Xen's public io/xs_wire.h and
 * docs/misc/xenstore.txt; guests' kernels depend on them bit for bit.
 */
#ifndef KEEL_XS_WIRE_H
#define KEEL_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type
{
    XS_CONTROL = 0,
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, removed upstream. */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT,
    XS_INVALID = 0xffff
};

#define XS_WRITE_NONE        "NONE"
#define XS_WRITE_CREATE      "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

struct xsd_sockmsg
{
    uint32_t type;    /* XS_* */
    uint32_t req_id;  /* echoed in the reply */
    uint32_t tx_id;   /* transaction, 0 when none */
    uint32_t len;     /* bytes of payload after the header */
};

enum xs_watch_type
{
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/* Errors travel as their names, e.g. "ENOENT\0", in an XS_ERROR reply. */
struct xsd_errors
{
    int errnum;
    const char *errstring;
};

/* Payload and path limits of the protocol. */
#define XENSTORE_PAYLOAD_MAX   4096
#define XENSTORE_ABS_PATH_MAX  3072
#define XENSTORE_REL_PATH_MAX  2048

/* The shared page between a guest and xenstored. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface
{
    char req[XENSTORE_RING_SIZE];   /* guest -> xenstored */
    char rsp[XENSTORE_RING_SIZE];   /* xenstored -> guest, and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED/RECONNECT */
    uint32_t error;                 /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;
};

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO   3

#endif /* KEEL_XS_WIRE_H */
