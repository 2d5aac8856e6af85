using Dashboard.Web.Realtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Degraded, not Unhealthy, while Redis is away: the node still serves its own dashboards and clients (local delivery, then a
/// resync from the database on reconnect), so /health/ready keeps answering 200 and a load balancer keeps the node.
/// </summary>
public sealed class RedisHealthCheck(RedisConnection redis, EventSequencer sequencer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = redis.State;
        var data = new Dictionary<string, object>
        {
            ["node"] = redis.NodeId,
            ["connected"] = state.Connected,
            ["subscribed"] = redis.EventsSubscribed,
            ["lastSeq"] = sequencer.LastSeq,
            ["resyncs"] = sequencer.Resyncs,
        };
        if (state.Connected && !redis.EventsSubscribed)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"connected to {state.Endpoint} but not yet subscribed to live events: other nodes' events are not received yet", data: data));
        }

        return Task.FromResult(state.Connected
            ? HealthCheckResult.Healthy($"connected to {state.Endpoint} as node {redis.NodeId}", data)
            : HealthCheckResult.Degraded(
                $"disconnected from {state.Endpoint} since {state.Since:O} ({state.Failure ?? "not connected yet"}): local delivery only, resync from the database on reconnect",
                data: data));
    }
}
