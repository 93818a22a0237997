/**
 * The federation PKI (docs/mesh-pki.md): the federation root and its rotation, node certificates with the
 * AetherCore node extension, PEM files, and the genesis bundle (a CMS SignedData by the root inside a CMS
 * EnvelopedData) with its text payload. Plain Java over BouncyCastle; private keys stay in their custody and
 * sign through {@link io.aethercore.mesh.pki.MessageSigner}.
 */
package io.aethercore.mesh.pki;
