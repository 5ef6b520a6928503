package io.github.exchangevss.service;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32Util;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winsvc;
import com.sun.jna.platform.win32.Winsvc.SC_HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
import io.github.exchangevss.service.ServiceManager.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link ServiceManager} and the service dispatcher over advapi32 and netapi32 through
 * jna-platform. The only class of the service that calls Windows: it compiles everywhere but is only created on
 * Windows, because its first call loads the DLLs. Everything it decides is which Win32 call maps to which method.
 */
final class WindowsServiceApi implements ServiceManager {
    private static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
    private static final int SERVICE_AUTO_START = 0x2;
    private static final int SERVICE_ERROR_NORMAL = 0x1;
    private static final int SERVICE_CONFIG_DELAYED_AUTO_START_INFO = 3;
    private static final int SERVICE_CONFIG_PRESHUTDOWN_INFO = 7;
    private static final int SERVICE_ACCEPT_STOP = 0x1;
    private static final int SERVICE_ACCEPT_SHUTDOWN = 0x4;
    private static final int SERVICE_ACCEPT_PRESHUTDOWN = 0x100;
    private static final int ERROR_SERVICE_DOES_NOT_EXIST = 1060;
    private static final int ERROR_SERVICE_SPECIFIC_ERROR = 1066;
    private static final int ERROR_MEMBER_IN_ALIAS = 1378;

    /** What jna-platform's Advapi32 lacks: ChangeServiceConfigW. */
    private interface Advapi32Extra extends StdCallLibrary {
        Advapi32Extra INSTANCE = Native.load("advapi32", Advapi32Extra.class, W32APIOptions.DEFAULT_OPTIONS);

        boolean ChangeServiceConfig(SC_HANDLE service, int type, int start, int errorControl, String binaryPath,
                String loadOrderGroup, IntByReference tagId, String dependencies, String account, String password,
                String displayName);
    }

    /** NetLocalGroupAddMembers, also missing from jna-platform. */
    private interface Netapi32Extra extends StdCallLibrary {
        Netapi32Extra INSTANCE = Native.load("netapi32", Netapi32Extra.class, W32APIOptions.DEFAULT_OPTIONS);

        int NetLocalGroupAddMembers(String server, String group, int level, Pointer members, int count);
    }

    /** SERVICE_DELAYED_AUTO_START_INFO. */
    @Structure.FieldOrder("fDelayedAutostart")
    public static final class DelayedAutoStartInfo extends Winsvc.ChangeServiceConfig2Info {
        public boolean fDelayedAutostart;
    }

    /** SERVICE_PRESHUTDOWN_INFO. */
    @Structure.FieldOrder("dwPreshutdownTimeout")
    public static final class PreshutdownInfo extends Winsvc.ChangeServiceConfig2Info {
        public int dwPreshutdownTimeout;
    }

    @Override
    public Optional<State> state(String name) throws ServiceException {
        try {
            return Optional.of(withService(name, Winsvc.SERVICE_QUERY_STATUS, service -> {
                Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
                if (!Advapi32.INSTANCE.QueryServiceStatus(service, status)) {
                    throw lastError("QueryServiceStatus " + name);
                }
                return switch (status.dwCurrentState) {
                    case Winsvc.SERVICE_STOPPED -> State.STOPPED;
                    case Winsvc.SERVICE_START_PENDING -> State.START_PENDING;
                    case Winsvc.SERVICE_STOP_PENDING -> State.STOP_PENDING;
                    case Winsvc.SERVICE_RUNNING -> State.RUNNING;
                    default -> State.OTHER;
                };
            }));
        } catch (ServiceException e) {
            if (e.code() == ERROR_SERVICE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void create(ServiceDefinition d) throws ServiceException {
        withManager(Winsvc.SC_MANAGER_ALL_ACCESS, manager -> {
            SC_HANDLE service = Advapi32.INSTANCE.CreateService(manager, d.name(), d.displayName(),
                    Winsvc.SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                    d.commandLine(), null, null, dependencies(d.dependencies()), d.account(), null);
            if (service == null) {
                throw lastError("CreateService " + d.name());
            }
            return closing(service, s -> configure(s, d));
        });
    }

    @Override
    public void update(ServiceDefinition d) throws ServiceException {
        withService(d.name(), Winsvc.SERVICE_ALL_ACCESS, service -> {
            // No password: the accounts a definition allows have none, and for a virtual account or gMSA it must be NULL.
            if (!Advapi32Extra.INSTANCE.ChangeServiceConfig(service, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                    SERVICE_ERROR_NORMAL, d.commandLine(), null, null, dependencies(d.dependencies()), d.account(),
                    null, d.displayName())) {
                throw lastError("ChangeServiceConfig " + d.name());
            }
            return configure(service, d);
        });
    }

    /** Description, delayed automatic start, restart on failure (also a non-crash one) and the preshutdown time. */
    private static Void configure(SC_HANDLE service, ServiceDefinition d) throws ServiceException {
        Winsvc.SERVICE_DESCRIPTION description = new Winsvc.SERVICE_DESCRIPTION();
        description.lpDescription = d.description();
        change(service, Winsvc.SERVICE_CONFIG_DESCRIPTION, description, "description");

        DelayedAutoStartInfo delayed = new DelayedAutoStartInfo();
        delayed.fDelayedAutostart = true;
        change(service, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, delayed, "delayed automatic start");

        Winsvc.SERVICE_FAILURE_ACTIONS failure = new Winsvc.SERVICE_FAILURE_ACTIONS();
        failure.dwResetPeriod = (int) d.resetFailuresAfter().toSeconds();
        List<Duration> delays = d.restartDelays();
        Winsvc.SC_ACTION.ByReference first = new Winsvc.SC_ACTION.ByReference();
        Winsvc.SC_ACTION[] actions = (Winsvc.SC_ACTION[]) first.toArray(delays.size());
        for (int i = 0; i < delays.size(); i++) {
            actions[i].type = Winsvc.SC_ACTION_RESTART;
            actions[i].delay = (int) delays.get(i).toMillis();
        }
        failure.cActions = delays.size();
        failure.lpsaActions = first;
        change(service, Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS, failure, "failure actions");

        Winsvc.SERVICE_FAILURE_ACTIONS_FLAG onNonCrash = new Winsvc.SERVICE_FAILURE_ACTIONS_FLAG();
        onNonCrash.fFailureActionsOnNonCrashFailures = 1;
        change(service, Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, onNonCrash, "failure actions flag");

        PreshutdownInfo preshutdown = new PreshutdownInfo();
        preshutdown.dwPreshutdownTimeout = (int) d.preshutdownTimeout().toMillis();
        change(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, preshutdown, "preshutdown timeout");
        return null;
    }

    private static void change(SC_HANDLE service, int level, Winsvc.ChangeServiceConfig2Info info, String what)
            throws ServiceException {
        if (!Advapi32.INSTANCE.ChangeServiceConfig2(service, level, info)) {
            throw lastError("ChangeServiceConfig2 " + what);
        }
    }

    /** A MULTI_SZ: each name and a NUL, then one more NUL (JNA adds the last). */
    private static String dependencies(List<String> names) {
        return names.isEmpty() ? null : String.join("\0", names) + "\0";
    }

    @Override
    public void delete(String name) throws ServiceException {
        withService(name, WinNT.DELETE, service -> {
            if (!Advapi32.INSTANCE.DeleteService(service)) {
                throw lastError("DeleteService " + name);
            }
            return null;
        });
    }

    @Override
    public void start(String name) throws ServiceException {
        withService(name, Winsvc.SERVICE_START, service -> {
            if (!Advapi32.INSTANCE.StartService(service, 0, null)) {
                throw lastError("StartService " + name);
            }
            return null;
        });
    }

    @Override
    public void stop(String name) throws ServiceException {
        withService(name, Winsvc.SERVICE_STOP, service -> {
            if (!Advapi32.INSTANCE.ControlService(service, Winsvc.SERVICE_CONTROL_STOP, new Winsvc.SERVICE_STATUS())) {
                throw lastError("ControlService stop " + name);
            }
            return null;
        });
    }

    @Override
    public void addToLocalGroup(String groupSid, String account) throws ServiceException {
        String group = Advapi32Util.getAccountBySid(groupSid).name;
        // LOCALGROUP_MEMBERS_INFO_3: one pointer to DOMAIN\name.
        Memory name = new Memory((account.length() + 1L) * Native.WCHAR_SIZE);
        name.setWideString(0, account);
        Memory members = new Memory(Native.POINTER_SIZE);
        members.setPointer(0, name);
        int code = Netapi32Extra.INSTANCE.NetLocalGroupAddMembers(null, group, 3, members, 1);
        if (code != WinError.ERROR_SUCCESS && code != ERROR_MEMBER_IN_ALIAS) {
            throw error("NetLocalGroupAddMembers " + group + " " + account, code);
        }
    }

    @Override
    public void grantModify(Path directory, String account) throws ServiceException {
        try {
            Files.createDirectories(directory);
            // icacls is part of Windows; (OI)(CI) makes the right inherited by the files the exporter creates.
            Process icacls = new ProcessBuilder("icacls", directory.toString(), "/grant", account + ":(OI)(CI)M", "/Q")
                    .redirectErrorStream(true).start();
            String output = new String(icacls.getInputStream().readAllBytes()).strip();
            if (icacls.waitFor() != 0) {
                throw new ServiceException("icacls " + directory + " /grant " + account + ": " + output, icacls.exitValue());
            }
        } catch (IOException e) {
            throw new ServiceException("granting " + account + " write access to " + directory + ": " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted while granting " + account + " write access to " + directory, 0);
        }
    }

    /**
     * Hands the process to the Service Control Manager (StartServiceCtrlDispatcher) and returns once the service has
     * stopped. ServiceMain registers {@link ServiceHost#control} as the control handler and runs the host.
     *
     * @throws ServiceException with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063) when not started by the SCM
     */
    static void dispatch(String name, ServiceHost host) throws ServiceException {
        ServiceMain main = new ServiceMain(name, host);
        Winsvc.SERVICE_TABLE_ENTRY[] table = (Winsvc.SERVICE_TABLE_ENTRY[]) new Winsvc.SERVICE_TABLE_ENTRY().toArray(2);
        table[0].lpServiceName = name;
        table[0].lpServiceProc = main;
        if (!Advapi32.INSTANCE.StartServiceCtrlDispatcher(table)) {
            throw lastError("StartServiceCtrlDispatcher " + name);
        }
    }

    /** Held in fields for as long as the dispatcher runs: JNA callbacks must not be collected. */
    private static final class ServiceMain implements Winsvc.SERVICE_MAIN_FUNCTION, Winsvc.HandlerEx {
        private final String name;
        private final ServiceHost host;
        private Winsvc.SERVICE_STATUS_HANDLE statusHandle;
        private int checkPoint;

        ServiceMain(String name, ServiceHost host) {
            this.name = name;
            this.host = host;
        }

        @Override
        public void callback(int argc, Pointer argv) {
            statusHandle = Advapi32.INSTANCE.RegisterServiceCtrlHandlerEx(name, this, null);
            host.run(this::report);
        }

        @Override
        public int callback(int control, int eventType, Pointer eventData, Pointer context) {
            return host.control(control);
        }

        private synchronized void report(State state, int exitCode, Duration waitHint) {
            Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
            status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
            status.dwCurrentState = switch (state) {
                case START_PENDING -> Winsvc.SERVICE_START_PENDING;
                case RUNNING -> Winsvc.SERVICE_RUNNING;
                case STOP_PENDING -> Winsvc.SERVICE_STOP_PENDING;
                case STOPPED, OTHER -> Winsvc.SERVICE_STOPPED;
            };
            status.dwControlsAccepted = state == State.RUNNING
                    ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN : 0;
            status.dwWin32ExitCode = exitCode == 0 ? WinError.NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
            status.dwServiceSpecificExitCode = exitCode;
            boolean pending = state == State.START_PENDING || state == State.STOP_PENDING;
            status.dwCheckPoint = pending ? ++checkPoint : 0;
            status.dwWaitHint = (int) waitHint.toMillis();
            Advapi32.INSTANCE.SetServiceStatus(statusHandle, status);
        }
    }

    @FunctionalInterface
    private interface HandleCall<T> {
        T call(SC_HANDLE handle) throws ServiceException;
    }

    private static <T> T withManager(int access, HandleCall<T> call) throws ServiceException {
        return closing(openManager(access), call);
    }

    private static <T> T withService(String name, int access, HandleCall<T> call) throws ServiceException {
        return withManager(Winsvc.SC_MANAGER_CONNECT, manager -> {
            SC_HANDLE service = Advapi32.INSTANCE.OpenService(manager, name, access);
            if (service == null) {
                throw lastError("OpenService " + name);
            }
            return closing(service, call);
        });
    }

    private static <T> T closing(SC_HANDLE handle, HandleCall<T> call) throws ServiceException {
        try {
            return call.call(handle);
        } finally {
            Advapi32.INSTANCE.CloseServiceHandle(handle);
        }
    }

    private static SC_HANDLE openManager(int access) throws ServiceException {
        SC_HANDLE manager = Advapi32.INSTANCE.OpenSCManager(null, null, access);
        if (manager == null) {
            throw lastError("OpenSCManager (run from an elevated prompt)");
        }
        return manager;
    }

    private static ServiceException lastError(String call) {
        return error(call, Native.getLastError());
    }

    private static ServiceException error(String call, int code) {
        String text;
        try {
            text = Kernel32Util.formatMessage(code).strip();
        } catch (RuntimeException e) {
            text = "Win32 error";
        }
        return new ServiceException(call + ": " + text + " (" + code + ")", code);
    }
}
