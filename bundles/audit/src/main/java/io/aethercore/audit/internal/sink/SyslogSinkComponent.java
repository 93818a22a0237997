package io.aethercore.audit.internal.sink;

import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Syslog sink (RFC 5424 over UDP or TCP): {@code etc/io.aethercore.audit.sink.syslog-<name>.cfg}. */
@Component(service = AuditSink.class, configurationPid = SyslogSinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SyslogSinkComponent.Config.class, factory = true)
public final class SyslogSinkComponent implements AuditSink {

    public static final String PID = "io.aethercore.audit.sink.syslog";

    @ObjectClassDefinition(name = "AetherCore audit sink: syslog (RFC 5424)")
    public @interface Config {
        @AttributeDefinition(name = "name")
        String name() default "syslog";

        @AttributeDefinition(name = "endpoint", description = "host:port of the syslog daemon (the B4AE document's syslog_endpoint)")
        String endpoint() default "localhost:514";

        @AttributeDefinition(name = "protocol", description = "udp (RFC 5426) or tcp (RFC 6587 octet counting)")
        String protocol() default "udp";

        @AttributeDefinition(name = "facility", description = "0-23; 13 is 'log audit'")
        int facility() default 13;

        @AttributeDefinition(name = "hostname", description = "HOSTNAME field; empty: this machine's name")
        String hostname() default "";

        @AttributeDefinition(name = "app.name")
        String app_name() default "aethercore";

        @AttributeDefinition(name = "sd.id", description = "structured-data id (name@private-enterprise-number)")
        String sd_id() default "aethercore@32473";

        @AttributeDefinition(name = "max.message.bytes", description = "longer messages are cut (rsyslog's default limit is 8 KiB)")
        int max_message_bytes() default 8192;

        @AttributeDefinition(name = "connect.timeout.ms")
        int connect_timeout_ms() default 2000;

        @AttributeDefinition(name = "hash_identities")
        boolean hash_identities() default false;

        @AttributeDefinition(name = "queue.capacity")
        int queue_capacity() default 10_000;
    }

    private final SyslogSink sink;

    @Activate
    public SyslogSinkComponent(Config c) {
        String ep = c.endpoint().trim();
        int colon = ep.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("syslog endpoint must be host:port, got '" + ep + "'");
        }
        sink = new SyslogSink(ep.substring(0, colon), Integer.parseInt(ep.substring(colon + 1)),
                SyslogSink.Protocol.valueOf(c.protocol().trim().toUpperCase(Locale.ROOT)), c.facility(), c.hostname(),
                c.app_name(), c.sd_id(), c.max_message_bytes(), c.connect_timeout_ms());
    }

    @Override
    public void accept(AuditRecord record) throws Exception {
        sink.accept(record);
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws Exception {
        sink.acceptCheckpoint(checkpoint);
    }

    @Override
    public void flush() throws Exception {
        sink.flush();
    }

    @Deactivate
    void deactivate() {
        sink.close();
    }
}
