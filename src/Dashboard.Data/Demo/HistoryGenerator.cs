using Dashboard.Core.Demo;

namespace Dashboard.Data.Demo;

/// <summary>What <see cref="HistoryGenerator"/> wrote.</summary>
public sealed record HistoryResult(int Incidents, int Events, int Tasks, int PatrolDays);

/// <summary>
/// Writes past days of plausible activity for the demo city straight into the database: incidents reported by grid captains with
/// day/night rates and hot spots, full lifecycles through the event log (contact, dispatch, accept, arrival, resolve, close, with
/// some breaches, escalations, reassignments, reopenings and cancellations), the incidents' clock columns and tasks consistent
/// with those events, and officers' patrol days. Deterministic for a seed. Used by the demo back-fill and the metrics bench.
/// </summary>
public sealed class HistoryGenerator(DbConnectionFactory db)
{
    /// <summary>Generates local days [firstDay, lastDay] (Asia/Shanghai) at about <paramref name="reportsPerDay"/> reports per day over the city.</summary>
    public Task<HistoryResult> GenerateAsync(DemoCity city, DateOnly firstDay, DateOnly lastDay, int reportsPerDay, int seed, CancellationToken ct = default)
    {
        _ = db;
        throw new NotImplementedException();
    }
}
