using System.Collections.Concurrent;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Map;

public sealed class PositionFeedOptions
{
    public const string Section = "Positions:Feed";

    /// <summary>Pushes per subscriber are at most one per interval: 500 ms keeps the map at ≤ 2 updates/s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>No fix for this long shows the officer as offline.</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>No fix for this long takes the officer off the map.</summary>
    public TimeSpan HideAfter { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>A map delta: compact rows [id, lat, lon, status] and the ids to remove.</summary>
public sealed record OfficerDelta(IReadOnlyList<object[]> Upserts, IReadOnlyList<int> Removals)
{
    public bool IsEmpty => Upserts.Count == 0 && Removals.Count == 0;
}

/// <summary>
/// The live officer layer: keeps each officer's latest durable fix and, once per interval, sends every subscriber
/// the officers in its scope that changed since the last tick (last position wins), as compact rows.
/// A burst of 100 fixes for one officer within a tick is one row in one push.
/// </summary>
public sealed class PositionFeed : IDisposable
{
    private readonly CityDirectory _directory;
    private readonly TaskBoard? _board;
    private readonly TimeProvider _time;
    private readonly PositionFeedOptions _options;
    private readonly ConcurrentDictionary<int, Dot> _dots = new();
    private readonly ConcurrentDictionary<int, byte> _dirty = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private Subscriber[] _subscribers = [];
    private int _ticking;

    private sealed record Dot(PositionFix Fix, OfficerStatus Status, bool Hidden);

    /// <summary>A map: officers changed since its last push wait in Pending; Busy while a push to it is on its way.</summary>
    private sealed record Subscriber(string ScopeCode, Func<OfficerDelta, Task> Handler, HashSet<string> Townships)
    {
        public ConcurrentDictionary<int, byte> Pending { get; } = new();

        public int Busy;
    }

    public PositionFeed(CityDirectory directory, TimeProvider time, IOptions<PositionFeedOptions> options, TaskBoard? board = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _board = board;
        if (board is not null)
        {
            board.OfficerChanged += Touch;
        }

        _time = time;
        _options = options.Value;
        _timer = time.CreateTimer(_ => _ = TickAsync(), null, _options.Interval, _options.Interval);
    }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Fixes that moved an officer's latest position (after they are durable).</summary>
    public Task OnFlushedAsync(IReadOnlyList<PositionFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        foreach (var fix in fixes)
        {
            _dots.AddOrUpdate(fix.OfficerId, _ => new Dot(fix, StatusOf(fix), false), (_, old) => fix.At >= old.Fix.At ? new Dot(fix, StatusOf(fix), false) : old);
            _dirty[fix.OfficerId] = 0;
        }

        return Task.CompletedTask;
    }

    /// <summary>Seeds the feed from storage at start-up; no pushes.</summary>
    public void Load(IEnumerable<PositionFix> latest)
    {
        ArgumentNullException.ThrowIfNull(latest);
        foreach (var fix in latest)
        {
            _dots[fix.OfficerId] = new Dot(fix, StatusOf(fix), IsHidden(fix));
        }
    }

    /// <summary>Every officer's latest known fix.</summary>
    public IEnumerable<PositionFix> AllLatest() => _dots.Values.Select(d => d.Fix);

    /// <summary>An officer's status changed without a new fix (a task began or ended): send it with the next tick.</summary>
    public void Touch(int officerId)
    {
        if (_dots.TryGetValue(officerId, out var dot))
        {
            _dots[officerId] = dot with { Status = StatusOf(dot.Fix) };
            _dirty[officerId] = 0;
        }
    }

    public PositionFix? LatestOf(int officerId) => _dots.TryGetValue(officerId, out var dot) ? dot.Fix : null;

    public OfficerStatus StatusOf(int officerId) => _dots.TryGetValue(officerId, out var dot) ? dot.Status : OfficerStatus.Offline;

    /// <summary>Every visible officer in scope, for a map's first paint.</summary>
    public IReadOnlyList<object[]> Snapshot(string scopeCode)
    {
        var townships = TownshipsOf(scopeCode);
        return _directory.Current.Officers
            .Where(o => townships.Contains(o.TownshipCode) && _dots.TryGetValue(o.Id, out var dot) && !dot.Hidden)
            .Select(o => Row(o.Id, _dots[o.Id]))
            .ToList();
    }

    public IDisposable Subscribe(string scopeCode, Func<OfficerDelta, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscriber = new Subscriber(scopeCode, handler, TownshipsOf(scopeCode));
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }

        return new Unsubscriber(this, subscriber);
    }

    /// <summary>One tick: status changes by age, then one delta per subscriber. Public so tests can drive it.</summary>
    public async Task TickAsync()
    {
        // A slow subscriber must not make ticks pile up on each other.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            foreach (var (id, dot) in _dots)
            {
                var status = StatusOf(dot.Fix, now);
                var hidden = IsHidden(dot.Fix, now);
                if (status != dot.Status || hidden != dot.Hidden)
                {
                    _dots[id] = dot with { Status = status, Hidden = hidden };
                    _dirty[id] = 0;
                }
            }

            // Nothing changed, but a map that was busy may still owe its pending officers.
            if (_dirty.IsEmpty && Volatile.Read(ref _subscribers).All(x => x.Pending.IsEmpty))
            {
                return;
            }

            var changed = new List<int>(_dirty.Count);
            foreach (var id in _dirty.Keys)
            {
                if (_dirty.TryRemove(id, out _))
                {
                    changed.Add(id);
                }
            }

            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                foreach (var id in changed)
                {
                    if (_directory.FindOfficer(id) is { } officer && subscriber.Townships.Contains(officer.TownshipCode))
                    {
                        subscriber.Pending[id] = 0;
                    }
                }

                // Each map on its own: a circuit whose browser went away can hold its push for a minute, and the other
                // maps must keep moving meanwhile. Its officers stay pending and go, newest first, once it answers.
                if (!subscriber.Pending.IsEmpty && Interlocked.CompareExchange(ref subscriber.Busy, 1, 0) == 0)
                {
                    _ = PushAsync(subscriber);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private async Task PushAsync(Subscriber subscriber)
    {
        try
        {
            var upserts = new List<object[]>();
            var removals = new List<int>();
            foreach (var id in subscriber.Pending.Keys)
            {
                if (!subscriber.Pending.TryRemove(id, out _) || !_dots.TryGetValue(id, out var dot))
                {
                    continue;
                }

                if (dot.Hidden)
                {
                    removals.Add(id);
                }
                else
                {
                    upserts.Add(Row(id, dot));
                }
            }

            if (upserts.Count > 0 || removals.Count > 0)
            {
                await subscriber.Handler(new OfficerDelta(upserts, removals));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A circuit that went away mid-push is the circuit's problem; the other maps keep moving.
        }
        finally
        {
            Volatile.Write(ref subscriber.Busy, 0);
        }
    }

    private HashSet<string> TownshipsOf(string scopeCode) =>
        _directory.Tree.Subtree(scopeCode).Where(n => n.Level == Core.Jurisdictions.JurisdictionLevel.Township).Select(n => n.Code)
            .Concat(_directory.Tree.AncestorAt(scopeCode, Core.Jurisdictions.JurisdictionLevel.Township) is { } t ? [t.Code] : [])
            .ToHashSet(StringComparer.Ordinal);

    private static object[] Row(int id, Dot dot) =>
        [id, Math.Round(dot.Fix.Latitude, 6), Math.Round(dot.Fix.Longitude, 6), (int)dot.Status];

    private OfficerStatus StatusOf(PositionFix fix) => StatusOf(fix, _time.GetUtcNow());

    // The task decides while the officer is reachable; a silent phone shows offline whatever the task.
    private OfficerStatus StatusOf(PositionFix fix, DateTimeOffset now) =>
        now - fix.At > _options.OfflineAfter ? OfficerStatus.Offline : _board?.StatusOf(fix.OfficerId) ?? OfficerStatus.Available;

    private bool IsHidden(PositionFix fix) => IsHidden(fix, _time.GetUtcNow());

    private bool IsHidden(PositionFix fix, DateTimeOffset now) => now - fix.At > _options.HideAfter;

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => !ReferenceEquals(s, subscriber)).ToArray();
        }
    }

    public void Dispose()
    {
        if (_board is not null)
        {
            _board.OfficerChanged -= Touch;
        }

        _timer.Dispose();
    }

    private sealed class Unsubscriber(PositionFeed feed, Subscriber subscriber) : IDisposable
    {
        public void Dispose() => feed.Remove(subscriber);
    }
}
