/* The only C that Remediate's SNMP cut driver sees: Net-SNMP's client library through the
 * single-session API (snmp_sess_open, snmp_sess_synch_response, snmp_sess_close), which
 * keeps each session's state in its own handle. Small helpers cover what does not import
 * into Swift: macros with casts, the USM protocol OIDs, PDU construction.
 * glibc headers come first: net-snmp-config.h defines _GNU_SOURCE, which would otherwise
 * change fd_set under Swift's Glibc module. */
#ifndef CNETSNMPCLIENT_H
#define CNETSNMPCLIENT_H

#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmpusm.h>

/* Initializes the library once per process (pthread_once): reads no configuration files
 * (neither ~/.snmp nor /etc/snmp), loads and saves no persistent state, loads no MIB files,
 * then init_snmp("loopsentry"). When another part of the process (the AgentX subagent) has
 * already run init_snmp, that call is a no-op inside the library. Returns 1 when this call
 * ran init_snmp, 0 when the library was initialized before. */
int ls_client_init(void);

/* What a session needs. version: 1 (v1), 2 (v2c) or 3. auth: 0 none, 1 MD5, 2 SHA,
 * 3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512. priv: 0 none, 1 DES, 2 AES (128),
 * 3 AES-192, 4 AES-256. Strings are copied by the library. */
struct ls_client_config {
    const char *peer;          /* "udp:127.0.0.1:161", "192.0.2.1", "udp6:[::1]:161" */
    int version;
    const char *community;     /* v1/v2c */
    const char *user;          /* v3 securityName */
    const char *context;       /* v3 contextName (may be NULL) */
    int auth;
    const char *auth_passphrase;
    int priv;
    const char *priv_passphrase;
    long timeout_us;
    int retries;
};

/* snmp_sess_init + snmp_sess_open (v3: generate_Ku for the keys). Returns the session
 * handle, or NULL with the library's message (snmp_error) in err. */
void *ls_client_open(const struct ls_client_config *config, char *err, size_t errlen);
/* snmp_sess_close; for SNMPv3 first removes the session's user from the library's USM user
 * list (usm_remove_user), which would otherwise keep the keys of the first passphrase used with
 * that engine and user for the life of the process. No other client session may be open. */
void ls_client_close(void *session);

/* A new GET or SET PDU (snmp_pdu_create). */
netsnmp_pdu *ls_client_pdu(int command);
/* Adds a NULL varbind (GET) or a typed value (SET) with snmp_pdu_add_variable. */
void ls_client_add(netsnmp_pdu *pdu, const oid *name, size_t name_len, u_char type,
                   const void *value, size_t value_len);
/* snmp_sess_synch_response: sends pdu (consumed) and waits for the answer within the
 * session's timeout and retries. Returns STAT_SUCCESS, STAT_ERROR (message in err, from
 * snmp_sess_error) or STAT_TIMEOUT; *response must be freed with snmp_free_pdu. */
int ls_client_exchange(void *session, netsnmp_pdu *pdu, netsnmp_pdu **response, char *err, size_t errlen);

/* The response's error-status and error-index. */
long ls_pdu_errstat(const netsnmp_pdu *pdu);
long ls_pdu_errindex(const netsnmp_pdu *pdu);
/* The response's first varbind. */
netsnmp_variable_list *ls_pdu_variables(const netsnmp_pdu *pdu);

static const int LS_SNMP_MSG_GET = SNMP_MSG_GET;
static const int LS_SNMP_MSG_SET = SNMP_MSG_SET;
static const int LS_STAT_SUCCESS = STAT_SUCCESS;
static const int LS_STAT_ERROR = STAT_ERROR;
static const int LS_STAT_TIMEOUT = STAT_TIMEOUT;
static const u_char LS_CLIENT_ASN_INTEGER = ASN_INTEGER;
static const u_char LS_CLIENT_ASN_OCTET_STR = ASN_OCTET_STR;
static const u_char LS_CLIENT_NOSUCHOBJECT = SNMP_NOSUCHOBJECT;
static const u_char LS_CLIENT_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE;
static const u_char LS_CLIENT_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW;

#endif
