package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Item 9b: a stock Apache Karaf plus feature:repo-add and feature:install aethercore, as an operator does it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafIT extends AetherCoreTestSupport {

    @Configuration
    public Option[] config() {
        return containerOptions(stockKaraf(), "Apache Karaf");
    }

    @Test
    public void featuresInstallIntoStockKaraf() throws Exception {
        executeCommand("feature:repo-add mvn:io.aethercore/aethercore-features/" + VERSION + "/xml/features");
        // --no-auto-refresh: an operator needs no flag, but an automatic refresh would also restart
        // this test's probe bundle (its optional imports of our API become satisfiable) mid-test
        // the API as a root feature of its own: it stays when implementations come and go, so
        // consumers (this probe among them) keep their wiring
        executeCommand("feature:install --no-auto-refresh aethercore-api");
        executeCommand("feature:install --no-auto-refresh aethercore");

        HashService blake3 = waitForService(HashService.class, "(aethercore.provider=blake3-native)", 60_000);
        assertEquals("blake3-native", blake3.provider());
        waitForService(SignatureService.class, "(aethercore.provider=bouncycastle)", 60_000);
        waitForService(KeyCustody.class, "(aethercore.custody.name=software)", 60_000);
        String list = executeCommand("feature:list -i");
        assertTrue(list, list.contains("aethercore-crypto-native"));

        String withNative = executeCommand("aether:hash stock-karaf");
        assertTrue(withNative, withNative.contains("provider: blake3-native"));
        String digest = withNative.lines().findFirst().orElseThrow().split("\\s+")[0];

        // the native provider is its own feature: a node without it is served by the pure-Java provider
        executeCommand("feature:uninstall --no-auto-refresh aethercore");
        executeCommand("feature:install --no-auto-refresh aethercore-crypto aethercore-shell");
        waitForService(HashService.class, "(aethercore.provider=bouncycastle)", 60_000);
        String installed = executeCommand("feature:list -i");
        assertTrue(installed, !installed.contains("aethercore-crypto-native"));
        String withoutNative = executeCommand("aether:hash stock-karaf");
        assertTrue(withoutNative, withoutNative.contains("provider: bouncycastle"));
        assertTrue("same digest from both providers", withoutNative.startsWith(digest));

        executeCommand("feature:install --no-auto-refresh aethercore-crypto-native");
        waitForService(HashService.class, "(aethercore.provider=blake3-native)", 60_000);
        String providers = executeCommand("aether:crypto-providers");
        assertTrue(providers, providers.contains("blake3-native"));
    }
}
