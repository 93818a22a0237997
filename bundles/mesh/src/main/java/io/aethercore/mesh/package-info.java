/**
 * The mesh engine: federation PKI and genesis bundle ({@code pki}), enrollment protocol, node registry
 * and trust score. OSGi-free; the declarative-services shell lives in {@code internal}.
 */
package io.aethercore.mesh;
