# SPDX-License-Identifier: GPL-2.0-or-later
"""Serial input to dom0: the hypervisor polls COM1 and hands the bytes to
Debian's kernel (hvc0 through CONSOLEIO_read on VIRQ_CONSOLE); three
CTRL-a switch the input to the hypervisor's debug keys and back."""

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0 keel-test=1"
APPEND = "dom0_mem=512M console=com1"
DOM0_INIT = r"^\(XEN\) \(d0\) keel-initrd: /init running on "
TO_XEN = (r"^\(XEN\) \*\*\* Serial input to Xen \(type 'CTRL-a' three "
          r"times to switch input\)$")
TO_DOM0 = (r"^\(XEN\) \*\*\* Serial input to DOM0 \(type 'CTRL-a' three "
           r"times to switch input\)$")


def test_dom0_console_input():
    # The shell reads what is typed: a command's output comes back.
    # Typing goes into the tty's queue, so it may arrive before the
    # shell prints its prompt.
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS),
        script=[(DOM0_INIT,
                 b"cat /sys/hypervisor/type; echo marker-$((6*7))\r")],
        until=r"^\(XEN\) \(d0\) marker-42$", timeout=400)
    bc.xen_line(r, r"^\(d0\) xen$")


test_dom0_console_input.timeout = 450


def test_dom0_console_switch_to_xen_and_back():
    # CTRL-a x3: debug keys ('h' lists them); again: back to dom0, whose
    # shell still gets what is typed.
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS),
        script=[(DOM0_INIT, b"\x01\x01\x01"),
                (TO_XEN, b"h"),
                (r"^\(XEN\)  key 'h' \(ascii '68'\) => show this message$",
                 b"\x01\x01\x01"),
                (TO_DOM0, b"echo back-$((2+3))\r")],
        until=r"^\(XEN\) \(d0\) back-5$", timeout=400)
    bc.xen_line(r, r"^'h' pressed -> showing installed handlers$")
    bc.xen_line(r, r"^ key 'R' \(ascii '52'\) => reboot machine$")


test_dom0_console_switch_to_xen_and_back.timeout = 450
