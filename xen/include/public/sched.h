/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched_op hypercall (__HYPERVISOR_sched_op 29), from Xen's public
 * sched.h.  arg is a guest pointer to the op's structure (none for yield
 * and block).
 */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include <public/xen.h>

#define SCHEDOP_yield           0
#define SCHEDOP_block           1   /* until an event is pending */
#define SCHEDOP_shutdown        2   /* struct sched_shutdown */
#define SCHEDOP_poll            3   /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4   /* struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5   /* struct sched_shutdown: record only */
#define SCHEDOP_watchdog        6
#define SCHEDOP_pin_override    7

struct sched_shutdown {
    unsigned int reason;            /* SHUTDOWN_* */
};

typedef uint32_t evtchn_port_t;

struct sched_poll {
    uint64_t ports;                 /* guest pointer to evtchn_port_t[] */
    unsigned int nr_ports;
    uint64_t timeout;               /* absolute system time, 0: none */
};

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(offsetof(struct sched_poll, timeout) == 16,
               "sched_poll.timeout");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8,
               "sched_remote_shutdown");

#endif /* PUBLIC_SCHED_H */
