using System.Collections.Concurrent;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Realtime;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Sla;

/// <summary>
/// Watches every running clock. When one passes its target (again), records the breach and escalates the incident to the
/// parent tier's queue. Keeps the watch list from the store at start and from live events after that.
/// </summary>
public sealed class SlaMonitor(
    DispatchRepository store,
    DispatchService dispatch,
    IncidentRepository incidents,
    IncidentNotifier notifier,
    TimeProvider time,
    IOptions<SlaOptions> options,
    ILogger<SlaMonitor> logger,
    Hosting.DashboardMetrics metrics) : IDisposable
{
    private readonly ConcurrentDictionary<long, Incident> _watch = new();
    private readonly SemaphoreSlim _checking = new(1, 1);
    private IDisposable? _subscription;
    private ITimer? _timer;

    public int Watching => _watch.Count;

    public async Task StartAsync(CancellationToken ct)
    {
        _subscription = notifier.SubscribeAll(batch =>
        {
            foreach (var e in batch)
            {
                Track(e.Incident);
            }

            return Task.CompletedTask;
        });
        foreach (var incident in await store.OpenWithRunningClocksAsync(ct))
        {
            Track(incident);
        }

        var every = options.Value.CheckInterval;
        _timer = time.CreateTimer(_ => _ = CheckAsync(CancellationToken.None), null, every, every);
    }

    /// <summary>Records every breach that is due now. Public so tests can drive it with a fake clock.</summary>
    public async Task<int> CheckAsync(CancellationToken ct)
    {
        if (!await _checking.WaitAsync(0, ct))
        {
            return 0;
        }

        var recorded = 0;
        try
        {
            var now = time.GetUtcNow();
            foreach (var incident in _watch.Values)
            {
                if (SlaClock.NextBreachAt(incident) is not { } due || due > now)
                {
                    continue;
                }

                var current = incident;
                foreach (var breach in SlaClock.DueBreaches(incident, now))
                {
                    var parent = dispatch.ParentTier(current)?.Code;
                    var reply = await dispatch.ExecuteAsSystemAsync(current.Id, new BreachCommand(breach.Clock, breach.Ordinal, parent), ct);
                    if (!reply.IsOk)
                    {
                        // Someone acted in between (contact, arrival) or the watch held an old state: start again from the store.
                        _watch.TryRemove(current.Id, out _);
                        if (await incidents.FindAsync(current.Id, ct) is { } fresh)
                        {
                            Track(fresh);
                        }

                        break;
                    }

                    current = reply.Result!.Incident;
                    Track(current);
                    metrics.SlaBreached(breach.Clock.ToString().ToLowerInvariant());
                    recorded++;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "SLA check failed; it runs again on the next tick");
        }
        finally
        {
            _checking.Release();
        }

        return recorded;
    }

    private void Track(Incident incident)
    {
        // Once on scene (or closed) no clock of this incident can run again; until then a dispatch may start one.
        if (!incident.IsOpen || incident.OnSceneAt is not null)
        {
            if (_watch.TryGetValue(incident.Id, out var known) && known.LastSeq <= incident.LastSeq)
            {
                _watch.TryRemove(new KeyValuePair<long, Incident>(incident.Id, known));
            }

            return;
        }

        _watch.AddOrUpdate(incident.Id, incident, (_, known) => known.LastSeq <= incident.LastSeq ? incident : known);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
        _checking.Dispose();
    }
}
