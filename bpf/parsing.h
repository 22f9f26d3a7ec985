/* Bounds-checked header cursor, in the manner of xdp-tools' parsing_helpers.h:
 * every read is preceded by a check against data_end, so a truncated frame
 * can never be read past its end. */
#ifndef LOOPSENTRY_PARSING_H
#define LOOPSENTRY_PARSING_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
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

/* The 8-byte VXLAN header (RFC 7348): flags (I = 0x08: the VNI is valid), the 24-bit VNI. */
struct ls_vxlan_hdr {
    __u8 flags;
    __u8 reserved1[3];
    __u8 vni[3];
    __u8 reserved2;
};
#define LS_VXLAN_FLAG_I 0x08

/* Moves past an IPv4 header (options included) to a UDP header, its length in *ip_len. Returns
 * NULL when the packet is not UDP, is a later fragment (no UDP header in it), or is cut before
 * the UDP header ends. */
static __always_inline struct udphdr *ls_parse_ipv4_udp(struct ls_cursor *c, __u32 *ip_len)
{
    struct iphdr *ip = c->pos;
    if ((void *)(ip + 1) > c->end)
        return 0;
    if (ip->version != 4 || ip->ihl < 5 || ip->protocol != IPPROTO_UDP)
        return 0;
    if (ip->frag_off & bpf_htons(0x1fff))
        return 0;
    *ip_len = (__u32)ip->ihl << 2;
    struct udphdr *udp = c->pos + *ip_len;
    if ((void *)(udp + 1) > c->end)
        return 0;
    c->pos = udp + 1;
    return udp;
}

/* Moves past a fixed IPv6 header whose next header is UDP (extension headers are not followed);
 * its length (40) in *ip_len. */
static __always_inline struct udphdr *ls_parse_ipv6_udp(struct ls_cursor *c, __u32 *ip_len)
{
    struct ipv6hdr *ip6 = c->pos;
    if ((void *)(ip6 + 1) > c->end)
        return 0;
    if (ip6->version != 6 || ip6->nexthdr != IPPROTO_UDP)
        return 0;
    *ip_len = sizeof(*ip6);
    struct udphdr *udp = (void *)(ip6 + 1);
    if ((void *)(udp + 1) > c->end)
        return 0;
    c->pos = udp + 1;
    return udp;
}

/* The VXLAN header, or NULL when it is cut. */
static __always_inline struct ls_vxlan_hdr *ls_parse_vxlan(struct ls_cursor *c)
{
    struct ls_vxlan_hdr *vx = c->pos;
    if ((void *)(vx + 1) > c->end)
        return 0;
    c->pos = vx + 1;
    return vx;
}

#endif
