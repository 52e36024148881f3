# SPDX-License-Identifier: GPL-2.0-or-later
"""Serial input to dom0: the hypervisor polls COM1 and hands the bytes to
Debian's kernel (hvc0 through CONSOLEIO_read on VIRQ_CONSOLE); three
CTRL-a switch the input to the hypervisor's debug keys and back.  Input
is flow-controlled: while dom0's input ring (1024 characters) is full the
hypervisor leaves bytes in the UART (QEMU then stops reading the rig's
pipe) until dom0 reads, or, if dom0 does not read for 5 s
(console_input_hold=), drops them as Xen does so that three CTRL-a still
reach the debug keys."""

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0 keel-test=1"
APPEND = "dom0_mem=512M console=com1"
DOM0_INIT = r"^\(XEN\) \(d0\) keel-initrd: /init running on "
TO_XEN = (r"^\(XEN\) \*\*\* Serial input to Xen \(type 'CTRL-a' three "
          r"times to switch input\)$")
TO_DOM0 = (r"^\(XEN\) \*\*\* Serial input to DOM0 \(type 'CTRL-a' three "
           r"times to switch input\)$")


def boot_typing(script, until, append=APPEND):
    """dom0 booted with the keys of script typed on COM1, until the
    regex until (after the last step)."""
    return keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=append,
        modules=keel.dom0_modules(KERNEL_ARGS), script=script, until=until,
        timeout=500)


def test_dom0_console_input():
    # The shell reads what is typed: a command's output comes back.
    # Typing goes into the tty's queue, so it may arrive before the
    # shell prints its prompt.
    r = boot_typing(
        [(DOM0_INIT, b"cat /sys/hypervisor/type; echo marker-$((6*7))\r")],
        r"^\(XEN\) \(d0\) marker-42$")
    bc.xen_line(r, r"^\(d0\) xen$")


test_dom0_console_input.timeout = 560


def test_dom0_console_switch_to_xen_and_back():
    # CTRL-a x3: debug keys ('h' lists them); again: back to dom0, whose
    # shell still gets what is typed.
    r = boot_typing(
        [(DOM0_INIT, b"\x01\x01\x01"),
         (TO_XEN, b"h"),
         (r"^\(XEN\)  key 'h' \(ascii '68'\) => show this message$",
          b"\x01\x01\x01"),
         (TO_DOM0, b"echo back-$((2+3))\r")],
        r"^\(XEN\) \(d0\) back-5$")
    bc.xen_line(r, r"^'h' pressed -> showing installed handlers$")
    bc.xen_line(r, r"^ key 'R' \(ascii '52'\) => reboot machine$")


test_dom0_console_switch_to_xen_and_back.timeout = 560


# Typed in one write by the rig (keel.watch writes a step's bytes to
# QEMU's stdin at once; QEMU hands them to the UART as its FIFO has room).
# Busybox's line editor takes at most 1023 characters per command line,
# so the long line goes to a command reading the tty in canonical mode
# (Linux's n_tty holds a line of up to 4095 characters).
LONG_LINE = b"x" * 4000
# Complete lines: n_tty keeps 4 KB of them, then throttles hvc0, and
# dom0 stops calling CONSOLEIO_read while nobody reads the tty.
BURST = (b"y" * 999 + b"\n") * 16


def test_dom0_console_long_line_and_held_back_burst():
    # A 4000-character line reaches head whole (4001 with its newline),
    # then 16000 characters typed while dom0's shell sleeps 40 s and does
    # not read: dom0 takes ~5 KB (n_tty's 4 KB, then it throttles hvc0, and
    # the ring's 1 KB), the rest waits in the UART/QEMU until the read loop
    # reads after the sleep.  QEMU types slowly (0.25 to 2 KB/s seen: its
    # 16550 offers a byte at a time at the FIFO trigger level the driver
    # sets), so the sleep is long enough for the ring to fill even at the
    # slowest, and the hold is raised to 60 s to outlast the sleep even at
    # the fastest.  The hypervisor before flow control dropped what came
    # while dom0's ring was full (with a 10 s sleep: 3.4 KB and the CTRL-d
    # in one run, nothing in another): the loop, which gives up 60 s after
    # the last line it got, counted less than 16000.
    r = boot_typing(
        [(DOM0_INIT,
          b"echo go-$((2*2)); head -n 1 | wc -c; "
          b"echo ready-$((3*3)); sleep 40; n=0; "
          b"while IFS= read -r -t 60 l; do n=$((n+${#l}+1)); done; "
          b"echo burst-$n\r"),
         (r"^\(XEN\) \(d0\) go-4$", LONG_LINE + b"\r"),
         (r"^\(XEN\) \(d0\) ready-9$", BURST + b"\x04")],
        r"burst-\d+$", append=APPEND + " console_input_hold=60000")
    counts = [m.group(1) for m in bc.d0_all(r, r"^ *(\d+)$")]
    # (after a lost line end it follows the last echoed characters)
    burst = bc.d0_line(r, r"burst-(\d+)$").group(1)
    assert (counts, burst) == (["4001"], "16000"), (counts, burst,
                                                     r.tail(5))
    # Nothing was dropped: the hypervisor never went back to dropping.
    assert not [l for l in r.xen_lines
                if l.startswith("dom0 console input:")], r.tail()


test_dom0_console_long_line_and_held_back_burst.timeout = 560


def test_dom0_console_debug_keys_while_dom0_does_not_read():
    # dom0's shell sleeps and never reads; what is typed fills n_tty, then
    # dom0's ring, then waits in the UART.  Three CTRL-a behind it still
    # switch to the debug keys: after 5 s without a read the hypervisor
    # drops dom0's input (and says so) as Xen does.
    r = boot_typing(
        [(DOM0_INIT, b"echo hold-$((5*5)); sleep 600\r"),
         (r"^\(XEN\) \(d0\) hold-25$", BURST + b"\x01\x01\x01"),
         (TO_XEN, b"h")],
        r"^\(XEN\)  key 'q' \(ascii '71'\) => dump domain")
    m = bc.xen_line(r, r"^dom0 console input: not read for (\d+) ms, "
                    r"dropping input \(CTRL-a three times still switches "
                    r"to Xen\)$")
    assert int(m.group(1)) >= 5000, r.tail()
    bc.xen_line(r, r"^'h' pressed -> showing installed handlers$")


test_dom0_console_debug_keys_while_dom0_does_not_read.timeout = 560
