package dev.rampart.policy.sts.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * Maps the policy host name ({@code mta-sts.<domain>}) to the addresses to try, in order. The relay plugs
 * its own resolver in; tests map the name to a loopback address. Must be thread-safe.
 */
@FunctionalInterface
public interface HostResolver {

    /** The JVM's resolver. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** @throws IOException when the name has no address or cannot be resolved */
    List<InetAddress> resolve(String host) throws IOException;
}
