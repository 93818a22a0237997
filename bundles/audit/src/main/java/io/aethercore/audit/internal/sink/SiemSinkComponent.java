package io.aethercore.audit.internal.sink;

import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.net.URI;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** SIEM sink (JSON over HTTP(S)): {@code etc/io.aethercore.audit.sink.siem-<name>.cfg}. */
@Component(service = AuditSink.class, configurationPid = SiemSinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SiemSinkComponent.Config.class, factory = true)
public final class SiemSinkComponent implements AuditSink {

    public static final String PID = "io.aethercore.audit.sink.siem";

    @ObjectClassDefinition(name = "AetherCore audit sink: SIEM (JSON over HTTP)")
    public @interface Config {
        @AttributeDefinition(name = "name")
        String name() default "siem";

        @AttributeDefinition(name = "url", description = "http(s)://collector/path; each record is POSTed as JSON")
        String url();

        @AttributeDefinition(name = "connect.timeout.ms")
        int connect_timeout_ms() default 2000;

        @AttributeDefinition(name = "timeout.ms", description = "per request")
        int timeout_ms() default 5000;

        @AttributeDefinition(name = "authorization.env", description = "environment variable holding the Authorization header value")
        String authorization_env() default "AETHERCORE_SIEM_AUTHORIZATION";

        @AttributeDefinition(name = "hash_identities")
        boolean hash_identities() default false;

        @AttributeDefinition(name = "queue.capacity")
        int queue_capacity() default 10_000;
    }

    private final SiemHttpSink sink;

    @Activate
    public SiemSinkComponent(Config c) {
        String env = c.authorization_env() == null ? "" : c.authorization_env().trim();
        sink = new SiemHttpSink(URI.create(c.url().trim()), Duration.ofMillis(c.connect_timeout_ms()),
                Duration.ofMillis(c.timeout_ms()), env.isEmpty() ? null : System.getenv(env));
    }

    @Override
    public void accept(AuditRecord record) throws Exception {
        sink.accept(record);
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws Exception {
        sink.acceptCheckpoint(checkpoint);
    }
}
