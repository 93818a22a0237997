package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Session;

/** What the console shows of an engine session beyond the API's {@code SessionInfo}. */
public final class SessionDetails {

    private SessionDetails() {}

    /** The AEAD of the session's DATA records (§5.6) as its id ({@code AES-256-GCM}); "-" for another session. */
    public static String recordAead(Session s) {
        return s instanceof B4aeSession b && b.recordAead() != null ? b.recordAead().id() : "-";
    }
}
