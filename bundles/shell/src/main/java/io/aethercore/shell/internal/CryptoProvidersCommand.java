package io.aethercore.shell.internal;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.CryptoServices;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfAlgorithm;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code aether:crypto-providers}: every crypto provider and custody, and which serves each algorithm now. */
@Service
@ReadOnly
@Command(scope = "aether", name = "crypto-providers",
        description = "Lists crypto providers and key custodies with their algorithms and rankings,"
                + " and which provider serves each algorithm now.")
public class CryptoProvidersCommand implements Action {

    @Reference
    BundleContext bundleContext;

    /** A service interface and the algorithm ids a consumer may ask it for. */
    record Kind(String label, Class<?> type, List<String> algorithmIds) {}

    static final List<Kind> KINDS = List.of(
            new Kind("hash", HashService.class, Arrays.stream(HashAlgorithm.values()).map(HashAlgorithm::id).toList()),
            new Kind("signature", SignatureService.class, List.of(
                    KeyAlgorithm.ED25519.id(), KeyAlgorithm.ECDSA_P256.id(), KeyAlgorithm.ML_DSA_87.id())),
            new Kind("key-agreement", KeyAgreementService.class, List.of(KeyAlgorithm.X25519.id())),
            new Kind("kem", KemService.class, List.of(KeyAlgorithm.ML_KEM_1024.id())),
            new Kind("aead", AeadService.class, Arrays.stream(AeadAlgorithm.values()).map(AeadAlgorithm::id).toList()),
            new Kind("kdf", KdfService.class, Arrays.stream(KdfAlgorithm.values()).map(KdfAlgorithm::id).toList()));

    @Override
    public Object execute() {
        print(System.out);
        return null;
    }

    void print(PrintStream out) {
        Providers providers = new Providers(bundleContext);

        ShellTable registered = new ShellTable();
        registered.column("Service");
        registered.column("Provider");
        registered.column("Ranking").alignRight();
        registered.column("Native");
        registered.column("Bundle");
        registered.column("Algorithms");
        for (Kind k : KINDS) {
            for (ServiceReference<?> ref : providers.all(k.type(), null)) {
                registered.addRow().addContent(k.label(), Providers.provider(ref), Providers.rankingText(ref),
                        Boolean.TRUE.equals(ref.getProperty(CryptoServices.NATIVE)) ? "yes" : "no",
                        ref.getBundle().getBundleId() + " " + ref.getBundle().getSymbolicName(),
                        String.join(", ", Providers.algorithms(ref, CryptoServices.ALGORITHMS)));
            }
        }
        out.println("Registered providers (best first):");
        registered.print(out);

        ShellTable serving = new ShellTable();
        serving.column("Service");
        serving.column("Algorithm");
        serving.column("Serving now");
        serving.column("Ranking").alignRight();
        serving.column("Standing by");
        for (Kind k : KINDS) {
            for (String alg : k.algorithmIds()) {
                @SuppressWarnings({"unchecked", "rawtypes"})
                Optional<ServiceReference<?>> best = (Optional) providers.serving(k.type(), alg);
                List<String> others = new ArrayList<>();
                for (ServiceReference<?> ref : providers.all(k.type(),
                        "(" + CryptoServices.ALGORITHMS + "=" + Providers.escape(alg) + ")")) {
                    if (best.isPresent() && !ref.equals(best.get())) {
                        others.add(Providers.provider(ref) + " (" + Providers.rankingText(ref) + ")");
                    }
                }
                serving.addRow().addContent(k.label(), alg,
                        best.map(Providers::provider).orElse("NONE - install aethercore-crypto"),
                        best.map(Providers::rankingText).orElse("-"),
                        String.join(", ", others));
            }
        }
        out.println();
        out.println("Serving each algorithm now (what a greedy consumer binds to):");
        serving.print(out);

        ShellTable custodies = new ShellTable();
        custodies.column("Custody");
        custodies.column("Kind");
        custodies.column("Ranking").alignRight();
        custodies.column("Bundle");
        custodies.column("Key algorithms");
        for (ServiceReference<KeyCustody> ref : providers.all(KeyCustody.class, null)) {
            custodies.addRow().addContent(ref.getProperty(KeyCustody.NAME), ref.getProperty(KeyCustody.KIND),
                    Providers.rankingText(ref), ref.getBundle().getBundleId() + " " + ref.getBundle().getSymbolicName(),
                    String.join(", ", Providers.algorithms(ref, KeyCustody.ALGORITHMS)));
        }
        out.println();
        out.println("Key custodies:");
        custodies.print(out);
    }
}
