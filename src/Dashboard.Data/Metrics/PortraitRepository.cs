using Dashboard.Core.Metrics;

namespace Dashboard.Data.Metrics;

/// <summary>
/// Reads what <see cref="PortraitCalculator"/> needs for one subject: the subject and its peers (same parent), the roster under
/// the parent, the officer tasks dispatched in the range with their incidents' state at the range end (from incident_events),
/// the patrol days and the active categories; then builds the report.
/// </summary>
public sealed class PortraitRepository(DbConnectionFactory db)
{
    /// <summary>The report, or null when no subject of that kind has that id (officer id as text, team code, township code).</summary>
    public Task<PortraitReport?> LoadAsync(PortraitKind kind, string id, MetricRange range, TrendBucket bucket, TimeZoneInfo zone, CancellationToken ct = default)
    {
        _ = db;
        throw new NotImplementedException();
    }

    /// <summary>Adds distance and fixes to officers' local days (upsert), in one transaction. Used by the position writer and the history generator.</summary>
    public Task AddPatrolAsync(IReadOnlyList<PatrolDayIncrement> increments, CancellationToken ct = default) => throw new NotImplementedException();
}

/// <summary>Distance and fix count to add to one officer's local day.</summary>
public sealed record PatrolDayIncrement(int OfficerId, DateOnly Day, double DistanceMeters, int Fixes);
