#include "CNetSNMPClient.h"

#include <pthread.h>

static pthread_once_t ls_client_once = PTHREAD_ONCE_INIT;
static int ls_client_ran_init;

static void ls_client_init_once(void)
{
    /* init_snmp sets the application type; when it is set, init_snmp has run (the
     * subagent's thread) and a second call would do nothing. */
    int before = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE) != NULL;
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    if (!before) {
        /* Numeric OIDs only: parsing the host's MIB files costs start-up time and logs
         * complaints about modules that are not installed. */
        netsnmp_set_mib_directory("/nonexistent-loopsentry-mibs");
        /* The default MIB list is still tried (MIBS is not ours to change); silence its
         * "Cannot find module" lines for the time of init_snmp only. */
        netsnmp_log_handler *quiet = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
        init_snmp("loopsentry");
        if (quiet) netsnmp_remove_loghandler(quiet);
    }
    ls_client_ran_init = !before;
}

int ls_client_init(void)
{
    pthread_once(&ls_client_once, ls_client_init_once);
    return ls_client_ran_init;
}

static const oid *ls_auth_oid(int auth, size_t *len)
{
    *len = USM_AUTH_PROTO_SHA_LEN;
    switch (auth) {
    case 1: return usmHMACMD5AuthProtocol;
    case 2: return usmHMACSHA1AuthProtocol;
    case 3: return usmHMAC128SHA224AuthProtocol;
    case 4: return usmHMAC192SHA256AuthProtocol;
    case 5: return usmHMAC256SHA384AuthProtocol;
    case 6: return usmHMAC384SHA512AuthProtocol;
    default: *len = USM_AUTH_PROTO_NOAUTH_LEN; return usmNoAuthProtocol;
    }
}

static const oid *ls_priv_oid(int priv, size_t *len)
{
    switch (priv) {
    case 1: *len = USM_PRIV_PROTO_DES_LEN; return usmDESPrivProtocol;
    case 2: *len = USM_PRIV_PROTO_AES_LEN; return usmAESPrivProtocol;
    case 3: *len = OID_LENGTH(usmAES192PrivProtocol); return usmAES192PrivProtocol;
    case 4: *len = OID_LENGTH(usmAES256PrivProtocol); return usmAES256PrivProtocol;
    default: *len = USM_PRIV_PROTO_NOPRIV_LEN; return usmNoPrivProtocol;
    }
}

static void ls_copy_error(char *err, size_t errlen, const char *what, const char *message)
{
    if (!err || errlen == 0) return;
    snprintf(err, errlen, "%s%s%s", what, message ? ": " : "", message ? message : "");
}

/* generate_Ku: the user's key from a passphrase with the session's authentication hash. */
static int ls_key(netsnmp_session *s, const char *passphrase, u_char *key, size_t *key_len,
                  const char *what, char *err, size_t errlen)
{
    if (generate_Ku(s->securityAuthProto, s->securityAuthProtoLen, (const u_char *)passphrase,
                    strlen(passphrase), key, key_len) == SNMPERR_SUCCESS)
        return 1;
    if (err && errlen) snprintf(err, errlen, "generate_Ku failed for the %s passphrase", what);
    return 0;
}

void *ls_client_open(const struct ls_client_config *c, char *err, size_t errlen)
{
    netsnmp_session session;
    snmp_sess_init(&session);
    session.peername = (char *)c->peer;
    session.timeout = c->timeout_us;
    session.retries = c->retries;
    if (c->version == 3) {
        session.version = SNMP_VERSION_3;
        session.securityName = (char *)c->user;
        session.securityNameLen = strlen(c->user);
        if (c->context) {
            session.contextName = (char *)c->context;
            session.contextNameLen = strlen(c->context);
        }
        session.securityLevel = c->auth == 0 ? SNMP_SEC_LEVEL_NOAUTH
                              : c->priv == 0 ? SNMP_SEC_LEVEL_AUTHNOPRIV : SNMP_SEC_LEVEL_AUTHPRIV;
        size_t len;
        session.securityAuthProto = (oid *)ls_auth_oid(c->auth, &len);
        session.securityAuthProtoLen = len;
        session.securityAuthKeyLen = USM_AUTH_KU_LEN;
        if (c->auth != 0 && !ls_key(&session, c->auth_passphrase, session.securityAuthKey,
                                    &session.securityAuthKeyLen, "authentication", err, errlen))
            return NULL;
        session.securityPrivProto = (oid *)ls_priv_oid(c->priv, &len);
        session.securityPrivProtoLen = len;
        session.securityPrivKeyLen = USM_PRIV_KU_LEN;
        if (c->priv != 0 && !ls_key(&session, c->priv_passphrase, session.securityPrivKey,
                                    &session.securityPrivKeyLen, "privacy", err, errlen))
            return NULL;
    } else {
        session.version = c->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
        session.community = (u_char *)c->community;
        session.community_len = strlen(c->community);
    }
    void *handle = snmp_sess_open(&session);
    if (!handle) {
        int liberr = 0, syserr = 0;
        char *message = NULL;
        snmp_error(&session, &liberr, &syserr, &message);
        ls_copy_error(err, errlen, "snmp_sess_open", message);
        free(message);
    }
    return handle;
}

void ls_client_close(void *session)
{
    if (!session) return;
    netsnmp_session *s = snmp_sess_session(session);
    if (s && s->version == SNMP_VERSION_3 && s->securityName) {
        struct usmUser *user = usm_get_user(s->securityEngineID, s->securityEngineIDLen, s->securityName);
        if (user) {
            usm_remove_user(user);
            usm_free_user(user);
        }
    }
    snmp_sess_close(session);
}

netsnmp_pdu *ls_client_pdu(int command)
{
    return snmp_pdu_create(command);
}

void ls_client_add(netsnmp_pdu *pdu, const oid *name, size_t name_len, u_char type,
                   const void *value, size_t value_len)
{
    if (value)
        snmp_pdu_add_variable(pdu, name, name_len, type, value, value_len);
    else
        snmp_add_null_var(pdu, name, name_len);
}

int ls_client_exchange(void *session, netsnmp_pdu *pdu, netsnmp_pdu **response, char *err, size_t errlen)
{
    *response = NULL;
    int status = snmp_sess_synch_response(session, pdu, response);
    if (status == STAT_ERROR) {
        int liberr = 0, syserr = 0;
        char *message = NULL;
        snmp_sess_error(session, &liberr, &syserr, &message);
        ls_copy_error(err, errlen, "snmp_sess_synch_response", message);
        free(message);
    }
    return status;
}

long ls_pdu_errstat(const netsnmp_pdu *pdu) { return pdu->errstat; }
long ls_pdu_errindex(const netsnmp_pdu *pdu) { return pdu->errindex; }
netsnmp_variable_list *ls_pdu_variables(const netsnmp_pdu *pdu) { return pdu->variables; }
