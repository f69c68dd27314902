/* A direct client of the filesystem service for the tests (tests/qemu/files.sh):
 * a component that holds the service's endpoint speaks its protocol
 * (athanor/abi/fs.h) in request blocks it lends; the kernel's WASI calls
 * speak the same protocol for everyone else. It asks for the filesystem's
 * numbers, reads /hello.txt, and tries a handle it was never given. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <athanor/abi/fs.h>

#define PAGE 4096u
static uint8_t block[4 * PAGE] __attribute__((aligned(PAGE)));
static ath_handle_t fs;

/* One request: header h, root "/" and path, lent with room for the answer;
 * the service's answer (negative: an errno). */
static int64_t request(uint64_t op, struct fs_req h, const char *path)
{
    if (path) {
        h.root_len = 1;
        h.path_len = (uint16_t)strlen(path);
    }
    memcpy(block, &h, sizeof h);
    if (path) {
        block[sizeof h] = '/';
        memcpy(block + sizeof h + 1, path, h.path_len);
    }
    uint64_t v = 0;
    int r = ath_call_lend(fs, op, 0, block, sizeof block, ATH_LEND_RW, &v);
    return r ? r : (int64_t)v;
}

static const char *why(int64_t e)
{
    return e < 0 ? strerror((int)-e) : "ok";
}

int main(void)
{
    fs = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["fs"] */
    int64_t r = request(FS_OP_STATFS, (struct fs_req){ 0 }, NULL);
    struct fs_statfs s;
    memcpy(&s, block, sizeof s);
    if (r < 0) {
        printf("fsclient: statfs failed: %s\n", why(r));
        return 1;
    }
    printf("fsclient: %llu blocks of %u bytes, %llu free, %s\n", (unsigned long long)s.blocks, s.bsize,
           (unsigned long long)s.bfree, s.readonly ? "read-only" : "read-write");
    int64_t h = request(FS_OP_OPEN, (struct fs_req){ .flags = FS_F_READ }, "hello.txt");
    int64_t n = h < 0 ? h : request(FS_OP_READ, (struct fs_req){ .handle = (uint64_t)h, .len = PAGE }, NULL);
    if (n < 0) {
        printf("fsclient: reading /hello.txt failed: %s\n", why(n));
        return 1;
    }
    printf("fsclient: /hello.txt: %.*s", (int)n, (char *)block);
    printf("fsclient: at its end: %lld bytes\n",
           (long long)request(FS_OP_READ, (struct fs_req){ .handle = (uint64_t)h, .off = (uint64_t)n, .len = PAGE },
                              NULL));
    printf("fsclient: /missing: %s\n", why(request(FS_OP_OPEN, (struct fs_req){ .flags = FS_F_READ }, "missing")));
    printf("fsclient: a handle it was not given: %s\n",
           why(request(FS_OP_READ, (struct fs_req){ .handle = (uint64_t)h + 1, .len = PAGE }, NULL)));
    printf("fsclient: a short block: %s\n", why(request(FS_OP_STAT, (struct fs_req){ .path_len = 60000 }, NULL)));
    return 0;
}
