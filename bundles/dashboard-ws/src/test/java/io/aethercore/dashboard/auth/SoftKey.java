package io.aethercore.dashboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;

import io.aethercore.dashboard.testing.TestPki;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A software ES256 authenticator for unit tests: answers registration and login options the way a browser with
 * a security key would ("none" attestation), encoding with webauthn4j's own converters. Its sign counter, the
 * origin it reports and a broken signature are under the test's control.
 */
final class SoftKey {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final ObjectConverter CONVERTER = new ObjectConverter();

    final KeyPair keys;
    final byte[] credentialId = new byte[32];
    byte[] userId;
    long counter;
    /** How much the counter grows per login; 0 for a key without a counter. */
    long step = 1;
    boolean breakSignature;

    SoftKey() throws Exception {
        keys = TestPki.p256();
        new SecureRandom().nextBytes(credentialId);
    }

    String register(String optionsJson, String token, String origin) throws Exception {
        JsonNode pk = JSON.readTree(optionsJson).get("publicKey");
        userId = B64D.decode(pk.get("user").get("id").stringValue());
        byte[] clientData = clientData("webauthn.create", pk.get("challenge").stringValue(), origin);
        AttestedCredentialData acd = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<?> ad = new AuthenticatorData<>(sha256(pk.get("rp").get("id").stringValue()),
                (byte) 0x45, counter, acd);
        @SuppressWarnings("unchecked")
        AttestationObject att = new AttestationObject((AuthenticatorData) ad, new NoneAttestationStatement());
        ObjectNode b = JSON.createObjectNode();
        b.put("token", token);
        b.put("id", B64.encodeToString(credentialId));
        b.put("rawId", B64.encodeToString(credentialId));
        b.put("type", "public-key");
        ObjectNode r = b.putObject("response");
        r.put("clientDataJSON", B64.encodeToString(clientData));
        r.put("attestationObject", B64.encodeToString(new AttestationObjectConverter(CONVERTER).convertToBytes(att)));
        r.putArray("transports").add("usb");
        b.putObject("clientExtensionResults");
        return JSON.writeValueAsString(b);
    }

    String login(String optionsJson, String rpId, String origin) throws Exception {
        JsonNode o = JSON.readTree(optionsJson);
        counter += step;
        byte[] clientData = clientData("webauthn.get", o.get("publicKey").get("challenge").stringValue(), origin);
        byte[] authData = new AuthenticatorDataConverter(CONVERTER).convert(new AuthenticatorData<>(sha256(rpId),
                (byte) 0x05, counter));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(authData);
        s.update(MessageDigest.getInstance("SHA-256").digest(clientData));
        byte[] sig = s.sign();
        if (breakSignature) {
            sig[sig.length - 1] ^= 1;
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("ceremony", o.get("ceremony").stringValue());
        b.put("id", B64.encodeToString(credentialId));
        b.put("rawId", B64.encodeToString(credentialId));
        b.put("type", "public-key");
        ObjectNode r = b.putObject("response");
        r.put("clientDataJSON", B64.encodeToString(clientData));
        r.put("authenticatorData", B64.encodeToString(authData));
        r.put("signature", B64.encodeToString(sig));
        r.put("userHandle", userId == null ? null : B64.encodeToString(userId));
        b.putObject("clientExtensionResults");
        return JSON.writeValueAsString(b);
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
