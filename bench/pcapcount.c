/* Counts frames on an interface through libpcap, configured as tcpdump configures it by default
 * (snaplen 262144, promiscuous, 1000 ms timeout, a 2048 KiB buffer (libpcap's Linux default, which
 * tcpdump keeps without -B) unless BUFFER_KIB is given;
 * TPACKET_V3 ring on Linux). Prints "ready" on stderr once capturing; on SIGINT/SIGTERM prints
 * one line on stdout: delivered=N recv=N drop=N ifdrop=N buffer_kib=N
 * (delivered: frames handed to this program; recv/drop/ifdrop: pcap_stats).
 * MODE `count` (the default) only counts; `classify` also does what a pcap-based per-VLAN sensor
 * must do for every frame: decode the Ethernet header and its 802.1ad/802.1Q tags and count the
 * frame, its broadcast/multicast kind and its bytes per VLAN, then adds "vlan<N>=frames" for
 * each VLAN seen to the line.
 * Usage: pcapcount IFACE [BUFFER_KIB [count|classify]] */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pcap_t *handle;
static unsigned long long delivered;

static void on_signal(int sig) { (void)sig; pcap_breakloop(handle); }

/* Per VLAN (0: untagged): frames, broadcast, multicast, bytes. */
static unsigned long long vlan_frames[4096], vlan_broadcast[4096], vlan_multicast[4096], vlan_bytes[4096];

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
    (void)user; (void)h; (void)bytes;
    delivered++;
}

static void on_frame_classify(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
    (void)user;
    delivered++;
    if (h->caplen < 14) return;
    unsigned vlan = 0;
    size_t off = 12;
    unsigned type = (unsigned)bytes[off] << 8 | bytes[off + 1];
    /* An outer 802.1ad (or 0x9100) tag, then the 802.1Q tag whose VID names the VLAN. */
    while ((type == 0x88a8 || type == 0x9100 || type == 0x8100) && off + 6 <= h->caplen) {
        unsigned tci = (unsigned)bytes[off + 2] << 8 | bytes[off + 3];
        if (type == 0x8100) vlan = tci & 0x0fff;
        off += 4;
        type = (unsigned)bytes[off] << 8 | bytes[off + 1];
    }
    vlan_frames[vlan]++;
    vlan_bytes[vlan] += h->len;
    if ((bytes[0] & bytes[1] & bytes[2] & bytes[3] & bytes[4] & bytes[5]) == 0xff) vlan_broadcast[vlan]++;
    else if (bytes[0] & 1) vlan_multicast[vlan]++;
}

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    if (argc < 2) { fprintf(stderr, "usage: pcapcount IFACE [BUFFER_KIB]\n"); return 2; }
    int buffer_kib = argc > 2 ? atoi(argv[2]) : 2048;
    int classify = argc > 3 && strcmp(argv[3], "classify") == 0;
    if (argc > 3 && !classify && strcmp(argv[3], "count") != 0) { fprintf(stderr, "pcapcount: MODE is count or classify\n"); return 2; }
    pcap_handler callback = classify ? on_frame_classify : on_frame;
    handle = pcap_create(argv[1], err);
    if (!handle) { fprintf(stderr, "pcap_create: %s\n", err); return 1; }
    pcap_set_snaplen(handle, 262144);
    pcap_set_promisc(handle, 1);
    pcap_set_timeout(handle, 1000);
    pcap_set_buffer_size(handle, buffer_kib * 1024);
    int rc = pcap_activate(handle);
    if (rc < 0) { fprintf(stderr, "pcap_activate: %s\n", pcap_geterr(handle)); return 1; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: poll() returns EINTR, the loop sees the break */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "ready\n");
    fflush(stderr);
    int r = pcap_loop(handle, -1, callback, NULL);
    if (r == PCAP_ERROR) { fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(handle)); return 1; }
    /* Frames still in the ring when the loop broke: drain them without blocking. */
    pcap_setnonblock(handle, 1, err);
    while (pcap_dispatch(handle, -1, callback, NULL) > 0) {}
    struct pcap_stat st;
    memset(&st, 0, sizeof st);
    if (pcap_stats(handle, &st) < 0) { fprintf(stderr, "pcap_stats: %s\n", pcap_geterr(handle)); return 1; }
    printf("delivered=%llu recv=%u drop=%u ifdrop=%u buffer_kib=%d", delivered, st.ps_recv, st.ps_drop,
           st.ps_ifdrop, buffer_kib);
    for (int v = 0; v < 4096 && classify; v++)
        if (vlan_frames[v]) printf(" vlan%d=%llu", v, vlan_frames[v]);
    printf("\n");
    pcap_close(handle);
    return 0;
}
