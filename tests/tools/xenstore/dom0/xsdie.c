/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xsdie: a dom0 program for tests/system/test_guest_death.py (built
 * statically there; not part of the unit tests).  It destroys a guest
 * with the hypervisor's own interface, as no toolstack would, so the
 * test sees what xenstored and the hypervisor do by themselves:
 *
 *   xsdie zombie DOMID FIFO
 *       map the guest's xenstore page, destroy the guest (domctl), list
 *       every domain with getdomaininfolist (the guest must show as
 *       dying: its page is still mapped), then wait until something is
 *       written to FIFO, unmap, and list again.
 *
 * Every line starts with "xsdie: ".  Exit status 0 when each step
 * worked, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>

static void list(xc_interface *xch, const char *when)
{
    xc_dominfo_t info[64];
    int n = xc_domain_getinfo(xch, 0, 64, info), i;

    if ( n < 0 )
    {
        printf("xsdie: %s: getdomaininfolist failed: %s\n", when,
               strerror(errno));
        return;
    }
    for ( i = 0; i < n; i++ )
        printf("xsdie: %s: d%u dying=%u shutdown=%u pages=%lu\n", when,
               info[i].domid, info[i].dying, info[i].shutdown,
               info[i].nr_pages);
    printf("xsdie: %s: %d domains\n", when, n);
}

int main(int argc, char **argv)
{
    xenforeignmemory_handle *fm;
    xc_interface *xch;
    uint64_t pfn = 0;
    xen_pfn_t gfn;
    unsigned int domid;
    char buf[16];
    void *page;
    int fd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( argc != 4 || strcmp(argv[1], "zombie") )
    {
        fprintf(stderr, "usage: xsdie zombie DOMID FIFO\n");
        return 2;
    }
    domid = strtoul(argv[2], NULL, 10);
    xch = xc_interface_open(NULL, NULL, 0);
    fm = xenforeignmemory_open(0);
    if ( !xch || !fm )
    {
        printf("xsdie: cannot open privcmd: %s\n", strerror(errno));
        return 1;
    }
    if ( xc_hvm_param_get(xch, domid, HVM_PARAM_STORE_PFN, &pfn) < 0 )
    {
        printf("xsdie: d%u: no store page: %s\n", domid, strerror(errno));
        return 1;
    }
    gfn = pfn;
    page = xenforeignmemory_map(fm, domid, PROT_READ, 1, &gfn, NULL);
    if ( !page )
    {
        printf("xsdie: d%u: cannot map page %#llx: %s\n", domid,
               (unsigned long long)pfn, strerror(errno));
        return 1;
    }
    printf("xsdie: d%u: store page %#llx mapped\n", domid,
           (unsigned long long)pfn);
    if ( xc_domain_destroy(xch, domid) < 0 )
    {
        printf("xsdie: d%u: destroy failed: %s\n", domid, strerror(errno));
        return 1;
    }
    printf("xsdie: d%u destroyed\n", domid);
    list(xch, "held");
    printf("xsdie: holding d%u's page until %s is written\n", domid,
           argv[3]);
    fd = open(argv[3], O_RDONLY);
    if ( fd < 0 || read(fd, buf, sizeof(buf)) < 0 )
        printf("xsdie: %s: %s\n", argv[3], strerror(errno));
    if ( fd >= 0 )
        close(fd);
    xenforeignmemory_unmap(fm, page, 1);
    printf("xsdie: d%u's page unmapped\n", domid);
    list(xch, "released");
    xenforeignmemory_close(fm);
    xc_interface_close(xch);
    return 0;
}
