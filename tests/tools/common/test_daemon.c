/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tools/common: the start-up helpers the daemons share. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <keel/daemon.h>

static char tmpdir[PATH_MAX];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/keel-daemon-test.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_parse_ulong(void **state)
{
    unsigned long v = 7;

    assert_int_equal(kd_parse_ulong("t", "--n", "42", 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(kd_parse_ulong("t", "--n", "0", 100, &v), 0);
    assert_int_equal(v, 0);
    v = 7;
    assert_int_equal(kd_parse_ulong("t", "--n", "101", 100, &v), -1);
    assert_int_equal(kd_parse_ulong("t", "--n", "-1", ~0UL, &v), -1);
    assert_int_equal(kd_parse_ulong("t", "--n", "+1", 100, &v), -1);
    assert_int_equal(kd_parse_ulong("t", "--n", "", 100, &v), -1);
    assert_int_equal(kd_parse_ulong("t", "--n", "12k", 100, &v), -1);
    assert_int_equal(kd_parse_ulong("t", "--n", "99999999999999999999999",
                                    ~0UL, &v), -1);
    assert_int_equal(v, 7);     /* untouched on error */
}

static void test_mkdir(void **state)
{
    char dir[PATH_MAX + 32], file[PATH_MAX + 64];
    struct stat st;

    snprintf(dir, sizeof(dir), "%s/a/b/c", tmpdir);
    assert_int_equal(kd_mkdir_p(dir), 0);
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(kd_mkdir_p(dir), 0);           /* exists: fine */

    snprintf(file, sizeof(file), "%s/x/y/log.txt", tmpdir);
    assert_int_equal(kd_mkdir_parent(file), 0);
    snprintf(dir, sizeof(dir), "%s/x/y", tmpdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(stat(file, &st), -1);          /* only its parent */

    /* A file in the way: an error with errno, not a crash. */
    snprintf(file, sizeof(file), "%s/plain", tmpdir);
    close(open(file, O_CREAT | O_WRONLY, 0644));
    snprintf(dir, sizeof(dir), "%s/plain/sub", tmpdir);
    assert_int_equal(kd_mkdir_p(dir), -1);
    assert_int_equal(errno, ENOTDIR);
}

static void test_pid_file(void **state)
{
    char file[PATH_MAX + 16];
    FILE *f;
    pid_t dead;

    snprintf(file, sizeof(file), "%s/p.pid", tmpdir);
    assert_int_equal(kd_read_pid(file), 0);         /* no file */
    assert_int_equal(kd_write_pid(file, getpid()), 0);
    assert_int_equal(kd_read_pid(file), getpid());

    /* A pid that is not running any more reads as 0. */
    dead = fork();
    if ( dead == 0 )
        _exit(0);
    waitpid(dead, NULL, 0);
    assert_int_equal(kd_write_pid(file, dead), 0);
    assert_int_equal(kd_read_pid(file), 0);

    f = fopen(file, "w");
    fputs("garbage\n", f);
    fclose(f);
    assert_int_equal(kd_read_pid(file), 0);

    snprintf(file, sizeof(file), "%s/nodir/p.pid", tmpdir);
    assert_int_equal(kd_write_pid(file, 1), -1);
}

enum how { READY, FAILED, DIES };

/*
 * Runs a "daemon" that goes into the background and then reports `how`;
 * returns the exit status of the starting process, with what it printed
 * on stderr in `err`.  A ready daemon then writes "ran" to `ran_fd`.
 */
static int start_daemon(enum how how, char *err, size_t errlen, int ran_fd)
{
    int pe[2], status, fd;
    ssize_t n, got = 0;
    pid_t pid;

    assert_int_equal(pipe(pe), 0);
    pid = fork();
    assert_true(pid >= 0);
    if ( pid == 0 )
    {
        struct kd_start s;

        close(pe[0]);
        dup2(pe[1], STDERR_FILENO);
        close(pe[1]);
        if ( kd_background(&s, "testd") )
            _exit(99);
        /* The daemon. */
        switch ( how )
        {
        case READY:
            kd_ready(&s, NULL);
            fd = write(ran_fd, "ran", 3);
            _exit(fd == 3 ? 0 : 1);
        case FAILED:
            kd_failed(&s, "cannot open %s: %s", "/dev/xen/evtchn",
                      strerror(ENOENT));
            _exit(1);
        case DIES:
            _exit(3);
        }
        _exit(98);
    }
    close(pe[1]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* The daemon keeps stderr only until it reports; EOF follows. */
    while ( (n = read(pe[0], err + got, errlen - 1 - got)) > 0 )
        got += n;
    close(pe[0]);
    err[got] = '\0';
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_background_ready(void **state)
{
    char err[512], ran[8] = "";
    int p[2];

    assert_int_equal(pipe(p), 0);
    assert_int_equal(start_daemon(READY, err, sizeof(err), p[1]), 0);
    close(p[1]);
    assert_string_equal(err, "");
    /* It was told to go on and runs on after the starter exited: its
     * word arrives (read ends when the daemon exits). */
    assert_int_equal(read(p[0], ran, sizeof(ran) - 1), 3);
    assert_string_equal(ran, "ran");
    close(p[0]);
}

static void test_background_failed(void **state)
{
    char err[512];

    assert_int_equal(start_daemon(FAILED, err, sizeof(err), -1), 1);
    assert_string_equal(err, "testd: cannot open /dev/xen/evtchn: "
                        "No such file or directory\n");
}

static void test_background_dies(void **state)
{
    char err[512];

    assert_int_equal(start_daemon(DIES, err, sizeof(err), -1), 1);
    assert_string_equal(err, "testd: exited during start-up\n");
}

static void test_foreground(void **state)
{
    struct kd_start s;

    kd_foreground(&s, "fg");
    assert_int_equal(s.fd, -1);
    assert_int_equal(kd_ready(&s, "/nonexistent/dir/log"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ulong),
        cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pid_file, setup, teardown),
        cmocka_unit_test(test_background_ready),
        cmocka_unit_test(test_background_failed),
        cmocka_unit_test(test_background_dies),
        cmocka_unit_test(test_foreground),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
