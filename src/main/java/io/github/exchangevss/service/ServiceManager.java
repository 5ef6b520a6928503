package io.github.exchangevss.service;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The few Service Control Manager and account calls the {@code service} commands need, in plain Java types.
 * {@link WindowsServiceApi} is the only implementation that talks to Windows (advapi32 and netapi32 through
 * jna-platform); what to call in which order lives in {@link ServiceInstaller}, tested on any OS against a fake.
 */
public interface ServiceManager {

    /** The states of SERVICE_STATUS that the commands tell apart. */
    enum State { STOPPED, START_PENDING, STOP_PENDING, RUNNING, OTHER }

    /** The service's current state, or empty when no service of that name is installed. */
    Optional<State> state(String name) throws ServiceException;

    /**
     * CreateService for an own-process service with automatic start, then its description, delayed start, failure
     * actions (also on a non-crash failure) and preshutdown timeout (ChangeServiceConfig2).
     */
    void create(ServiceDefinition definition) throws ServiceException;

    /** ChangeServiceConfig of an installed service to the definition, then the same settings as {@link #create}. */
    void update(ServiceDefinition definition) throws ServiceException;

    /** DeleteService; Windows removes it once every handle to it is closed. */
    void delete(String name) throws ServiceException;

    /** StartService; returns at once, the state tells when it runs. */
    void start(String name) throws ServiceException;

    /** ControlService SERVICE_CONTROL_STOP; returns at once, the state tells when it stopped. */
    void stop(String name) throws ServiceException;

    /** NetLocalGroupAddMembers of the local group with that well-known SID; being a member already is no failure. */
    void addToLocalGroup(String groupSid, String account) throws ServiceException;

    /** Gives the account Modify rights on the directory and what it will hold (inheritable). */
    void grantModify(Path directory, String account) throws ServiceException;
}
