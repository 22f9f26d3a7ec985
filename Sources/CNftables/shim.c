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

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

/// Copies the string attribute `rta` into `out` (at most `len` bytes with the NUL).
static void copy_attr_string(const struct rtattr *rta, char *out, size_t len) {
    size_t n = RTA_PAYLOAD(rta);
    if (n >= len) n = len - 1;
    memcpy(out, RTA_DATA(rta), n);
    out[n] = 0;
}

int ls_nft_link_slave_kind(const char *ifname, char *kind, size_t kind_len) {
    if (kind_len == 0) return -EINVAL;
    kind[0] = 0;
    size_t name_len = strlen(ifname) + 1;
    if (name_len > IFNAMSIZ) return -ENODEV;
    struct {
        struct nlmsghdr n;
        struct ifinfomsg i;
        char attrs[RTA_SPACE(IFNAMSIZ)];
    } req;
    memset(&req, 0, sizeof req);
    req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.i);
    req.n.nlmsg_type = RTM_GETLINK;
    req.n.nlmsg_flags = NLM_F_REQUEST;
    req.n.nlmsg_seq = 1;
    req.i.ifi_family = AF_UNSPEC;
    struct rtattr *name = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
    name->rta_type = IFLA_IFNAME;
    name->rta_len = RTA_LENGTH(name_len);
    memcpy(RTA_DATA(name), ifname, name_len);
    req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + RTA_ALIGN(name->rta_len);

    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -errno;
    ssize_t sent;
    do { sent = send(fd, &req, req.n.nlmsg_len, 0); } while (sent < 0 && errno == EINTR);
    if (sent < 0) { int e = errno; close(fd); return -e; }
    static __thread char buf[32768];
    ssize_t got;
    do { got = recv(fd, buf, sizeof buf, 0); } while (got < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (got < 0) return -e;
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (!NLMSG_OK(h, (unsigned)got)) return -EBADMSG;
    if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *err = NLMSG_DATA(h);
        return err->error < 0 ? err->error : -EBADMSG;
    }
    if (h->nlmsg_type != RTM_NEWLINK) return -EBADMSG;
    struct ifinfomsg *info = NLMSG_DATA(h);
    int attrs_len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *info);
    for (struct rtattr *a = IFLA_RTA(info); RTA_OK(a, attrs_len); a = RTA_NEXT(a, attrs_len)) {
        if ((a->rta_type & NLA_TYPE_MASK) != IFLA_LINKINFO) continue;
        int inner_len = (int)RTA_PAYLOAD(a);
        for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, inner_len); b = RTA_NEXT(b, inner_len)) {
            if ((b->rta_type & NLA_TYPE_MASK) == IFLA_INFO_SLAVE_KIND) copy_attr_string(b, kind, kind_len);
        }
    }
    return 0;
}
