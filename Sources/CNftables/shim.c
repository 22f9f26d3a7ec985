#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "CNftables.h"

const unsigned int ls_nft_output_json_handles = NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE;

int ls_nft_open_netns(const char *name) {
    char path[256];
    if (snprintf(path, sizeof path, "/var/run/netns/%s", name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open(path, O_RDONLY | O_CLOEXEC);
}

int ls_nft_open_current_netns(void) {
    return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

int ls_nft_setns(int fd) {
    return setns(fd, CLONE_NEWNET) == 0 ? 0 : -errno;
}
