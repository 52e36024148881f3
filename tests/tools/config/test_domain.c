/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed view (defaults, validation), disk and vif entries, and the
 * SXP "xm create --dryrun" prints for the manuals' examples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static struct kcfg_domain *build(const char *file, const char *text,
                                 const char *const *ov, size_t n,
                                 struct kcfg **cfgp)
{
    struct kcfg *cfg = NULL;
    struct kcfg_domain *dom = NULL;
    struct kcfg_error err;
    char buf[512];

    if ( kcfg_parse_string(file, text, strlen(text), ov, n, &cfg, &err) ||
         kcfg_domain_build(cfg, &dom, &err) )
        fail_msg("%s: %s", file, kcfg_error_format(&err, buf, sizeof(buf)));
    *cfgp = cfg;
    return dom;
}

static void test_defaults(void **state)
{
    struct kcfg *cfg;
    struct kcfg_domain *d = build("/etc/xen/guest1",
                                  "kernel = '/boot/vmlinuz'\n", NULL, 0,
                                  &cfg);

    assert_string_equal(d->name, "guest1");     /* the file's name */
    assert_null(d->uuid);
    assert_int_equal(d->memory, 128);
    assert_int_equal(d->maxmem, 128);
    assert_int_equal(d->vcpus, 1);
    assert_int_equal(d->vcpu_avail, -1);
    assert_null(d->cpus);
    assert_string_equal(d->builder, "linux");
    assert_false(d->hvm);
    assert_string_equal(d->kernel, "/boot/vmlinuz");
    assert_null(d->ramdisk);
    assert_string_equal(d->root, "");
    assert_string_equal(d->extra, "");
    assert_string_equal(d->args, "");
    assert_int_equal(d->on_poweroff, KCFG_ACTION_DESTROY);
    assert_int_equal(d->on_reboot, KCFG_ACTION_RESTART);
    assert_int_equal(d->on_crash, KCFG_ACTION_RESTART);
    assert_int_equal(d->n_disks, 0);
    assert_int_equal(d->n_vifs, 0);
    assert_int_equal(d->n_vfbs, 0);
    assert_int_equal(d->cpu_cap, -1);
    assert_int_equal(d->cpu_weight, -1);
    assert_string_equal(d->interface, "eth0");
    assert_string_equal(d->dhcp, "off");
    assert_string_equal(d->hvm_opts.boot, "c");
    assert_int_equal(d->hvm_opts.acpi, 1);
    assert_int_equal(d->hvm_opts.apic, 1);
    assert_int_equal(d->hvm_opts.pae, 1);
    assert_int_equal(d->hvm_opts.vnc, -1);
    assert_int_equal(d->hvm_opts.vncunused, 1);
    assert_int_equal(d->hvm_opts.timer_mode, 1);
    assert_int_equal(d->hvm_opts.videoram, 4);
    assert_string_equal(d->hvm_opts.guest_os_type, "default");
    assert_string_equal(kcfg_action_name(d->on_reboot), "restart");
    kcfg_domain_free(d);
    kcfg_free(cfg);
}

static void test_manual_examples(void **state)
{
    struct kcfg *cfg;
    struct kcfg_domain *d;
    size_t len;
    char *text;

    kcfg_machine_override = "x86_64";
    text = fixture("hvm-dom.cfg", &len);
    d = build("hvm-dom.cfg", text, NULL, 0, &cfg);
    assert_string_equal(d->name, "hvm-dom");
    assert_true(d->hvm);
    assert_int_equal(d->memory, 3000);
    assert_int_equal(d->vcpus, 4);
    assert_string_equal(d->hvm_opts.device_model,
                        "/usr/lib64/xen/bin/qemu-dm");
    assert_int_equal(d->hvm_opts.vnc, 1);
    assert_int_equal(d->hvm_opts.sdl, 0);
    assert_string_equal(d->hvm_opts.vncpasswd, "welcome");
    assert_string_equal(d->hvm_opts.vnclisten, "0.0.0.0");
    assert_string_equal(d->hvm_opts.serial, "pty");
    assert_int_equal(d->hvm_opts.usb, 1);
    assert_string_equal(d->hvm_opts.usbdevice, "mouse");
    assert_int_equal(d->hvm_opts.ne2000, 1);
    assert_int_equal(d->n_vifs, 1);
    assert_string_equal(d->vifs[0].mac, "00:50:56:1e:34:b5");
    assert_string_equal(d->vifs[0].bridge, "xenbr0");
    assert_int_equal(d->n_disks, 1);
    assert_int_equal(d->disks[0].proto, KCFG_DISK_PHY);
    assert_string_equal(d->disks[0].target, "/dev/cciss/c0d1");
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);
    kcfg_machine_override = NULL;

    text = fixture("el4u4.cfg", &len);
    d = build("el4u4.cfg", text, NULL, 0, &cfg);
    assert_int_equal(d->memory, 512);   /* memory = "512" */
    assert_string_equal(d->bootloader, "/usr/bin/pygrub");
    assert_null(d->kernel);
    assert_int_equal(d->on_reboot, KCFG_ACTION_RESTART);
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);

    text = fixture("xmexample1.cfg", &len);
    d = build("xmexample1.cfg", text, NULL, 0, &cfg);
    assert_string_equal(d->root, "/dev/hda1 ro");
    assert_string_equal(d->args, "root=/dev/hda1 ro 4");
    /* vif = [''] is one interface with every default (as in xm). */
    assert_int_equal(d->n_vifs, 1);
    assert_null(d->vifs[0].mac);
    assert_null(d->vifs[0].bridge);
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);

    text = fixture("xmexample-hvm.cfg", &len);
    d = build("xmexample-hvm.cfg", text, NULL, 0, &cfg);
    assert_int_equal(d->n_disks, 2);
    assert_int_equal(d->disks[1].proto, KCFG_DISK_NONE);
    assert_true(d->disks[1].cdrom);
    assert_string_equal(d->disks[1].vdev, "hdc");
    assert_int_equal(d->disks[1].mode, KCFG_MODE_R);
    assert_string_equal(d->vifs[0].type, "ioemu");
    assert_int_equal(d->hvm_opts.opengl, 1);
    assert_string_equal(d->hvm_opts.vncpasswd, "");
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);

    text = fixture("app-c4.cfg", &len);
    {
        char *with_kernel = NULL;

        assert_true(asprintf(&with_kernel, "kernel = 'k'\n%s", text) > 0);
        d = build("app-c4.cfg", with_kernel, NULL, 0, &cfg);
        free(with_kernel);
    }
    assert_int_equal(d->n_disks, 4);
    assert_int_equal(d->disks[2].mode, KCFG_MODE_W_SHARED);
    assert_string_equal(d->disks[2].mode_str, "w!");
    assert_string_equal(d->disks[3].vdev, "hdd");
    assert_int_equal(d->disks[3].line, 6);
    assert_int_equal(d->n_vfbs, 1);
    assert_string_equal(d->vfbs[0].type, "vnc");
    assert_int_equal(d->vfbs[0].vncunused, 1);
    assert_string_equal(d->vfbs[0].vnclisten, "0.0.0.0");
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);

    text = fixture("qos.cfg", &len);
    d = build("qos.cfg", text, NULL, 0, &cfg);
    assert_string_equal(d->vifs[0].rate, "10Mb/s@50ms");
    assert_string_equal(d->vifs[2].model, "e1000");
    {
        const struct kcfg_value *v = kcfg_get(cfg, "vif_other_config");

        assert_non_null(v);
        assert_int_equal(v->n, 2);
        assert_string_equal(v->items[0].items[1].s, "tbf");
        v = kcfg_get(cfg, "disk_other_config");
        assert_string_equal(v->items[1].items[2].s,
                            "sched=best-effort,prio=6");
    }
    kcfg_domain_free(d);
    kcfg_free(cfg);
    free(text);
}

static void test_validation(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "kernel='k'\nmemory = 0\n",
          "vm.cfg:2:10: memory must be a positive number of MB, not 0" },
        { "kernel='k'\nmemory = -64\n",
          "vm.cfg:2:10: memory must be a positive number of MB, not -64" },
        { "kernel='k'\nmemory = 'lots'\n",
          "vm.cfg:2:10: memory: expected a number, found 'lots'" },
        { "kernel='k'\nmemory = [1]\n",
          "vm.cfg:2:10: memory: expected a number, found a list" },
        { "kernel='k'\nmemory = 512\nmaxmem = 256\n",
          "vm.cfg:3:10: maxmem (256 MB) is less than memory (512 MB); raise "
          "maxmem or lower memory" },
        { "kernel='k'\nvcpus = 0\n",
          "vm.cfg:2:9: vcpus must be between 1 and 128, not 0" },
        { "kernel='k'\nname = 'my guest'\n",
          "vm.cfg:2:8: name 'my guest' is not a valid domain name (1 to 64 "
          "letters, digits and _ . : - + @)" },
        { "kernel='k'\nuuid = '1234'\n",
          "vm.cfg:2:8: uuid '1234' is not of the form "
          "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)" },
        { "kernel='k'\non_crash = 'explode'\n",
          "vm.cfg:2:12: on_crash: 'explode' is not one of destroy, restart, "
          "preserve, rename-restart, coredump-destroy, coredump-restart" },
        { "kernel='k'\nbuilder = 'pv'\n",
          "vm.cfg:2:11: builder 'pv' is not 'linux' (paravirtualized) or "
          "'hvm'" },
        { "memory = 64\n", "vm.cfg: no kernel given: set kernel = "
          "'/path/to/vmlinuz' (or bootloader = '/usr/bin/pygrub')" },
        { "kernel='k'\ndisk = ['phy:/dev/sdb,xvda,rw']\n",
          "vm.cfg:2:28: disk 'phy:/dev/sdb,xvda,rw': mode 'rw' is not one of "
          "r (read-only), w (read-write) or w! (shared read-write)" },
        { "kernel='k'\ndisk = ['/dev/sdb,xvda,w']\n",
          "vm.cfg:2:10: disk '/dev/sdb,xvda,w': '/dev/sdb' has no protocol: "
          "write phy:/dev/sdb for a device or file:/dev/sdb for an image" },
        { "kernel='k'\ndisk = ['nbd:host:1,xvda,w']\n",
          "vm.cfg:2:10: disk 'nbd:host:1,xvda,w': unknown protocol 'nbd:' "
          "(phy:, file: or tap:TYPE:)" },
        { "kernel='k'\ndisk = ['tap:foo:/x,xvda,w']\n",
          "vm.cfg:2:14: disk 'tap:foo:/x,xvda,w': unknown tap type 'foo' "
          "(aio, sync, vmdk, ram, qcow, qcow2, vhd, ioemu)" },
        { "kernel='k'\ndisk = ['phy:/dev/sdb,vda,w']\n",
          "vm.cfg:2:23: disk 'phy:/dev/sdb,vda,w': 'vda' is not a virtual "
          "device name (hda..hdt, sda.., xvda.., optionally with a "
          "partition number and ':cdrom')" },
        { "kernel='k'\ndisk = [',hda,w']\n",
          "vm.cfg:2:10: disk ',hda,w': no backing device: only a CD-ROM drive "
          "(',hdc:cdrom,r') may be empty" },
        { "kernel='k'\ndisk = 'phy:/dev/sdb,xvda,w'\nvif = [1]\n",
          "vm.cfg:3:8: vif: item 1 is a number; each item must be a string "
          "in quotes" },
        { "kernel='k'\nvif = 'bridge'\n",
          "vm.cfg:2:8: vif 'bridge': 'bridge' is not key=value" },
        { "kernel='k'\nvif = ['brige=xenbr0']\n",
          "vm.cfg:2:9: vif 'brige=xenbr0': unknown vif option 'brige' (type, "
          "mac, bridge, ip, script, backend, vifname, rate, model, accel)" },
        { "kernel='k'\nvif = ['mac=00:16:3e:zz:00:01']\n",
          "vm.cfg:2:13: vif 'mac=00:16:3e:zz:00:01': mac '00:16:3e:zz:00:01' "
          "is not six hex bytes such as 00:16:3e:12:34:56 (leave mac out for "
          "a random one)" },
        { "kernel='k'\nvif = ['rate=10 Mb/s']\n",
          "vm.cfg:2:14: vif 'rate=10 Mb/s': rate '10 Mb/s' is not "
          "N[KMG]{b,B}/s[@Nms] (e.g. 10Mb/s@50ms)" },
        { "kernel='k'\nvif = ['type=e1000']\n",
          "vm.cfg:2:14: vif 'type=e1000': type 'e1000' is not ioemu or "
          "netfront" },
        { "kernel='k'\nvfb = ['type=rdp']\n",
          "vm.cfg:2:14: vfb 'type=rdp': type 'rdp' is not vnc or sdl" },
        { "kernel='k'\npci = ['03:00']\n",
          "vm.cfg:2:8: pci '03:00': expected [DOMAIN:]BUS:SLOT.FUNC in hex "
          "(e.g. 0000:03:00.0)" },
        { "kernel='k'\ncpus = 'all'\n",
          "vm.cfg:2:8: cpus 'all': only CPU numbers, ranges (0-3), exclusions "
          "(^1) and commas are allowed" },
        /* Inside the string where its bytes are the file's own... */
        { "kernel='k'\nd = 'phy:/x,hda,q'\ndisk = [d]\n",
          "vm.cfg:2:17: disk 'phy:/x,hda,q': mode 'q' is not one of r "
          "(read-only), w (read-write) or w! (shared read-write)" },
        { "kernel='k'\ndisk = [r'phy:/x,hda,q']\n",
          "vm.cfg:2:22: disk 'phy:/x,hda,q': mode 'q' is not one of r "
          "(read-only), w (read-write) or w! (shared read-write)" },
        /* ...else at the item. */
        { "kernel='k'\ndisk = ['phy:/x,hda,' + 'q']\n",
          "vm.cfg:2:9: disk 'phy:/x,hda,q': mode 'q' is not one of r "
          "(read-only), w (read-write) or w! (shared read-write)" },
        { "kernel='k'\ndisk = ['phy:/x\\t,hda,q']\n",
          "vm.cfg:2:9: disk 'phy:/x\t,hda,q': mode 'q' is not one of r "
          "(read-only), w (read-write) or w! (shared read-write)" },
        { "kernel='k'\nvif = ['bridge=br0, mac=00:16:3e:00:00:0g']\n",
          "vm.cfg:2:25: vif 'bridge=br0, mac=00:16:3e:00:00:0g': mac "
          "'00:16:3e:00:00:0g' is not six hex bytes such as "
          "00:16:3e:12:34:56 (leave mac out for a random one)" },
        { "builder='hvm'\nboot = 'cx'\n",
          "vm.cfg:2:8: boot: 'x' is not a boot device (a: floppy, c: disk, "
          "d: CD-ROM, n: network)" },
    };
    size_t i;

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
        expect_error(cases[i].text, cases[i].msg);
}

static void test_typed_values2(void **state)
{
    struct kcfg *cfg;
    struct kcfg_domain *d = build("vm.cfg",
        "kernel = '/boot/vmlinuz'\nramdisk = '/boot/initrd.img'\n"
        "name = 'web1'\nuuid = '8a87a97c-65ad-f243-b373-20185c83053e'\n"
        "memory = 256\nmaxmem = '1024'\nvcpus = 2\nvcpu_avail = 1\n"
        "cpus = [0, '2-3']\ncpu_weight = 512\nroot = 'root=/dev/xvda1 ro'\n"
        "extra = 'console=hvc0'\non_poweroff = 'preserve'\n"
        "on_reboot = 'rename-restart'\non_crash = 'coredump-destroy'\n"
        "disk = ['tap:aio:/img/a.img,xvda,w,1', 'file:/iso/x.iso,"
        "hdc:cdrom,r']\n"
        "vif = ['mac=00:16:3E:AA:bb:01, bridge=br0, vifname=web1.0, "
        "script=vif-route, ip=10.0.0.2', '']\n"
        "pci = ['0000:03:00.1', '04:1f.7']\n", NULL, 0, &cfg);

    assert_string_equal(d->name, "web1");
    assert_string_equal(d->uuid, "8a87a97c-65ad-f243-b373-20185c83053e");
    assert_int_equal(d->memory, 256);
    assert_int_equal(d->maxmem, 1024);
    assert_int_equal(d->vcpus, 2);
    assert_int_equal(d->vcpu_avail, 1);
    assert_string_equal(d->cpus, "0,2-3");
    assert_int_equal(d->cpu_weight, 512);
    assert_string_equal(d->ramdisk, "/boot/initrd.img");
    assert_string_equal(d->root, "/dev/xvda1 ro");
    assert_string_equal(d->args, "root=/dev/xvda1 ro console=hvc0");
    assert_int_equal(d->on_poweroff, KCFG_ACTION_PRESERVE);
    assert_int_equal(d->on_reboot, KCFG_ACTION_RENAME_RESTART);
    assert_int_equal(d->on_crash, KCFG_ACTION_COREDUMP_DESTROY);
    assert_int_equal(d->disks[0].proto, KCFG_DISK_TAP);
    assert_string_equal(d->disks[0].tap_type, "aio");
    assert_string_equal(d->disks[0].target, "/img/a.img");
    assert_string_equal(d->disks[0].uname, "tap:aio:/img/a.img");
    assert_string_equal(d->disks[0].backend, "1");
    assert_int_equal(d->disks[1].proto, KCFG_DISK_FILE);
    assert_true(d->disks[1].cdrom);
    assert_string_equal(d->vifs[0].mac, "00:16:3e:aa:bb:01");
    assert_string_equal(d->vifs[0].vifname, "web1.0");
    assert_string_equal(d->vifs[0].script, "vif-route");
    assert_string_equal(d->vifs[0].ip, "10.0.0.2");
    assert_int_equal(d->n_vifs, 2);
    assert_int_equal(d->n_pcis, 2);
    assert_int_equal(d->pcis[0].bus, 3);
    assert_int_equal(d->pcis[0].func, 1);
    assert_int_equal(d->pcis[1].slot, 0x1f);
    assert_int_equal(d->pcis[1].func, 7);
    kcfg_domain_free(d);
    kcfg_free(cfg);
}

static void test_entry_parsers(void **state)
{
    struct kcfg_error err;
    struct kcfg_disk *k;
    struct kcfg_vif *v;
    char buf[300];

    k = kcfg_disk_parse("phy:/dev/vgxen/sharedvol1,hdc,w!", &err);
    assert_non_null(k);
    assert_int_equal(k->proto, KCFG_DISK_PHY);
    assert_string_equal(k->target, "/dev/vgxen/sharedvol1");
    assert_string_equal(k->vdev, "hdc");
    assert_int_equal(k->mode, KCFG_MODE_W_SHARED);
    assert_null(k->backend);
    free(k);
    k = kcfg_disk_parse("file:/OVS/seed_pool/x.iso,ioemu:hdc:cdrom,r", &err);
    assert_non_null(k);
    assert_true(k->cdrom);
    free(k);
    assert_null(kcfg_disk_parse("phy:,hda,w", &err));
    assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                        "disk 'phy:,hda,w': nothing after 'phy:' (expected "
                        "a device or file path)");

    v = kcfg_vif_parse("type=ioemu, , bridge=xenbr0", &err);
    assert_non_null(v);
    assert_string_equal(v->type, "ioemu");
    assert_string_equal(v->bridge, "xenbr0");
    assert_null(v->mac);
    free(v);
    v = kcfg_vif_parse("rate=250KB/s", &err);
    assert_non_null(v);
    free(v);
    assert_null(kcfg_vif_parse("mac=00:16:3e:00:00", &err));
}

/* The SXP of each example is exactly the checked-in .sxp. */
static void test_dryrun_sxp(void **state)
{
    static const struct {
        const char *cfg, *sxp;
        const char *ov;
    } cases[] = {
        { "hvm-dom.cfg", "hvm-dom.sxp", NULL },
        { "el4u4.cfg", "el4u4.sxp", NULL },
        { "xmexample1.cfg", "xmexample1.sxp", NULL },
        { "xmexample-hvm.cfg", "xmexample-hvm.sxp", NULL },
        { "xmexample2.cfg", "xmexample2.sxp", "vmid=3" },
        { "qos.cfg", "qos.sxp", NULL },
        { "pv-template.cfg", "pv-template.sxp", NULL },
        { "app-c3-fixed.cfg", "app-c3-fixed.sxp", NULL },
    };
    size_t i;

    kcfg_machine_override = "x86_64";
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        char *path = fixture_path(cases[i].cfg);
        char *want = fixture(cases[i].sxp, NULL);
        struct kcfg *cfg;
        struct kcfg_domain *d;
        struct kcfg_error err;
        struct sxp *s, *back;
        char *got, buf[512];

        if ( kcfg_parse_file(path, cases[i].ov ? &cases[i].ov : NULL,
                             cases[i].ov ? 1 : 0, &cfg, &err) ||
             kcfg_domain_build(cfg, &d, &err) )
            fail_msg("%s", kcfg_error_format(&err, buf, sizeof(buf)));
        s = kcfg_domain_to_sxp(d);
        assert_non_null(s);
        got = sxp_to_string(s);
        assert_non_null(got);
        assert_string_equal(got, want);
        assert_string_equal(sxp_name(s), "vm");
        back = sxp_parse_one(cases[i].sxp, got, strlen(got), &err);
        assert_non_null(back);
        assert_true(sxp_equal(back, s));
        sxp_free(back);
        free(got);
        sxp_free(s);
        kcfg_domain_free(d);
        kcfg_free(cfg);
        free(want);
        free(path);
    }
    kcfg_machine_override = NULL;
}

static void test_dryrun_fields(void **state)
{
    struct kcfg *cfg;
    struct kcfg_domain *d = build("vm.cfg",
        "kernel = '/boot/vmlinuz'\nname = 'g'\nmemory = 64\nmaxmem = 128\n"
        "on_poweroff = 'destroy'\nuuid = "
        "'8a87a97c-65ad-f243-b373-20185c83053e'\n"
        "disk = ['phy:/dev/sdb,xvda,w,backenddom']\n", NULL, 0, &cfg);
    struct sxp *s = kcfg_domain_to_sxp(d);
    const struct sxp *img, *lin, *dev;

    assert_string_equal(sxp_child_value(s, "name"), "g");
    assert_string_equal(sxp_child_value(s, "maxmem"), "128");
    assert_string_equal(sxp_child_value(s, "on_poweroff"), "destroy");
    assert_null(sxp_child(s, "on_reboot"));     /* xend applies defaults */
    assert_string_equal(sxp_child_value(s, "uuid"),
                        "8a87a97c-65ad-f243-b373-20185c83053e");
    img = sxp_child(s, "image");
    lin = sxp_child(img, "linux");
    assert_string_equal(sxp_child_value(lin, "kernel"), "/boot/vmlinuz");
    dev = sxp_child(sxp_child(s, "device"), "vbd");
    assert_string_equal(sxp_child_value(dev, "backend"), "backenddom");
    sxp_free(s);
    kcfg_domain_free(d);
    kcfg_free(cfg);
}

/*
 * Every disk= and vif= line of the Japanese guide's 2.3 and 2.4 as printed
 * (fixtures/ja-disk-vif.cfg), one statement at a time behind a kernel line:
 * the devices each gives in the SXP xm create --dryrun prints, or, for the
 * manual's own mistakes, the error that names them.
 */
static void test_manual_device_lines(void **state)
{
    static const struct {
        int first, n;           /* lines of the fixture, from 1 */
        const char *sxp[4];     /* the (device ...) lists, in order */
        const char *msg;        /* or the error (line 1 is the kernel's) */
    } cases[] = {
        { 1, 1, { "(device (vbd (uname file:/OVS/seed_pool/para_seed/"
                  "system.img) (dev hda) (mode w)))" } },
        { 2, 1, { "(device (vbd (uname file:/OVS/local/para_seed/system.img)"
                  " (dev hda) (mode w)))" } },
        { 3, 1, { "(device (vbd (uname phy:/dev/cciss/c0d1) (dev hda) "
                  "(mode w)))" } },
        { 4, 1, { "(device (vbd (uname phy:/dev/VolGroup00/el4u4) (dev hda)"
                  " (mode w)))" } },
        { 5, 1, { "(device (vbd (uname file:/mnt/el4u5_64_hvm//system.img) "
                  "(dev hda) (mode w)))" } },
        { 6, 1, { "(device (vbd (uname phy:/dev/hdb1) (dev hdb) "
                  "(mode w)))" } },
        /* partition emulation: the guest sees hdb1 */
        { 7, 1, { "(device (vbd (uname phy:/dev/hdb1) (dev hdb1) "
                  "(mode w)))" } },
        { 8, 1, { NULL } },     /* commented out: no disk */
        { 9, 4, { "(device (vbd (uname phy:/dev/vgxen/lvol0) (dev hda) "
                  "(mode w)))",
                  "(device (vbd (uname phy:/dev/vgxen/tls4-swap) (dev hdb) "
                  "(mode w)))",
                  "(device (vbd (uname phy:/dev/vgxen/sharedvol1) (dev hdc) "
                  "(mode 'w!')))",
                  "(device (vbd (uname phy:/dev/vgxen/sharedvol2) (dev hdd) "
                  "(mode 'w!')))" } },
        /* the ISO's path wrapped inside the string by the manual */
        { 13, 2, { NULL }, "vm.cfg:2:51: unterminated string: the ' opened "
          "here is not closed before the end of the line" },
        { 15, 1, { "(device (vif (type ioemu) (mac 00:16:3e:73:a3:27) "
                   "(bridge xenbr0)))" } },
        { 16, 1, { "(device (vif (type ioemu) (bridge xenbr0)))" } },
        /* [''] and [' ']: one interface with every default, as in xm */
        { 17, 1, { "(device (vif))" } },
        { 18, 1, { "(device (vif (mac 00:50:56:1e:34:b5) "
                   "(bridge xenbr0)))" } },
        { 19, 1, { "(device (vif (bridge xenbr0)))" } },
        /* the stray quote (sic) */
        { 20, 1, { NULL }, "vm.cfg:2:47: unterminated string: the ' opened "
          "here is not closed before the end of the line" },
        { 21, 1, { "(device (vif))" } },
        /* the placeholder MAC */
        { 22, 1, { NULL }, "vm.cfg:2:14: vif 'mac=xx:xx:xx:xx:xx:xx, "
          "bridge=xenbr0': mac 'xx:xx:xx:xx:xx:xx' is not six hex bytes "
          "such as 00:16:3e:12:34:56 (leave mac out for a random one)" },
        { 23, 1, { "(device (vif))" } },
        /* the comment of line 23 wrapped onto a line of its own */
        { 23, 2, { NULL }, "vm.cfg:3:9: expected '=' after 'install', "
          "found 'will'" },
        { 25, 1, { "(device (vif (type ioemu) (mac 00:16:3e:09:bb:c6) "
                   "(bridge xenbr2) (model e1000)))" } },
        { 26, 1, { "(device (vif (mac 00:16:3e:31:d5:4b) (bridge xenbr0) "
                   "(rate '10Mb/s@50ms')))" } },
    };
    size_t len, i, j;
    char *text = fixture("ja-disk-vif.cfg", &len);
    const char *lines[40];
    int n_lines = 0;
    char *p;

    for ( p = text; *p && n_lines < 40; n_lines++ )
    {
        lines[n_lines] = p;
        p = strchr(p, '\n');
        assert_non_null(p);
        *p++ = '\0';
    }
    assert_int_equal(n_lines, 26);
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        char cfgtext[1024] = "kernel = 'k'\n", buf[512];
        struct kcfg *cfg = NULL;
        struct kcfg_domain *d = NULL;
        struct kcfg_error err;
        struct sxp *s;
        char *flat, *at;
        int l;

        for ( l = cases[i].first; l < cases[i].first + cases[i].n; l++ )
        {
            strcat(cfgtext, lines[l - 1]);
            strcat(cfgtext, "\n");
        }
        if ( kcfg_parse_string("vm.cfg", cfgtext, strlen(cfgtext), NULL, 0,
                               &cfg, &err) ||
             kcfg_domain_build(cfg, &d, &err) )
        {
            if ( !cases[i].msg )
                fail_msg("line %d: %s", cases[i].first,
                         kcfg_error_format(&err, buf, sizeof(buf)));
            assert_null(d);
            assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                                cases[i].msg);
            kcfg_free(cfg);
            continue;
        }
        if ( cases[i].msg )
            fail_msg("line %d accepted, expected: %s", cases[i].first,
                     cases[i].msg);
        s = kcfg_domain_to_sxp(d);
        assert_non_null(s);
        flat = sxp_to_string_flat(s);
        assert_non_null(flat);
        /* Exactly these devices, in this order, and no other. */
        at = flat;
        for ( j = 0; j < 4 && cases[i].sxp[j]; j++ )
        {
            at = strstr(at, cases[i].sxp[j]);
            if ( !at )
                fail_msg("line %d: no %s after the previous device in %s",
                         cases[i].first, cases[i].sxp[j], flat);
            at += strlen(cases[i].sxp[j]);
        }
        assert_int_equal(d->n_disks + d->n_vifs, j);
        assert_null(strstr(at, "(device"));
        free(flat);
        sxp_free(s);
        kcfg_domain_free(d);
        kcfg_free(cfg);
    }
    free(text);
}

/* vfb= entries: the same key=value items as vif=, type=vnc is (vnc 1). */
static void test_vfb_sxp(void **state)
{
    struct kcfg *cfg;
    struct kcfg_domain *d = build("vm.cfg",
        "kernel = 'k'\nvfb = [ 'type=vnc, vncunused=1, , "
        "vnclisten=0.0.0.0 ,keymap=ja', 'sdl=1,display=:0' ]\n",
        NULL, 0, &cfg);
    struct sxp *s = kcfg_domain_to_sxp(d);
    char *flat = sxp_to_string_flat(s);

    assert_int_equal(d->n_vfbs, 2);
    assert_string_equal(d->vfbs[0].type, "vnc");
    assert_int_equal(d->vfbs[0].vncunused, 1);
    assert_int_equal(d->vfbs[0].vncdisplay, -1);
    assert_string_equal(d->vfbs[0].keymap, "ja");
    assert_string_equal(d->vfbs[1].type, "sdl");
    assert_string_equal(d->vfbs[1].display, ":0");
    assert_non_null(strstr(flat, "(device (vfb (vnc 1) (vncunused 1) "
                           "(vnclisten 0.0.0.0) (keymap ja)))"));
    assert_non_null(strstr(flat, "(device (vfb (sdl 1) (display :0)))"));
    free(flat);
    sxp_free(s);
    kcfg_domain_free(d);
    kcfg_free(cfg);
    expect_error("kernel = 'k'\nvfb = [ 'type=vnc, vnc' ]\n",
                 "vm.cfg:2:20: vfb 'type=vnc, vnc': 'vnc' is not key=value");
    expect_error("kernel = 'k'\nvfb = [ 'vncport=1' ]\n",
                 "vm.cfg:2:10: vfb 'vncport=1': unknown vfb option "
                 "'vncport'");
    expect_error("kernel = 'k'\nvfb = [ 'type=vnc,vncdisplay=x' ]\n",
                 "vm.cfg:2:30: vfb 'type=vnc,vncdisplay=x': vncdisplay 'x' "
                 "is not a number");
}

int run_domain_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_manual_examples),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_typed_values2),
        cmocka_unit_test(test_entry_parsers),
        cmocka_unit_test(test_dryrun_sxp),
        cmocka_unit_test(test_dryrun_fields),
        cmocka_unit_test(test_manual_device_lines),
        cmocka_unit_test(test_vfb_sxp),
    };

    return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
