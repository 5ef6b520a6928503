package io.github.exchangevss.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Service Control Manager in memory. What it models of the real one: a start or a stop is asynchronous (the
 * state passes through START_PENDING/STOP_PENDING for a number of looks, as {@code sc query} shows), StartService of a
 * running service fails with ERROR_SERVICE_ALREADY_RUNNING (1056), ControlService STOP of a stopped one with
 * ERROR_SERVICE_NOT_ACTIVE (1062), CreateService of an existing name with ERROR_SERVICE_EXISTS (1073), and a
 * service that fails at start ends STOPPED. It records every call in order.
 */
final class FakeServiceManager implements ServiceManager {
    static final int ERROR_SERVICE_ALREADY_RUNNING = 1056;
    static final int ERROR_SERVICE_NOT_ACTIVE = 1062;
    static final int ERROR_SERVICE_EXISTS = 1073;
    static final int ERROR_SERVICE_DOES_NOT_EXIST = 1060;

    final Map<String, ServiceDefinition> services = new LinkedHashMap<>();
    final Map<String, Set<String>> groups = new LinkedHashMap<>();
    final Map<Path, String> writable = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    private final Map<String, State> states = new LinkedHashMap<>();
    /** Looks at the state that still show a pending state after a start or stop. */
    private final Map<String, Integer> pendingLooks = new LinkedHashMap<>();
    int looksWhilePending = 2;
    boolean failsAtStart;

    void installed(ServiceDefinition definition, State state) {
        services.put(definition.name(), definition);
        states.put(definition.name(), state);
    }

    @Override
    public Optional<State> state(String name) {
        State state = states.get(name);
        if (state == State.START_PENDING || state == State.STOP_PENDING) {
            int left = pendingLooks.merge(name, -1, Integer::sum);
            if (left < 0) {
                state = state == State.STOP_PENDING || failsAtStart ? State.STOPPED : State.RUNNING;
                states.put(name, state);
            }
        }
        return Optional.ofNullable(state);
    }

    @Override
    public void create(ServiceDefinition definition) throws ServiceException {
        calls.add("create");
        if (services.containsKey(definition.name())) {
            throw new ServiceException("CreateService: exists", ERROR_SERVICE_EXISTS);
        }
        installed(definition, State.STOPPED);
    }

    @Override
    public void update(ServiceDefinition definition) throws ServiceException {
        calls.add("update");
        require(definition.name());
        if (states.get(definition.name()) != State.STOPPED) {
            throw new AssertionError("updated while " + states.get(definition.name()));
        }
        services.put(definition.name(), definition);
    }

    @Override
    public void delete(String name) throws ServiceException {
        calls.add("delete");
        require(name);
        services.remove(name);
        states.remove(name);
    }

    @Override
    public void start(String name) throws ServiceException {
        calls.add("start");
        require(name);
        if (states.get(name) != State.STOPPED) {
            throw new ServiceException("StartService: already running", ERROR_SERVICE_ALREADY_RUNNING);
        }
        states.put(name, State.START_PENDING);
        pendingLooks.put(name, looksWhilePending);
    }

    @Override
    public void stop(String name) throws ServiceException {
        calls.add("stop");
        require(name);
        if (states.get(name) == State.STOPPED) {
            throw new ServiceException("ControlService: not active", ERROR_SERVICE_NOT_ACTIVE);
        }
        states.put(name, State.STOP_PENDING);
        pendingLooks.put(name, looksWhilePending);
    }

    @Override
    public void addToLocalGroup(String groupSid, String account) {
        calls.add("addToLocalGroup");
        groups.computeIfAbsent(groupSid, g -> new LinkedHashSet<>()).add(account);
    }

    @Override
    public void grantModify(Path directory, String account) {
        calls.add("grantModify");
        writable.put(directory, account);
    }


    private void require(String name) throws ServiceException {
        if (!services.containsKey(name)) {
            throw new ServiceException("OpenService " + name + ": does not exist", ERROR_SERVICE_DOES_NOT_EXIST);
        }
    }
}
