/**
 * The dashboard engine, free of OSGi: the HTTPS/WSS server, the {@code /mesh/health} hub with its
 * coalescing per-client state, and the telemetry pipeline. The DS component in {@code internal} feeds it
 * from the node's services. Design notes: {@code docs/dashboard.md}.
 */
package io.aethercore.dashboard;
