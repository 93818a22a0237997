/**
 * The audit trail: signed, Merkle-anchored records of operator actions and security events.
 *
 * <p>{@link io.aethercore.api.audit.AuditLog} is the service: {@code record(event)} returns an {@link
 * io.aethercore.api.audit.AuditReceipt} once the record is durable, with the node's signature over the
 * record and a Merkle inclusion proof against a signed checkpoint. {@link
 * io.aethercore.api.audit.AuditSink}s are whiteboard services that receive every record and every
 * published checkpoint (file, syslog, SIEM, ...). The value types are plain Java, usable off the node
 * by an auditor's tools.
 */
@Export
@Version("1.1.0")
package io.aethercore.api.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
