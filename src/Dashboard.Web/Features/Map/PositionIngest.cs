using Dashboard.Core.Positions;
using Dashboard.Data.Positions;

namespace Dashboard.Web.Features.Map;

public enum IngestOutcome
{
    Accepted,
    Busy,
}

/// <summary>The one path every position takes, from phones, OsmAnd/Traccar clients and the simulator: filter, then queue for the batched writer.</summary>
public sealed class PositionIngest(JitterFilter filter, PositionWriter writer)
{
    /// <summary>How long a request may wait for room in the writer's queue before the client is told to back off.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    public async Task<(IngestOutcome Outcome, int Accepted, int Filtered)> SubmitAsync(IReadOnlyList<PositionFix> fixes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        int accepted = 0, filtered = 0;
        foreach (var fix in fixes)
        {
            if (filter.Check(fix) != JitterVerdict.Keep)
            {
                filtered++;
                continue;
            }

            if (!await writer.EnqueueAsync(fix, MaxWait, ct))
            {
                // What was queued is written; a retry of the whole batch is harmless because repeats are filtered as duplicates.
                return (IngestOutcome.Busy, accepted, filtered);
            }

            accepted++;
        }

        return (IngestOutcome.Accepted, accepted, filtered);
    }
}
