package io.aethercore.benchmarks;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;

/** A software key custody in a temporary directory (no passphrase) holding one fresh key. */
final class CustodyFixture implements AutoCloseable {

    final Path dir;
    final SoftwareKeyCustody custody;
    final KeyHandle key;

    CustodyFixture(KeyAlgorithm algorithm) throws Exception {
        dir = Files.createTempDirectory("aethercore-bench-custody-");
        custody = new SoftwareKeyCustody("bench", dir.resolve("keys"), null, new SecureRandom());
        key = custody.generate(algorithm, "bench-" + algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    @Override
    public void close() throws IOException {
        custody.close();
        BenchData.deleteTree(dir);
    }
}
