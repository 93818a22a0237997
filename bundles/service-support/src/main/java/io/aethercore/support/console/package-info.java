/**
 * Console rules shared by the bundles that record or change things from the console: who runs a command
 * ({@link io.aethercore.support.console.ConsoleOperator}, from the authenticated JAAS subject, never a shell
 * variable) and which values are never recorded in clear ({@link io.aethercore.support.console.SecretNames}).
 */
@Export
@Version("1.0.0")
package io.aethercore.support.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
