# SPDX-License-Identifier: GPL-2.0-or-later
TOOL_SRCS   := tools/common/daemon.c
AREA_CFLAGS := -I$(ROOT)/tools/common/include
