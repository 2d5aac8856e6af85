using System.Collections.Immutable;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Realtime;

/// <summary>
/// The open incidents of a scope, one table per scope for the whole server, shared by every console of that scope. The
/// notifier applies each event here before it fans the event out, so a console that handles the event reads a table that
/// already holds it. Each console's queue and map kept a table of their own before: with 2,000 open incidents in a breach
/// storm that was a third of a megabyte per console.
/// </summary>
public sealed class OpenIncidents(CityDirectory directory, IncidentRepository incidents, IncidentSnapshots snapshots)
{
    /// <summary>How many open incidents a table loads at first (newest first); later events add to it without limit.</summary>
    public const int LoadLimit = 5000;

    private static readonly IncidentStatus[] OpenStatuses =
        Enum.GetValues<IncidentStatus>().Where(s => s is not (IncidentStatus.Closed or IncidentStatus.Cancelled)).ToArray();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, OpenIncidentTable> _byScope = [];
    private OpenIncidentTable[] _tables = [];

    /// <summary>The scopes that have a table now (a console of theirs is open).</summary>
    public int TableCount => Volatile.Read(ref _tables).Length;

    /// <summary>The scope's table, loaded; dispose the lease when the console closes (the last one drops the table).</summary>
    public async Task<OpenIncidentTable.Lease> AcquireAsync(JurisdictionNode scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        OpenIncidentTable table;
        lock (_gate)
        {
            if (!_byScope.TryGetValue(scope.Code, out table!))
            {
                table = new OpenIncidentTable(this, scope.Code, snapshots);
                _byScope[scope.Code] = table;
                _tables = [.. _tables, table];
                // Registered before it loads: an event committed meanwhile is applied, and the load does not roll it back.
                table.Loaded = LoadAsync(table, scope.ToFilter());
            }

            table.Users++;
        }

        var lease = new OpenIncidentTable.Lease(table);
        try
        {
            await table.Loaded.WaitAsync(ct);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Called by the notifier for every event it delivers, before its subscribers see it.</summary>
    internal void Apply(Incident incident)
    {
        var tables = Volatile.Read(ref _tables);
        if (tables.Length == 0)
        {
            return;
        }

        var tree = directory.Tree;
        foreach (var table in tables)
        {
            if (tree.Concerns(incident, table.ScopeCode))
            {
                table.Offer(incident);
            }
        }
    }

    internal void Release(OpenIncidentTable table)
    {
        lock (_gate)
        {
            if (--table.Users > 0)
            {
                return;
            }

            _byScope.Remove(table.ScopeCode);
            _tables = _tables.Where(t => !ReferenceEquals(t, table)).ToArray();
        }
    }

    private async Task LoadAsync(OpenIncidentTable table, ScopeFilter scope)
    {
        await Task.Yield();
        foreach (var incident in await incidents.ListAsync(new IncidentQuery(scope, OpenStatuses, Limit: LoadLimit)))
        {
            table.Offer(incident);
        }
    }
}

/// <summary>One scope's open incidents (see <see cref="OpenIncidents"/>): read without locks, written under one.</summary>
public sealed class OpenIncidentTable
{
    // Ended incidents remembered so a late event of an older, still open version does not bring one back.
    private const int EndedMemory = 4096;

    private readonly OpenIncidents _owner;
    private readonly IncidentSnapshots _snapshots;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, long> _endedSeq = [];
    private readonly Queue<long> _endedOrder = new();
    private ImmutableDictionary<long, Incident> _open = ImmutableDictionary<long, Incident>.Empty;

    internal OpenIncidentTable(OpenIncidents owner, string scopeCode, IncidentSnapshots snapshots)
    {
        _owner = owner;
        _snapshots = snapshots;
        ScopeCode = scopeCode;
    }

    public string ScopeCode { get; }

    /// <summary>The open incidents by id as of now: an immutable snapshot, safe to enumerate while events arrive.</summary>
    public IReadOnlyDictionary<long, Incident> Items => Volatile.Read(ref _open);

    internal int Users { get; set; }

    internal Task Loaded { get; set; } = Task.CompletedTask;

    /// <summary>
    /// Takes <paramref name="incident"/> if it is newer than what the table knows of it: an open one is added or replaces
    /// its older version, an ended one leaves. A console offers what its own command returned, before the event arrives.
    /// </summary>
    public void Offer(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        lock (_gate)
        {
            if ((_open.TryGetValue(incident.Id, out var known) && known.LastSeq > incident.LastSeq)
                || (_endedSeq.TryGetValue(incident.Id, out var ended) && ended >= incident.LastSeq))
            {
                return;
            }

            if (incident.IsOpen)
            {
                _endedSeq.Remove(incident.Id);
                Volatile.Write(ref _open, _open.SetItem(incident.Id, _snapshots.Share(incident)));
                return;
            }

            Volatile.Write(ref _open, _open.Remove(incident.Id));
            if (_endedSeq.TryAdd(incident.Id, incident.LastSeq))
            {
                _endedOrder.Enqueue(incident.Id);
                if (_endedOrder.Count > EndedMemory)
                {
                    _endedSeq.Remove(_endedOrder.Dequeue());
                }
            }
            else
            {
                _endedSeq[incident.Id] = incident.LastSeq;
            }
        }
    }

    /// <summary>A console's hold on the table; disposing it twice releases once.</summary>
    public sealed class Lease(OpenIncidentTable table) : IDisposable
    {
        private int _disposed;

        public OpenIncidentTable Table { get; } = table;

        public IReadOnlyDictionary<long, Incident> Items => Table.Items;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Table._owner.Release(Table);
            }
        }
    }
}
