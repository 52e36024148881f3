/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A TEST xend answering from fixture records (see xm_test_server.c). */
#ifndef XM_TEST_SERVER_H
#define XM_TEST_SERVER_H

#include <pthread.h>

#include "xmlrpc.h"

struct test_xend {
    struct xmlrpc_server *srv;
    struct xmlrpc_value *domains;   /* the (domain ...) fixtures */
    pthread_t thread;
    pthread_mutex_t lock;
    volatile int stop;
    int web_shut;                   /* "web" got xend.domain.shutdown */
    char dir[64], path[128];
    char calls[8192];               /* "method arg arg\n" per call */
};

int test_xend_start(struct test_xend *t);
void test_xend_stop(struct test_xend *t);

#endif /* XM_TEST_SERVER_H */
