/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry point of the xenstore-* tools (see xenstore_client.c). */
#include "xenstore_client.h"

int main(int argc, char **argv)
{
    return xenstore_client_main(argc, argv);
}
