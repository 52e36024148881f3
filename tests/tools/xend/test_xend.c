/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend: pure parts, then xend + xm end to end against a real xenstored
 * (forked from this program, fake rings) and the fake hypervisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_hv.h"
#include "xenstore.h"
#include "xenstored.h"
#include "xm.h"
#include "xmlrpc.h"
#include "xmlrpc_sxp.h"
#include "xend.h"

/* ---- helpers -------------------------------------------------------- */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

static struct sxp *parse(const char *text)
{
    struct kcfg_error e;
    struct sxp *s = sxp_parse_one("test", text, strlen(text), &e);

    if ( !s )
        fail_msg("bad test SXP: %s", e.msg);
    return s;
}

/* ---- pure parts ----------------------------------------------------- */

static void test_vmcfg(void **state)
{
    struct sxp *s = parse(
        "(vm (name web) (memory 256) (maxmem 512) (vcpus 2) "
        "(on_reboot preserve) (cpus 0-1) "
        "(image (linux (kernel /k) (ramdisk /r) (ip 10.0.0.2::::web:eth0:off)"
        " (root '/dev/xvda1 ro') (args 'console=hvc0 quiet'))))");
    struct xend_vmcfg c;
    char err[256];

    assert_int_equal(xend_vmcfg_parse(s, &c, err, sizeof(err)), 0);
    assert_string_equal(c.name, "web");
    assert_int_equal(c.memory, 256);
    assert_int_equal(c.maxmem, 512);
    assert_int_equal(c.vcpus, 2);
    assert_int_equal(c.vcpu_avail, 3);
    assert_string_equal(c.kernel, "/k");
    assert_string_equal(c.ramdisk, "/r");
    assert_string_equal(c.cmdline, "ip=10.0.0.2::::web:eth0:off "
                        "root=/dev/xvda1 ro console=hvc0 quiet");
    assert_int_equal(c.on_poweroff, KCFG_ACTION_DESTROY);
    assert_int_equal(c.on_reboot, KCFG_ACTION_PRESERVE);
    assert_int_equal(c.on_crash, KCFG_ACTION_RESTART);
    assert_string_equal(c.cpus, "0-1");
    assert_string_equal(c.uuid, "");
    xend_vmcfg_free(&c);
    sxp_free(s);

    /* Defaults: memory 128, maxmem = memory, no ramdisk, empty cmdline */
    s = parse("(vm (name a) (image (linux (kernel /k))))");
    assert_int_equal(xend_vmcfg_parse(s, &c, err, sizeof(err)), 0);
    assert_int_equal(c.memory, 128);
    assert_int_equal(c.maxmem, 128);
    assert_null(c.ramdisk);
    assert_string_equal(c.cmdline, "");
    xend_vmcfg_free(&c);
    sxp_free(s);
}

static void refused(const char *text, const char *want)
{
    struct sxp *s = parse(text);
    struct xend_vmcfg c;
    char err[512];

    assert_int_equal(xend_vmcfg_parse(s, &c, err, sizeof(err)), -1);
    if ( !strstr(err, want) )
        fail_msg("for %s: '%s' does not say '%s'", text, err, want);
    sxp_free(s);
}

static void test_vmcfg_refused(void **state)
{
    refused("(vm (image (linux (kernel /k))))", "has no name");
    refused("(vm (name a))", "has no kernel: set kernel=");
    refused("(vm (name a) (image (hvm (kernel /k))))",
            "HVM guests (builder='hvm') are not supported");
    refused("(vm (name a) (image (linux (kernel /k))) (device (vfb)))",
            "vfb devices are not supported by this Keel release yet: "
            "remove vfb=");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname phy:/dev/sdb))))",
            "invalid device name '': expected xvda..");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname qcow:/x) (dev xvda) (mode w))))",
            "disk 'qcow:/x' (xvda): protocol qcow images are not "
            "supported");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (tap (uname tap:qcow:/x) (dev xvda) (mode w))))",
            "tap images are not supported");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname file:/x) (dev xvda) (mode rw))))",
            "invalid mode 'rw': expected r, w or w!");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname file:x.img) (dev xvda) (mode w))))",
            "the image path must be absolute");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname file:/a) (dev xvda) (mode w))) "
            "(device (vbd (uname file:/b) (dev 51712) (mode r))))",
            "disks xvda and 51712 are the same device (number 51712)");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vbd (uname file:/a) (dev hdc:cdrom) (mode r) "
            "(backend 3))))", "driver domains are not supported");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vif (mac 00:16:3e:zz:00:01))))",
            "vif 0: invalid mac '00:16:3e:zz:00:01'");
    refused("(vm (name a) (image (linux (kernel /k))) "
            "(device (vif (rate 10Mb/s))))", "vif 0: rate= is not "
            "supported");
    refused("(vm (name a) (bootloader /usr/bin/pygrub))",
            "bootloader '/usr/bin/pygrub' is not supported");
    refused("(vm (name a) (memory lots) (image (linux (kernel /k))))",
            "invalid memory 'lots'");
    refused("(vm (name a) (vcpus 0) (image (linux (kernel /k))))",
            "invalid vcpus '0'");
    refused("(vm (name a) (on_crash explode) (image (linux (kernel /k))))",
            "invalid on_crash 'explode'");
    refused("(vm (name 'a b') (image (linux (kernel /k))))",
            "contains ' '");
    refused("(vm (name a) (uuid 1234) (image (linux (kernel /k))))",
            "invalid uuid '1234'");
    refused("(vm (name a) (cpus 0-x) (image (linux (kernel /k))))",
            "invalid cpus '0-x'");
    refused("(domain (name a))", "not a (vm ...)");
}

static void test_state_string(void **state)
{
    struct xend_dominfo d = { 0 };
    char s[7];

    xend_state_string(&d, s);
    assert_string_equal(s, "------");
    d.running = true;
    xend_state_string(&d, s);
    assert_string_equal(s, "r-----");
    d.running = false;
    d.blocked = d.paused = true;
    xend_state_string(&d, s);
    assert_string_equal(s, "-bp---");
    memset(&d, 0, sizeof(d));
    d.shutdown = true;
    d.shutdown_reason = XEND_SHUTDOWN_POWEROFF;
    xend_state_string(&d, s);
    assert_string_equal(s, "---s--");
    d.shutdown_reason = XEND_SHUTDOWN_CRASH;
    xend_state_string(&d, s);
    assert_string_equal(s, "----c-");
    d.dying = true;
    xend_state_string(&d, s);
    assert_string_equal(s, "----cd");
}

static void test_mem_check(void **state)
{
    char msg[1024];
    uint64_t need = xend_mem_needed_kib(512, 1);

    /* RAM plus rounded-up overhead: 512 MiB + 2 MiB */
    assert_int_equal(need, 512 * 1024 + 2048);
    assert_int_equal(xend_mem_needed_kib(128, 1), 128 * 1024 + 1024);
    assert_int_equal(xend_mem_check("web", need, need, 1 << 20, 196, true,
                                    msg, sizeof(msg)), 0);
    assert_int_equal(xend_mem_check("web", need, 300 * 1024, 1000 * 1024,
                                    196, true, msg, sizeof(msg)), -1);
    assert_string_equal(msg,
        "Not enough memory to create domain 'web': it needs 514 MiB "
        "(526336 KiB with the hypervisor's overhead), but only 300 MiB "
        "(307200 KiB) is free. dom0 (1000 MiB now) could balloon down by "
        "804 MiB before reaching dom0-min-mem (196 MiB), which would be "
        "enough. Hint: 'xm mem-set Domain-0 <MiB>' to give memory back "
        "first, or lower memory= in the config.");
    assert_int_equal(xend_mem_check("web", need, 100 * 1024, 300 * 1024,
                                    196, true, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "by 104 MiB before reaching dom0-min-mem "
                            "(196 MiB), which would still not be enough"));
    assert_int_equal(xend_mem_check("web", need, 100 * 1024, 196 * 1024,
                                    196, true, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "dom0 (196 MiB) is already at dom0-min-mem "
                            "(196 MiB)"));
    assert_int_equal(xend_mem_check("web", need, 100 * 1024, 900 * 1024,
                                    196, false, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "enable-dom0-ballooning no"));
}

static void test_shutdown_actions(void **state)
{
    struct xend_vmcfg c = {
        .on_poweroff = KCFG_ACTION_DESTROY,
        .on_reboot = KCFG_ACTION_RESTART,
        .on_crash = KCFG_ACTION_RENAME_RESTART,
    };
    enum kcfg_action a;
    double t[XEND_RESTART_MAX] = { 0 };
    unsigned int i;

    assert_true(xend_shutdown_action(&c, XEND_SHUTDOWN_POWEROFF, &a));
    assert_int_equal(a, KCFG_ACTION_DESTROY);
    assert_true(xend_shutdown_action(&c, XEND_SHUTDOWN_REBOOT, &a));
    assert_int_equal(a, KCFG_ACTION_RESTART);
    assert_true(xend_shutdown_action(&c, XEND_SHUTDOWN_CRASH, &a));
    assert_int_equal(a, KCFG_ACTION_RENAME_RESTART);
    assert_true(xend_shutdown_action(&c, XEND_SHUTDOWN_WATCHDOG, &a));
    assert_int_equal(a, KCFG_ACTION_RENAME_RESTART);
    assert_false(xend_shutdown_action(&c, XEND_SHUTDOWN_SUSPEND, &a));
    assert_false(xend_shutdown_action(&c, 99, &a));
    assert_string_equal(xend_shutdown_reason_name(3), "crash");

    /* Restart-loop guard: the 5th restart within 60 s is refused. */
    assert_true(xend_restart_allowed(t, XEND_RESTART_MAX, 1000.0));
    for ( i = 0; i < XEND_RESTART_MAX - 1; i++ )
        t[i] = 990.0;
    assert_true(xend_restart_allowed(t, XEND_RESTART_MAX, 1000.0));
    t[XEND_RESTART_MAX - 1] = 990.0;
    assert_false(xend_restart_allowed(t, XEND_RESTART_MAX, 1000.0));
    assert_true(xend_restart_allowed(t, XEND_RESTART_MAX, 1051.0));
}

static void test_uuid_cpus(void **state)
{
    uint8_t u[16], v[16];
    char s[37];
    uint64_t m;

    assert_int_equal(xend_uuid_parse("4fdb2ba4-e1ab-4c8d-9a6c-"
                                     "0123456789ab", u), 0);
    xend_uuid_format(u, s);
    assert_string_equal(s, "4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab");
    assert_int_equal(xend_uuid_parse("4fdb2ba4e1ab4c8d9a6c0123456789AB", v),
                     0);
    assert_memory_equal(u, v, 16);
    assert_int_equal(xend_uuid_parse("4fdb2ba4-e1ab", u), -1);
    assert_int_equal(xend_uuid_parse("4fdb2ba4-e1ab-4c8d-9a6c-0123456789abc",
                                     u), -1);
    xend_uuid_generate(u);
    xend_uuid_generate(v);
    assert_memory_not_equal(u, v, 16);
    assert_int_equal(u[6] >> 4, 4);

    assert_int_equal(xend_cpus_parse("0-3,^2", &m), 0);
    assert_int_equal(m, 0xb);
    assert_int_equal(xend_cpus_parse("1", &m), 0);
    assert_int_equal(m, 2);
    assert_int_equal(xend_cpus_parse("[0, 2]", &m), 0);
    assert_int_equal(m, 5);
    assert_int_equal(xend_cpus_parse("^0", &m), 0);
    assert_int_equal(m, ~1ull);
    assert_int_equal(xend_cpus_parse("", &m), -1);
    assert_int_equal(xend_cpus_parse("3-1", &m), -1);
    assert_int_equal(xend_cpus_parse("64", &m), -1);
    assert_int_equal(xend_cpus_parse("a", &m), -1);
    assert_int_equal(xend_cpus_parse("1,^1", &m), -1);
}

static const struct xend_xs_entry *entry(const struct xend_xs_entry *e,
                                         int n, const char *path)
{
    int i;

    for ( i = 0; i < n; i++ )
        if ( !strcmp(e[i].path, path) )
            return &e[i];
    fail_msg("no %s in the layout", path);
    return NULL;
}

static void test_xs_layout(void **state)
{
    struct xend_vmcfg c = {
        .memory = 128, .maxmem = 256, .vcpus = 2, .vcpu_avail = 1,
        .on_poweroff = KCFG_ACTION_DESTROY,
        .on_reboot = KCFG_ACTION_RESTART, .on_crash = KCFG_ACTION_PRESERVE,
    };
    struct xend_xs_layout_args a = {
        .domid = 7, .uuid = "4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab",
        .name = "web", .cfg = &c, .image_sxp = "(image (linux (kernel /k)))",
        .config_sxp = "(vm (name web))", .restart_count = 2,
        .start_time = 1290000000.25, .console_pfn = 0xfeffc,
        .store_pfn = 0xfeffd, .console_port = 3, .store_port = 4,
        .console_limit_kb = 1024,
    };
    struct xend_xs_entry e[64];
    int n = xend_xs_layout(&a, e, 64), i;
    const char *vm = "/vm/4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab";
    char p[128];

#define V(path, val) assert_string_equal(entry(e, n, path)->value, val)
    assert_true(n > 20);
    /* Directories come before their contents. */
    assert_string_equal(e[0].path, vm);
    assert_int_equal(e[0].perm, XEND_XS_DOM0);
    snprintf(p, sizeof(p), "%s/name", vm);
    V(p, "web");
    snprintf(p, sizeof(p), "%s/on_crash", vm);
    V(p, "preserve");
    snprintf(p, sizeof(p), "%s/image", vm);
    V(p, "(image (linux (kernel /k)))");
    snprintf(p, sizeof(p), "%s/xend/restart_count", vm);
    V(p, "2");
    snprintf(p, sizeof(p), "%s/start_time", vm);
    V(p, "1290000000.25");
    assert_int_equal(entry(e, n, "/local/domain/7")->perm, XEND_XS_GUEST);
    V("/local/domain/7/domid", "7");
    V("/local/domain/7/name", "web");
    V("/local/domain/7/vm", vm);
    V("/local/domain/7/memory/target", "131072");
    V("/local/domain/7/memory/static-max", "262144");
    V("/local/domain/7/cpu/0/availability", "online");
    V("/local/domain/7/cpu/1/availability", "offline");
    V("/local/domain/7/console/ring-ref", "1044476");
    V("/local/domain/7/console/port", "3");
    V("/local/domain/7/console/limit", "1048576");
    V("/local/domain/7/console/type", "xenconsoled");
    V("/local/domain/7/store/ring-ref", "1044477");
    V("/local/domain/7/store/port", "4");
    /* The guest owns what it writes (control/shutdown acks, drivers);
     * only dom0 may touch its console and store nodes. */
    assert_int_equal(entry(e, n, "/local/domain/7/control")->perm,
                     XEND_XS_GUEST);
    assert_int_equal(entry(e, n, "/local/domain/7/device")->perm,
                     XEND_XS_GUEST);
    assert_int_equal(entry(e, n, "/local/domain/7/console")->perm,
                     XEND_XS_DOM0);
    assert_int_equal(entry(e, n, "/local/domain/7/store")->perm,
                     XEND_XS_DOM0);
    for ( i = 1; i < n; i++ )
    {
        /* every entry's parent directory precedes it */
        char parent[128], *slash;
        int j;
        bool found = false;

        snprintf(parent, sizeof(parent), "%s", e[i].path);
        slash = strrchr(parent, '/');
        *slash = '\0';
        if ( !strcmp(parent, "/vm") || !strcmp(parent, "/local/domain") ||
             strstr(parent, "/cpu/") || strstr(parent, "/xend") )
            continue;
        for ( j = 0; j < i; j++ )
            found |= !strcmp(e[j].path, parent);
        if ( !found )
            fail_msg("%s comes before its directory", e[i].path);
    }
    assert_int_equal(xend_xs_layout(&a, e, 10), -1);
#undef V
}

/* ---- devices -------------------------------------------------------- */

static void devid_is(const char *vdev, uint32_t want)
{
    uint32_t got = 0;

    if ( xend_vdev_devid(vdev, &got) )
        fail_msg("%s: refused, want %u", vdev, want);
    if ( got != want )
        fail_msg("%s: %u (%#x), want %u (%#x)", vdev, got, got, want, want);
}

static void test_vdev_devid(void **state)
{
    static const char *const bad[] = {
        "", "xvd", "xvdA", "xvda0", "xvda256", "hdu", "hda64", "sda16",
        "sdiw", "vda", "0", "0x", "12abc", "hd", "xvda1x",
    };
    uint32_t d;
    unsigned int i;

    /* Xen's numbers (docs/misc/vbd-interface.txt, blkif.py). */
    devid_is("xvda", 51712);
    devid_is("xvda1", 51713);
    devid_is("xvdb", 51728);
    devid_is("xvdp15", 202 << 8 | 15 << 4 | 15);
    devid_is("xvdq", 1u << 28 | 16 << 8);
    devid_is("xvda16", 1u << 28 | 16);
    devid_is("xvdaa", 1u << 28 | 26 << 8);
    devid_is("/dev/xvdc", 51744);
    devid_is("hda", 768);
    devid_is("hdb", 832);
    devid_is("hdc", 5632);
    devid_is("hdd1", 5697);
    devid_is("hdt", 91 << 8 | 64);
    devid_is("sda", 2048);
    devid_is("sda1", 2049);
    devid_is("sdp15", 8 << 8 | 15 << 4 | 15);
    devid_is("sdq", 65 << 8);
    devid_is("sdaf", 65 << 8 | 15 << 4);
    devid_is("sdag", 66 << 8);
    devid_is("sddx", 71 << 8 | 15 << 4);
    devid_is("sddy", 128 << 8);
    devid_is("51712", 51712);
    devid_is("0xca00", 51712);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
        if ( !xend_vdev_devid(bad[i], &d) )
            fail_msg("'%s' accepted as %u", bad[i], d);
}

static void test_mac(void **state)
{
    static const uint8_t r1[3] = { 0xff, 0x00, 0xab };
    static const uint8_t r2[3] = { 0x12, 0x34, 0x56 };
    char m[18], seen[8][18];
    unsigned int i, j, same = 0;

    xend_mac_format(r1, m);
    assert_string_equal(m, "00:16:3e:7f:00:ab");
    xend_mac_format(r2, m);
    assert_string_equal(m, "00:16:3e:12:34:56");
    for ( i = 0; i < 8; i++ )
    {
        unsigned int b;

        xend_mac_random(seen[i]);
        assert_int_equal(strlen(seen[i]), 17);
        assert_memory_equal(seen[i], "00:16:3e:", 9);
        assert_int_equal(sscanf(seen[i] + 9, "%2x", &b), 1);
        assert_true(b < 0x80);
        for ( j = 0; j < i; j++ )
            same += !strcmp(seen[i], seen[j]);
    }
    /* 23 random bits: eight draws colliding is a broken generator. */
    assert_true(same < 2);
}

static void test_devs_parse(void **state)
{
    struct sxp *s = parse(
        "(vm (name web) (uuid 4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab) "
        "(image (linux (kernel /k))) "
        "(device (vbd (uname file:/var/lib/xen/images/web.img) (dev xvda) "
        "(mode w))) "
        "(device (vif (bridge xenbr1) (mac 00:16:3E:0A:0B:0C))) "
        "(device (tap (uname tap:aio:/img/b.img) (dev hdc:cdrom) "
        "(mode r))) "
        "(device (vif (script /usr/local/vif-x) (ip 10.0.0.2))) "
        "(device (vbd (uname phy:sdb) (dev ioemu:sda) (mode w!))))");
    struct xend_vmcfg c;
    char err[512] = "", mac1[18];
    const struct xend_dev *d;

    if ( xend_vmcfg_parse(s, &c, err, sizeof(err)) )
        fail_msg("%s", err);
    assert_int_equal(c.n_devs, 5);
    d = &c.devs[0];
    assert_int_equal(d->kind, XEND_DEV_VBD);
    assert_int_equal(d->devid, 51712);
    assert_string_equal(d->vdev, "xvda");
    assert_string_equal(d->type, "file");
    assert_string_equal(d->params, "/var/lib/xen/images/web.img");
    assert_string_equal(d->mode, "w");
    assert_false(d->cdrom);
    d = &c.devs[1];
    assert_int_equal(d->kind, XEND_DEV_VIF);
    assert_int_equal(d->devid, 0);
    assert_string_equal(d->mac, "00:16:3e:0a:0b:0c");
    assert_string_equal(d->bridge, "xenbr1");
    assert_string_equal(d->script, "/etc/xen/scripts/vif-bridge");
    d = &c.devs[2];
    assert_int_equal(d->devid, 5632);
    assert_true(d->cdrom);
    assert_string_equal(d->type, "file");   /* tap:aio: on a loop */
    assert_string_equal(d->params, "/img/b.img");
    d = &c.devs[3];
    assert_int_equal(d->devid, 1);
    assert_string_equal(d->mac, "");
    assert_string_equal(d->script, "/usr/local/vif-x");
    assert_string_equal(d->ip, "10.0.0.2");
    d = &c.devs[4];
    assert_int_equal(d->devid, 2048);
    assert_string_equal(d->type, "phy");
    assert_string_equal(d->params, "sdb");
    assert_string_equal(d->mode, "w!");

    /* xend-config's vif-script is the default; a vif without a MAC gets
     * a random one, written into the config as (mac ..). */
    assert_int_equal(xend_devs_parse(s, "my-vif", &c, err, sizeof(err)), 0);
    assert_string_equal(c.devs[1].script, "/etc/xen/scripts/my-vif");
    assert_string_equal(c.devs[3].script, "/usr/local/vif-x");
    assert_int_equal(xend_devs_parse(s, "vif-route", &c, err, sizeof(err)),
                     0);
    assert_int_equal(xend_config_fill_macs(s, &c), 0);
    assert_string_equal(c.devs[1].mac, "00:16:3e:0a:0b:0c");
    assert_memory_equal(c.devs[3].mac, "00:16:3e:", 9);
    snprintf(mac1, sizeof(mac1), "%s", c.devs[3].mac);
    {
        char *t = sxp_to_string_flat(s);

        if ( !strstr(t, mac1) )
            fail_msg("the MAC %s is not in the stored config %s", mac1, t);
        free(t);
    }
    /* Parsed again (a restart, a reboot): the same MAC. */
    assert_int_equal(xend_devs_parse(s, NULL, &c, err, sizeof(err)), 0);
    assert_string_equal(c.devs[3].mac, mac1);
    xend_vmcfg_free(&c);
    sxp_free(s);
}

static void test_dev_layout(void **state)
{
    struct xend_dev vbd = {
        .kind = XEND_DEV_VBD, .devid = 51712, .vdev = "xvda",
        .type = "file", .params = "/img/web.img", .mode = "w",
    };
    struct xend_dev vif = {
        .kind = XEND_DEV_VIF, .devid = 1, .mac = "00:16:3e:01:02:03",
        .script = "/etc/xen/scripts/vif-bridge",
    };
    struct xend_dev_layout_args a = {
        .domid = 7, .name = "web",
        .uuid = "4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab",
        .dev_uuid = "11111111-2222-3333-4444-555555555555", .dev = &vbd,
        .bootable = true,
    };
    struct xend_xs_entry e[48];
    const char *bb = "/local/domain/0/backend/vbd/7/51712";
    const char *bf = "/local/domain/7/device/vbd/51712";
    const char *vb = "/local/domain/0/backend/vif/7/1";
    const char *vf = "/local/domain/7/device/vif/1";
    char p[160];
    int n, i;

#define V(dir, key, val) \
    do { snprintf(p, sizeof(p), "%s/%s", dir, key); \
         assert_string_equal(entry(e, n, p)->value, val); } while ( 0 )
    n = xend_dev_layout(&a, e, 48);
    assert_true(n > 10);
    /* dom0 owns the back-end (the guest reads it), the guest its
     * front-end; everything else inherits from its directory. */
    assert_string_equal(e[0].path, bb);
    assert_int_equal(e[0].perm, XEND_XS_DOM0);
    assert_int_equal(entry(e, n, bf)->perm, XEND_XS_GUEST);
    for ( i = 0; i < n; i++ )
        if ( strcmp(e[i].path, bb) && strcmp(e[i].path, bf) )
            assert_int_equal(e[i].perm, XEND_XS_INHERIT);
    V(bb, "frontend", bf);
    V(bb, "frontend-id", "7");
    V(bb, "domain", "web");
    V(bb, "params", "/img/web.img");
    V(bb, "type", "file");
    V(bb, "mode", "w");
    V(bb, "dev", "xvda");
    V(bb, "removable", "0");
    V(bb, "bootable", "1");
    V(bb, "online", "1");
    V(bb, "state", "1");
    V(bb, "uuid", "11111111-2222-3333-4444-555555555555");
    V(bf, "backend", bb);
    V(bf, "backend-id", "0");
    V(bf, "virtual-device", "51712");
    V(bf, "device-type", "disk");
    V(bf, "state", "1");
    V("/vm/4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab/device/vbd/51712",
      "frontend", bf);
    V("/vm/4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab/device/vbd/51712",
      "backend", bb);
    /* No hotplug results yet: the scripts write those. */
    for ( i = 0; i < n; i++ )
        assert_null(strstr(e[i].path, "hotplug"));
    assert_int_equal(xend_dev_layout(&a, e, 5), -1);

    a.dev = &vif;
    a.bootable = false;
    n = xend_dev_layout(&a, e, 48);
    assert_true(n > 10);
    assert_string_equal(e[0].path, vb);
    V(vb, "frontend", vf);
    V(vb, "frontend-id", "7");
    V(vb, "handle", "1");
    V(vb, "mac", "00:16:3e:01:02:03");
    V(vb, "bridge", "xenbr0");              /* the default */
    V(vb, "script", "/etc/xen/scripts/vif-bridge");
    V(vb, "online", "1");
    V(vb, "state", "1");
    V(vf, "backend", vb);
    V(vf, "backend-id", "0");
    V(vf, "handle", "1");
    V(vf, "mac", "00:16:3e:01:02:03");
    V(vf, "state", "1");
    assert_int_equal(entry(e, n, vf)->perm, XEND_XS_GUEST);
#undef V
}

static void test_log_format(void **state)
{
    char buf[256];

    setenv("TZ", "UTC", 1);
    tzset();
    xend_log_format(buf, sizeof(buf), 1210420801.5, 3305, XEND_INFO,
                    "XendDomain", 120, "Created domain 1");
    assert_string_equal(buf, "[2008-05-10 12:00:01 3305] INFO "
                        "(XendDomain:120) Created domain 1\n");
    xend_log_format(buf, sizeof(buf), 1210420801.5, 1, XEND_ERROR,
                    "XendDomainInfo", 7, "x");
    assert_string_equal(buf, "[2008-05-10 12:00:01 1] ERROR "
                        "(XendDomainInfo:7) x\n");
}

static void test_sxp_xmlrpc(void **state)
{
    struct sxp *s = parse("(vm (name a) (image (linux (kernel /k))))");
    struct xmlrpc_value *v = xmlrpc_from_sxp(s);
    struct sxp *back;
    char buf[32];

    assert_string_equal(xmlrpc_sxp_name(v), "vm");
    assert_string_equal(xmlrpc_sxp_child_value(v, "name", NULL, buf,
                                               sizeof(buf)), "a");
    back = xmlrpc_to_sxp(v);
    assert_true(sxp_equal(s, back));
    sxp_free(back);
    xmlrpc_free(v);
    /* ints from older peers are atoms too */
    v = xmlrpc_array();
    xmlrpc_array_append(v, xmlrpc_string("memory"));
    xmlrpc_array_append(v, xmlrpc_int(512));
    back = xmlrpc_to_sxp(v);
    assert_string_equal(sxp_child_value(back, "memory") ?
                        back->items[1]->atom : back->items[1]->atom, "512");
    sxp_free(back);
    xmlrpc_free(v);
    sxp_free(s);
}

/* ---- end to end ------------------------------------------------------ */

struct env {
    char dir[64];
    char sock[128], log[128], domdir[128], kernel[128], cfg[160];
    char xcfg[128];
    pid_t xsd, xend, hotplug;
    struct fake_hv *hv;
    struct xs_handle *xs;
};

struct run {
    int rc;
    char *out, *err;
};

static struct run xm(const char *first, ...)
{
    char *argv[32] = { "xm", (char *)first };
    struct run r;
    size_t olen, elen;
    FILE *out = open_memstream(&r.out, &olen);
    FILE *err = open_memstream(&r.err, &elen);
    va_list ap;
    int argc = 2;

    va_start(ap, first);
    while ( argc < 31 && (argv[argc] = va_arg(ap, char *)) )
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    r.rc = xm_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* xm must succeed; returns its stdout (caller frees). */
static char *xm_ok(const char *first, ...)
{
    char *argv[32] = { "xm", (char *)first };
    char *out, *err;
    size_t olen, elen;
    FILE *fo = open_memstream(&out, &olen), *fe = open_memstream(&err, &elen);
    va_list ap;
    int argc = 2, rc;

    va_start(ap, first);
    while ( argc < 31 && (argv[argc] = va_arg(ap, char *)) )
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    rc = xm_main(argc, argv, fo, fe);
    fclose(fo);
    fclose(fe);
    if ( rc )
        fail_msg("xm %s failed (%d): %s", first, rc, err);
    free(err);
    return out;
}

static void start_xenstored(struct env *e)
{
    char log[128];
    long deadline;

    snprintf(log, sizeof(log), "%s/xenstored.log", e->dir);
    fflush(NULL);
    e->xsd = fork();
    assert_true(e->xsd >= 0);
    if ( e->xsd == 0 )
    {
        char *argv[] = { "xenstored", "--no-fork", "--socket-dir", e->dir,
                         "--log-file", log, "--fake-rings", e->dir, NULL };

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setenv("XS_TEST_DAEMON", "1", 1);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    snprintf(log, sizeof(log), "%s/socket", e->dir);
    setenv("XENSTORED_PATH", log, 1);
    deadline = now_ms() + 10000;
    for ( ;; )
    {
        struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);

        if ( h )
        {
            e->xs = h;
            return;
        }
        if ( now_ms() > deadline || waitpid(e->xsd, NULL, WNOHANG) )
            fail_msg("xenstored did not come up");
        pause_ms(5);
    }
}

static struct xend *child_xend;

static void child_term(int sig)
{
    xend_stop(child_xend);
}

static void start_xend(struct env *e)
{
    long deadline;

    fflush(NULL);
    e->xend = fork();
    assert_true(e->xend >= 0);
    if ( e->xend == 0 )
    {
        struct xend_opts o = {
            .socket = e->sock, .log = e->log, .domains_dir = e->domdir,
            .config = e->xcfg,
        };
        char err[XEND_ERR_MAX];
        struct xend *x;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        x = xend_new(&o, &fake_hv_ops, e->hv, err, sizeof(err));
        if ( !x )
        {
            fprintf(stderr, "xend: %s\n", err);
            _exit(1);
        }
        child_xend = x;
        signal(SIGTERM, child_term);
        xend_serve(x);
        xend_free(x);
        _exit(0);
    }
    deadline = now_ms() + 10000;
    for ( ;; )
    {
        struct xmlrpc_error err;
        struct xmlrpc_client *c = xmlrpc_connect(e->sock, &err);

        if ( c )
        {
            xmlrpc_close(c);
            return;
        }
        if ( now_ms() > deadline || waitpid(e->xend, NULL, WNOHANG) )
            fail_msg("xend did not come up");
        pause_ms(5);
    }
}

/* sig: SIGTERM (clean stop) or SIGKILL (a crash). Bounded wait. */
static void stop_xend(struct env *e, int sig)
{
    long deadline = now_ms() + 10000;
    int status;

    kill(e->xend, sig);
    while ( waitpid(e->xend, &status, WNOHANG) == 0 )
    {
        if ( now_ms() > deadline )
        {
            kill(e->xend, SIGKILL);
            waitpid(e->xend, &status, 0);
            fail_msg("xend did not stop within 10 s");
        }
        pause_ms(5);
    }
    if ( sig == SIGTERM && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) )
        fail_msg("xend did not stop cleanly: status %#x", status);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void write_cfg(struct env *e, const char *name, const char *extra)
{
    char text[1024];

    snprintf(e->cfg, sizeof(e->cfg), "%s/%s.cfg", e->dir, name);
    snprintf(text, sizeof(text), "name = \"%s\"\nkernel = \"%s\"\n"
             "memory = 128\nextra = \"console=hvc0\"\n%s", name, e->kernel,
             extra);
    write_file(e->cfg, text);
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));

    strcpy(e->dir, "/tmp/xend-test-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->sock, sizeof(e->sock), "%s/xmlrpc.sock", e->dir);
    snprintf(e->log, sizeof(e->log), "%s/xend.log", e->dir);
    snprintf(e->domdir, sizeof(e->domdir), "%s/domains", e->dir);
    snprintf(e->kernel, sizeof(e->kernel), "%s/vmlinuz", e->dir);
    write_file(e->kernel, "not really a kernel");
    /* Short device timeouts: the device tests wait them out. */
    snprintf(e->xcfg, sizeof(e->xcfg), "%s/xend-config.sxp", e->dir);
    write_file(e->xcfg, "(device-create-timeout 1)\n"
               "(device-destroy-timeout 2)\n");
    e->hv = fake_hv_new(e->dir, 1024, 1000);
    assert_non_null(e->hv);
    start_xenstored(e);
    start_xend(e);
    setenv("XM_SERVER", e->sock, 1);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    char cmd[128];

    stop_xend(e, SIGTERM);
    if ( e->hotplug > 0 )
    {
        kill(e->hotplug, SIGKILL);
        waitpid(e->hotplug, NULL, 0);
    }
    xs_close(e->xs);
    kill(e->xsd, SIGTERM);
    waitpid(e->xsd, NULL, 0);
    fake_hv_free(e->hv);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
    assert_int_equal(system(cmd), 0);
    free(e);
    return 0;
}

static bool xs_exists(struct env *e, const char *path)
{
    unsigned int len;
    char *v = xs_read(e->xs, XBT_NULL, path, &len);

    free(v);
    return v != NULL;
}

static char *xs_get(struct env *e, const char *path)
{
    unsigned int len;
    char *v = xs_read(e->xs, XBT_NULL, path, &len);

    if ( !v )
        fail_msg("%s is not in xenstore", path);
    return v;
}

static void assert_xs(struct env *e, const char *path, const char *want)
{
    char *v = xs_get(e, path);

    assert_string_equal(v, want);
    free(v);
}

/* Nothing of domain id is left: not in the hypervisor, not in xenstore. */
static void assert_gone(struct env *e, uint32_t domid, const char *uuid)
{
    char path[128];

    assert_null(fake_find(e->hv, domid));
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    assert_false(xs_exists(e, path));
    snprintf(path, sizeof(path), "/vm/%s", uuid);
    assert_false(xs_exists(e, path));
    assert_false(xs_is_domain_introduced(e->xs, domid));
}

static char *free_memory(void)
{
    char *out = xm_ok("info", NULL), *p = strstr(out, "free_memory"), *r;

    assert_non_null(p);
    r = strndup(p, strcspn(p, "\n"));
    free(out);
    return r;
}

static char *uuid_of(struct env *e, uint32_t domid)
{
    char path[64], *vm, *u;

    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    vm = xs_get(e, path);
    assert_true(!strncmp(vm, "/vm/", 4));
    u = strdup(vm + 4);
    free(vm);
    return u;
}

static void test_e2e_lifecycle(void **state)
{
    struct env *e = *state;
    char *out, *mem0, *mem1, *uuid;
    struct fake_dom *d;
    struct run r;

    out = xm_ok("list", NULL);
    assert_string_equal(out,
        "Name                                        ID   Mem VCPUs      "
        "State   Time(s)\n"
        "Domain-0                                     0  1024     2     "
        "r-----     12.3\n");
    free(out);
    mem0 = free_memory();
    assert_string_equal(mem0, "free_memory            : 1000");

    write_cfg(e, "web", "vcpus = 2\non_crash = \"preserve\"\n");
    out = xm_ok("create", e->cfg, NULL);
    assert_non_null(strstr(out, "Started domain web (id=1)"));
    free(out);
    d = fake_find(e->hv, 1);
    assert_non_null(d);
    assert_false(d->info.paused);
    assert_string_equal(d->cmdline, "console=hvc0");
    assert_string_equal(d->kernel, e->kernel);
    assert_int_equal(d->info.max_memkb, 128 * 1024);
    assert_int_equal(d->info.max_vcpu_id, 1);
    mem1 = free_memory();
    assert_string_equal(mem1, "free_memory            : 872");
    free(mem1);

    /* Xen's xenstore layout, introduced to xenstored */
    uuid = uuid_of(e, 1);
    assert_memory_equal(d->info.handle, d->info.handle, 16);
    assert_xs(e, "/local/domain/1/name", "web");
    assert_xs(e, "/local/domain/1/domid", "1");
    assert_xs(e, "/local/domain/1/memory/target", "131072");
    assert_xs(e, "/local/domain/1/console/ring-ref", "8193");
    assert_xs(e, "/local/domain/1/console/port", "2");
    assert_xs(e, "/local/domain/1/console/type", "xenconsoled");
    assert_xs(e, "/local/domain/1/store/ring-ref", "4097");
    assert_xs(e, "/local/domain/1/cpu/1/availability", "online");
    assert_true(xs_is_domain_introduced(e->xs, 1));

    out = xm_ok("list", NULL);
    assert_non_null(strstr(out,
        "web                                          1   128     2     "
        "-b----      0.0\n"));
    free(out);
    free(xm_ok("pause", "web", NULL));
    out = xm_ok("list", "web", NULL);
    assert_non_null(strstr(out, "--p---"));
    free(out);
    free(xm_ok("unpause", "1", NULL));
    out = xm_ok("list", "web", NULL);
    assert_non_null(strstr(out, "-b----"));
    free(out);

    /* memory and vCPUs */
    free(xm_ok("mem-set", "web", "100", NULL));
    assert_xs(e, "/local/domain/1/memory/target", "102400");
    r = xm("mem-set", "web", "200", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "Error: Domain 'web': 200 MiB is more "
                           "than its maximum memory (128 MiB)"));
    run_free(&r);
    free(xm_ok("mem-max", "web", "256", NULL));
    assert_int_equal(d->info.max_memkb, 256 * 1024);
    free(xm_ok("vcpu-set", "web", "1", NULL));
    assert_xs(e, "/local/domain/1/cpu/1/availability", "offline");
    r = xm("vcpu-set", "web", "3", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "cannot set 3 vCPUs"));
    run_free(&r);
    free(xm_ok("vcpu-pin", "web", "0", "1", NULL));
    assert_int_equal(d->cpumap[0], 2);
    out = xm_ok("vcpu-list", "web", NULL);
    assert_non_null(strstr(out, "web"));
    free(out);

    /* shutdown asks the guest through control/shutdown */
    free(xm_ok("shutdown", "web", NULL));
    assert_xs(e, "/local/domain/1/control/shutdown", "poweroff");

    free(xm_ok("destroy", "web", NULL));
    assert_gone(e, 1, uuid);
    mem1 = free_memory();
    assert_string_equal(mem1, mem0);
    out = xm_ok("list", NULL);
    assert_null(strstr(out, "web"));
    free(out);
    free(mem0);
    free(mem1);
    free(uuid);

    /* dmesg, log, uptime, info keys */
    out = xm_ok("dmesg", NULL);
    assert_non_null(strstr(out, "(XEN) Boot complete"));
    free(out);
    out = xm_ok("log", NULL);
    assert_non_null(strstr(out, "INFO (XendDomainInfo:"));
    assert_non_null(strstr(out, "Destroyed domain 1 (web)"));
    free(out);
    out = xm_ok("info", NULL);
    assert_non_null(strstr(out, "xen_major              : 4\n"));
    assert_non_null(strstr(out, "xen_scheduler          : credit\n"));
    assert_non_null(strstr(out, "nr_cpus                : 2\n"));
    free(out);
}

static void test_e2e_errors(void **state)
{
    struct env *e = *state;
    struct run r;
    char *mem0 = free_memory(), *mem1, *out;
    unsigned int creates;

    write_cfg(e, "web", "");
    free(xm_ok("create", e->cfg, NULL));

    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Domain 'web' already exists with ID "
                        "'1'\n");
    run_free(&r);

    r = xm("destroy", "nosuch", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Domain 'nosuch' does not exist.\n");
    run_free(&r);
    r = xm("destroy", "0", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "Cannot destroy privileged domain"));
    run_free(&r);

    /* Too big: says what it needs, what is free, what dom0 could give */
    write_cfg(e, "big", "memory = 4096\n");
    creates = e->hv->creates;
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "Error: Not enough memory to create "
                           "domain 'big': it needs 4105 MiB"));
    assert_non_null(strstr(r.err, "but only 872 MiB"));
    assert_non_null(strstr(r.err, "dom0 (1024 MiB now) could balloon down "
                           "by 828 MiB before reaching dom0-min-mem"));
    run_free(&r);
    assert_int_equal(e->hv->creates, creates);

    /* A failure at a later step leaves nothing behind and says which */
    snprintf(e->kernel, sizeof(e->kernel), "%s/no-such-kernel", e->dir);
    write_cfg(e, "nokernel", "");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "Error: Domain 'nokernel' could not be "
                           "created: building it (loading the kernel and "
                           "ramdisk) failed: cannot read kernel "));
    assert_non_null(strstr(r.err, "No such file or directory"));
    run_free(&r);
    assert_int_equal(e->hv->creates, creates + 1);
    assert_null(fake_find(e->hv, 2));
    assert_false(xs_exists(e, "/local/domain/2"));
    snprintf(e->kernel, sizeof(e->kernel), "%s/vmlinuz", e->dir);

    strcpy(e->hv->fail_op, "max_vcpus");
    write_cfg(e, "late", "");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "setting its number of vCPUs failed: "
                           "fake max_vcpus failure"));
    run_free(&r);
    e->hv->fail_op[0] = '\0';
    assert_int_equal(fake_count(e->hv), 2);     /* dom0 and web */

    /* Devices it cannot do are refused by name, before anything is
     * created */
    write_cfg(e, "net", "vif = [ 'bridge=xenbr0,rate=10Mb/s' ]\n");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    if ( !strstr(r.err, "Error: Domain 'net': vif 0: rate= is not "
                 "supported by this Keel release yet") )
        fail_msg("%s", r.err);
    run_free(&r);

    /* A broken vm.cfg: xm's file:line:column error, nothing created */
    creates = e->hv->creates;
    write_file(e->cfg, "name = \"broken\"\nmemory = [128,\n");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "net.cfg:2:10: '[' is never closed"));
    run_free(&r);
    assert_int_equal(e->hv->creates, creates);

    out = xm_ok("list", NULL);
    assert_null(strstr(out, "nokernel"));
    assert_null(strstr(out, "late"));
    free(out);
    free(xm_ok("destroy", "web", NULL));
    mem1 = free_memory();
    assert_string_equal(mem0, mem1);
    free(mem0);
    free(mem1);
}

/*
 * What xen-blkback/xen-netback and tools/hotplug do, for the host: a
 * back-end directory that appears is taken up (state 2) and answered
 * with hotplug-status connected, or error for an image path containing
 * "missing"; once its front-end is gone it is removed (the remove event's
 * cleanup).  Runs until killed.
 */
static void fake_hotplug_loop(void)
{
    struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);
    static const char *const cls[] = { "vbd", "vif" };

    if ( !h || !xs_watch(h, "/local/domain/0/backend", "hp") )
        _exit(1);
    for ( ;; )
    {
        unsigned int c, nd, ni, i, j, len;
        char **w = xs_read_watch(h, &len);

        free(w);
        for ( c = 0; c < 2; c++ )
        {
            char p[160], **doms;

            snprintf(p, sizeof(p), "/local/domain/0/backend/%s", cls[c]);
            doms = xs_directory(h, XBT_NULL, p, &nd);
            for ( i = 0; doms && i < nd; i++ )
            {
                char q[200], **ids;

                snprintf(q, sizeof(q), "%s/%s", p, doms[i]);
                ids = xs_directory(h, XBT_NULL, q, &ni);
                for ( j = 0; ids && j < ni; j++ )
                {
                    char b[256], k[300], *st, *fe, *params, *fs = NULL;

                    snprintf(b, sizeof(b), "%s/%s", q, ids[j]);
                    snprintf(k, sizeof(k), "%s/state", b);
                    st = xs_read(h, XBT_NULL, k, &len);
                    snprintf(k, sizeof(k), "%s/frontend", b);
                    fe = xs_read(h, XBT_NULL, k, &len);
                    if ( fe )
                    {
                        snprintf(k, sizeof(k), "%s/state", fe);
                        fs = xs_read(h, XBT_NULL, k, &len);
                    }
                    snprintf(k, sizeof(k), "%s/params", b);
                    params = xs_read(h, XBT_NULL, k, &len);
                    if ( st && !strcmp(st, "1") && fs )
                    {
                        snprintf(k, sizeof(k), "%s/state", b);
                        xs_write(h, XBT_NULL, k, "2", 1);
                        if ( params && strstr(params, "missing") )
                        {
                            char msg[200];

                            snprintf(msg, sizeof(msg), "File %s does not "
                                     "exist.", params);
                            snprintf(k, sizeof(k), "%s/hotplug-error", b);
                            xs_write(h, XBT_NULL, k, msg, strlen(msg));
                            snprintf(k, sizeof(k), "%s/hotplug-status", b);
                            xs_write(h, XBT_NULL, k, "error", 5);
                        }
                        else
                        {
                            snprintf(k, sizeof(k), "%s/hotplug-status", b);
                            xs_write(h, XBT_NULL, k, "connected", 9);
                        }
                    }
                    else if ( st && !strcmp(st, "2") && !fs )
                        xs_rm(h, XBT_NULL, b);
                    free(st);
                    free(fe);
                    free(fs);
                    free(params);
                }
                free(ids);
            }
            free(doms);
        }
    }
}

static void start_fake_hotplug(struct env *e)
{
    fflush(NULL);
    e->hotplug = fork();
    assert_true(e->hotplug >= 0);
    if ( e->hotplug == 0 )
    {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        fake_hotplug_loop();
        _exit(0);
    }
}

static unsigned int xs_count(struct env *e, const char *path)
{
    unsigned int n = 0;
    char **d = xs_directory(e->xs, XBT_NULL, path, &n);

    free(d);
    return d ? n : 0;
}

static void test_e2e_devices(void **state)
{
    struct env *e = *state;
    char *out, *v, p[160], mac[18];
    struct run r;
    unsigned int creates;

    /* Without any back-end (no hotplug at all): the create fails after
     * device-create-timeout, naming the device, and leaves nothing. */
    creates = e->hv->creates;
    write_cfg(e, "net", "vif = [ 'bridge=xenbr0' ]\n");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    if ( !strstr(r.err, "Error: Device 0 (vif) could not be connected. No "
                 "back-end driver took it up within 1 s: is xen-netback "
                 "loaded in dom0?") )
        fail_msg("%s", r.err);
    run_free(&r);
    assert_int_equal(e->hv->creates, creates + 1);
    assert_int_equal(fake_count(e->hv), 1);
    assert_int_equal(xs_count(e, "/local/domain/0/backend/vif"), 0);
    assert_false(xs_exists(e, "/local/domain/1"));
    assert_int_equal(xs_count(e, "/vm"), 0);

    start_fake_hotplug(e);

    /* A disk and a vif: both connected before the create returns. */
    write_cfg(e, "web", "disk = [ 'file:/img/web.img,xvda,w', "
              "'phy:/dev/loop7,hdc:cdrom,r' ]\n"
              "vif = [ 'bridge=xenbr0', 'mac=00:16:3e:00:00:02' ]\n");
    out = xm_ok("create", e->cfg, NULL);
    assert_non_null(strstr(out, "Started domain web (id=2)"));
    free(out);
    assert_xs(e, "/local/domain/0/backend/vbd/2/51712/hotplug-status",
              "connected");
    assert_xs(e, "/local/domain/0/backend/vbd/2/51712/params",
              "/img/web.img");
    assert_xs(e, "/local/domain/0/backend/vbd/2/51712/frontend",
              "/local/domain/2/device/vbd/51712");
    assert_xs(e, "/local/domain/0/backend/vbd/2/5632/mode", "r");
    assert_xs(e, "/local/domain/0/backend/vbd/2/5632/type", "phy");
    assert_xs(e, "/local/domain/2/device/vbd/5632/device-type", "cdrom");
    assert_xs(e, "/local/domain/2/device/vbd/51712/virtual-device",
              "51712");
    assert_xs(e, "/local/domain/2/device/vbd/51712/backend",
              "/local/domain/0/backend/vbd/2/51712");
    assert_xs(e, "/local/domain/0/backend/vif/2/0/hotplug-status",
              "connected");
    assert_xs(e, "/local/domain/0/backend/vif/2/0/script",
              "/etc/xen/scripts/vif-bridge");
    assert_xs(e, "/local/domain/0/backend/vif/2/1/mac",
              "00:16:3e:00:00:02");
    assert_xs(e, "/local/domain/2/device/vif/1/handle", "1");
    v = xs_get(e, "/local/domain/2/device/vif/0/mac");
    assert_memory_equal(v, "00:16:3e:", 9);
    snprintf(mac, sizeof(mac), "%s", v);
    free(v);
    assert_xs(e, "/local/domain/0/backend/vif/2/0/mac", mac);
    /* The guest may write its front-end, only read its back-end. */
    {
        unsigned int n;
        struct xs_permissions *pf = xs_get_permissions(
            e->xs, XBT_NULL, "/local/domain/2/device/vbd/51712/state", &n);
        struct xs_permissions *pb = xs_get_permissions(
            e->xs, XBT_NULL, "/local/domain/0/backend/vbd/2/51712/params",
            &n);

        assert_non_null(pf);
        assert_non_null(pb);
        assert_int_equal(pf[0].id, 2);
        assert_int_equal(pb[0].id, 0);
        assert_int_equal(pb[1].id, 2);
        assert_int_equal(pb[1].perms, XS_PERM_READ);
        free(pf);
        free(pb);
    }
    /* The random MAC is kept in the domain's config. */
    out = xm_ok("list", "--long", "web", NULL);
    if ( !strstr(out, mac) )
        fail_msg("xm list --long does not show the vif's mac %s:\n%s", mac,
                 out);
    free(out);

    /* destroy: back-ends gone (the fake's cleanup and xend's), front-ends
     * and /vm with the domain. */
    free(xm_ok("destroy", "web", NULL));
    assert_int_equal(xs_count(e, "/local/domain/0/backend/vbd"), 0);
    assert_int_equal(xs_count(e, "/local/domain/0/backend/vif"), 0);
    assert_false(xs_exists(e, "/local/domain/2"));
    assert_int_equal(xs_count(e, "/vm"), 0);

    /* A disk whose hotplug script fails: Xen's words, nothing left. */
    write_cfg(e, "bad", "disk = [ 'file:/img/missing.img,xvda,w' ]\n"
              "vif = [ '' ]\n");
    r = xm("create", e->cfg, NULL);
    assert_int_equal(r.rc, 1);
    if ( !strstr(r.err, "Error: Device 51712 (vbd) could not be connected. "
                 "File /img/missing.img does not exist.") )
        fail_msg("%s", r.err);
    run_free(&r);
    assert_int_equal(fake_count(e->hv), 1);
    assert_int_equal(xs_count(e, "/local/domain/0/backend/vbd"), 0);
    assert_int_equal(xs_count(e, "/local/domain/0/backend/vif"), 0);
    assert_int_equal(xs_count(e, "/vm"), 0);
    snprintf(p, sizeof(p), "/local/domain/%u", e->hv->creates);
    assert_false(xs_exists(e, p));
}

static void test_e2e_restart_xend(void **state)
{
    struct env *e = *state;
    char *out, *u1;

    write_cfg(e, "one", "on_reboot = \"destroy\"\n");
    free(xm_ok("create", e->cfg, NULL));
    write_cfg(e, "two", "memory = 64\n");
    free(xm_ok("create", e->cfg, NULL));
    free(xm_ok("pause", "two", NULL));
    u1 = uuid_of(e, 1);

    /* A crash of xend loses nothing. */
    stop_xend(e, SIGKILL);
    start_xend(e);
    out = xm_ok("list", NULL);
    assert_non_null(strstr(out,
        "one                                          1   128     1     "
        "-b----      0.0\n"));
    assert_non_null(strstr(out,
        "two                                          2    64     1     "
        "--p---      0.0\n"));
    free(out);
    /* Its config came back too: on_reboot=destroy is still applied. */
    fake_guest_shutdown(e->hv, 1, XEND_SHUTDOWN_REBOOT);
    {
        long deadline = now_ms() + 5000;

        while ( fake_find(e->hv, 1) && now_ms() < deadline )
            pause_ms(5);
    }
    /* xend finishes the on_* action (nodes removed) under its lock: once
     * xm answers, it is done (the domain leaves the hypervisor first). */
    free(xm_ok("list", NULL));
    assert_gone(e, 1, u1);
    free(u1);
    free(xm_ok("unpause", "two", NULL));
    free(xm_ok("destroy", "two", NULL));
    assert_int_equal(fake_count(e->hv), 1);

    /* A clean restart too */
    stop_xend(e, SIGTERM);
    start_xend(e);
    out = xm_ok("list", NULL);
    assert_null(strstr(out, "two"));
    free(out);
}

static bool wait_for(struct env *e, uint32_t domid, bool present)
{
    long deadline = now_ms() + 5000;

    while ( (fake_find(e->hv, domid) != NULL) != present )
    {
        if ( now_ms() > deadline )
            return false;
        pause_ms(5);
    }
    return true;
}

static void test_e2e_on_actions(void **state)
{
    struct env *e = *state;
    char *out, *u;
    struct run r;

    /* on_reboot=restart: a new id, same name and uuid, counted */
    write_cfg(e, "rb", "");
    free(xm_ok("create", e->cfg, NULL));
    u = uuid_of(e, 1);
    fake_guest_shutdown(e->hv, 1, XEND_SHUTDOWN_REBOOT);
    assert_true(wait_for(e, 2, true));
    assert_true(wait_for(e, 1, false));
    /* xend restarts under its lock: once xm answers, it is done. */
    free(xm_ok("list", NULL));
    assert_false(fake_find(e->hv, 2)->info.paused);
    assert_false(xs_exists(e, "/local/domain/1"));
    assert_xs(e, "/local/domain/2/name", "rb");
    {
        char *u2 = uuid_of(e, 2);

        assert_string_equal(u, u2);
        free(u2);
    }
    r = xm("list", "rb", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "rb                                     "
                           "      2"));
    run_free(&r);

    /* on_poweroff=destroy (default): gone */
    fake_guest_shutdown(e->hv, 2, XEND_SHUTDOWN_POWEROFF);
    assert_true(wait_for(e, 2, false));
    free(xm_ok("list", NULL));      /* as above: the action is complete */
    assert_gone(e, 2, u);
    free(u);

    /* on_crash=preserve: kept, shown crashed, destroyable */
    write_cfg(e, "cr", "on_crash = \"preserve\"\n");
    free(xm_ok("create", e->cfg, NULL));
    u = uuid_of(e, 3);
    fake_guest_shutdown(e->hv, 3, XEND_SHUTDOWN_CRASH);
    out = xm_ok("list", "cr", NULL);
    assert_non_null(strstr(out, "----c-"));
    free(out);
    free(xm_ok("destroy", "cr", NULL));
    assert_gone(e, 3, u);
    free(u);

    /* rename-restart: the dead one is kept under a new name */
    write_cfg(e, "rr", "on_crash = \"rename-restart\"\n");
    free(xm_ok("create", e->cfg, NULL));
    fake_guest_shutdown(e->hv, 4, XEND_SHUTDOWN_CRASH);
    assert_true(wait_for(e, 5, true));
    free(xm_ok("list", NULL));
    assert_false(fake_find(e->hv, 5)->info.paused);
    assert_non_null(fake_find(e->hv, 4));
    assert_xs(e, "/local/domain/5/name", "rr");
    {
        char *n = xs_get(e, "/local/domain/4/name");

        assert_true(!strncmp(n, "Domain-", 7));
        free(xm_ok("destroy", n, NULL));
        free(n);
    }
    free(xm_ok("destroy", "rr", NULL));
    assert_int_equal(fake_count(e->hv), 1);
}

static void test_e2e_managed(void **state)
{
    struct env *e = *state;
    char *out, path[256];
    struct run r;

    write_cfg(e, "kept", "uuid = \"4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab\"\n");
    out = xm_ok("new", e->cfg, NULL);
    free(out);
    snprintf(path, sizeof(path), "%s/4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab/"
             "config.sxp", e->domdir);
    assert_int_equal(access(path, R_OK), 0);
    out = xm_ok("list", NULL);
    assert_non_null(strstr(out, "kept"));
    free(out);
    assert_int_equal(fake_count(e->hv), 1);

    /* it survives a restart of xend */
    stop_xend(e, SIGTERM);
    start_xend(e);
    free(xm_ok("start", "kept", NULL));
    assert_non_null(fake_find(e->hv, 1));
    assert_xs(e, "/vm/4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab/name", "kept");
    r = xm("delete", "kept", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "is running"));
    run_free(&r);
    free(xm_ok("destroy", "kept", NULL));
    assert_gone(e, 1, "4fdb2ba4-e1ab-4c8d-9a6c-0123456789ab");
    out = xm_ok("list", NULL);
    assert_non_null(strstr(out, "kept"));       /* still managed */
    free(out);
    free(xm_ok("delete", "kept", NULL));
    assert_int_equal(access(path, R_OK), -1);
    out = xm_ok("list", NULL);
    assert_null(strstr(out, "kept"));
    free(out);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vmcfg),
        cmocka_unit_test(test_vmcfg_refused),
        cmocka_unit_test(test_state_string),
        cmocka_unit_test(test_mem_check),
        cmocka_unit_test(test_shutdown_actions),
        cmocka_unit_test(test_uuid_cpus),
        cmocka_unit_test(test_xs_layout),
        cmocka_unit_test(test_vdev_devid),
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_devs_parse),
        cmocka_unit_test(test_dev_layout),
        cmocka_unit_test(test_log_format),
        cmocka_unit_test(test_sxp_xmlrpc),
        cmocka_unit_test_setup_teardown(test_e2e_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e2e_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e2e_restart_xend, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_e2e_on_actions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_e2e_managed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e2e_devices, setup, teardown),
    };

    /* start_xenstored runs the daemon as this program. */
    if ( getenv("XS_TEST_DAEMON") )
    {
        unsetenv("XS_TEST_DAEMON");
        return xenstored_main(argc, argv);
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
