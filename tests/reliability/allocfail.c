/*  tests/reliability/allocfail.c: allocation failure inside one library,
    after libssh's own nallocinc.c. Preloaded into a daemon (LD_PRELOAD)
    with ALLOCFAIL_LIB=libssh (a part of the library's file name),
    ALLOCFAIL_EVERY=16 and ALLOCFAIL_WHEN=FILE: while FILE exists (so that
    the daemon can start first), every 16th malloc, calloc or realloc
    called from that library's code returns NULL, as when memory runs out;
    every other
    allocation, the daemon's own, those of CZMQ (which aborts on purpose
    when memory runs out) and of the C library, goes through. The number of
    allocations failed is written to ALLOCFAIL_COUNT (a file) at exit.

        cc -shared -fPIC -o allocfail.so allocfail.c
        LD_PRELOAD=./allocfail.so ALLOCFAIL_LIB=libssh ALLOCFAIL_WHEN=/tmp/on vedette-meshd ...

    glibc's __libc_* allocators do the work; a build with ASan has its own
    allocator and must not be given this one.                             */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t count, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);

static uintptr_t s_text_start, s_text_end;      //  the library's code
static unsigned long s_every, s_calls, s_failed;
static const char *s_lib, *s_when;

static int
s_find (struct dl_phdr_info *info, size_t size, void *arg)
{
    (void) size;
    (void) arg;
    if (!info->dlpi_name || !strstr (info->dlpi_name, s_lib))
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW (Phdr) *segment = &info->dlpi_phdr [i];
        if (segment->p_type == PT_LOAD && (segment->p_flags & PF_X)) {
            s_text_start = info->dlpi_addr + segment->p_vaddr;
            s_text_end = s_text_start + segment->p_memsz;
            return 1;
        }
    }
    return 0;
}

//  true when this allocation, asked for from caller, is to fail
static int
s_fail (void *caller)
{
    uintptr_t at = (uintptr_t) caller;
    if (!s_every || at < s_text_start || at >= s_text_end || (s_when && access (s_when, F_OK)))
        return 0;
    if (__atomic_add_fetch (&s_calls, 1, __ATOMIC_RELAXED) % s_every)
        return 0;
    __atomic_add_fetch (&s_failed, 1, __ATOMIC_RELAXED);
    return 1;
}

void *
malloc (size_t size)
{
    return s_fail (__builtin_return_address (0))? NULL: __libc_malloc (size);
}

void *
calloc (size_t count, size_t size)
{
    return s_fail (__builtin_return_address (0))? NULL: __libc_calloc (count, size);
}

void *
realloc (void *ptr, size_t size)
{
    return s_fail (__builtin_return_address (0))? NULL: __libc_realloc (ptr, size);
}

__attribute__ ((constructor)) static void
s_setup (void)
{
    s_lib = getenv ("ALLOCFAIL_LIB");
    s_when = getenv ("ALLOCFAIL_WHEN");
    if (!s_lib || !*s_lib || !dl_iterate_phdr (s_find, NULL))
        return;
    s_every = strtoul (getenv ("ALLOCFAIL_EVERY")? getenv ("ALLOCFAIL_EVERY"): "16", NULL, 10);
}

__attribute__ ((destructor)) static void
s_report (void)
{
    const char *path = getenv ("ALLOCFAIL_COUNT");
    FILE *file = path? fopen (path, "w"): NULL;
    if (file) {
        fprintf (file, "%lu %lu\n", s_failed, s_calls);
        fclose (file);
    }
}
