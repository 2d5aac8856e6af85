using System.Collections.Concurrent;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Positions;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Sla;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>
/// Starts dispatch with the app: loads the active tasks, feeds every durable position to the recommender and the geofence
/// (an assignee within the geofence of their incident is stamped on scene, marked auto), and starts the SLA monitor.
/// </summary>
public sealed class DispatchHost(
    DispatchRepository store,
    IncidentRepository incidents,
    TaskBoard board,
    RecommenderService recommender,
    PositionWriter writer,
    DispatchService dispatch,
    SlaMonitor monitor,
    Dashboard.Core.Sla.SlaPolicy policy,
    Hosting.CityDirectory directory,
    IOptions<DispatchOptions> options,
    IOptions<SlaOptions> slaOptions,
    ILogger<DispatchHost> logger) : IHostedService
{
    private readonly ConcurrentDictionary<long, byte> _arriving = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A typo in an SLA override would silently leave a tier on the defaults: refuse to start instead.
        var problems = policy.Validate(directory.Tree).ToList();
        // Timers cannot wait beyond ~49 days; a minute is already far too slow for a 60 s target, but tests park it.
        if (slaOptions.Value.CheckInterval < TimeSpan.FromMilliseconds(100) || slaOptions.Value.CheckInterval > TimeSpan.FromDays(30))
        {
            problems.Add($"checkInterval must be between 00:00:00.1 and 30.00:00:00, was {slaOptions.Value.CheckInterval}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid Sla settings: " + string.Join("; ", problems));
        }

        foreach (var task in await store.ActiveTasksAsync(cancellationToken))
        {
            if (await incidents.FindAsync(task.IncidentId, cancellationToken) is { } incident)
            {
                board.Apply(task, incident);
            }
        }

        writer.Flushed += OnFlushedAsync;
        await monitor.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        writer.Flushed -= OnFlushedAsync;
        return Task.CompletedTask;
    }

    private async Task OnFlushedAsync(IReadOnlyList<PositionFix> fixes)
    {
        recommender.OnFlushed(fixes);
        var geofence = options.Value.GeofenceMeters;
        foreach (var fix in fixes)
        {
            if (board.OfOfficer(fix.OfficerId) is not { } entry || entry.Task.Status is not (DispatchTaskStatus.Dispatched or DispatchTaskStatus.Accepted))
            {
                continue;
            }

            var distance = Geo.HaversineMeters(fix.Latitude, fix.Longitude, entry.Latitude, entry.Longitude);
            if (distance > geofence || !_arriving.TryAdd(entry.Task.Id, 0))
            {
                continue;
            }

            try
            {
                var reply = await dispatch.ExecuteAsSystemAsync(entry.Task.IncidentId, new ArriveCommand(entry.Task.Id, Auto: true, distance, geofence));
                if (!reply.IsOk && logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Geofence arrival of task {Task} not recorded: {Reason}", entry.Task.Id, reply.Message);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The officer's button still works; the next fix inside the fence tries again.
                logger.LogWarning(ex, "Geofence arrival of task {Task} failed", entry.Task.Id);
            }
            finally
            {
                _arriving.TryRemove(entry.Task.Id, out _);
            }
        }
    }
}
