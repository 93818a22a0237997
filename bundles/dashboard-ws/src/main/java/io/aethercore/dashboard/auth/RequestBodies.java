package io.aethercore.dashboard.auth;

import java.util.Base64;
import java.util.Set;

import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.VerificationException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser's answers as hostile input: the checks {@link OperatorAuth} runs on a request body before
 * webauthn4j sees it (size, JSON object, required fields, base64url, credential type, operator names), each
 * failure audited and turned into a 400 with a message, and the words for webauthn4j's refusals.
 */
final class RequestBodies {

    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final JsonMapper json;
    private final AuthAudit audit;

    RequestBodies(JsonMapper json, AuthAudit audit) {
        this.json = json;
        this.audit = audit;
    }

    static String explain(VerificationException e, Set<String> allowedOrigins, String rpId) {
        if (e instanceof BadOriginException) {
            return "the page's origin is not one of the dashboard's origins " + new java.util.TreeSet<>(allowedOrigins)
                    + ": open the dashboard at its configured address";
        }
        if (e instanceof BadRpIdException) {
            return "the key signed for another site than '" + rpId + "': open the dashboard under that host name";
        }
        if (e instanceof BadChallengeException) {
            return "the answer does not belong to this ceremony (challenge mismatch): start again";
        }
        if (e instanceof BadSignatureException) {
            return "the security key's signature is not valid";
        }
        if (e instanceof UserNotPresentException) {
            return "the security key did not confirm presence: touch the key when it blinks";
        }
        if (e instanceof NotAllowedAlgorithmException) {
            return "the key uses an algorithm that is not allowed (ES256, EdDSA and RS256 are)";
        }
        if (e instanceof InconsistentClientDataTypeException) {
            return "the answer is of the wrong ceremony type";
        }
        return "WebAuthn verification failed: " + firstLine(e);
    }

    /** An exception's message without the parser's location lines. */
    static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    void requireName(String name, String action) throws AuthException {
        if (name == null || !OperatorAuth.OPERATOR_NAME.matcher(name).matches()) {
            fail(action, null, "invalid operator name");
            throw AuthException.bad("an operator name is 1 to 64 characters: a lower-case letter first, then "
                    + "lower-case letters, digits, '.', '_' or '-'");
        }
    }

    JsonNode parse(String body, String action) throws AuthException {
        if (body == null || body.length() > OperatorAuth.MAX_JSON_CHARS) {
            fail(action, null, "request body missing or too large");
            throw AuthException.bad("the request body is missing or larger than " + OperatorAuth.MAX_JSON_CHARS + " characters");
        }
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
            return n;
        } catch (RuntimeException e) {
            fail(action, null, "request body is not a JSON object");
            throw AuthException.bad("the request body is not a JSON object");
        }
    }

    String text(JsonNode n, String field, String action) throws AuthException {
        JsonNode v = n.get(field);
        if (v == null || !v.isString() || v.stringValue().isEmpty()) {
            fail(action, null, "field '" + field + "' missing");
            throw AuthException.bad("the request needs a string field '" + field + "'");
        }
        return v.stringValue();
    }

    JsonNode object(JsonNode n, String field, String action) throws AuthException {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            fail(action, null, "field '" + field + "' missing");
            throw AuthException.bad("the request needs an object field '" + field + "'");
        }
        return v;
    }

    byte[] bytes(JsonNode n, String field, String action) throws AuthException {
        String s = text(n, field, action);
        try {
            return B64D.decode(s);
        } catch (IllegalArgumentException e) {
            fail(action, null, "field '" + field + "' is not base64url");
            throw AuthException.bad("the field '" + field + "' must be base64url without padding");
        }
    }

    void requirePublicKeyType(JsonNode b, String action) throws AuthException {
        if (!"public-key".equals(text(b, "type", action))) {
            fail(action, null, "credential type is not public-key");
            throw AuthException.bad("the credential's type must be \"public-key\"");
        }
    }

    String extensions(JsonNode b) {
        JsonNode x = b.get("clientExtensionResults");
        return x != null && x.isObject() ? json.writeValueAsString(x) : null;
    }

    private void fail(String action, String operator, String detail) {
        audit.record(action, operator, false, detail);
    }
}
