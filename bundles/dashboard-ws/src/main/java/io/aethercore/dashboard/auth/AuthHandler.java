package io.aethercore.dashboard.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The login endpoints under {@code /auth/} (docs/dashboard.md, "Operator login (WebAuthn)"), as a Jetty 12 core
 * handler: JSON in and out, bodies of at most {@value #MAX_BODY} bytes, {@code Cache-Control: no-store} on every
 * answer, errors as {@code {"error":"..."}}. A {@code POST} must carry an {@code Origin} the engine allows
 * (403 otherwise), which also shuts out cross-site form posts. A login sets the {@code aether_session} cookie
 * ({@code Secure; HttpOnly; SameSite=Strict}); a logout clears it. Requests outside {@code /auth/} are left to the
 * next handler ({@link #handle} returns {@code false}).
 */
public final class AuthHandler extends Handler.Abstract {

    /** The session cookie's name. */
    public static final String COOKIE = "aether_session";
    /** The largest request body accepted; larger ones get 413. */
    public static final int MAX_BODY = 16 * 1024;
    private static final String PREFIX = "/auth/";
    private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

    private final OperatorAuth auth;
    private final JsonMapper json = JsonMapper.builder().build();

    public AuthHandler(OperatorAuth auth) {
        super(InvocationType.BLOCKING);
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /**
     * The value of the {@code aether_session} cookie of a request (also a WebSocket upgrade request), if any. It
     * says nothing about validity: check it with {@link OperatorAuth#session(String)}, or use
     * {@link #session(Request)}.
     */
    public static Optional<String> sessionCookie(Request request) {
        List<HttpCookie> cookies = Request.getCookies(request);
        if (cookies == null) {
            return Optional.empty();
        }
        for (HttpCookie c : cookies) {
            if (COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    /** The valid, unexpired session of a request's cookie, if any (for the {@code /mesh/health} upgrade). */
    public Optional<Session> session(Request request) {
        return sessionCookie(request).flatMap(auth::session);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String method = request.getMethod();
        try {
            switch (path) {
                case "/auth/register/options" -> post(request, response, callback, method, body -> {
                    String token = field(body, "token");
                    return auth.registrationOptions(token);
                });
                case "/auth/register/finish" -> post(request, response, callback, method,
                        body -> object("operator", auth.finishRegistration(body)));
                case "/auth/login/options" -> post(request, response, callback, method,
                        body -> auth.loginOptions(field(body, "operator")));
                case "/auth/login/finish" -> {
                    if (refusedPost(request, response, callback, method)) {
                        return true;
                    }
                    String body = body(request, response, callback);
                    if (body == null) {
                        return true;
                    }
                    Session s = auth.finishLogin(body);
                    response.getHeaders().add(HttpHeader.SET_COOKIE, COOKIE + "=" + s.token() + "; Path=/; Max-Age="
                            + auth.sessionTtl().toSeconds() + "; Secure; HttpOnly; SameSite=Strict");
                    send(response, callback, 200, sessionJson(s));
                }
                case "/auth/session" -> {
                    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                        methodNotAllowed(response, callback, "GET");
                        return true;
                    }
                    Optional<Session> s = session(request);
                    if (s.isEmpty()) {
                        error(response, callback, 401, "not logged in, or the session has expired: log in again");
                    } else {
                        send(response, callback, 200, sessionJson(s.get()));
                    }
                }
                case "/auth/logout" -> {
                    if (refusedPost(request, response, callback, method)) {
                        return true;
                    }
                    sessionCookie(request).ifPresent(auth::logout);
                    response.getHeaders().add(HttpHeader.SET_COOKIE,
                            COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
                    response.setStatus(204);
                    callback.succeeded();
                }
                default -> error(response, callback, 404, "no such login endpoint: " + path);
            }
        } catch (AuthException e) {
            error(response, callback, e.kind() == AuthException.Kind.BAD_REQUEST ? 400 : 401, e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.error("operator login: {} {} failed", method, path, e);
            error(response, callback, 500, "internal error in the login service; the node's log has the details");
        }
        return true;
    }

    /** A JSON body in, a JSON text out. */
    @FunctionalInterface
    private interface JsonCall {
        String apply(String body) throws AuthException;
    }

    private void post(Request request, Response response, Callback callback, String method, JsonCall call)
            throws AuthException, IOException {
        if (refusedPost(request, response, callback, method)) {
            return;
        }
        String body = body(request, response, callback);
        if (body != null) {
            send(response, callback, 200, call.apply(body));
        }
    }

    /** Answers 405 or 403 (and returns true) unless the request is a POST from an allowed origin. */
    private boolean refusedPost(Request request, Response response, Callback callback, String method) {
        if (!HttpMethod.POST.is(method)) {
            methodNotAllowed(response, callback, "POST");
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || !auth.allowedOrigins().contains(origin)) {
            error(response, callback, 403, origin == null
                    ? "the request has no Origin header: use the dashboard page"
                    : "requests from origin " + origin + " are not allowed: open the dashboard at its own address");
            return true;
        }
        return false;
    }

    /** Reads the body as UTF-8, at most {@link #MAX_BODY} bytes; answers 413 or 400 itself and returns null. */
    private String body(Request request, Response response, Callback callback) throws IOException {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            error(response, callback, 413, "the request body is larger than " + MAX_BODY + " bytes");
            return null;
        }
        byte[] data;
        try (InputStream in = Request.asInputStream(request)) {
            data = in.readNBytes(MAX_BODY + 1);
        }
        if (data.length > MAX_BODY) {
            error(response, callback, 413, "the request body is larger than " + MAX_BODY + " bytes");
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            error(response, callback, 400, "the request body is not UTF-8");
            return null;
        }
    }

    /** A string field of a small JSON body, or "" (the engine then says what is missing). */
    private String field(String body, String name) throws AuthException {
        try {
            var n = json.readTree(body);
            var v = n == null ? null : n.get(name);
            if (v == null || !v.isString()) {
                throw AuthException.bad("the request needs a JSON object with a string field '" + name + "'");
            }
            return v.stringValue();
        } catch (RuntimeException e) {
            throw AuthException.bad("the request body is not a JSON object");
        }
    }

    private String object(String key, String value) {
        ObjectNode n = json.createObjectNode();
        n.put(key, value);
        return json.writeValueAsString(n);
    }

    private String sessionJson(Session s) {
        ObjectNode n = json.createObjectNode();
        n.put("operator", s.operator());
        n.put("expires", s.expires().toEpochMilli());
        return json.writeValueAsString(n);
    }

    private void methodNotAllowed(Response response, Callback callback, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        error(response, callback, 405, "use " + allow + " for this endpoint");
    }

    private void error(Response response, Callback callback, int status, String message) {
        send(response, callback, status, object("error", message));
    }

    private static void send(Response response, Callback callback, int status, String jsonText) {
        response.setStatus(status);
        response.getHeaders().put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        Content.Sink.write(response, true, jsonText, callback);
    }
}
