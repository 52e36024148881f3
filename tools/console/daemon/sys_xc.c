/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled asks the hypervisor whether a domain is dying or gone
 * (getdomaininfo through libxc), so a domain destroyed without its
 * xenstore nodes being removed does not keep its console page mapped here.
 */
#include <errno.h>

#include <xenctrl.h>

#include "sys_linux.h"

static xc_interface *xch;

int sys_xc_dom_state(void *h, unsigned int domid)
{
    xc_dominfo_t info;

    if ( !xch )
    {
        xch = xc_interface_open(NULL, NULL, 0);
        if ( !xch )
            return CONSD_DOM_UNKNOWN;
    }
    if ( xc_domain_getinfo_single(xch, domid, &info) < 0 )
        return errno == ESRCH ? CONSD_DOM_GONE : CONSD_DOM_UNKNOWN;
    return info.dying ? CONSD_DOM_GONE : CONSD_DOM_ALIVE;
}

void sys_xc_close(void)
{
    if ( xch )
        xc_interface_close(xch);
    xch = NULL;
}
