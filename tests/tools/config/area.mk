# SPDX-License-Identifier: GPL-2.0-or-later
# tools/config: the vm.cfg language, the typed domain view, SXP and
# xend-config.sxp, on the spec files' examples (fixtures/README).
TOOL_SRCS   := tools/config/util.c tools/config/options.c \
               tools/config/vmcfg_lex.c tools/config/vmcfg.c \
               tools/config/domain.c tools/config/sxp.c tools/config/xend.c
STUBS       := helpers.c
AREA_CFLAGS := -I$(ROOT)/tools/config/include
