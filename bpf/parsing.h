/* Bounds-checked header cursor, in the manner of xdp-tools' parsing_helpers.h:
 * every read is preceded by a check against data_end, so a truncated frame
 * can never be read past its end. */
#ifndef LOOPSENTRY_PARSING_H
#define LOOPSENTRY_PARSING_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_8021Q
#define ETH_P_8021Q 0x8100
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif
#define LS_ETH_P_QINQ1 0x9100  /* pre-standard QinQ outer TPID, still seen on trunks */

struct ls_cursor {
    void *pos;
    void *end;
};

struct ls_vlan_hdr {
    __be16 tci;
    __be16 encapsulated_proto;
};

static __always_inline int ls_is_vlan_tpid(__u16 proto_host)
{
    return proto_host == ETH_P_8021Q || proto_host == ETH_P_8021AD || proto_host == LS_ETH_P_QINQ1;
}

/* Returns the Ethernet header, or NULL when fewer than 14 bytes remain. */
static __always_inline struct ethhdr *ls_parse_eth(struct ls_cursor *c)
{
    struct ethhdr *eth = c->pos;
    if ((void *)(eth + 1) > c->end)
        return 0;
    c->pos = eth + 1;
    return eth;
}

/* Returns the 4-byte tag payload (TCI + inner type), or NULL when it is cut. */
static __always_inline struct ls_vlan_hdr *ls_parse_vlan(struct ls_cursor *c)
{
    struct ls_vlan_hdr *vh = c->pos;
    if ((void *)(vh + 1) > c->end)
        return 0;
    c->pos = vh + 1;
    return vh;
}

#endif
