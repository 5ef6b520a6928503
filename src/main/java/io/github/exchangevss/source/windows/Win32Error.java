package io.github.exchangevss.source.windows;

/**
 * The Win32 error codes the live source tells apart, and the bounded {@code kind} label each one is counted
 * under in {@code exchange_vss_source_errors_total}.
 */
public final class Win32Error {
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_NO_MORE_ITEMS = 259;
    public static final int ERROR_TIMEOUT = 1460;
    /** EvtNext on a pull subscription whose signal is not set: nothing to read (DataDog's pull subscription). */
    public static final int ERROR_INVALID_OPERATION = 4317;
    public static final int ERROR_NOT_FOUND = 1168;
    public static final int ERROR_LOGON_FAILURE = 1326;
    public static final int RPC_S_SERVER_UNAVAILABLE = 1722;
    public static final int RPC_S_CALL_FAILED = 1726;
    public static final int RPC_S_CALL_FAILED_DNE = 1727;
    public static final int EPT_S_NOT_REGISTERED = 1753;
    /** EvtNext: the batch of events is too large for one RPC reply ("The array bounds are invalid."). */
    public static final int RPC_S_INVALID_BOUND = 1734;
    public static final int ERROR_EVT_INVALID_QUERY = 15001;
    public static final int ERROR_EVT_CHANNEL_NOT_FOUND = 15007;
    public static final int ERROR_EVT_QUERY_RESULT_STALE = 15011;
    public static final int ERROR_EVT_QUERY_RESULT_INVALID_POSITION = 15012;

    // Kinds that do not come from an error code but from what the log shows.
    public static final String KIND_LOG_CLEARED = "log_cleared";
    public static final String KIND_LOG_WRAPPED = "log_wrapped";
    public static final String KIND_MALFORMED_EVENT = "malformed_event";
    public static final String KIND_BAD_BOOKMARK = "bad_bookmark";
    public static final String KIND_CREDENTIALS = "credentials";

    private Win32Error() {}

    /** The error kind label for a Win32 error code; {@code win32_error} for codes not told apart. */
    public static String kind(int code) {
        return switch (code) {
            case ERROR_EVT_CHANNEL_NOT_FOUND -> "channel_not_found";
            case ERROR_ACCESS_DENIED -> "access_denied";
            case ERROR_LOGON_FAILURE -> "logon_failure";
            case RPC_S_SERVER_UNAVAILABLE, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED_DNE, EPT_S_NOT_REGISTERED -> "rpc_unavailable";
            case ERROR_EVT_QUERY_RESULT_STALE -> "query_stale";
            case ERROR_EVT_QUERY_RESULT_INVALID_POSITION, ERROR_NOT_FOUND -> "bookmark_not_found";
            case ERROR_EVT_INVALID_QUERY -> "invalid_query";
            case ERROR_INVALID_HANDLE -> "subscription_lost";
            default -> "win32_error";
        };
    }

    /** What the administrator should look at, for the log line; null when there is nothing to do but wait. */
    public static String hint(int code) {
        return switch (code) {
            case ERROR_EVT_CHANNEL_NOT_FOUND -> "check source.windows.channels against 'wevtutil el'";
            // EvtOpenSession documents a wrong remote password as ERROR_ACCESS_DENIED, not ERROR_LOGON_FAILURE.
            case ERROR_ACCESS_DENIED -> "add the service account to the Event Log Readers group (on the remote server for"
                    + " source.windows.server; there also check source.windows.username and its password)";
            case ERROR_LOGON_FAILURE -> "check source.windows.username and its password file or environment variable";
            case RPC_S_SERVER_UNAVAILABLE, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED_DNE, EPT_S_NOT_REGISTERED ->
                    "check that the server is up and the firewall allows 'Remote Event Log Management'";
            case ERROR_EVT_INVALID_QUERY -> "check the XPath in source.windows.queries";
            default -> null;
        };
    }

    /**
     * True when a strict EvtSubscribe says the bookmarked event no longer exists (cleared, or overwritten when the log
     * wrapped). Not {@link #ERROR_EVT_QUERY_RESULT_STALE}: that says the log rolled over while the query was being
     * set up, and the bookmarked record may well still be there.
     */
    static boolean bookmarkGone(int code) {
        return code == ERROR_NOT_FOUND || code == ERROR_EVT_QUERY_RESULT_INVALID_POSITION;
    }

    /**
     * True for the codes with which EvtNext says there is nothing to read now: ERROR_NO_MORE_ITEMS; ERROR_TIMEOUT
     * with a zero timeout; ERROR_INVALID_OPERATION when the subscription's signal was not set (DataDog's
     * pkg/util/winutil/eventlog pull subscription and winlogbeat treat it so). None of them is a fault.
     */
    static boolean nothingToRead(int code) {
        return code == ERROR_NO_MORE_ITEMS || code == ERROR_TIMEOUT || code == ERROR_INVALID_OPERATION;
    }
}
