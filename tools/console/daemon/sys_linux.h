/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xenconsoled's platform in dom0 (sys_linux.c). */
#ifndef SYS_LINUX_H
#define SYS_LINUX_H

#include "consd.h"

/* Open the devices and xenstore; NULL (after a message) on failure. */
const struct cons_ops *sys_linux_open(void **h);
void sys_linux_close(void *h);

/* cons_ops.dom_state through libxc's getdomaininfo (sys_xc.c: apart
 * because libxc's headers are Keel's public ones, not Linux's). */
int sys_xc_dom_state(void *h, unsigned int domid);
void sys_xc_close(void);

#endif
