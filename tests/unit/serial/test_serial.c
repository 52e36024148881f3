/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xen/drivers/char/ns16550.c: com1=<baud>|auto[,DPS[,<io>[,<irq>]]]. */
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/serial.h>

static const struct ns16550_config dflt = {
    .baud = 115200, .data_bits = 8, .stop_bits = 1, .parity = 'n',
    .io_base = 0x3f8, .irq = 4,
};

static void check(const struct ns16550_config *c, unsigned int baud,
                  unsigned int bits, char parity, unsigned int stop,
                  unsigned int io, unsigned int irq)
{
    assert_int_equal(c->baud, baud);
    assert_int_equal(c->data_bits, bits);
    assert_int_equal(c->parity, parity);
    assert_int_equal(c->stop_bits, stop);
    assert_int_equal(c->io_base, io);
    assert_int_equal(c->irq, irq);
}

static void test_baud_only(void **state)
{
    struct ns16550_config c = dflt;

    assert_int_equal(ns16550_parse_config("9600", &c), 0);
    check(&c, 9600, 8, 'n', 1, 0x3f8, 4);
    assert_int_equal(ns16550_parse_config("auto", &c), 0);
    check(&c, 0, 8, 'n', 1, 0x3f8, 4);
}

static void test_full_spec(void **state)
{
    struct ns16550_config c = dflt;

    assert_int_equal(ns16550_parse_config("115200,8n1,0x2f8,3", &c), 0);
    check(&c, 115200, 8, 'n', 1, 0x2f8, 3);
    assert_int_equal(ns16550_parse_config("57600,7e2", &c), 0);
    check(&c, 57600, 7, 'e', 2, 0x2f8, 3);
    /* An empty DPS keeps the line settings and still takes the port. */
    assert_int_equal(ns16550_parse_config("38400,,0x3e8", &c), 0);
    check(&c, 38400, 7, 'e', 2, 0x3e8, 3);
}

static void test_malformed_leaves_config(void **state)
{
    static const char *const bad[] = {
        "", "fast", "10", "115200,9n1", "115200,8x1", "115200,8n3",
        "115200,8n1,zz", "115200,8n1,0x3f8,99", "115200,8n1,0x3f8,4,junk",
        "115200 ", "auto,8n",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        struct ns16550_config c = dflt;

        if ( ns16550_parse_config(bad[i], &c) != -EINVAL )
            fail_msg("\"%s\" was accepted", bad[i]);
        check(&c, 115200, 8, 'n', 1, 0x3f8, 4);
    }
}

static void test_com1_on_command_line(void **state)
{
    /* Through the real parameter table: com1= is registered by the driver. */
    test_log_reset();
    cmdline_parse("com1=19200,8n1 com1=bogus");
    assert_int_equal(com1_config.baud, 19200);
    assert_log_contains("parameter \"com1\" has invalid value \"bogus\"");
    assert_int_equal(test_log_lines(), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baud_only),
        cmocka_unit_test(test_full_spec),
        cmocka_unit_test(test_malformed_leaves_config),
        cmocka_unit_test(test_com1_on_command_line),
    };

    return cmocka_run_group_tests_name("serial", tests, NULL, NULL);
}
