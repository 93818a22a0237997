package io.aethercore.merkle.internal.command;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code aether:vine-checkpoint}: the log's current checkpoint, signed through the key custody
 * (C2SP signed note), verified on the spot, with the public key to verify it elsewhere.
 */
@Service
@Command(scope = "aether", name = "vine-checkpoint",
        description = "Signs the current checkpoint of a log with a custody key, verifies it and prints it.")
public class VineCheckpointCommand implements Action {

    @Option(name = "-l", aliases = "--log", description = "log name (optional when only one log exists)")
    @Completion(LogNameCompleter.class)
    String logName;

    @Option(name = "-k", aliases = "--key", description = "custody key label (created if absent)")
    String keyLabel = "vine-checkpoint";

    @Option(name = "-a", aliases = "--algorithm", description = "algorithm for a new key: Ed25519 (default), ECDSA-P256-SHA256, ML-DSA-87")
    @Completion(value = StringsCompleter.class, values = {"Ed25519", "ECDSA-P256-SHA256", "ML-DSA-87"})
    String algorithm = "Ed25519";

    @Option(name = "-n", aliases = "--key-name", description = "signer name in the note (default aethercore/<node name>)")
    String keyName;

    @Option(name = "-o", aliases = "--out", description = "also write the signed note to this file")
    @Completion(FileCompleter.class)
    String out;

    @Reference(optional = true)
    MerkleVine vine;

    @Reference(optional = true)
    KeyCustody custody;

    @Reference(optional = true)
    java.util.List<KeyCustody> custodies;

    @Reference(optional = true)
    SignatureService verifier;

    @Override
    public Object execute() throws Exception {
        MerkleLog log = VineCommands.log(vine, logName);
        if (custody == null) {
            throw new IllegalStateException("no key custody is running; feature:install aethercore-crypto");
        }
        String name = keyName != null ? keyName : "aethercore/" + System.getProperty("karaf.name", "node");
        KeyAlgorithm alg = KeyAlgorithm.fromId(algorithm);
        KeyCustody custody = custodyFor(alg);
        KeyHandle key = custody.find(keyLabel).orElse(null);
        if (key == null) {
            key = custody.generate(alg, keyLabel);
            System.out.println("generated " + key.algorithm().id() + " key '" + keyLabel + "' in custody "
                    + custody.name() + " (" + custody.kind().id() + ")");
        }
        Checkpoint cp = log.checkpoint();
        SignedCheckpoint signed = CheckpointNotes.sign(cp, name, custody, key);
        String note = CheckpointNotes.toNote(signed);
        System.out.print(note);
        if (verifier != null) {
            CheckpointNotes.verify(CheckpointNotes.parse(note), name, key.publicKey(), verifier);
            System.out.println(String.format("[VERIFIED] signature by %s (%s, key ID %08x, custody %s)", name,
                    key.algorithm().id(), CheckpointNotes.keyId(name, key.publicKey()), key.custody()));
        }
        System.out.print(key.publicKey().toPem());
        if (out != null) {
            Files.writeString(Path.of(out), note, StandardCharsets.UTF_8);
            System.out.println("written to " + out);
        }
        return null;
    }

    /**
     * The best-ranked custody, unless it cannot make keys of {@code alg} (a TPM does not do Ed25519): then the
     * custody that already holds the label, else one that serves {@code alg}.
     */
    private KeyCustody custodyFor(KeyAlgorithm alg) throws Exception {
        if (custody.algorithms().contains(alg) || custody.find(keyLabel).isPresent() || custodies == null) {
            return custody;
        }
        for (KeyCustody c : custodies) {
            if (c.find(keyLabel).isPresent()) {
                return c;
            }
        }
        for (KeyCustody c : custodies) {
            if (c.algorithms().contains(alg)) {
                return c;
            }
        }
        return custody;
    }
}
