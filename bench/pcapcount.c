/* Counts frames on an interface through libpcap, configured as tcpdump configures it by default
 * (snaplen 262144, promiscuous, 1000 ms timeout, a 2048 KiB buffer (libpcap's Linux default, which
 * tcpdump keeps without -B) unless BUFFER_KIB is given;
 * TPACKET_V3 ring on Linux). Prints "ready" on stderr once capturing; on SIGINT/SIGTERM prints
 * one line on stdout: delivered=N recv=N drop=N ifdrop=N buffer_kib=N
 * (delivered: frames handed to this program; recv/drop/ifdrop: pcap_stats).
 * Usage: pcapcount IFACE [BUFFER_KIB] */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pcap_t *handle;
static unsigned long long delivered;

static void on_signal(int sig) { (void)sig; pcap_breakloop(handle); }

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
    (void)user; (void)h; (void)bytes;
    delivered++;
}

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    if (argc < 2) { fprintf(stderr, "usage: pcapcount IFACE [BUFFER_KIB]\n"); return 2; }
    int buffer_kib = argc > 2 ? atoi(argv[2]) : 2048;
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
    int r = pcap_loop(handle, -1, on_frame, NULL);
    if (r == PCAP_ERROR) { fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(handle)); return 1; }
    /* Frames still in the ring when the loop broke: drain them without blocking. */
    pcap_setnonblock(handle, 1, err);
    while (pcap_dispatch(handle, -1, on_frame, NULL) > 0) {}
    struct pcap_stat st;
    memset(&st, 0, sizeof st);
    if (pcap_stats(handle, &st) < 0) { fprintf(stderr, "pcap_stats: %s\n", pcap_geterr(handle)); return 1; }
    printf("delivered=%llu recv=%u drop=%u ifdrop=%u buffer_kib=%d\n", delivered, st.ps_recv, st.ps_drop,
           st.ps_ifdrop, buffer_kib);
    pcap_close(handle);
    return 0;
}
