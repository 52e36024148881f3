/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xend's hypervisor layer on libxc. */
#ifndef KEEL_XEND_HV_XC_H
#define KEEL_XEND_HV_XC_H

#include "xend.h"

extern const struct xend_hv_ops hv_xc_ops;
/* cache_dir NULL: libxc's default kernel cache. */
void *hv_xc_open(const char *cache_dir, char *err, size_t len);

#endif
