/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hypervisor says of a domain, for xenstored's VIRQ_DOM_EXC
 * handling: libxc's getdomaininfo (a domctl through privcmd).  Apart
 * from xenstored_xen.c because libxc's headers are Keel's public ones
 * and the ring code uses Linux's.
 */
#include <errno.h>

#include <xenctrl.h>

#include "xenstored.h"

static xc_interface *xch;

int xen_domain_state(unsigned int domid)
{
    xc_dominfo_t info;

    if ( !xch )
    {
        xch = xc_interface_open(NULL, NULL, 0);
        if ( !xch )
            return -1;
    }
    if ( xc_domain_getinfo_single(xch, domid, &info) < 0 )
        /* No such domain any more: destroyed and freed. */
        return errno == ESRCH ? DOM_DYING : -1;
    if ( info.dying )
        return DOM_DYING;
    if ( info.shutdown || info.crashed )
        return DOM_SHUTDOWN;
    return DOM_RUNNING;
}

void xen_domain_state_close(void)
{
    if ( xch )
        xc_interface_close(xch);
    xch = NULL;
}
