/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Foreign memory: dom0 maps another domain's frames into its own address
 * space through Linux's /dev/xen/privcmd (IOCTL_PRIVCMD_MMAPBATCH_V2 on
 * an mmap() of the device).  The same calls as Xen's libxenforeignmemory,
 * without its logger: every failure sets errno and leaves a message that
 * names the domain and the frame in xenforeignmemory_last_error().
 */
#ifndef XENFOREIGNMEMORY_H
#define XENFOREIGNMEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

typedef struct xenforeignmemory_handle xenforeignmemory_handle;

/*
 * Open /dev/xen/privcmd (or /proc/xen/privcmd).  flags must be 0.  NULL
 * with errno set on failure; xenforeignmemory_last_error(NULL) then says
 * which device and why.
 */
xenforeignmemory_handle *xenforeignmemory_open(unsigned int flags);
int xenforeignmemory_close(xenforeignmemory_handle *h);

/*
 * Map num frames of domain dom, gfns arr[0..num), contiguously with
 * PROT_READ / PROT_WRITE (prot).  With err != NULL every frame gets its
 * own status in err[i] (0 or a negative errno) and the call succeeds if
 * the mapping as a whole could be made: frames with an error are not
 * accessible.  With err == NULL any failed frame fails the call (nothing
 * stays mapped).  Returns NULL with errno set on failure.
 */
void *xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom,
                           int prot, size_t num, const xen_pfn_t arr[],
                           int err[]);

/* Undo a map of num frames at addr. */
int xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr,
                           size_t num);

/*
 * What the last failing call on h did wrong (h == NULL: the last failed
 * open in this thread).  Never NULL.
 */
const char *xenforeignmemory_last_error(xenforeignmemory_handle *h);

#endif /* XENFOREIGNMEMORY_H */
