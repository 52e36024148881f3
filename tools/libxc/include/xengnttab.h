/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mapping other domains' grants into dom0 through Linux's /dev/xen/gntdev
 * (IOCTL_GNTDEV_MAP_GRANT_REF, then mmap() at the offset it returns): the
 * calls of Xen's libxengnttab that the back-ends and xenconsoled use.
 *
 * Failures return NULL / -1 with errno set and leave a message naming the
 * domain and grant reference in xengnttab_last_error().
 */
#ifndef XENGNTTAB_H
#define XENGNTTAB_H

#include <stdint.h>
#include <public/grant_table.h>

typedef struct xengnttab_handle xengnttab_handle;

/* flags must be 0.  NULL with errno set (see xengnttab_last_error). */
xengnttab_handle *xengnttab_open(unsigned int flags);
int xengnttab_close(xengnttab_handle *xgt);

/* Most grants this handle may have mapped at once. */
int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants);

/* Map one grant of domid; prot is PROT_READ or PROT_READ|PROT_WRITE. */
void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
                              grant_ref_t ref, int prot);

/* Map count grants (domids[i], refs[i]) contiguously. */
void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
                               const uint32_t *domids,
                               const grant_ref_t *refs, int prot);

/* Map count grants of one domain contiguously. */
void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count,
                                      uint32_t domid,
                                      const grant_ref_t *refs, int prot);

/* Unmap count pages at start_address (a result of one map call). */
int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
                    uint32_t count);

/* What the last failing call did wrong (NULL: the last failed open). */
const char *xengnttab_last_error(xengnttab_handle *xgt);

#endif /* XENGNTTAB_H */
