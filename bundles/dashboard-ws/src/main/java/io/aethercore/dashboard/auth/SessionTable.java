package io.aethercore.dashboard.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Open operator sessions, keyed by the SHA-256 of their token, at most {@value #MAX_SESSIONS} (the oldest ends
 * first, audited), written to the store on every change as hashes only, so that a bundle update or a restart
 * keeps operators logged in while a stolen file holds no usable token. Not thread-safe: {@link OperatorAuth}
 * calls it under its lock.
 */
final class SessionTable {

    static final int MAX_SESSIONS = 256;

    private final OperatorStore store;
    private final AuthAudit audit;
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

    SessionTable(OperatorStore store, AuthAudit audit) {
        this.store = store;
        this.audit = audit;
    }

    /** Loads the stored sessions still valid at {@code now} whose operator still exists. */
    void load(Instant now, Predicate<String> operatorExists) throws IOException {
        for (OperatorStore.StoredSession e : store.loadSessions()) {
            if (e.expires().isAfter(now) && operatorExists.test(e.operator()) && sessions.size() < MAX_SESSIONS) {
                // the token itself is never stored: the value part holds none
                sessions.put(e.tokenHash(), new Session("(stored)", e.operator(), e.expires()));
            }
        }
    }

    /** Opens the session of {@code token}, ending the oldest ones beyond the cap. */
    Session open(String token, String operator, Instant expires, Instant now) {
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
        while (sessions.size() >= MAX_SESSIONS) {
            Iterator<Session> it = sessions.values().iterator();
            Session old = it.next();
            it.remove();
            audit.record(AuthAudit.LOGOUT, old.operator(), true, "session ended early: more than " + MAX_SESSIONS
                    + " sessions open");
        }
        Session s = new Session(token, operator, expires);
        sessions.put(OperatorAuth.hash(token), s);
        save();
        return s;
    }

    /** The session of {@code token} if it exists and has not expired at {@code now}. */
    Optional<Session> find(String token, Instant now) {
        String h = OperatorAuth.hash(token);
        Session s = sessions.get(h);
        if (s == null) {
            return Optional.empty();
        }
        if (!now.isBefore(s.expires())) {
            sessions.remove(h);
            return Optional.empty();
        }
        return Optional.of(new Session(token, s.operator(), s.expires()));
    }

    /** Ends the session of {@code token}; returns it if there was one. */
    Optional<Session> end(String token) {
        Session s = sessions.remove(OperatorAuth.hash(token));
        if (s != null) {
            save();
        }
        return Optional.ofNullable(s);
    }

    /** Ends every session of {@code operator}; returns how many. */
    int endAll(String operator) {
        int n = 0;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext();) {
            if (it.next().operator().equals(operator)) {
                it.remove();
                n++;
            }
        }
        if (n > 0) {
            save();
        }
        return n;
    }

    int size() {
        return sessions.size();
    }

    private void save() {
        List<OperatorStore.StoredSession> list = new ArrayList<>();
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            list.add(new OperatorStore.StoredSession(e.getKey(), e.getValue().operator(), e.getValue().expires()));
        }
        store.saveSessions(list);
    }
}
