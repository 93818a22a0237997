/**
 * Cryptographic primitives of AetherCore as OSGi services.
 *
 * <p>Each primitive family is its own service interface so that providers can be added, ranked and
 * swapped independently at runtime: {@link io.aethercore.api.crypto.HashService},
 * {@link io.aethercore.api.crypto.SignatureService} (verification only; signing happens where the key
 * lives, see {@code io.aethercore.api.custody}), {@link io.aethercore.api.crypto.KeyAgreementService},
 * {@link io.aethercore.api.crypto.KemService}, {@link io.aethercore.api.crypto.AeadService} and
 * {@link io.aethercore.api.crypto.KdfService}.
 *
 * <p>Every provider registers its services with the properties {@value
 * io.aethercore.api.crypto.CryptoServices#PROVIDER} (a short provider name) and {@value
 * io.aethercore.api.crypto.CryptoServices#ALGORITHMS} (the algorithm ids it serves), plus {@code
 * service.ranking}. Consumers select with a target filter on the algorithm they need, for example
 * {@code (aethercore.algorithms=BLAKE3)}, and the highest ranking wins.
 *
 * <p>Errors: failures caused by data (a bad signature, a tampered ciphertext, a malformed key received
 * from the network) are checked {@link io.aethercore.api.crypto.CryptoException}s with deliberately
 * generic messages; programming errors (a nonce of the wrong length, an unsupported algorithm) are
 * unchecked {@link java.lang.IllegalArgumentException}s.
 */
@Export
@Version("1.2.0")
package io.aethercore.api.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
