/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version: who we claim to be.  Keel speaks the Xen 4.17 interface;
 * the extraversion carries Keel's own version so "xl info"-style tools
 * show both ("4.17-keel0.1.0").
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <asm/current.h>
#include <asm/config.h>
#include <public/version.h>
#include <public/features.h>

#define XEN_EXTRAVERSION "-keel" KEEL_VERSION

/* The guest types Keel runs: HVM containers only (PVH is one). */
static const char capabilities[] =
    "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p";

/* Start of the hypervisor's reserved area for 64-bit PV guests. */
#define HYPERVISOR_VIRT_START 0xffff800000000000UL

/* XENFEAT submap 0 for d. */
static u32 features_submap0(const struct domain *d)
{
    /*
     * HVM guests run on a p2m: auto-translated, page tables writable.
     * Event delivery through an upcall vector and a safe pvclock, as for
     * Xen's HVM guests.  No XENFEAT_hvm_pirqs: a PVH domain has no
     * emulated PIRQ routing (Xen enables it only for HVM with
     * XEN_X86_EMU_USE_PIRQ), and Linux would route its interrupts
     * through event channels if it saw the bit.
     */
    u32 m = (1U << XENFEAT_writable_page_tables) |
            (1U << XENFEAT_writable_descriptor_tables) |
            (1U << XENFEAT_auto_translated_physmap) |
            (1U << XENFEAT_supervisor_mode_kernel) |
            (1U << XENFEAT_hvm_callback_vector) |
            (1U << XENFEAT_hvm_safe_pvclock);

    if ( d->is_hardware_domain )
        m |= 1U << XENFEAT_dom0;
    return m;
}

/* Copy a NUL-terminated string into a fixed-size guest buffer. */
static long copy_string(unsigned long arg, const char *s, size_t bufsz)
{
    char buf[1024];
    size_t n = strlen(s);

    if ( bufsz > sizeof(buf) )
        bufsz = sizeof(buf);
    memset(buf, 0, bufsz);
    if ( n >= bufsz )
        n = bufsz - 1;
    memcpy(buf, s, n);
    return copy_to_guest(arg, buf, bufsz) ? -EFAULT : 0;
}

long do_xen_version(unsigned long cmd, unsigned long arg, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct domain *d = current->domain;

    (void)a3; (void)a4; (void)a5;

    switch ( cmd )
    {
    case XENVER_version:
        return (XEN_INTERFACE_MAJOR << 16) | XEN_INTERFACE_MINOR;

    case XENVER_extraversion:
        return copy_string(arg, XEN_EXTRAVERSION, XEN_EXTRAVERSION_LEN);

    case XENVER_compile_info:
    {
        struct xen_compile_info ci;

        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, KEEL_COMPILER, sizeof(ci.compiler));
        strlcpy(ci.compile_by, KEEL_COMPILE_BY, sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, KEEL_COMPILE_DOMAIN,
                sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, KEEL_COMPILE_DATE, sizeof(ci.compile_date));
        return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
    }

    case XENVER_capabilities:
        return copy_string(arg, capabilities, XEN_CAPABILITIES_INFO_LEN);

    case XENVER_changeset:
        return copy_string(arg, KEEL_CHANGESET, XEN_CHANGESET_INFO_LEN);

    case XENVER_platform_parameters:
    {
        struct xen_platform_parameters pp = {
            .virt_start = HYPERVISOR_VIRT_START,
        };

        return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
    }

    case XENVER_get_features:
    {
        struct xen_feature_info fi;

        if ( copy_from_guest(&fi, arg, sizeof(fi)) )
            return -EFAULT;
        if ( fi.submap_idx >= XENFEAT_NR_SUBMAPS )
            return -EINVAL;
        fi.submap = features_submap0(d);
        return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    }

    case XENVER_pagesize:
        return PAGE_SIZE;

    case XENVER_guest_handle:
        return copy_to_guest(arg, d->handle, sizeof(d->handle)) ? -EFAULT : 0;

    case XENVER_commandline:
        /* The hypervisor's command line is for the control domain only. */
        if ( !d->is_privileged )
            return -EPERM;
        return copy_string(arg, saved_cmdline, sizeof(xen_commandline_t));

    case XENVER_build_id:
        return -ENODATA;        /* no build id note in the image */
    }

    return -ENOSYS;
}
