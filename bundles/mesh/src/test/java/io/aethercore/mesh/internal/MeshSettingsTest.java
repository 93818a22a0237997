package io.aethercore.mesh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every key of io.aethercore.mesh takes effect or is refused, with the reason. */
class MeshSettingsTest {

    @Test
    void defaultsAreAnIdleMember() {
        MeshSettings s = MeshSettings.parse(Map.of("role", "member", "node_id", ""));
        assertEquals("member", s.role());
        assertEquals("", s.nodeId());
        assertTrue(s.genesisFile().endsWith("aethercore/genesis-bundle.bin"));
        assertTrue(s.genesisPasswordFile().endsWith("aethercore/genesis-bundle.pass"));
        assertEquals("federation-root", s.rootLabel());
        assertEquals(Duration.ofDays(365), s.certificateValidity());
    }

    @Test
    void anAuthorityWithItsKeys() {
        MeshSettings s = MeshSettings.parse(Map.of("role", "authority", "node_id", "fa-1", "address", "10.0.0.1:4000",
                "certificate.validity_days", "30", "root.custody", "tpm", "channel.target", "(x=y)",
                "service.pid", "io.aethercore.mesh", "felix.fileinstall.filename", "file:/x"));
        assertTrue(s.authority());
        assertEquals("10.0.0.1:4000", s.advertisedAddress());
        assertEquals(Duration.ofDays(30), s.certificateValidity());
        assertEquals("tpm", s.rootCustody());
    }

    @Test
    void unknownInvalidAndFederationKeysAreRefusedNamingEach() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeshSettings.parse(Map.of(
                "role", "leader", "node_id", "-bad", "adress", "x", "certificate.validity_days", "0", "quorum_size", "5",
                "bogus.target", "(x=y)")));
        String m = e.getMessage();
        for (String expected : new String[] {"role must be 'authority' or 'member'", "node_id '-bad'", "unknown key 'adress'",
            "certificate.validity_days must be 1 to 3650", "quorum_size is a federation parameter", "unknown key 'bogus.target'"}) {
            assertTrue(m.contains(expected), expected + " in: " + m);
        }
    }
}
