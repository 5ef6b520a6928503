package io.github.exchangevss.source.windows;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Kernel32Util;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.Wevtapi;
import com.sun.jna.platform.win32.Winevt;
import com.sun.jna.platform.win32.Winevt.EVT_HANDLE;
import com.sun.jna.ptr.IntByReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link EventLogApi} over wevtapi.dll through jna-platform. The only class that calls Windows: it compiles
 * everywhere but is only created on Windows ({@link WindowsEventSource#create}), because loading
 * {@link Wevtapi#INSTANCE} loads the DLL. Every handle it hands out is closed with EvtClose/CloseHandle.
 */
final class WevtapiEventLogApi implements EventLogApi {
    /**
     * EvtNext's timeout: none. The Microsoft sample passes INFINITE, but in MS-EVEN6 a remote pull
     * (EvtRpcRemoteSubscriptionNext) is a blocking call that waits up to that time for events, which would stall
     * the loop on a quiet subscription (the System clear watch) and keep close() waiting. .NET's EventLogWatcher
     * reads the same kind of subscription with 0; ERROR_TIMEOUT then means, like ERROR_NO_MORE_ITEMS, none now.
     */
    private static final int NO_WAIT = 0;
    /** WaitForMultipleObjects takes at most MAXIMUM_WAIT_OBJECTS handles. */
    private static final int MAXIMUM_WAIT_OBJECTS = 64;
    /** EVT_VARIANT is 16 bytes on 32- and 64-bit Windows: an 8-byte union, DWORD Count, DWORD Type. */
    private static final int VARIANT_BYTES = 16;
    private static final int VARIANT_TYPE_OFFSET = 12;
    private static final int EVT_VAR_TYPE_NULL = 0;
    private static final int EVT_VAR_TYPE_UINT64 = 10;
    /** en-US, then the user's default (LCID 0). */
    private static final int[] MESSAGE_LOCALES = {1033, 0};
    /** EvtOpenPublisherMetadata codes that say the provider is not installed: worth remembering, unlike RPC trouble. */
    private static final Set<Integer> PUBLISHER_ABSENT = Set.of(
            WinError.ERROR_FILE_NOT_FOUND, WinError.ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND);

    @Override
    public Session openSession(RemoteLogin login) throws EventLogException {
        if (login == null) {
            return new WevtSession(null);
        }
        // Field order Server, User, Domain, Password, Flags as in winevt.h; jna-platform writes the strings as UTF-16.
        Winevt.EVT_RPC_LOGIN rpcLogin = new Winevt.EVT_RPC_LOGIN(login.server(), login.user(), login.domain(),
                login.password(), Winevt.EVT_RPC_LOGIN_FLAGS.EvtRpcLoginAuthNegotiate);
        rpcLogin.setAutoRead(false); // an [in] structure: reading it back would only copy the password again
        try {
            // Credentials are only checked when the session is first used (ERROR_ACCESS_DENIED or
            // ERROR_LOGON_FAILURE then), so a NULL here is about the arguments or memory.
            EVT_HANDLE session = Wevtapi.INSTANCE.EvtOpenSession(Winevt.EVT_LOGIN_CLASS.EvtRpcLogin, rpcLogin, 0, 0);
            if (session == null) {
                throw lastError("EvtOpenSession " + login);
            }
            return new WevtSession(session);
        } finally {
            wipePassword(rpcLogin);
        }
    }

    /**
     * Zeroes the native UTF-16 copy of the password that JNA wrote for the structure, as the EVT_RPC_LOGIN
     * documentation advises once EvtOpenSession has returned; JNA would only free it, uncleared, when the structure
     * is collected. (The Java string itself cannot be cleared.)
     */
    static void wipePassword(Winevt.EVT_RPC_LOGIN rpcLogin) {
        if (rpcLogin.Password == null) {
            return;
        }
        // Server, User, Domain and Password are pointers, so Password is the fourth.
        Pointer password = rpcLogin.getPointer().getPointer(3L * Native.POINTER_SIZE);
        if (password != null) {
            password.setMemory(0, (rpcLogin.Password.length() + 1L) * Native.WCHAR_SIZE, (byte) 0);
        }
    }

    @Override
    public Bookmark createBookmark(String xml) throws EventLogException {
        EVT_HANDLE bookmark = Wevtapi.INSTANCE.EvtCreateBookmark(xml);
        if (bookmark == null) {
            throw lastError("EvtCreateBookmark");
        }
        return new WevtBookmark(bookmark);
    }

    private static EventLogException lastError(String call) {
        return error(call, Native.getLastError());
    }

    private static EventLogException error(String call, int code) {
        return new EventLogException(call, code, systemText(code));
    }

    /** FormatMessage has no text for some codes and then throws: that must not hide the failure being reported. */
    private static String systemText(int code) {
        try {
            return Kernel32Util.formatMessage(code).strip();
        } catch (LastErrorException e) {
            return "Win32 error";
        }
    }

    /** EvtGetExtendedStatus: the service's detail of the last error on this thread, or null. Sizes in characters. */
    private static String extendedStatus() {
        IntByReference used = new IntByReference();
        if (Wevtapi.INSTANCE.EvtGetExtendedStatus(0, null, used) != WinError.ERROR_INSUFFICIENT_BUFFER
                || used.getValue() <= 0) {
            return null;
        }
        char[] buffer = new char[used.getValue()];
        if (Wevtapi.INSTANCE.EvtGetExtendedStatus(buffer.length, buffer, used) != WinError.ERROR_SUCCESS) {
            return null;
        }
        String detail = Native.toString(buffer).strip();
        return detail.isEmpty() ? null : detail;
    }

    private static void closeHandle(EVT_HANDLE handle) {
        if (handle != null) {
            Wevtapi.INSTANCE.EvtClose(handle);
        }
    }

    /** EvtRender of an event or bookmark to its XML string, growing the buffer as told. */
    private static String render(EVT_HANDLE handle, int flags, String call) throws EventLogException {
        IntByReference used = new IntByReference();
        IntByReference properties = new IntByReference();
        if (Wevtapi.INSTANCE.EvtRender(null, handle, flags, 0, null, used, properties)) {
            return "";
        }
        int code = Native.getLastError();
        if (code != WinError.ERROR_INSUFFICIENT_BUFFER || used.getValue() <= 0) {
            throw error(call, code);
        }
        // BufferUsed is in bytes here (EvtFormatMessage counts characters); the XML is UTF-16 with its NUL.
        Memory buffer = new Memory(used.getValue());
        if (!Wevtapi.INSTANCE.EvtRender(null, handle, flags, (int) buffer.size(), buffer, used, properties)) {
            throw lastError(call);
        }
        return buffer.getWideString(0);
    }

    private static final class WevtSession implements Session {
        /** Null for the local computer. */
        private final EVT_HANDLE session;
        /** Provider name and locale to its metadata handle, or null when the provider is not installed here. */
        private final Map<String, EVT_HANDLE> publishers = new HashMap<>();

        WevtSession(EVT_HANDLE session) {
            this.session = session;
        }

        @Override
        public LogInfo logInfo(String channel) throws EventLogException {
            EVT_HANDLE logHandle = Wevtapi.INSTANCE.EvtOpenLog(session, channel, Winevt.EVT_OPEN_LOG_FLAGS.EvtOpenChannelPath);
            if (logHandle == null) {
                throw lastError("EvtOpenLog " + channel);
            }
            try {
                return new LogInfo(uint64Property(logHandle, channel, Winevt.EVT_LOG_PROPERTY_ID.EvtLogOldestRecordNumber),
                        uint64Property(logHandle, channel, Winevt.EVT_LOG_PROPERTY_ID.EvtLogNumberOfLogRecords));
            } finally {
                closeHandle(logHandle);
            }
        }

        private static long uint64Property(EVT_HANDLE logHandle, String channel, int property) throws EventLogException {
            Memory variant = new Memory(VARIANT_BYTES);
            IntByReference used = new IntByReference();
            if (!Wevtapi.INSTANCE.EvtGetLogInfo(logHandle, property, (int) variant.size(), variant, used)) {
                throw lastError("EvtGetLogInfo " + channel);
            }
            int type = variant.getInt(VARIANT_TYPE_OFFSET);
            return switch (type) {
                case EVT_VAR_TYPE_UINT64 -> variant.getLong(0);
                case EVT_VAR_TYPE_NULL -> 0; // an empty log may have no oldest record
                default -> throw error("EvtGetLogInfo " + channel + " (property " + property + " of variant type " + type + ")",
                        WinError.ERROR_INVALID_DATA);
            };
        }

        @Override
        public Subscription subscribe(SubscriptionQuery query, Start start, Bookmark bookmark) throws EventLogException {
            // Strict only where the caller asks for it: the documentation gives it a meaning with a bookmark alone.
            int flags = switch (start) {
                case FUTURE -> Winevt.EVT_SUBSCRIBE_FLAGS.EvtSubscribeToFutureEvents;
                case OLDEST -> Winevt.EVT_SUBSCRIBE_FLAGS.EvtSubscribeStartAtOldestRecord;
                case AFTER_BOOKMARK -> Winevt.EVT_SUBSCRIBE_FLAGS.EvtSubscribeStartAfterBookmark;
                case AFTER_BOOKMARK_STRICT -> Winevt.EVT_SUBSCRIBE_FLAGS.EvtSubscribeStartAfterBookmark
                        | Winevt.EVT_SUBSCRIBE_FLAGS.EvtSubscribeStrict;
            };
            // Auto-reset, initially set: the first wait reports the subscription, so events already there are read;
            // the wait that sees the signal consumes it, and Windows sets it again for events logged from then on.
            HANDLE signal = Kernel32.INSTANCE.CreateEvent(null, false, true, null);
            if (signal == null) {
                throw lastError("CreateEvent");
            }
            EVT_HANDLE bookmarkHandle = start == Start.AFTER_BOOKMARK ? ((WevtBookmark) bookmark).handle : null;
            EVT_HANDLE subscription = Wevtapi.INSTANCE.EvtSubscribe(session, new EVT_HANDLE(signal.getPointer()), null, query.toXml(),
                    bookmarkHandle, null, null, flags);
            if (subscription == null) {
                int code = Native.getLastError();
                // Where the XPath is wrong; only to be had before any other Windows Event Log call.
                String detail = code == Win32Error.ERROR_EVT_INVALID_QUERY ? extendedStatus() : null;
                Kernel32.INSTANCE.CloseHandle(signal);
                throw new EventLogException("EvtSubscribe " + query.channel(), code,
                        detail == null ? systemText(code) : systemText(code) + " " + detail);
            }
            return new WevtSubscription(this, query.channel(), subscription, signal);
        }

        @Override
        public List<Subscription> await(Collection<Subscription> subscriptions, Duration timeout) throws InterruptedException {
            List<WevtSubscription> all = subscriptions.stream().map(s -> (WevtSubscription) s).toList();
            // Beyond 64 signals the rest are not waited on, but still looked at each round, at most one timeout late.
            HANDLE[] signals = all.stream().limit(MAXIMUM_WAIT_OBJECTS).map(s -> s.signal).toArray(HANDLE[]::new);
            int millis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE - 1); // -1 would be INFINITE
            List<Subscription> signalled = new ArrayList<>();
            int woken = signals.length == 0 ? WinBase.WAIT_FAILED
                    : Kernel32.INSTANCE.WaitForMultipleObjects(signals.length, signals, false, millis);
            if (woken == WinBase.WAIT_FAILED) {
                // A failed wait returns at once: sleep instead of spinning; reading tells what is wrong with the handles.
                Thread.sleep(millis);
            } else if (woken >= WinBase.WAIT_OBJECT_0 && woken < WinBase.WAIT_OBJECT_0 + signals.length) {
                signalled.add(all.get(woken - WinBase.WAIT_OBJECT_0)); // its auto-reset signal is consumed now
            }
            for (WevtSubscription s : all) {
                if (!signalled.contains(s) && Kernel32.INSTANCE.WaitForSingleObject(s.signal, 0) == WinBase.WAIT_OBJECT_0) {
                    signalled.add(s);
                }
            }
            // The native wait does not see Java interrupts; the fake's Object.wait does, and so must this.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return signalled;
        }

        /**
         * The message in English when the provider has it (the engine's message rules are written against English
         * text), else in the system language: publisher metadata opened with LCID 1033, then with 0 (winlogbeat's
         * {@code event_language} does the same choice).
         */
        String formatMessage(EVT_HANDLE event, String provider) {
            if (provider == null) {
                return null;
            }
            for (int locale : MESSAGE_LOCALES) {
                EVT_HANDLE publisher = publisher(provider, locale);
                String message = publisher == null ? null : formatMessage(publisher, event);
                if (message != null) {
                    return message;
                }
            }
            return null;
        }

        /**
         * The publisher's metadata handle for a locale, or null. A provider that is not installed here is remembered as
         * such; any other failure (a remote server briefly unreachable) is tried again with the next event.
         */
        private EVT_HANDLE publisher(String provider, int locale) {
            String key = provider + "/" + locale;
            if (publishers.containsKey(key)) {
                return publishers.get(key);
            }
            EVT_HANDLE publisher = Wevtapi.INSTANCE.EvtOpenPublisherMetadata(session, provider, null, locale, 0);
            if (publisher != null || PUBLISHER_ABSENT.contains(Native.getLastError())) {
                publishers.put(key, publisher);
            }
            return publisher;
        }

        private static String formatMessage(EVT_HANDLE publisher, EVT_HANDLE event) {
            // Sizes are in characters (WCHARs) here, not bytes as for EvtRender.
            int flags = Winevt.EVT_FORMAT_MESSAGE_FLAGS.EvtFormatMessageEvent;
            IntByReference used = new IntByReference();
            if (Wevtapi.INSTANCE.EvtFormatMessage(publisher, event, 0, 0, null, flags, 0, null, used)) {
                return null; // nothing to format
            }
            int code = Native.getLastError();
            if ((code != WinError.ERROR_INSUFFICIENT_BUFFER && !partialMessage(code)) || used.getValue() <= 0) {
                // Mostly ERROR_EVT_MESSAGE_NOT_FOUND / _ID_NOT_FOUND / _LOCALE_NOT_FOUND: no text for this event here.
                return null;
            }
            char[] buffer = new char[used.getValue()];
            if (!Wevtapi.INSTANCE.EvtFormatMessage(publisher, event, 0, 0, null, flags, buffer.length, buffer, used)
                    && !partialMessage(Native.getLastError())) {
                return null;
            }
            String message = Native.toString(buffer);
            return message.isEmpty() ? null : message;
        }

        /**
         * Codes with which EvtFormatMessage still returns the message, with the inserts it could not resolve left
         * as %n. The documentation does not list them; .NET's EventLogRecord and Get-WinEvent use the text then,
         * so we do too, on the sizing call as on the second one.
         */
        private static boolean partialMessage(int code) {
            return code == WinError.ERROR_EVT_UNRESOLVED_VALUE_INSERT
                    || code == WinError.ERROR_EVT_UNRESOLVED_PARAMETER_INSERT
                    || code == WinError.ERROR_EVT_MAX_INSERTS_REACHED;
        }

        @Override
        public void close() {
            publishers.values().forEach(WevtapiEventLogApi::closeHandle);
            publishers.clear();
            closeHandle(session);
        }
    }

    private static final class WevtSubscription implements Subscription {
        private final WevtSession session;
        private final String channel;
        private final EVT_HANDLE subscription;
        final HANDLE signal;
        private boolean closed;

        WevtSubscription(WevtSession session, String channel, EVT_HANDLE subscription, HANDLE signal) {
            this.session = session;
            this.channel = channel;
            this.subscription = subscription;
            this.signal = signal;
        }

        @Override
        public List<Event> next(int max) throws EventLogException {
            EVT_HANDLE[] handles = new EVT_HANDLE[max];
            IntByReference returned = new IntByReference();
            if (!Wevtapi.INSTANCE.EvtNext(subscription, max, handles, NO_WAIT, 0, returned)) {
                // Also ERROR_NO_MORE_ITEMS and ERROR_INVALID_OPERATION: the source decides what they mean.
                throw error("EvtNext " + channel, Native.getLastError());
            }
            List<Event> events = new ArrayList<>(returned.getValue());
            for (int i = 0; i < returned.getValue(); i++) {
                events.add(new WevtEvent(session, handles[i]));
            }
            return events;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                WevtapiEventLogApi.closeHandle(subscription);
                Kernel32.INSTANCE.CloseHandle(signal);
            }
        }
    }

    private static final class WevtEvent implements Event {
        private final WevtSession session;
        final EVT_HANDLE handle;
        private boolean closed;

        WevtEvent(WevtSession session, EVT_HANDLE handle) {
            this.session = session;
            this.handle = handle;
        }

        @Override
        public String renderXml() throws EventLogException {
            return render(handle, Winevt.EVT_RENDER_FLAGS.EvtRenderEventXml, "EvtRender");
        }

        @Override
        public String formatMessage(String provider) {
            return session.formatMessage(handle, provider);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                WevtapiEventLogApi.closeHandle(handle);
            }
        }
    }

    private static final class WevtBookmark implements Bookmark {
        final EVT_HANDLE handle;
        private boolean closed;

        WevtBookmark(EVT_HANDLE handle) {
            this.handle = handle;
        }

        @Override
        public void update(Event event) throws EventLogException {
            if (!Wevtapi.INSTANCE.EvtUpdateBookmark(handle, ((WevtEvent) event).handle)) {
                throw lastError("EvtUpdateBookmark");
            }
        }

        @Override
        public String toXml() throws EventLogException {
            return render(handle, Winevt.EVT_RENDER_FLAGS.EvtRenderBookmark, "EvtRender bookmark");
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                WevtapiEventLogApi.closeHandle(handle);
            }
        }
    }
}
