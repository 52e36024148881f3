// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unpacked-kernel cache: miss then hit, damaged entries of every
 * kind, concurrent writers, a cache that cannot be written, kernels that
 * need no cache, and the index that spares an unchanged kernel its hash
 * and its entry the CRC check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include <xenguest.h>
#include "helpers.h"

int run_cache_tests(void);

struct fixture {
    char *dir;
    char cache[600], kernel[600], entry[700];
    uint8_t *elf;
    size_t elf_len;
};

static void sha_hex(const uint8_t *p, size_t len, char hex[65])
{
    uint8_t md[32];
    unsigned int n, i;

    assert_int_equal(EVP_Digest(p, len, md, &n, EVP_sha256(), NULL), 1);
    for ( i = 0; i < 32; i++ )
        sprintf(hex + 2 * i, "%02x", md[i]);
}

/* f->elf packed as a bzImage (xz payload) into f->kernel; its entry. */
static void write_kernel(struct fixture *f)
{
    uint8_t *xz, *bz;
    size_t xz_len, bz_len;
    char hex[65];

    xz = xz_pack(f->elf, f->elf_len, &xz_len);
    bz = bz_wrap(NULL, 0, xz, xz_len, f->elf_len, &bz_len);
    write_file(f->kernel, bz, bz_len);
    sha_hex(bz, bz_len, hex);
    snprintf(f->entry, sizeof(f->entry), "%s/%s", f->cache, hex);
    free(xz);
    free(bz);
}

/* A synthetic bzImage (xz payload) in a scratch dir; cache not made. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    f->dir = scratch_dir();
    snprintf(f->cache, sizeof(f->cache), "%s/var/lib/xen/kernel-cache",
             f->dir);
    snprintf(f->kernel, sizeof(f->kernel), "%s/vmlinuz", f->dir);
    f->elf = syn_elf(true, &f->elf_len);
    write_kernel(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    rm_rf(f->dir);
    free(f->dir);
    free(f->elf);
    free(f);
    return 0;
}

/* Cache entries (64 hex digits), not the index directory. */
static unsigned int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned int n = 0;

    if ( !d )
        return 0;
    while ( (de = readdir(d)) )
        if ( strlen(de->d_name) == 64 &&
             strspn(de->d_name, "0123456789abcdef") == 64 )
            n++;
    closedir(d);
    return n;
}

/* Temporary files left in the cache or its index. */
static unsigned int count_temps(const char *cache)
{
    char idx[700];
    DIR *d;
    struct dirent *de;
    unsigned int n = count_files(cache, ".");

    snprintf(idx, sizeof(idx), "%s/index", cache);
    if ( !(d = opendir(idx)) )
        return n;
    while ( (de = readdir(d)) )
        if ( de->d_name[0] != '.' && strchr(de->d_name, '.') )
            n++;
    closedir(d);
    return n;
}

static void drop_index(const struct fixture *f)
{
    char idx[700];

    snprintf(idx, sizeof(idx), "%s/index", f->cache);
    rm_rf(idx);
}

static void load_ok(struct fixture *f, bool hit)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];

    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &k, err), 0);
    assert_int_equal(k.cache_hit, hit);
    assert_int_equal(k.elf_len, f->elf_len);
    assert_memory_equal(k.elf, f->elf, f->elf_len);
    assert_int_equal(k.pvh_entry, SYN_ENTRY);
    assert_string_equal(k.container, "bzImage");
    assert_string_equal(k.payload, "xz");
    if ( hit )
    {
        assert_null(k.elf_buf);
        assert_non_null(k.cache_map);
        assert_int_equal(k.unpack_ns, 0);
    }
    else
        assert_non_null(k.elf_buf);
    xc_dom_kernel_release(&k);
    /* Never a temporary file left behind. */
    assert_int_equal(count_temps(f->cache), 0);
}

static void test_miss_then_hit(void **state)
{
    struct fixture *f = *state;
    struct stat st;

    assert_int_equal(stat(f->entry, &st), -1);
    load_ok(f, false);                          /* creates the dirs too */
    assert_int_equal(stat(f->entry, &st), 0);
    assert_int_equal(st.st_size, 4096 + f->elf_len);
    assert_int_equal(st.st_mode & 0777, 0644);
    load_ok(f, true);
    load_ok(f, true);
    assert_int_equal(count_entries(f->cache), 1);
}

static void damage(const char *path, off_t off, uint8_t x)
{
    int fd = open(path, O_RDWR);
    uint8_t b;

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &b, 1, off), 1);
    b ^= x;
    assert_int_equal(pwrite(fd, &b, 1, off), 1);
    close(fd);
}

static void expect_refresh(struct fixture *f, const char *why)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN];

    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &k, err), 0);
    assert_false(k.cache_hit);
    if ( !strstr(k.cache_note, why) )
        fail_msg("note \"%s\" does not say \"%s\"", k.cache_note, why);
    assert_non_null(strstr(k.cache_note, "unpacked again"));
    assert_memory_equal(k.elf, f->elf, f->elf_len);
    xc_dom_kernel_release(&k);
    /* Rewritten: good again. */
    load_ok(f, true);
}

static void test_corrupt_entries(void **state)
{
    struct fixture *f = *state;
    char other[800];

    load_ok(f, false);

    /*
     * A flipped bit inside a segment, seen by a builder that has no index
     * entry vouching for the entry (test_index: one that has is checked
     * in full when the entry changed).
     */
    drop_index(f);
    damage(f->entry, 4096 + 0x1000 + 100, 0x10);
    expect_refresh(f, "CRC-32 mismatch");

    /* The header's magic. */
    damage(f->entry, 0, 0xff);
    expect_refresh(f, "bad header");

    /* Cut short (a crash between write and rename). */
    assert_int_equal(truncate(f->entry, 4096 + f->elf_len / 2), 0);
    expect_refresh(f, "bytes of ELF where the header says");
    assert_int_equal(truncate(f->entry, 10), 0);
    expect_refresh(f, "shorter than its header");

    /* Another kernel's entry under this kernel's name. */
    snprintf(other, sizeof(other), "%s.other", f->entry);
    assert_int_equal(rename(f->entry, other), 0);
    {
        /* Make an entry for a different kernel file, then swap names. */
        struct xc_dom_kernel k;
        char err[XC_DOM_ERRLEN];

        damage(f->kernel, 0x100, 0x01);     /* in the setup area */
        assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &k, err),
                         0);
        assert_false(k.cache_hit);
        xc_dom_kernel_release(&k);
        damage(f->kernel, 0x100, 0x01);     /* back to the original */
        assert_int_equal(unlink(other), 0);
        assert_int_equal(count_entries(f->cache), 1);
        /* The only entry now belongs to the modified kernel. */
        {
            char cmd[2000];

            snprintf(cmd, sizeof(cmd), "mv %s/[0-9a-f]* %s", f->cache,
                     f->entry);
            assert_int_equal(system(cmd), 0);
        }
    }
    expect_refresh(f, "made from another kernel file");
}

/*
 * The entry's map of non-zero pages is right for every page of the ELF;
 * the process keeps the entry mapped (the next load is the same
 * mapping, so its pages stay present for the hypervisor's copy) until
 * xc_dom_cache_drop; a damaged map, or an entry of the older format
 * without one, is unpacked again.
 */
static void test_nz_map_and_keep(void **state)
{
    struct fixture *f = *state;
    struct xc_dom_kernel a, b;
    char err[XC_DOM_ERRLEN];
    size_t pages, i, j, nz = 0;
    uint8_t *elf;
    void *kept;

    /* A run of zero pages inside segment 0 (file offset 0x4000). */
    memset(f->elf + 0x4000, 0, 0x3000);
    write_kernel(f);
    elf = f->elf;
    pages = (f->elf_len + 4095) / 4096;
    load_ok(f, false);
    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &a, err), 0);
    assert_true(a.cache_hit);
    assert_non_null(a.nz_map);
    assert_int_equal(a.nz_pages, pages);
    for ( i = 0; i < pages; i++ )
    {
        size_t n = f->elf_len - i * 4096 < 4096 ? f->elf_len - i * 4096 :
                   4096;
        bool data = false;

        for ( j = 0; j < n && !data; j++ )
            data = elf[i * 4096 + j] != 0;
        if ( data != !!(a.nz_map[i >> 3] & (1u << (i & 7))) )
            fail_msg("page %zu: map says %s", i, data ? "zero" : "data");
        nz += data;
    }
    assert_int_equal(nz, pages - 3);

    /* Kept: the same mapping for the next load, and after a release. */
    assert_true(a.cache_kept);
    kept = a.cache_map;
    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &b, err), 0);
    assert_ptr_equal(b.cache_map, kept);
    xc_dom_kernel_release(&a);
    xc_dom_kernel_release(&b);
    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &a, err), 0);
    assert_ptr_equal(a.cache_map, kept);
    assert_memory_equal(a.elf, f->elf, f->elf_len);
    xc_dom_kernel_release(&a);
    xc_dom_cache_drop();
    load_ok(f, true);

    /* The map's CRC: page 0's bit cleared (its data would be lost). */
    damage(f->entry, 128, 0x01);
    expect_refresh(f, "bad map of non-zero pages");
    /* Version 2 -> 1: the older format, unpacked and rewritten. */
    damage(f->entry, 8, 0x03);
    expect_refresh(f, "older format (version 1)");
    xc_dom_cache_drop();
}

/* Several builders unpacking the same new kernel at once. */
static void test_concurrent_writers(void **state)
{
    struct fixture *f = *state;
    enum { N = 4 };
    pid_t pid[N];
    int i, status;

    for ( i = 0; i < N; i++ )
    {
        pid[i] = fork();
        assert_true(pid[i] >= 0);
        if ( !pid[i] )
        {
            struct xc_dom_kernel k;
            char err[XC_DOM_ERRLEN];
            int bad;

            bad = xc_dom_kernel_load(f->kernel, f->cache, &k, err) ||
                  k.elf_len != f->elf_len ||
                  memcmp(k.elf, f->elf, f->elf_len);
            _exit(bad);
        }
    }
    for ( i = 0; i < N; i++ )
    {
        assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(count_entries(f->cache), 1);
    load_ok(f, true);
}

static void test_no_cache(void **state)
{
    struct fixture *f = *state;
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN], path[700];

    /* An unusable cache directory: the load still works, and says so. */
    snprintf(path, sizeof(path), "%s/vmlinuz/cache", f->dir);
    assert_int_equal(xc_dom_kernel_load(f->kernel, path, &k, err), 0);
    assert_false(k.cache_hit);
    assert_non_null(strstr(k.cache_note, "is not kept"));
    assert_memory_equal(k.elf, f->elf, f->elf_len);
    xc_dom_kernel_release(&k);

    /* "" turns the cache off. */
    assert_int_equal(xc_dom_kernel_load(f->kernel, "", &k, err), 0);
    assert_false(k.cache_hit);
    assert_string_equal(k.cache_note, "");
    xc_dom_kernel_release(&k);
    assert_int_equal(count_entries(f->cache), 0);

    /* An ELF kernel needs no unpacking and makes no entry. */
    snprintf(path, sizeof(path), "%s/vmlinux", f->dir);
    write_file(path, f->elf, f->elf_len);
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &k, err), 0);
    assert_string_equal(k.container, "ELF");
    assert_ptr_equal(k.elf, k.file_map);
    xc_dom_kernel_release(&k);
    assert_int_equal(count_entries(f->cache), 0);
}

static void test_bad_files(void **state)
{
    struct fixture *f = *state;
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN], path[700];
    uint8_t junk[4096];

    snprintf(path, sizeof(path), "%s/nonexistent", f->dir);
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &k, err), -ENOENT);
    assert_non_null(strstr(err, "cannot open the kernel"));
    assert_non_null(strstr(err, path));

    snprintf(path, sizeof(path), "%s/empty", f->dir);
    write_file(path, "", 0);
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &k, err), -EINVAL);
    assert_non_null(strstr(err, "empty"));

    /* A damaged payload: an error naming the file, nothing cached. */
    damage(f->kernel, 1024 + 0x100 + 200, 0x5a);
    damage(f->kernel, 1024 + 0x100 + 201, 0x5a);
    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &k, err),
                     -EINVAL);
    assert_non_null(strstr(err, f->kernel));
    assert_non_null(strstr(err, "xz payload is"));
    assert_int_equal(count_entries(f->cache), 0);

    memset(junk, 0x33, sizeof(junk));
    snprintf(path, sizeof(path), "%s/junk", f->dir);
    write_file(path, junk, sizeof(junk));
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &k, err), -ENOEXEC);
    assert_non_null(strstr(err, "not a kernel image"));
}

/* Debian's kernel through the cache: the hit gives the same ELF. */
static void test_debian_cached(void **state)
{
    struct fixture *f = *state;
    struct xc_dom_kernel a, b;
    char err[XC_DOM_ERRLEN], path[512];
    size_t len;
    uint8_t *img = debian_vmlinuz(&len, path, sizeof(path));

    if ( !img )
        skip();
    free(img);
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &a, err), 0);
    assert_false(a.cache_hit);
    assert_true(a.unpack_ns > 0);
    assert_int_equal(xc_dom_kernel_load(path, f->cache, &b, err), 0);
    assert_true(b.cache_hit);
    assert_string_equal(b.payload, "xz");
    assert_string_equal(a.sha256, b.sha256);
    assert_int_equal(a.elf_len, b.elf_len);
    assert_memory_equal(a.elf, b.elf, a.elf_len);
    assert_memory_equal(a.seg, b.seg, sizeof(a.seg));
    assert_int_equal(a.pvh_entry, b.pvh_entry);
    print_message("Debian kernel: miss: load %llu ms + unpack %llu ms; "
                  "hit: load %llu ms\n",
                  (unsigned long long)(a.load_ns / 1000000),
                  (unsigned long long)(a.unpack_ns / 1000000),
                  (unsigned long long)(b.load_ns / 1000000));
    xc_dom_kernel_release(&a);
    xc_dom_kernel_release(&b);
}

/*
 * Wait (bounded) until the file system's clock has moved past the
 * kernel file's ctime: an index is only kept for files older than it.
 */
static void age_kernel(const struct fixture *f)
{
    struct stat st;
    struct timespec now, nap = { 0, 1000000 };
    int i;

    assert_int_equal(stat(f->kernel, &st), 0);
    for ( i = 0; i < 2000; i++ )
    {
        clock_gettime(CLOCK_REALTIME_COARSE, &now);
        if ( now.tv_sec > st.st_ctim.tv_sec ||
             (now.tv_sec == st.st_ctim.tv_sec &&
              now.tv_nsec > st.st_ctim.tv_nsec) )
            return;
        nanosleep(&nap, NULL);
    }
    fail_msg("the coarse clock did not pass the kernel's ctime in 2 s");
}

static void load_trusted(struct fixture *f, bool hit, bool trusted)
{
    struct xc_dom_kernel k;
    char err[XC_DOM_ERRLEN], hex[65];

    assert_int_equal(xc_dom_kernel_load(f->kernel, f->cache, &k, err), 0);
    assert_int_equal(k.cache_hit, hit);
    assert_int_equal(k.cache_trusted, trusted);
    assert_int_equal(k.elf_len, f->elf_len);
    assert_memory_equal(k.elf, f->elf, f->elf_len);
    assert_int_equal(k.pvh_entry, SYN_ENTRY);
    /* The entry's name comes from the index when the file is not hashed. */
    sha_hex(k.file_map, k.file_len, hex);
    assert_string_equal(k.sha256, hex);
    xc_dom_kernel_release(&k);
    assert_int_equal(count_temps(f->cache), 0);
}

static void test_index(void **state)
{
    struct fixture *f = *state;
    char copy[800], cmd[2000], idx[700];
    struct stat st;
    struct timespec times[2];

    age_kernel(f);
    load_trusted(f, false, false);              /* unpacked, indexed */
    snprintf(idx, sizeof(idx), "%s/index", f->cache);
    assert_int_equal(count_files(idx, ""), 1);
    load_trusted(f, true, true);                /* neither hash nor CRC */
    load_trusted(f, true, true);

    /*
     * The entry replaced by a damaged copy (another inode): the index no
     * longer vouches for it, the CRC catches the damage.
     */
    snprintf(copy, sizeof(copy), "%s/tmpcopy", f->dir);
    snprintf(cmd, sizeof(cmd), "cp %s %s", f->entry, copy);
    assert_int_equal(system(cmd), 0);
    damage(copy, 4096 + 0x1000 + 100, 0x10);
    assert_int_equal(rename(copy, f->entry), 0);
    expect_refresh(f, "CRC-32 mismatch");
    load_trusted(f, true, true);

    /* A header damaged under a valid index: checked on every use. */
    damage(f->entry, 0, 0xff);
    expect_refresh(f, "bad header");

    /*
     * The kernel rewritten in place with the same size and its old mtime
     * put back: the ctime differs, the file is hashed, and its (new)
     * entry is not the old one.
     */
    assert_int_equal(stat(f->kernel, &st), 0);
    damage(f->kernel, 0x100, 0x01);
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    assert_int_equal(utimensat(AT_FDCWD, f->kernel, times, 0), 0);
    load_trusted(f, false, false);
    assert_int_equal(count_entries(f->cache), 2);
}

int run_cache_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_miss_then_hit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_entries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nz_map_and_keep, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debian_cached, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_index, setup, teardown),
    };

    return cmocka_run_group_tests_name("libxc_dom_cache", tests, NULL,
                                       NULL);
}
