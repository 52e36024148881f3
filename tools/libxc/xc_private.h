/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside libxenctrl: the handle and the bounce-buffer helpers.
 */
#ifndef XC_PRIVATE_H
#define XC_PRIVATE_H

#include <stddef.h>
#include <xenctrl.h>
#include <public/version.h>

struct xc_interface_core {
    int fd;                         /* privcmd, or -1 (test transport) */
    xc_hypercall_fn hypercall;
    void *opaque;
    /*
     * One locked page kept for the bounce buffers of single calls (a
     * domctl, sysctl or small memory_op argument): allocating and
     * locking a buffer per call costs five system calls, more than the
     * hypercall.  bounce_busy: taken (atomically; a nested or concurrent
     * call allocates its own); bounce_pid: the process that mapped it
     * (MADV_DONTFORK: a forked child allocates its own).
     */
    void *bounce;
    int bounce_busy;
    int bounce_pid;
};

/*
 * A hypercall buffer holding a copy of src (size bytes; src may be NULL
 * for a zeroed buffer).  NULL with errno on failure.
 */
void *xc_bounce_in(xc_interface *xch, const void *src, size_t size);
/* Copy the buffer back to dst (if dst) and free it; errno is kept. */
void xc_bounce_out(xc_interface *xch, void *b, void *dst, size_t size);

#endif /* XC_PRIVATE_H */
