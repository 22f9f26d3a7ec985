/* The only C that NOCBridge sees: Net-SNMP's agent library, plus small helpers for what
 * does not import into Swift (macros with casts, variadic functions, callback plumbing).
 * glibc headers come first: net-snmp-config.h defines _GNU_SOURCE, which would otherwise
 * change fd_set under Swift's Glibc module. */
#ifndef CNETSNMP_H
#define CNETSNMP_H

#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* Subagent role, AgentX socket (NULL: the library default), no config files read, no
 * persistent state loaded or saved, persistent directory (NULL: unchanged), no MIB files
 * loaded. Call before init_agent. */
void ls_snmp_configure_subagent(const char *agentx_socket, const char *persistent_dir);
/* True when init_snmp has already run in this process (it sets the application type), e.g.
 * from the SNMP cut driver's client. Ask before init_agent. */
int ls_snmp_library_initialized(void);
/* init_snmp(type); when the library was initialized before init_agent (already_initialized),
 * init_snmp does nothing, so read_configs() runs the post-configuration callbacks the agent
 * registered (subagent_startup connects to the master), as a configuration re-read does. */
void ls_snmp_init_library(const char *type, int already_initialized);
/* The AgentX ping (and reconnect) interval in seconds. init_agent resets it, so call it
 * after init_agent and before init_snmp. */
void ls_snmp_set_ping_interval(int seconds);
/* Routes the library's log lines to fn (priority is a syslog level). */
void ls_snmp_log_to(void (*fn)(int priority, const char *message, void *context), void *context);
/* Calls fn(context, 1) when the AgentX session to the master opens (registrations done by
 * the library) and fn(context, 0) when it closes. */
int ls_snmp_watch_master(void (*fn)(void *context, int connected), void *context);
/* netsnmp_create_handler_registration + netsnmp_register_handler of one read-write handler
 * at root; context is stored in the handler's myvoid. Returns MIB_REGISTERED_OK (0) or a
 * MIB_* error. */
int ls_snmp_register(const char *name, const oid *root, size_t root_len,
                     Netsnmp_Node_Handler *handler, void *context);
/* One turn of the agent loop (agent_check_and_process with a bounded wait): waits up to
 * max_ms for AgentX traffic or for wake_fd (an eventfd, drained here) to be readable, then
 * reads, runs timers and alarms. Returns select's count, or -1 with errno set. */
int ls_snmp_poll(int wake_fd, int max_ms);
/* The handler's context (myvoid). */
void *ls_handler_context(netsnmp_mib_handler *handler);
/* The transaction id of the PDU a request belongs to (ties SET phases together). */
long ls_request_transid(netsnmp_agent_request_info *reqinfo);

/* Names the calling thread (prctl PR_SET_NAME, 15 characters). */
void ls_set_thread_name(const char *name);

/* The value of a varbind, flattened. */
struct ls_value {
    int type;             /* ASN_* tag */
    long integer;         /* INTEGER, Unsigned32/Gauge32, Counter32, TimeTicks */
    uint64_t counter64;   /* Counter64 */
    const u_char *bytes;  /* OCTET STRING */
    const oid *objid;     /* OBJECT IDENTIFIER */
    size_t length;        /* bytes: octets, objid: arcs */
};
void ls_var_value(const netsnmp_variable_list *vb, struct ls_value *out);
/* Sets a Counter64 value (struct counter64 has two unsigned longs). */
int ls_var_set_counter64(netsnmp_variable_list *vb, uint64_t value);
/* Appends a Counter64 varbind to a list (for notifications). */
netsnmp_variable_list *ls_varlist_add_counter64(netsnmp_variable_list **list, const oid *name,
                                                size_t name_len, uint64_t value);

static const u_char LS_ASN_INTEGER = ASN_INTEGER;
static const u_char LS_ASN_OCTET_STR = ASN_OCTET_STR;
static const u_char LS_ASN_OBJECT_ID = ASN_OBJECT_ID;
static const u_char LS_ASN_NULL = ASN_NULL;
static const u_char LS_ASN_COUNTER = ASN_COUNTER;
static const u_char LS_ASN_GAUGE = ASN_GAUGE;
static const u_char LS_ASN_TIMETICKS = ASN_TIMETICKS;
static const u_char LS_ASN_COUNTER64 = ASN_COUNTER64;
static const u_char LS_SNMP_NOSUCHOBJECT = SNMP_NOSUCHOBJECT;
static const u_char LS_SNMP_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE;
static const u_char LS_SNMP_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW;

static const int LS_MODE_GET = MODE_GET;
static const int LS_MODE_GETNEXT = MODE_GETNEXT;
static const int LS_MODE_GETBULK = MODE_GETBULK;
static const int LS_MODE_SET_RESERVE1 = MODE_SET_RESERVE1;
static const int LS_MODE_SET_RESERVE2 = MODE_SET_RESERVE2;
static const int LS_MODE_SET_ACTION = MODE_SET_ACTION;
static const int LS_MODE_SET_COMMIT = MODE_SET_COMMIT;
static const int LS_MODE_SET_FREE = MODE_SET_FREE;
static const int LS_MODE_SET_UNDO = MODE_SET_UNDO;

static const int LS_SNMP_ERR_NOERROR = SNMP_ERR_NOERROR;
static const int LS_SNMP_ERR_GENERR = SNMP_ERR_GENERR;
static const int LS_MIB_REGISTERED_OK = MIB_REGISTERED_OK;

#endif
