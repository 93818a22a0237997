/**
 * Marks on console commands that other bundles read.
 *
 * <p>Each capability bundle carries its own Karaf commands (package {@code io.aethercore.<capability>.internal.command}).
 * A command class that changes nothing (it lists, shows, verifies) carries {@link
 * io.aethercore.api.console.ReadOnly}; the audit bundle's console auditor then leaves it out of the audit
 * trail. Every other {@code aether:*} command is audited, so a new command is recorded unless its own class
 * says it is read-only. Who runs a command and which values are never recorded in clear are decided by the
 * service-support bundle ({@code io.aethercore.support.console}): behaviour, not contract.
 */
@Export
@Version("1.0.0")
package io.aethercore.api.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
