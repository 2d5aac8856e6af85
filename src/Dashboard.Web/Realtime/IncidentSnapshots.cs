using System.Collections.Concurrent;
using Dashboard.Core.Incidents;

namespace Dashboard.Web.Realtime;

/// <summary>
/// One shared instance per incident version for the whole server. Every open console of a scope loads the same open
/// incidents; without sharing, each circuit keeps its own copies (the largest part of what a dashboard circuit holds).
/// Incidents are immutable records, so handing the same instance to many circuits is safe. Entries are weak: an incident
/// no circuit holds any more is collected, and its entry is swept later.
/// </summary>
public sealed class IncidentSnapshots
{
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<long, WeakReference<Incident>> _byId = new();
    private int _sinceSweep;

    public int Count => _byId.Count;

    /// <summary>The shared instance equal to <paramref name="incident"/>; it becomes the shared one when it is newer or the first.</summary>
    public Incident Share(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (_byId.TryGetValue(incident.Id, out var weak) && weak.TryGetTarget(out var known))
        {
            if (known.LastSeq == incident.LastSeq && known.Equals(incident))
            {
                return known;
            }

            if (known.LastSeq > incident.LastSeq)
            {
                return incident;
            }
        }

        _byId[incident.Id] = new WeakReference<Incident>(incident);
        if (Interlocked.Increment(ref _sinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _sinceSweep, 0);
            Sweep();
        }

        return incident;
    }

    /// <summary>Drops the entries whose incident was collected.</summary>
    public void Sweep()
    {
        foreach (var (id, weak) in _byId)
        {
            if (!weak.TryGetTarget(out _))
            {
                _byId.TryRemove(new KeyValuePair<long, WeakReference<Incident>>(id, weak));
            }
        }
    }
}
