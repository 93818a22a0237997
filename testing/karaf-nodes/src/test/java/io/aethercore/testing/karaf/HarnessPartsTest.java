package io.aethercore.testing.karaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the harness that need no Karaf: cfg editing, bundle states, keys, ports. */
class HarnessPartsTest {

    @Test
    void cfgEditReplacesTheUncommentedKeyAndKeepsTheRest(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "# listen_address = 0.0.0.0:1\nlisten_address = 0.0.0.0:4000\nname = default\nlong = a \\\n  b\n");
        CfgFile.set(f, "listen_address", "127.0.0.1:5000");
        CfgFile.set(f, "long", "c");
        CfgFile.set(f, "peers", "name=n2;address=127.0.0.1:1;x25519=AB+/=");
        assertEquals("# listen_address = 0.0.0.0:1\nlisten_address = 127.0.0.1:5000\nname = default\nlong = c\n"
                + "peers = name=n2;address=127.0.0.1:1;x25519=AB+/=\n", Files.readString(f));
        assertFalse(Files.exists(dir.resolve("x.cfg.harness-tmp")));
    }

    @Test
    void bundleStates() {
        String ok = "START LEVEL 100 , List Threshold: 0\n 0\tActive  \t  0\t7.0.5\tSystem Bundle\n"
                + " 1\tResolved\t  1\t4.4.10\tApache Karaf :: Features :: Extension, Hosts: 0\n";
        assertTrue(BundleStates.allUp(ok));
        assertFalse(BundleStates.allUp(ok + "57\tResolved\t 80\t0.1.0\tAetherCore :: TPM\n"));
        assertFalse(BundleStates.allUp(ok + "57\tFailure \t 80\t0.1.0\tAetherCore :: TPM\n"));
        assertFalse(BundleStates.allUp("START LEVEL 100 , List Threshold: 0\n"));
    }

    @Test
    void theConsoleKeyIsAnEcdsaSshKeyAndTheLineHasKarafsFormat() {
        ConsoleKey k = ConsoleKey.generate();
        byte[] blob = Base64.getDecoder().decode(k.publicKeyBase64());
        assertEquals("ecdsa-sha2-nistp256", new String(blob, 4, 19));
        assertEquals("operator=" + k.publicKeyBase64() + ",_g_:admingroup", k.keysPropertiesLine("operator", "_g_:admingroup"));
        assertEquals(ConsoleKey.ofThisRun(), ConsoleKey.ofThisRun());
    }

    @Test
    void portsAreNotHandedOutTwice() {
        assertNotEquals(FreePorts.next(), FreePorts.next());
        assertEquals("127.0.0.1:4711", PortBinding.DEFAULTS.stream().filter(b -> b.id().equals(PortBinding.B4AE))
                .findFirst().orElseThrow().value(4711));
    }

    @Test
    void theLossScriptReplacesTheTableAndDropsOnlyUdpOnEgress() {
        String none = LossyNetwork.script(0, List.of());
        assertTrue(none.startsWith("table netdev aethercore_chaos\ndelete table netdev aethercore_chaos\n"), none);
        assertTrue(none.contains("type filter hook egress device \"eth0\" priority 0; policy accept;"), none);
        assertFalse(none.contains("drop"), none);
        String both = LossyNetwork.script(80, List.of("10.77.5.12", "10.77.5.13"));
        assertTrue(both.contains("meta l4proto udp ip daddr { 10.77.5.12, 10.77.5.13 } counter drop"), both);
        assertTrue(both.contains("meta l4proto udp numgen random mod 100 < 80 counter drop"), both);
    }
}
