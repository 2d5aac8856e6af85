using System.Collections.Concurrent;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Officers;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>
/// The active tasks in memory: which officer is busy with which incident, for the recommender, officer statuses on the map,
/// dispatch lines and the geofence. Fed from the store at start-up and from every stored command after that.
/// </summary>
public sealed class TaskBoard
{
    private readonly ConcurrentDictionary<long, Entry> _byIncident = new();
    private readonly ConcurrentDictionary<int, Entry> _byOfficer = new();

    /// <summary>An active task with the place of its incident (the geofence centre) and the incident's seq when it was read.</summary>
    public sealed record Entry(DispatchTask Task, double Latitude, double Longitude, string TownshipCode, long Seq = 0);

    // The newest seq applied per incident: two commands finishing together may report back in either order.
    private readonly ConcurrentDictionary<long, long> _seen = new();
    private readonly Lock _gate = new();
    private const int MaxRemembered = 50_000;

    /// <summary>Raised with the officer whose task state changed (busy flags, map colour).</summary>
    public event Action<int>? OfficerChanged;

    public int Count => _byIncident.Count;

    public void Apply(DispatchTask task, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(incident);
        lock (_gate)
        {
            if (_seen.TryGetValue(task.IncidentId, out var seen) && seen > incident.LastSeq)
            {
                return;
            }

            _seen[task.IncidentId] = incident.LastSeq;
            ApplyLocked(task, incident);
            if (_seen.Count > MaxRemembered)
            {
                // Only a race within moments matters; forget the seqs of incidents with no active task.
                foreach (var id in _seen.Keys.Where(id => !_byIncident.ContainsKey(id)).ToList())
                {
                    _seen.TryRemove(id, out _);
                }
            }
        }
    }

    private void ApplyLocked(DispatchTask task, Incident incident)
    {
        if (task.IsActive)
        {
            var entry = new Entry(task, incident.Latitude, incident.Longitude, incident.TownshipCode, incident.LastSeq);
            if (_byIncident.TryGetValue(task.IncidentId, out var previous) && previous.Task.Id != task.Id)
            {
                Forget(previous);
            }

            _byIncident[task.IncidentId] = entry;
            if (task.Assignee.OfficerId is { } officerId)
            {
                _byOfficer[officerId] = entry;
                OfficerChanged?.Invoke(officerId);
            }
        }
        else if (_byIncident.TryGetValue(task.IncidentId, out var known) && known.Task.Id == task.Id)
        {
            Forget(known);
        }
    }

    public Entry? OfIncident(long incidentId) => _byIncident.GetValueOrDefault(incidentId);

    public Entry? OfOfficer(int officerId) => _byOfficer.GetValueOrDefault(officerId);

    public IEnumerable<Entry> All => _byIncident.Values;

    /// <summary>Dispatched → dispatched, accepted → en route, on scene → on scene; null when the officer has no active task.</summary>
    public OfficerStatus? StatusOf(int officerId) => OfOfficer(officerId)?.Task.Status switch
    {
        DispatchTaskStatus.Dispatched => OfficerStatus.Dispatched,
        DispatchTaskStatus.Accepted => OfficerStatus.EnRoute,
        DispatchTaskStatus.OnScene => OfficerStatus.OnScene,
        _ => null,
    };

    private void Forget(Entry entry)
    {
        _byIncident.TryRemove(new KeyValuePair<long, Entry>(entry.Task.IncidentId, entry));
        if (entry.Task.Assignee.OfficerId is { } officerId && _byOfficer.TryGetValue(officerId, out var mine) && mine.Task.Id == entry.Task.Id)
        {
            _byOfficer.TryRemove(new KeyValuePair<int, Entry>(officerId, mine));
            OfficerChanged?.Invoke(officerId);
        }
    }
}
