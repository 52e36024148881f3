/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration the decoders see in the host build: none they use. */
#define CONFIG_DEBUG 1
