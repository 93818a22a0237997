package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.DatagramTransport;
import java.net.SocketException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP {@link DatagramTransport} on {@code listen_address} of {@code io.aethercore.b4ae} (same PID as
 * the channel). Registrar pattern: the service is registered only once the socket is bound; a port in use
 * is reported once, in plain words, and nothing is registered.
 */
@Component(immediate = true, configurationPid = B4aeComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class UdpTransportComponent {

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransportComponent.class);

    /** The subset of the channel configuration this component reads. */
    public @interface Config {
        String listen__address() default "0.0.0.0:4000";

        int udp__service__ranking() default 10;
    }

    private UdpTransport transport;
    private ServiceRegistration<DatagramTransport> registration;
    private TransportProblem problem;

    @Activate
    public UdpTransportComponent(BundleContext context, Config config) {
        try {
            transport = new UdpTransport(UdpTransport.parse(config.listen__address()));
        } catch (SocketException | IllegalArgumentException e) {
            LOG.error("B4AE UDP transport cannot bind {}: {}. Free the port or set listen_address in"
                    + " etc/io.aethercore.b4ae.cfg", config.listen__address(), e.getMessage());
            // the status commands (aether:b4ae-sessions) name the reason while it lasts
            problem = TransportProblem.of(config.listen__address(), e);
            NodeWiring.bundle().reportTransportProblem(problem);
            return;
        }
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(DatagramTransport.NAME, "udp");
        p.put(Constants.SERVICE_RANKING, config.udp__service__ranking());
        registration = context.registerService(DatagramTransport.class, transport, p);
        LOG.info("B4AE UDP transport listening on {}", transport.localAddress());
    }

    @Deactivate
    void deactivate() {
        if (problem != null) {
            NodeWiring.bundle().clearTransportProblem(problem);
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException ignored) {
                // bundle stopping
            }
        }
        if (transport != null) {
            transport.close();
        }
    }
}
