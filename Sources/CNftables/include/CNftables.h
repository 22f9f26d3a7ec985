// The one folder that imports libnftables (Debian libnftables-dev): the in-process nftables
// driver of Remediate. Small helpers for what does not import cleanly into Swift.
#ifndef LOOPSENTRY_CNFTABLES_H
#define LOOPSENTRY_CNFTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nftables/libnftables.h>

/// NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE: machine-readable listings with rule handles.
extern const unsigned int ls_nft_output_json_handles;

/// Opens /var/run/netns/NAME (or returns -1 with errno). Use with ls_nft_setns.
int ls_nft_open_netns(const char *name);
/// Opens the calling thread's current network namespace (/proc/thread-self/ns/net).
int ls_nft_open_current_netns(void);
/// setns(fd, CLONE_NEWNET) on the calling thread: 0, or -errno.
int ls_nft_setns(int fd);

/// The kind of master `ifname` is a port of, read with one RTM_GETLINK on a rtnetlink socket
/// opened in the calling thread's network namespace (IFLA_LINKINFO / IFLA_INFO_SLAVE_KIND):
/// "bridge" for a bridge port, "" when the interface has no master of a kind. Returns 0, or
/// -errno (-ENODEV: no such interface).
int ls_nft_link_slave_kind(const char *ifname, char *kind, size_t kind_len);

#endif
