package dev.rampart.server.admin;

import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.ProbeReport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Canned plans and probe reports by next hop; records what was asked. */
public final class FakeExplainer implements PolicyExplainer {
    public final Map<String, DestinationPlan> plans = new ConcurrentHashMap<>();
    public final Map<String, List<ProbeReport>> probes = new ConcurrentHashMap<>();
    public final List<String> asked = new CopyOnWriteArrayList<>();
    public final List<String> probed = new CopyOnWriteArrayList<>();

    @Override
    public DestinationPlan plan(String nextHop) {
        asked.add(nextHop);
        DestinationPlan plan = plans.get(nextHop);
        if (plan == null) {
            throw new IllegalStateException("no canned plan for " + nextHop);
        }
        return plan;
    }

    @Override
    public List<ProbeReport> probe(DestinationPlan plan) {
        probed.add(plan.nextHop());
        return probes.getOrDefault(plan.nextHop(), List.of());
    }
}
