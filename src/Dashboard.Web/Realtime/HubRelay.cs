using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Realtime;

/// <summary>Forwards every event committed on this node (the backplane reaches the other nodes' clients) to the hub groups of the incident's node and each node above it.</summary>
public sealed class HubRelay(IncidentNotifier notifier, CityDirectory directory, IHubContext<CommandHub, ICommandClient> hub, DashboardMetrics metrics) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.SubscribeLocal(SendAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task SendAsync(IReadOnlyList<LiveEvent> batch)
    {
        foreach (var e in batch)
        {
            var where = e.Incident.GridCode ?? e.Incident.TownshipCode;
            var groups = directory.Tree.SelfAndAncestors(where).Select(n => CommandHub.GroupOf(n.Code)).ToList();
            var clients = hub.Clients.Groups(groups);
            await (LiveEventRoutes.MethodFor(e.Type) switch
            {
                nameof(ICommandClient.IncidentReported) => clients.IncidentReported(e),
                nameof(ICommandClient.TaskDispatched) => clients.TaskDispatched(e),
                nameof(ICommandClient.TaskUpdated) => clients.TaskUpdated(e),
                nameof(ICommandClient.SlaBreached) => clients.SlaBreached(e),
                nameof(ICommandClient.IncidentEscalated) => clients.IncidentEscalated(e),
                _ => clients.IncidentUpdated(e),
            });
            metrics.SentToHub(e);
        }
    }
}
