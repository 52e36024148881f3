/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtual devices, the pure parts (Xen 3.x's blkif.py, DevController.py,
 * blkif/netif controllers): a vbd's device number from its vdev name, a
 * vif's random MAC, the (device ...) entries of a config checked into
 * struct xend_dev, and the back-end / front-end xenstore nodes of one
 * device.  domains.c writes those nodes, waits for the hotplug scripts
 * (tools/hotplug) and tears the devices down again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xend.h"

/* ---- vdev -> device number ---------------------------------------------- */

/* "a".."z", "aa".. as a disk index (bijective base 26, as Linux names
 * them); *end after the letters.  -1 if none or too large. */
static long disk_index(const char *s, const char **end)
{
    long idx = 0;
    const char *p = s;

    while ( *p >= 'a' && *p <= 'z' )
    {
        idx = idx * 26 + (*p - 'a' + 1);
        if ( idx > (1L << 20) )
            return -1;
        p++;
    }
    *end = p;
    return p == s ? -1 : idx - 1;
}

/* A partition number: "" is 0, else 1..max without leading zeros. */
static long partition(const char *s, long max)
{
    long n = 0;

    if ( !*s )
        return 0;
    if ( *s == '0' )
        return -1;
    for ( ; *s; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return -1;
        n = n * 10 + (*s - '0');
        if ( n > max )
            return -1;
    }
    return n;
}

int xend_vdev_devid(const char *vdev, uint32_t *devid)
{
    /* The majors of hda..hdt, two disks each (Linux's IDE numbering). */
    static const unsigned int ide_major[] = {
        3, 22, 33, 34, 56, 57, 88, 89, 90, 91,
    };
    const char *rest;
    long disk, part;
    char *end;

    if ( !strncmp(vdev, "/dev/", 5) )
        vdev += 5;
    if ( !strncmp(vdev, "xvd", 3) )
    {
        disk = disk_index(vdev + 3, &rest);
        if ( disk < 0 )
            return -1;
        part = partition(rest, 255);
        if ( part < 0 )
            return -1;
        /* The compact form while it fits, else the extended one. */
        if ( disk < 16 && part < 16 )
            *devid = 202 << 8 | disk << 4 | part;
        else if ( disk < (1L << 20) )
            *devid = 1u << 28 | disk << 8 | part;
        else
            return -1;
        return 0;
    }
    if ( !strncmp(vdev, "hd", 2) )
    {
        disk = disk_index(vdev + 2, &rest);
        if ( disk < 0 || disk >= 20 )
            return -1;
        part = partition(rest, 63);
        if ( part < 0 )
            return -1;
        *devid = ide_major[disk / 2] << 8 | (disk % 2) << 6 | part;
        return 0;
    }
    if ( !strncmp(vdev, "sd", 2) )
    {
        unsigned int major;

        disk = disk_index(vdev + 2, &rest);
        if ( disk < 0 || disk >= 256 )
            return -1;
        part = partition(rest, 15);
        if ( part < 0 )
            return -1;
        /* SCSI_DISK0 for 16 disks, SCSI_DISK1..7 (65..71), then
         * SCSI_DISK8..15 (128..135). */
        major = disk < 16 ? 8 : disk < 128 ? 64 + disk / 16 :
                128 + (disk - 128) / 16;
        *devid = major << 8 | (disk % 16) << 4 | part;
        return 0;
    }
    /* A number as Xen takes it: decimal, or hex with 0x. */
    if ( *vdev >= '0' && *vdev <= '9' )
    {
        unsigned long n;

        errno = 0;
        n = strtoul(vdev, &end, 0);
        if ( errno || *end || n > UINT32_MAX || !n )
            return -1;
        *devid = n;
        return 0;
    }
    return -1;
}

/* ---- MACs --------------------------------------------------------------- */

void xend_mac_format(const uint8_t rnd[3], char out[18])
{
    /* Xen's OUI; the top bit of the first random byte stays clear, as
     * xend's randomMAC leaves the upper half to other tools. */
    snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", rnd[0] & 0x7f, rnd[1],
             rnd[2]);
}

void xend_mac_random(char out[18])
{
    uint8_t r[3] = { 0 };
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if ( fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r) )
    {
        /* No urandom: still different per domain and per call. */
        unsigned int s = (unsigned int)getpid() ^ (unsigned int)time(NULL);
        static unsigned int ctr;

        s ^= ++ctr * 2654435761u;
        r[0] = s;
        r[1] = s >> 8;
        r[2] = s >> 16;
    }
    if ( fd >= 0 )
        close(fd);
    xend_mac_format(r, out);
}

static bool mac_valid(const char *m)
{
    unsigned int i;

    if ( strlen(m) != 17 )
        return false;
    for ( i = 0; i < 17; i++ )
        if ( i % 3 == 2 ? m[i] != ':' :
             !strchr("0123456789abcdefABCDEF", m[i]) )
            return false;
    return true;
}

/* ---- (device ...) entries ----------------------------------------------- */

static const char *val(const struct sxp *dev, const char *key)
{
    const char *v = sxp_child_value(dev, key);

    return v ? v : "";
}

static int copy(char *dst, size_t len, const char *src, const char *what,
                char *err, size_t errlen)
{
    if ( strlen(src) >= len )
    {
        snprintf(err, errlen, "%s '%.60s' is too long (at most %zu "
                 "characters)", what, src, len - 1);
        return -1;
    }
    snprintf(dst, len, "%s", src);
    return 0;
}

static int parse_vbd(const struct sxp *vbd, bool tap, struct xend_dev *d,
                     char *err, size_t errlen)
{
    const char *uname = val(vbd, "uname"), *dev = val(vbd, "dev");
    const char *mode = val(vbd, "mode"), *back = val(vbd, "backend");
    const char *colon, *path;
    char vdev[32];

    d->kind = XEND_DEV_VBD;
    if ( *back && strcmp(back, "0") && strcmp(back, "Domain-0") )
    {
        snprintf(err, errlen, "disk '%s': backend '%s': driver domains "
                 "are not supported by this Keel release yet: remove "
                 "backend=", uname, back);
        return -1;
    }
    /* "ioemu:hda" and "hdc:cdrom" as HVM configs write them. */
    if ( !strncmp(dev, "ioemu:", 6) )
        dev += 6;
    if ( copy(vdev, sizeof(vdev), dev, "disk device name", err, errlen) )
        return -1;
    colon = strchr(vdev, ':');
    if ( colon )
    {
        if ( strcmp(colon, ":cdrom") && strcmp(colon, ":disk") )
        {
            snprintf(err, errlen, "disk '%s': device '%s': expected "
                     "<name>, <name>:disk or <name>:cdrom", uname, dev);
            return -1;
        }
        d->cdrom = !strcmp(colon, ":cdrom");
        vdev[colon - vdev] = '\0';
    }
    if ( xend_vdev_devid(vdev, &d->devid) )
    {
        snprintf(err, errlen, "disk '%s': invalid device name '%s': "
                 "expected xvda.., hda..hdt, sda.. (with an optional "
                 "partition number) or a device number", uname, vdev);
        return -1;
    }
    snprintf(d->vdev, sizeof(d->vdev), "%s", vdev);
    if ( strcmp(mode, "r") && strcmp(mode, "w") && strcmp(mode, "w!") )
    {
        snprintf(err, errlen, "disk '%s' (%s): invalid mode '%s': expected "
                 "r, w or w!", uname, vdev, mode);
        return -1;
    }
    snprintf(d->mode, sizeof(d->mode), "%s", mode);

    if ( !*uname )
    {
        snprintf(err, errlen, "disk %s: an empty drive (no file or device) "
                 "needs an HVM guest: give phy: or file: for a PV guest",
                 vdev);
        return -1;
    }
    if ( !strncmp(uname, "phy:", 4) )
    {
        snprintf(d->type, sizeof(d->type), "phy");
        path = uname + 4;
    }
    else if ( !strncmp(uname, "file:", 5) )
    {
        snprintf(d->type, sizeof(d->type), "file");
        path = uname + 5;
    }
    else if ( !strncmp(uname, "tap:aio:", 8) || !strncmp(uname, "tap:sync:",
                                                           9) )
    {
        /* blktap is gone from Linux: a raw image is served as file:
         * (a loop device), which is what tap:aio: did with it. */
        snprintf(d->type, sizeof(d->type), "file");
        path = strchr(uname + 4, ':') + 1;
    }
    else
    {
        colon = strchr(uname, ':');
        snprintf(err, errlen, "disk '%s' (%s): %s%.*s images are not "
                 "supported by this Keel release: use phy: (a block "
                 "device) or file: (a raw image)", uname, vdev,
                 tap ? "" : "protocol ", colon ? (int)(colon - uname) :
                 (int)strlen(uname), uname);
        return -1;
    }
    if ( !*path )
    {
        snprintf(err, errlen, "disk '%s' (%s): no path after '%s:'", uname,
                 vdev, d->type);
        return -1;
    }
    if ( !strcmp(d->type, "file") && *path != '/' )
    {
        snprintf(err, errlen, "disk '%s' (%s): the image path must be "
                 "absolute", uname, vdev);
        return -1;
    }
    return copy(d->params, sizeof(d->params), path, "disk path", err,
                errlen);
}

static int parse_vif(const struct sxp *vif, unsigned int n,
                     const char *vif_script, struct xend_dev *d, char *err,
                     size_t errlen)
{
    const char *mac = val(vif, "mac"), *back = val(vif, "backend");
    const char *script = val(vif, "script");

    d->kind = XEND_DEV_VIF;
    d->devid = n;
    if ( *back && strcmp(back, "0") && strcmp(back, "Domain-0") )
    {
        snprintf(err, errlen, "vif %u: backend '%s': driver domains are not "
                 "supported by this Keel release yet: remove backend=", n,
                 back);
        return -1;
    }
    if ( *val(vif, "rate") || *val(vif, "accel") )
    {
        snprintf(err, errlen, "vif %u: %s= is not supported by this Keel "
                 "release yet: remove it", n, *val(vif, "rate") ? "rate" :
                 "accel");
        return -1;
    }
    if ( *mac )
    {
        unsigned int i;

        if ( !mac_valid(mac) )
        {
            snprintf(err, errlen, "vif %u: invalid mac '%s': expected six "
                     "hex bytes such as 00:16:3e:12:34:56", n, mac);
            return -1;
        }
        for ( i = 0; i < 17; i++ )
            d->mac[i] = mac[i] >= 'A' && mac[i] <= 'F' ? mac[i] + 32 :
                        mac[i];
        d->mac[17] = '\0';
    }
    if ( !*script )
        script = vif_script && *vif_script ? vif_script : "vif-bridge";
    if ( *script == '/' )
    {
        if ( copy(d->script, sizeof(d->script), script, "vif script", err,
                  errlen) )
            return -1;
    }
    else if ( strchr(script, '/') || strchr(script, ' ') )
    {
        snprintf(err, errlen, "vif %u: script '%s': give a name from %s or "
                 "an absolute path", n, script, XEND_SCRIPTS_DIR);
        return -1;
    }
    else if ( strlen(script) + sizeof(XEND_SCRIPTS_DIR) + 1 >
              sizeof(d->script) )
    {
        snprintf(err, errlen, "vif %u: script name '%.40s' is too long", n,
                 script);
        return -1;
    }
    else
        snprintf(d->script, sizeof(d->script), "%s/%s", XEND_SCRIPTS_DIR,
                 script);
    return copy(d->bridge, sizeof(d->bridge), val(vif, "bridge"), "bridge",
                err, errlen) ||
           copy(d->ip, sizeof(d->ip), val(vif, "ip"), "ip", err, errlen) ||
           copy(d->vifname, sizeof(d->vifname), val(vif, "vifname"),
                "vifname", err, errlen);
}

int xend_devs_parse(const struct sxp *vm, const char *vif_script,
                    struct xend_vmcfg *cfg, char *err, size_t errlen)
{
    unsigned int i, j, nvif = 0;

    cfg->n_devs = 0;
    for ( i = 1; i < vm->n; i++ )
    {
        const struct sxp *c = vm->items[i], *dev;
        const char *kind;
        struct xend_dev *d;

        if ( c->type != SXP_LIST || !sxp_name(c) ||
             strcmp(sxp_name(c), "device") )
            continue;
        dev = c->n > 1 ? c->items[1] : NULL;
        kind = dev ? sxp_name(dev) : NULL;
        if ( !kind || (strcmp(kind, "vbd") && strcmp(kind, "tap") &&
                       strcmp(kind, "vif")) )
        {
            snprintf(err, errlen, "%s devices are not supported by this "
                     "Keel release yet: remove %s from the config file",
                     kind ? kind : "virtual",
                     kind && (!strcmp(kind, "vfb") || !strcmp(kind, "vkbd"))
                     ? "vfb=" : kind && !strcmp(kind, "pci") ? "pci=" :
                     "the device");
            return -1;
        }
        if ( cfg->n_devs >= XEND_MAX_DEVS )
        {
            snprintf(err, errlen, "too many devices: at most %d disks and "
                     "vifs together", XEND_MAX_DEVS);
            return -1;
        }
        d = &cfg->devs[cfg->n_devs];
        memset(d, 0, sizeof(*d));
        if ( !strcmp(kind, "vif") ?
             parse_vif(dev, nvif, vif_script, d, err, errlen) :
             parse_vbd(dev, !strcmp(kind, "tap"), d, err, errlen) )
            return -1;
        if ( d->kind == XEND_DEV_VIF )
            nvif++;
        for ( j = 0; j < cfg->n_devs; j++ )
            if ( cfg->devs[j].kind == XEND_DEV_VBD &&
                 d->kind == XEND_DEV_VBD && cfg->devs[j].devid == d->devid )
            {
                snprintf(err, errlen, "disks %s and %s are the same device "
                         "(number %u): give each disk its own name",
                         cfg->devs[j].vdev, d->vdev, d->devid);
                return -1;
            }
        cfg->n_devs++;
    }
    return 0;
}

int xend_config_fill_macs(struct sxp *vm, struct xend_vmcfg *cfg)
{
    unsigned int i, n = 0;

    for ( i = 1; i < vm->n; i++ )
    {
        struct sxp *c = vm->items[i], *vif;
        unsigned int k;

        if ( c->type != SXP_LIST || c->n < 2 || !sxp_name(c) ||
             strcmp(sxp_name(c), "device") || !sxp_name(c->items[1]) ||
             strcmp(sxp_name(c->items[1]), "vif") )
            continue;
        vif = c->items[1];
        for ( k = 0; k < cfg->n_devs; k++ )
            if ( cfg->devs[k].kind == XEND_DEV_VIF &&
                 cfg->devs[k].devid == n )
                break;
        n++;
        if ( k == cfg->n_devs || cfg->devs[k].mac[0] )
            continue;
        xend_mac_random(cfg->devs[k].mac);
        /* Into the stored config too: a restart keeps the address. */
        if ( !sxp_add_pair(vif, "mac", cfg->devs[k].mac) )
            return -1;
    }
    return 0;
}

/* ---- xenstore nodes of one device --------------------------------------- */

const char *xend_dev_class(const struct xend_dev *d)
{
    return d->kind == XEND_DEV_VBD ? "vbd" : "vif";
}

void xend_dev_paths(const struct xend_dev *d, uint32_t domid,
                    char back[96], char front[96])
{
    snprintf(back, 96, "/local/domain/0/backend/%s/%u/%u", xend_dev_class(d),
             domid, d->devid);
    snprintf(front, 96, "/local/domain/%u/device/%s/%u", domid,
             xend_dev_class(d), d->devid);
}

int xend_dev_layout(const struct xend_dev_layout_args *a,
                    struct xend_xs_entry *out, unsigned int max)
{
    const struct xend_dev *d = a->dev;
    struct xend_xs_list l = { .out = out, .max = max };
    char back[96], front[96], vm[128];
    const enum xend_xs_perm I = XEND_XS_INHERIT;

    xend_dev_paths(d, a->domid, back, front);

    /*
     * The back-end directory: dom0 owns it (the back-end driver and the
     * hotplug scripts write there), the guest may read it.
     */
    xend_xs_add(&l, XEND_XS_DOM0, back, NULL, "%s", "");
    xend_xs_add(&l, I, back, "domain", "%s", a->name);
    xend_xs_add(&l, I, back, "frontend", "%s", front);
    xend_xs_add(&l, I, back, "uuid", "%s", a->dev_uuid);
    xend_xs_add(&l, I, back, "frontend-id", "%u", a->domid);
    xend_xs_add(&l, I, back, "online", "%s", "1");
    /* XenbusStateInitialising */
    xend_xs_add(&l, I, back, "state", "%d", 1);
    if ( d->kind == XEND_DEV_VBD )
    {
        xend_xs_add(&l, I, back, "dev", "%s", d->vdev);
        xend_xs_add(&l, I, back, "type", "%s", d->type);
        xend_xs_add(&l, I, back, "params", "%s", d->params);
        xend_xs_add(&l, I, back, "mode", "%s", d->mode);
        xend_xs_add(&l, I, back, "removable", "%d", d->cdrom);
        xend_xs_add(&l, I, back, "bootable", "%d", a->bootable);
        if ( d->cdrom )
            xend_xs_add(&l, I, back, "device-type", "%s", "cdrom");
    }
    else
    {
        xend_xs_add(&l, I, back, "handle", "%u", d->devid);
        xend_xs_add(&l, I, back, "mac", "%s", d->mac);
        xend_xs_add(&l, I, back, "bridge", "%s",
                    d->bridge[0] ? d->bridge : XEND_DEFAULT_BRIDGE);
        xend_xs_add(&l, I, back, "script", "%s", d->script);
        if ( d->ip[0] )
            xend_xs_add(&l, I, back, "ip", "%s", d->ip);
        if ( d->vifname[0] )
            xend_xs_add(&l, I, back, "vifname", "%s", d->vifname);
    }

    /* The front-end directory: the guest owns it (its driver writes its
     * state and ring references there). */
    xend_xs_add(&l, XEND_XS_GUEST, front, NULL, "%s", "");
    xend_xs_add(&l, I, front, "backend", "%s", back);
    xend_xs_add(&l, I, front, "backend-id", "%u", 0);
    xend_xs_add(&l, I, front, "state", "%d", 1);
    if ( d->kind == XEND_DEV_VBD )
    {
        xend_xs_add(&l, I, front, "virtual-device", "%u", d->devid);
        xend_xs_add(&l, I, front, "device-type", "%s",
                    d->cdrom ? "cdrom" : "disk");
    }
    else
    {
        xend_xs_add(&l, I, front, "handle", "%u", d->devid);
        xend_xs_add(&l, I, front, "mac", "%s", d->mac);
    }

    /* /vm/<uuid>/device/<class>/<devid>: where the two ends are. */
    snprintf(vm, sizeof(vm), "/vm/%s/device/%s/%u", a->uuid,
             xend_dev_class(d), d->devid);
    xend_xs_add(&l, I, vm, "frontend", "%s", front);
    xend_xs_add(&l, I, vm, "frontend-id", "%u", a->domid);
    xend_xs_add(&l, I, vm, "backend", "%s", back);
    xend_xs_add(&l, I, vm, "backend-id", "%u", 0);
    return l.full ? -1 : (int)l.n;
}
