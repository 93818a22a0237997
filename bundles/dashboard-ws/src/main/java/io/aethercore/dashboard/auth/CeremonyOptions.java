package io.aethercore.dashboard.auth;

import java.util.Base64;
import java.util.List;

import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The options the page hands to {@code navigator.credentials.create()} and {@code .get()}, in the WebAuthn JSON
 * form (binary values base64url): what the relying party asks of the security key. {@link OperatorAuth} makes
 * the challenges and keeps the state; this class only writes them out.
 */
final class CeremonyOptions {

    /** ES256, EdDSA, RS256: what a registered key may use (also checked at verification). */
    static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final JsonMapper json;
    private final String rpId;
    private final String rpName;

    CeremonyOptions(JsonMapper json, String rpId, String rpName) {
        this.json = json;
        this.rpId = rpId;
        this.rpName = rpName;
    }

    /** {@code {"publicKey":{...PublicKeyCredentialCreationOptions...}}}, excluding the operator's keys. */
    String creation(byte[] userId, String operator, byte[] challenge, List<OperatorStore.Credential> exclude) {
        ObjectNode root = json.createObjectNode();
        ObjectNode pk = root.putObject("publicKey");
        ObjectNode rp = pk.putObject("rp");
        rp.put("id", rpId);
        rp.put("name", rpName);
        ObjectNode user = pk.putObject("user");
        user.put("id", B64.encodeToString(userId));
        user.put("name", operator);
        user.put("displayName", operator);
        pk.put("challenge", B64.encodeToString(challenge));
        ArrayNode params = pk.putArray("pubKeyCredParams");
        for (PublicKeyCredentialParameters p : ALGORITHMS) {
            params.addObject().put("type", "public-key").put("alg", p.getAlg().getValue());
        }
        pk.put("timeout", OperatorAuth.CEREMONY_TIMEOUT.toMillis());
        pk.put("attestation", "none");
        ObjectNode sel = pk.putObject("authenticatorSelection");
        sel.put("residentKey", "preferred");
        sel.put("requireResidentKey", false);
        sel.put("userVerification", "preferred");
        ArrayNode excluded = pk.putArray("excludeCredentials");
        for (OperatorStore.Credential c : exclude) {
            descriptor(excluded.addObject(), c);
        }
        return json.writeValueAsString(root);
    }

    /** {@code {"ceremony":"<id>","publicKey":{...PublicKeyCredentialRequestOptions...}}}, allowing these keys. */
    String request(String ceremonyId, byte[] challenge, List<OperatorStore.Credential> allow) {
        ObjectNode root = json.createObjectNode();
        root.put("ceremony", ceremonyId);
        ObjectNode pk = root.putObject("publicKey");
        pk.put("challenge", B64.encodeToString(challenge));
        pk.put("rpId", rpId);
        ArrayNode allowed = pk.putArray("allowCredentials");
        for (OperatorStore.Credential c : allow) {
            descriptor(allowed.addObject(), c);
        }
        pk.put("userVerification", "preferred");
        pk.put("timeout", OperatorAuth.CEREMONY_TIMEOUT.toMillis());
        return json.writeValueAsString(root);
    }

    private static void descriptor(ObjectNode n, OperatorStore.Credential c) {
        n.put("type", "public-key");
        n.put("id", B64.encodeToString(c.id));
        if (!c.transports.isEmpty()) {
            ArrayNode t = n.putArray("transports");
            c.transports.forEach(t::add);
        }
    }
}
