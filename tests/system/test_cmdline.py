# SPDX-License-Identifier: GPL-2.0-or-later
"""Command-line options as the running hypervisor sees them."""

import bootcheck as bc
from bootcheck import keel


def _boot(append, **kw):
    return keel.boot_qemu(kernel=keel.xen_image("xen"), append=append,
                          modules=keel.dom0_modules(bc.DOM0_ARGS), **kw)


def test_cmdline_malformed_loglvl():
    # A malformed known option names the option and the value, and boot
    # goes on with the default.
    args = "dom0_mem=512M console=com1 loglvl=bogus"
    r = _boot(args)
    bc.cmdline(r, args)
    bc.xen_line(r, r'^parameter "loglvl" has invalid value "bogus" '
                   r'\(malformed\), using the default$')


def test_cmdline_maxcpus_1():
    r = _boot("dom0_mem=512M console=com1 maxcpus=1")
    bc.cpus(r, 1)


def test_cmdline_no_words():
    # QEMU with an empty -append gives just the image path: the cooked
    # line is empty and nothing is reported unknown.
    r = _boot("")
    bc.cmdline(r, "")
    bad = [l for l in r.xen_lines if "unknown, ignored" in l]
    if bad:
        bc.fail(r, "image path parsed as an option: %r" % bad)
