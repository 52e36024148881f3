/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xenstored's entry point; the daemon itself is in xenstored_core.c. */
#include "xenstored.h"

int main(int argc, char **argv)
{
    return xenstored_main(argc, argv);
}
