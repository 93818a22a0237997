package io.aethercore.shell.internal;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.Hasher;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:hash}: digest of a string or a file, and the provider that computed it. */
@Service
@ReadOnly
@Command(scope = "aether", name = "hash", description = "Hashes a string or a file and shows which provider served it.")
public class HashCommand implements Action {

    @Option(name = "-a", aliases = "--algorithm", description = "BLAKE3 (default), SHA-256 or SHA-512")
    @Completion(HashAlgorithmCompleter.class)
    String algorithm = "BLAKE3";

    @Option(name = "-m", aliases = "--mode", description = "BLAKE3 mode: hash (default), keyed, derive-key")
    @Completion(Blake3ModeCompleter.class)
    String mode = "hash";

    @Option(name = "-k", aliases = "--key", description = "keyed mode: the 32-byte key as 64 hex digits")
    String keyHex;

    @Option(name = "-c", aliases = "--context", description = "derive-key mode: the context string")
    String context;

    @Option(name = "-l", aliases = "--length", description = "output length in bytes (BLAKE3: any; default 32)")
    int length;

    @Option(name = "-f", aliases = "--file", description = "hash this file instead of the argument")
    @Completion(FileCompleter.class)
    String file;

    @Argument(index = 0, name = "text", description = "the string to hash (UTF-8)", required = false)
    String text;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        Result r = hash();
        System.out.println(r.hex() + "  " + r.what());
        System.out.println("algorithm: " + r.algorithm() + (r.mode().equals("hash") ? "" : " (" + r.mode() + ")")
                + ", provider: " + r.provider());
        return null;
    }

    record Result(String hex, String what, String algorithm, String mode, String provider) {}

    Result hash() throws Exception {
        HashAlgorithm alg = HashAlgorithm.fromId(algorithm);
        String m = mode.toLowerCase(Locale.ROOT);
        if (!m.equals("hash") && alg != HashAlgorithm.BLAKE3) {
            throw new IllegalArgumentException("mode " + mode + " exists for BLAKE3 only");
        }
        if ((file == null) == (text == null)) {
            throw new IllegalArgumentException("give either a string or --file, not both or neither");
        }
        ServiceReference<HashService> ref = new Providers(bundleContext).serving(HashService.class, alg.id())
                .orElseThrow(() -> new IllegalStateException("no " + alg.id() + " provider is installed;"
                        + " feature:install aethercore-crypto"));
        HashService service = bundleContext.getService(ref);
        if (service == null) {
            throw new IllegalStateException("the " + alg.id() + " provider went away; try again");
        }
        try {
            Hasher h = switch (m) {
                case "hash" -> service.newHasher(alg);
                case "keyed" -> {
                    if (keyHex == null) {
                        throw new IllegalArgumentException("keyed mode needs --key with 64 hex digits");
                    }
                    yield service.newBlake3Keyed(parseKey(keyHex));
                }
                case "derive-key", "derive_key", "derive" -> {
                    if (context == null) {
                        throw new IllegalArgumentException("derive-key mode needs --context");
                    }
                    yield service.newBlake3DeriveKey(context);
                }
                default -> throw new IllegalArgumentException("unknown mode '" + mode + "'; use hash, keyed or derive-key");
            };
            String what;
            if (file != null) {
                Path p = Path.of(file);
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        h.update(buf, 0, n);
                    }
                }
                what = p.toString();
            } else {
                h.update(text.getBytes(StandardCharsets.UTF_8));
                what = "\"" + text + "\"";
            }
            byte[] digest = h.digest(length > 0 ? length : alg.digestLength());
            return new Result(HexFormat.of().formatHex(digest), what, alg.id(), m, h.provider());
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    private static byte[] parseKey(String hex) {
        try {
            byte[] key = HexFormat.of().parseHex(hex.trim());
            if (key.length == HashService.BLAKE3_KEY_LENGTH) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("--key must be exactly 64 hex digits (32 bytes)");
    }
}
