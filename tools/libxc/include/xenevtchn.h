/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event channels from dom0 user space through Linux's /dev/xen/evtchn:
 * the calls of Xen's libxenevtchn.  Ports bound through a handle belong
 * to it and are closed with it.  A port that fires is read back with
 * xenevtchn_pending() (poll xenevtchn_fd() for POLLIN first) and must be
 * unmasked again with xenevtchn_unmask() to fire once more.
 *
 * Failures return -1 with errno set and leave a message naming the
 * domain and port in xenevtchn_last_error().
 */
#ifndef XENEVTCHN_H
#define XENEVTCHN_H

#include <stdint.h>
#include <public/event_channel.h>

typedef struct xenevtchn_handle xenevtchn_handle;
typedef int xenevtchn_port_or_error_t;

/* flags must be 0.  NULL with errno set (see xenevtchn_last_error). */
xenevtchn_handle *xenevtchn_open(unsigned int flags);
int xenevtchn_close(xenevtchn_handle *xce);

/* The file descriptor to poll for POLLIN: a port is pending. */
int xenevtchn_fd(xenevtchn_handle *xce);

/* Signal the remote end of our local port. */
int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);

/* A new local port that domid may bind to (EVTCHNOP_alloc_unbound). */
xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid);

/* A new local port connected to domid's unbound remote_port. */
xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                           evtchn_port_t remote_port);

/* A new local port for virq (VIRQ_DOM_EXC, ...). */
xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq);

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);

/*
 * The next port that fired (blocks unless the handle's fd was made
 * non-blocking; then -1 with errno EAGAIN when none is pending).
 */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce);

/* Let port fire again. */
int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);

/* What the last failing call did wrong (NULL: the last failed open). */
const char *xenevtchn_last_error(xenevtchn_handle *xce);

#endif /* XENEVTCHN_H */
