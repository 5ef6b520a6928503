package io.github.exchangevss.source.windows;

import java.util.Objects;

/**
 * Where and as whom to open a remote session (EVT_RPC_LOGIN). {@code user} null means the account the
 * exporter runs as; {@code domain} and {@code password} are then null too.
 */
public record RemoteLogin(String server, String domain, String user, String password) {
    public RemoteLogin {
        Objects.requireNonNull(server, "server");
    }

    /** Never shows the password, so a login can be logged or put in an exception message. */
    @Override
    public String toString() {
        String account = user == null ? "the service account" : (domain == null ? user : domain + "\\" + user);
        return server + " as " + account;
    }
}
