# SPDX-License-Identifier: GPL-2.0-or-later
"""xm and xend in dom0: the tools as `make -C tools install' puts them
(built here into tests/out, so xend is in the image whatever the cached
initrd-dom0-tools.gz holds), /init starting xenstored, xenconsoled and
xend, then through dom0's shell: `xm list' (Domain-0 in Xen's format),
`xm create /etc/xen/example', the guest listed, pause/unpause in the state
column, `xm destroy', `xm info' free_memory back to its earlier value, no
xenstore nodes left, and a broken vm.cfg giving its file:line:column
error and creating nothing.

test_xm_lifecycle does not ask the guest's kernel to print anything;
test_xm_guests does, with Debian's kernel and the busybox initrd as PVH
guests: `xm create -c' shows the guest's /init and shell on its console
and Ctrl-] detaches; the guest's output is in its console log; a second
guest powered off from inside goes away; two guests listed at once; a
reboot from inside restarts the domain under a new id and its new boot
reaches its shell next to the other guest; `xm console' of a guest
created without -c replays what it printed while nobody was attached and
reaches its shell; xend killed and started again keeps both guests
manageable; and after each scenario the domains' xenstore nodes, console
clients, ptys and free memory are checked (nothing left of a gone
domain)."""

import re

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0 keel-test=1"
APPEND = "dom0_mem=768M console=com1 dom0=pvh"
READY = r"^\(XEN\) \(d0\) keel-initrd: ready"

# One line typed at dom0's shell; markers use $((...)) so that the echo
# of the typed line itself never matches.
SCRIPT = (
    b"xm list; "
    b"echo FM1=$(xm info | grep free_memory); "
    b"xm create /etc/xen/example; echo create-rc-$((0+$?)); "
    b"xm list; "
    b"xm pause example; xm list example; "
    b"xm unpause example; xm list example; "
    b"xm destroy example; echo destroy-rc-$((0+$?)); "
    b"xm list; "
    b"echo FM2=$(xm info | grep free_memory); "
    b"xenstore-exists /local/domain/1 || echo nodes-gone-$((2*3)); "
    b"echo vm-children-$(xenstore-list /vm | wc -l); "
    b"printf 'name = \"broken\"\\nmemory = [128,\\n' > /tmp/broken.cfg; "
    b"xm create /tmp/broken.cfg; echo broken-rc-$((0+$?)); "
    b"xm list broken; echo broken-list-rc-$((0+$?)); "
    b"xm destroy nosuch; "
    b"echo done-$((6*7))\r")

# Then: a create that does not fit (the example of an error that
# says how much is needed, how much is free and how far dom0 could balloon
# before dom0-min-mem), vcpu-pin seen in vcpu-list's affinity, mem-set
# carried out by the guest's balloon driver, dmesg -c
# clearing the hypervisor's buffer, xm info's keys in Xen 3.4's order.
# vcpu-pin first to the pCPU the vCPU is on, then (SCRIPT_PIN, once the
# guest's balloon driver has shown its kernel is up) to the other one.
SCRIPT2 = (
    b"xm create /etc/xen/example name=huge memory=4000; "
    b"echo huge-rc-$((0+$?)); xm list huge; "
    b"xm create /etc/xen/example; "
    b"C=$(xm vcpu-list example | sed -n '2s/^example *[0-9]* *0 *//p' | "
    b"cut -d' ' -f1); xm vcpu-pin example 0 $C; "
    b"echo pin-rc-$((0+$?))-cpu-$C; xm vcpu-list example; "
    b"xm mem-set example 96; echo ms-rc-$((0+$?)); for i in $(seq 60); do "
    b"M=$(xm list example | sed -n '2s/^example *[0-9]* *//p' | "
    b"cut -d' ' -f1); [ $M -le 100 ] && break; sleep 1; done; "
    b"echo MEM=$M-after-$i; echo pin-next-$((5*11))\r")

# vcpu-pin to the other pCPU (a line of its own: dom0's console input
# ring holds 1024 characters): vcpu-list shows the vCPU there, its
# shell answers on xm console and a `sleep 1' in it ends after about a
# second (its timers moved with it); then pinned back.  And dom0's vCPU 0
# pinned to pCPU 1 (it may be the vCPU making the call: it moves as soon
# as its pCPU switches away from it), then allowed everywhere again.
SCRIPT_PIN = (
    b"O=$((1-C)); xm vcpu-pin example 0 $O; echo pin2-rc-$((0+$?))-cpu-$O; "
    b"for i in $(seq 10); do xm vcpu-list example | "
    b"grep -q \"^example *[0-9]* *0 *$O \" && break; sleep 1; done; "
    b"xm vcpu-list example | sed s/^/PIN2:/; "
    b"(for i in $(seq 30); do grep -q g-slept-36 /tmp/gc.out && break; "
    b"echo 'T=$(date +%s); sleep 1; echo g-slept-$((6*6))-$(($(date +%s)-T))'"
    b"; sleep 2; done) | xm console example > /tmp/gc.out; "
    b"grep g-slept-36 /tmp/gc.out | tr -d '\\r' | sed s/^/SLEPT:/; "
    b"xm vcpu-pin example 0 $C; echo pin3-rc-$((0+$?)); "
    b"for i in $(seq 10); do xm vcpu-list example | "
    b"grep -q \"^example *[0-9]* *0 *$C \" && break; sleep 1; done; "
    b"xm vcpu-list example | sed s/^/PIN3:/; xm vcpu-pin 0 0 1; "
    b"for i in $(seq 10); do xm vcpu-list 0 | grep -q '^Domain-0 *0 *0 *1 ' "
    b"&& break; sleep 1; done; xm vcpu-list 0 | sed s/^/D0P:/; "
    b"xm vcpu-pin 0 0 all; echo d0pin-rc-$((0+$?)); "
    b"echo pin-done-$((7*11))\r")

# The rest of SCRIPT2.
SCRIPT2B = (
    b"xm dmesg | wc -l | sed s/^/DM1=/; xm dmesg -c > /dev/null; "
    b"echo clear-rc-$((0+$?)); xm dmesg | wc -l | sed s/^/DM2=/; "
    b"echo KEYS=$(xm info | sed 's/ *:.*//' | tr '\\n' ,); "
    b"xm destroy example; echo FM3=$(xm info | grep free_memory); "
    b"echo done2-$((7*9))\r")

# Then vcpu-set: a guest with two vCPUs, once its kernel has both up,
# asked to keep one (its kernel takes vCPU 1 offline: --p in vcpu-list:
# Linux parks it with HLT and interrupts off, which the hypervisor takes
# as the vCPU going down, as Xen does), then two again: Linux's Xen
# vCPU-hotplug watch only marks vCPU 1 present (a udev rule onlines it
# on a distribution), so its shell is told to online it, which it does
# with INIT/SIPI through its vLAPIC.
SCRIPT3 = (
    b"xm create /etc/xen/example name=two vcpus=2; for i in $(seq 60); do "
    b"xm vcpu-list two | grep -q -e '--p' || break; sleep 1; done; "
    b"xm vcpu-list two | sed s/^/UP:/; xm vcpu-set two 1; "
    b"echo vs-rc-$((0+$?)); for i in $(seq 60); do "
    b"xm vcpu-list two | grep -q -e '--p' && break; sleep 1; done; "
    b"xm vcpu-list two; xm vcpu-set two 2; echo vs2-rc-$((0+$?)); "
    b"(for i in $(seq 30); do xm vcpu-list two | grep -q -e '--p' || break; "
    b"echo 'echo 1 > /sys/devices/system/cpu/cpu1/online'; sleep 2; done) | "
    b"xm console two > /dev/null; "
    b"xm vcpu-list two | sed s/^/BACK:/; xm destroy two; "
    b"echo FM4=$(xm info | grep free_memory); echo done3-$((8*8))\r")

# xm list's header and rows as Xen 3.4's xm_brief_list prints them.
LIST_HEADER = "%-40s %5s %5s %5s %10s %9s" % (
    "Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
LIST_ROW = r"^(\S+) +(\d+) +(\d+) +(\d+) +([-rbpscd]{6}) +(\d+\.\d)$"

# xm info's keys in order (Xen 3.4's XendNode.info and xm_info).
INFO_KEYS = ("host,release,version,machine,nr_cpus,nr_nodes,"
             "cores_per_socket,threads_per_core,cpu_mhz,hw_caps,virt_caps,"
             "total_memory,free_memory,node_to_cpu,node_to_memory,"
             "xen_major,xen_minor,xen_extra,xen_caps,xen_scheduler,"
             "xen_pagesize,platform_params,xen_changeset,xen_commandline,"
             "cc_compiler,cc_compile_by,cc_compile_domain,cc_compile_date,"
             "xend_config_format,")


def tools_initrd():
    """The tools installed into tests/out and made into a dom0 initramfs
    with the example guest's kernel and the PV guest ramdisk (as make run's
    cached initramfs has them)."""
    return keel.tools_initrd("xm", guest_ramdisk=keel.guest_initrd("xm"))


d0 = bc.d0_all
one = bc.d0_some
chk = bc.d0_fields


def test_xm_lifecycle():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=tools_initrd()),
        script=[(READY, SCRIPT), (r"^\(XEN\) \(d0\) done-42$", SCRIPT2),
                (r"^\(XEN\) \(d0\) pin-next-55$", SCRIPT_PIN),
                (r"^\(XEN\) \(d0\) pin-done-77$", SCRIPT2B),
                (r"^\(XEN\) \(d0\) done2-63$", SCRIPT3)],
        until=r"^\(XEN\) \(d0\) done3-64", timeout=1000)

    one(r, r"^keel-toolstack: started")
    one(r, r"^Name +ID +Mem VCPUs +State +Time\(s\)$")
    one(r, r"^Domain-0 +0 +\d+ +\d+ +r----- +\d+\.\d$")
    one(r, r'^Using config file "/etc/xen/example"\.$')
    one(r, r"^Started domain example \(id=\d+\)$")
    one(r, r"^create-rc-0$")
    # listed with its memory and vCPUs; paused and unpaused
    listed = d0(r, r"^example +(\d+) +128 +1 +([-rbpscd]{6}) +\d+\.\d$")
    states = [m.group(2) for m in listed]
    if len(states) < 3 or states[1][2] != "p" or states[2][2] != "-":
        bc.fail(r, "example's states in xm list: %s (want paused, then "
                "not)" % states)
    one(r, r"^destroy-rc-0$")
    fm1 = one(r, r"^FM1=free_memory +: (\d+)$")[0].group(1)
    fm2 = one(r, r"^FM2=free_memory +: (\d+)$")[0].group(1)
    if fm1 != fm2:
        bc.fail(r, "free_memory %s MiB before the guest, %s after its "
                "destroy" % (fm1, fm2))
    one(r, r"^nodes-gone-6$")
    one(r, r"^vm-children-0$")
    # a broken vm.cfg: file:line:column, nothing created
    one(r, r"^Error: /tmp/broken\.cfg:2:10: '\[' is never closed")
    one(r, r"^broken-rc-1$")
    one(r, r"^Error: Domain 'broken' does not exist\.$")
    one(r, r"^broken-list-rc-1$")
    one(r, r"^Error: Domain 'nosuch' does not exist\.$")

    # xm list in Xen's exact format: the header, and every row printed
    # again with xm_brief_list's format is the same line.
    one(r, "^%s$" % re.escape(LIST_HEADER))
    for m in d0(r, LIST_ROW):
        again = "%-40s %5s %5d %5d %10s %8.1f" % (
            m.group(1), m.group(2), int(m.group(3)), int(m.group(4)),
            m.group(5), float(m.group(6)))
        if m.group(0) != again:
            bc.fail(r, "xm list row not in Xen's format: %r (want %r)" %
                    (m.group(0), again))

    # a create that does not fit: what it needs, what is free, how far
    # dom0 could balloon; nothing created.
    m = bc.d0_long(r, r"^Error: Not enough memory to create domain 'huge': it "
            r"needs (\d+) MiB \(\d+ KiB with the hypervisor's overhead\), "
            r"but only (\d+) MiB \(\d+ KiB\) is free\. dom0 \((\d+) MiB "
            r"now\) could balloon down by (\d+) MiB before reaching "
            r"dom0-min-mem \((\d+) MiB\), which would still not be "
            r"enough\. Hint: 'xm mem-set Domain-0 <MiB>' to give memory "
            r"back first, or lower memory= in the config\.$")[0]
    need, free, d0now, could, d0min = (int(g) for g in m.groups())
    if need < 4000 or free != int(fm1) or d0min != 196 or \
            could != d0now - d0min or free + could >= need:
        bc.fail(r, "create of 4000 MiB: needs %d, free %d (xm info: %s), "
                "dom0 %d could give %d above dom0-min-mem %d" % (
                    need, free, fm1, d0now, could, d0min))
    one(r, r"^huge-rc-1$")
    one(r, r"^Error: Domain 'huge' does not exist\.$")

    # vcpu-pin: the affinity column of vcpu-list
    cpu = one(r, r"^pin-rc-0-cpu-(\d+)$")[0].group(1)
    one(r, r"^Name +ID +VCPU +CPU +State +Time\(s\) CPU Affinity$")
    pinned = d0(r, r"^example +\d+ +0 +[-\d]+ +[-rbp]{3} +\d+\.\d (.*)$")
    if not pinned or pinned[-1].group(1) != cpu:
        bc.fail(r, "vcpu-list after vcpu-pin example 0 %s: affinity %s" % (
            cpu, [m.group(1) for m in pinned]))

    # mem-set: the guest's balloon driver gives the memory back (xm list's
    # Mem, the domain's pages, drops from 128 to about 96 MiB)
    one(r, r"^ms-rc-0$")
    mem = int(one(r, r"^MEM=(\d+)-after-\d+$")[-1].group(1))
    if not 90 <= mem <= 100:
        bc.fail(r, "xm mem-set example 96: xm list shows %d MiB" % mem)

    # vcpu-pin to the other pCPU: the vCPU runs there (CPU column), its
    # shell answers on the console and its `sleep 1' ends (its timers
    # fire on the new pCPU), then pinned back it returns
    other = one(r, r"^pin2-rc-0-cpu-(\d+)$")[0].group(1)
    if int(other) != 1 - int(cpu):
        bc.fail(r, "vcpu-pin to the other pCPU: %s after %s" % (other, cpu))
    moved = d0(r, r"^PIN2:example +\d+ +0 +(\d+) +[-rb]{2}- +\d+\.\d (.*)$")
    if not moved or moved[-1].groups() != (other, other):
        bc.fail(r, "vcpu-list after vcpu-pin example 0 %s: CPU, affinity "
                "%s" % (other, [m.groups() for m in moved]))
    slept = d0(r, r"^SLEPT:.*g-slept-36-(\d+)$")
    if not slept or not 1 <= int(slept[0].group(1)) <= 5:
        bc.fail(r, "the guest's shell on pCPU %s: sleep 1 took %s s" % (
            other, [m.group(1) for m in slept]))
    one(r, r"^pin3-rc-0$")
    back = d0(r, r"^PIN3:example +\d+ +0 +(\d+) +[-rb]{2}- +\d+\.\d (.*)$")
    if not back or back[-1].groups() != (cpu, cpu):
        bc.fail(r, "vcpu-list after vcpu-pin example 0 %s (back): CPU, "
                "affinity %s" % (cpu, [m.groups() for m in back]))
    # (dom0's vCPU 1, never pinned, may run anywhere: "any cpu")
    d0p = d0(r, r"^D0P:Domain-0 +0 +(\d) +(\d+) +[-rb]{2}- +\d+\.\d (.*)$")
    if [m.groups() for m in d0p if m.group(1) == "0"][-1:] != \
            [("0", "1", "1")] or \
            [m.group(3) for m in d0p if m.group(1) == "1"] != ["any cpu"]:
        bc.fail(r, "vcpu-list 0 after vcpu-pin 0 0 1: vCPU, CPU, affinity "
                "%s" % [m.groups() for m in d0p])
    one(r, r"^d0pin-rc-0$")

    # dmesg -c: the buffer emptied (boot messages gone)
    one(r, r"^clear-rc-0$")
    dm1 = int(one(r, r"^DM1=(\d+)$")[0].group(1))
    dm2 = int(one(r, r"^DM2=(\d+)$")[0].group(1))
    if dm1 < 20 or dm2 >= dm1 or dm2 > 5:
        bc.fail(r, "xm dmesg: %d lines, %d after xm dmesg -c" % (dm1, dm2))

    # xm info: every key, in Xen's order
    keys = bc.d0_long(r, r"^KEYS=(.*)$")[0].group(1)
    if keys != INFO_KEYS:
        bc.fail(r, "xm info's keys: %s (want %s)" % (keys, INFO_KEYS))
    fm3 = one(r, r"^FM3=free_memory +: (\d+)$")[0].group(1)
    if fm3 != fm1:
        bc.fail(r, "free_memory %s MiB after the second destroy, %s before "
                "any guest" % (fm3, fm1))
    # vcpu-set 1 of a 2-vCPU guest: vCPU 0 online, vCPU 1 offline
    up = d0(r, r"^UP:two +\d+ +(\d) +([-\d]+) +([-rbp]{3}) +\d+\.\d ")
    if [(m.group(1), m.group(3)[2]) for m in up] != [("0", "-"),
                                                     ("1", "-")]:
        bc.fail(r, "two's vCPUs never both came up: %s" % [
            m.group(0) for m in up])
    one(r, r"^vs-rc-0$")
    rows = d0(r, r"^two +\d+ +(\d) +([-\d]+) +([-rbp]{3}) +\d+\.\d ")
    last = {m.group(1): (m.group(2), m.group(3)) for m in rows}
    if last.get("1") != ("-", "--p") or last.get("0", ("-",))[0] == "-":
        bc.fail(r, "vcpu-list of two after vcpu-set two 1: %s" % last)
    # vcpu-set 2 again and cpu1/online: vCPU 1 back (INIT/SIPI)
    one(r, r"^vs2-rc-0$")
    back = d0(r, r"^BACK:two +\d+ +(\d) +([-\d]+) +([-rbp]{3}) +\d+\.\d ")
    if sorted((m.group(1), m.group(3)[2]) for m in back) != [("0", "-"),
                                                             ("1", "-")]:
        bc.fail(r, "two's vCPU 1 did not come back after vcpu-set two 2: "
                "%s" % [m.group(0) for m in back])
    fm4 = one(r, r"^FM4=free_memory +: (\d+)$")[0].group(1)
    if fm4 != fm1:
        bc.fail(r, "free_memory %s MiB after two's destroy, %s before any "
                "guest" % (fm4, fm1))


test_xm_lifecycle.timeout = 1100


# Leak and state summary typed once per scenario: the domains xenstore
# knows, /vm entries, console clients, ptys xenconsoled holds, free memory.
CHK = (b"chk() { echo \"CHK-$1 doms=$(xenstore-list /local/domain | "
       b"tr '\\n' ,) vms=$(xenstore-list /vm 2>/dev/null | wc -l) "
       b"cons=$(pidof xenconsole | wc -w) "
       b"pts=$(ls /dev/pts | grep -c '^[0-9]') "
       b"fm=$(xm info | sed -n 's/^free_memory *: //p')\"; }; ")
# Unanchored: a marker may follow a guest's prompt on the same line.
GUEST = r"\(d0\) .*keel-initrd: /init running on "
D0M = r"\(d0\) .*"

GUEST_SCRIPT = [
    # 1: create -c: the guest's /init on its console, typed input reaches
    # its shell, Ctrl-] comes back to dom0.  By its bare name, as make run
    # promises (`xm create -c example' finds /etc/xen/example).
    (READY, CHK + b"xenstore-ls /local/domain/0; chk start; "
     b"xm create -c example; "
     b"echo detached-$((40+2))\r"),
    (GUEST, b"echo guest-$((6*7))-alive\r"),
    (D0M + r"guest-42-alive", b"\x1d"),
    # 2: its console log; a second guest, powered off from inside.
    (D0M + r"detached-42",
     b"echo LOG=$(grep -c 'init running' "
     b"/var/log/xen/console/example.log); chk one; "
     b"xm create -c /etc/xen/example name=example2; "
     b"echo c2-exit-$((1+1))\r"),
    (GUEST, b"echo g2-$((5*5))\r"),
    (D0M + r"g2-25", b"poweroff -f\r"),
    # 3: two guests at once; a reboot from inside restarts example.
    # example2 is created paused and gets console input (an event on its
    # console channel) before it runs: that upcall comes before its APIC
    # is enabled, which once cost a guest every later upcall (it stalled
    # in xenbus); scenario 5 sees it reach its shell.
    (D0M + r"c2-exit-2",
     b"chk poweroff; xm create -p /etc/xen/example name=example2; "
     b"D2=$(xm domid example2); for i in 1 2 3 4 5 6 7 8 9 10; do "
     b"T=$(xenstore-read /local/domain/$D2/console/tty) && break; "
     b"sleep 1; done; echo > $T && echo early-input-$((3*4)); "
     b"xm unpause example2; "
     b"xm list; ID1=$(xm domid example); xm console example; "
     b"echo c1-exit-$((1+2))\r"),
    (D0M + r"example2 +\d+ +128 ", b"echo g1-$((7*7))\r"),
    (D0M + r"g1-49", b"reboot -f\r"),
    # 4: the restarted example boots to its shell next to example2 (its
    # /init line on `xm console', a typed command answered).
    (D0M + r"c1-exit-3",
     b"echo ID1=$ID1 ID2=$(xm domid example); xm list; chk reboot; "
     b"xm console example; echo r-exit-$((2+2))\r"),
    (GUEST, b"echo r1-$((8*8))\r"),
    (D0M + r"r1-64", b"\x1d"),
    # 5: `xm console' of example2, created without -c and booted with
    # nobody attached: its earlier output (the /init line) is replayed
    # and its shell answers.
    (D0M + r"r-exit-4", b"xm console example2; echo e2-exit-$((2+3))\r"),
    (GUEST, b"echo e2-$((9*9))\r"),
    (D0M + r"e2-81", b"\x1d"),
    # 6: xend killed and started again: both guests still there and
    # manageable; then both destroyed and nothing left.
    (D0M + r"e2-exit-5",
     b"kill -9 $(pidof xend); /etc/init.d/xend start; xm list; "
     b"xm pause example2; xm list example2; xm unpause example2; "
     b"I1=$(xm domid example); I2=$(xm domid example2); "
     b"timeout 300 xm reboot --all --wait; echo rb-rc-$((0+$?)) $I1 "
     b"$(xm domid example) $I2 $(xm domid example2); "
     b"timeout 300 xm shutdown -a -w; echo sd-rc-$((0+$?)); "
     b"cd /var/log/xen/console; L=\"example.log example2.log\"; "
     b"echo SD=$(cat $L | grep -c 'poweroff requested') "
     b"RB=$(cat $L | grep -c 'reboot requested'); cd /; "
     b"xm list; chk end; "
     b"ps | grep -c '[x]enconsole [0-9]' | sed s/^/PS=/; "
     b"echo done-$((6*7))\r"),
]


def test_xm_guests():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=tools_initrd()),
        script=GUEST_SCRIPT,
        until=r"^\(XEN\) \(d0\) done-42", timeout=1500)
    # straight on hvc0 (a console of 0 columns): values not cut short
    one(r, r'^name = "Domain-0"$')
    start = chk(r, "start")
    fm0 = int(start.pop("fm"))
    if start != {"doms": "0,", "vms": "0", "cons": "0", "pts": "0"}:
        bc.fail(r, "before any guest: %s" % start)

    # 1: xm create -c: the guest's own /init line and shell on xm console
    # (dom0's /init printed the first such line), Ctrl-] back to dom0.
    one(r, r'^Using config file "/etc/xen/example"\.$')
    ex_id = one(r, r"^Started domain example \(id=(\d+)\)$")[0].group(1)
    if len(d0(r, r"keel-initrd: /init running on ")) < 2:
        bc.fail(r, "the guest's /init line never appeared on xm console")
    one(r, r"^guest-42-alive")
    one(r, r"detached-42$")
    if int(one(r, r"LOG=(\d+)$")[0].group(1)) < 1:
        bc.fail(r, "the guest's /init line is not in "
                "/var/log/xen/console/example.log")
    c1 = chk(r, "one")
    fm1 = int(c1.pop("fm"))
    if c1 != {"doms": "0,%s," % ex_id, "vms": "1", "cons": "0",
              "pts": "1"} or fm0 - fm1 < 128:
        bc.fail(r, "with one guest: %s, free_memory %d -> %d" % (
            c1, fm0, fm1))

    # 2: example2 powered off from inside: gone without a trace.
    one(r, r"^g2-25")
    one(r, r"c2-exit-2$")
    c2 = chk(r, "poweroff")
    fm2 = int(c2.pop("fm"))
    if c2 != c1 or fm2 != fm1:
        bc.fail(r, "after example2's poweroff: %s free_memory %d (want "
                "%s and %d as before it)" % (c2, fm2, c1, fm1))

    # 3: two guests listed at once, in Xen's format; example2 got its
    # console input while paused.
    one(r, r"^early-input-12$")
    two = d0(r, r"^(Domain-0|example|example2) +(\d+) +(\d+) +(\d+) +"
             r"([-rbpscd]{6}) +\d+\.\d$")
    names = [m.group(1) for m in two]
    if "example2" not in names or names.index("example2") < 2 or \
            names[names.index("example2") - 2:names.index("example2") + 1] \
            != ["Domain-0", "example", "example2"]:
        bc.fail(r, "xm list never showed Domain-0, example and example2 "
                "together: %s" % names)
    ex2_id = [m.group(2) for m in two if m.group(1) == "example2"][0]

    # 4: reboot inside example (on_reboot='restart'): back with a new id
    # and the same name, its old id's nodes, pty and pages gone.
    one(r, r"^g1-49")
    one(r, r"c1-exit-3$")
    ids = one(r, r"ID1=(\d+) ID2=(\d+)$")[0]
    if ids.group(1) != ex_id or ids.group(2) in (ex_id, ex2_id):
        bc.fail(r, "example's ids before/after its reboot: %s, %s (want "
                "%s, then a new one)" % (ids.group(1), ids.group(2), ex_id))
    new_id = ids.group(2)
    c3 = chk(r, "reboot")
    fm3 = int(c3.pop("fm"))
    want = sorted(["0", new_id, ex2_id], key=int)
    if sorted(c3["doms"].rstrip(",").split(","), key=int) != want or \
            c3["vms"] != "2" or c3["cons"] != "0" or c3["pts"] != "2" or \
            fm3 != fm0 - 2 * (fm0 - fm1):
        bc.fail(r, "after example's reboot: %s free_memory %d (want "
                "domains %s, 2 vms and ptys, no clients, %d)" % (
                    c3, fm3, want, fm0 - 2 * (fm0 - fm1)))

    # 4: the restarted example's new boot reaches its shell: its /init
    # line between its reboot and the next scenario, a command answered.
    inits = [i for i, l in enumerate(r.xen_lines)
             if "keel-initrd: /init running on " in l]
    reboot_at = [i for i, l in enumerate(r.xen_lines)
                 if re.search(r"c1-exit-3$", l)][0]
    console2_at = [i for i, l in enumerate(r.xen_lines)
                   if re.search(r"r-exit-4$", l)]
    if not console2_at or \
            not [i for i in inits if reboot_at < i < console2_at[0]]:
        bc.fail(r, "the restarted example's /init line never appeared on "
                "xm console")
    one(r, r"^r1-64")

    # 5: xm console of example2 (created without -c): its /init line
    # replayed from while nobody was attached, and its shell answers.
    if not [i for i in inits if i > console2_at[0]]:
        bc.fail(r, "xm console example2 did not show the /init line it "
                "printed while nobody was attached")
    one(r, r"^e2-81")
    one(r, r"e2-exit-5$")

    # 6: xend killed and started again: both still listed and managed:
    # xm reboot --all --wait brings both back under new ids, xm shutdown
    # -a -w ends both cleanly (their kernels ran the ramdisk's /sbin/reboot
    # and /sbin/poweroff).
    if len(d0(r, r"^xend: started$")) < 2:
        bc.fail(r, "xend did not start again after kill -9")
    after = d0(r, r"^(example2?) +(\d+) +128 +1 +([-rbpscd]{6}) +"
               r"\d+\.\d$")
    tail = [(m.group(1), m.group(2), m.group(3)) for m in after][-3:]
    if sorted(t[:2] for t in tail[:2]) != [("example", new_id),
                                           ("example2", ex2_id)] or \
            tail[2][0] != "example2" or tail[2][2][2] != "p":
        bc.fail(r, "after xend's restart: %s" % tail)
    rb = one(r, r"rb-rc-0 (\d+) (\d+) (\d+) (\d+)$")[-1].groups()
    if rb[0] != new_id or rb[2] != ex2_id or \
            len(set(rb)) != 4:
        bc.fail(r, "xm reboot --all --wait: example %s -> %s, example2 %s "
                "-> %s (want %s and %s, then new ids)" % (
                    rb + (new_id, ex2_id)))
    one(r, r"sd-rc-0$")
    if one(r, r"^SD=(\d+) RB=(\d+)$")[-1].groups() != ("2", "2"):
        bc.fail(r, "the guests' /sbin/reboot and /sbin/poweroff did not "
                "run once each per guest: %s" % (
                    one(r, r"^SD=(\d+) RB=(\d+)$")[-1].group(0)))
    end = chk(r, "end")
    fm4 = int(end.pop("fm"))
    if end != {"doms": "0,", "vms": "0", "cons": "0", "pts": "0"} or \
            fm4 != fm0:
        bc.fail(r, "after both destroyed: %s free_memory %d (want %d)" % (
            end, fm4, fm0))
    # no console client (xenconsoled is "xenconsoled ...")
    one(r, r"^PS=0$")


test_xm_guests.timeout = 1600
