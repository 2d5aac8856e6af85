using Dashboard.Data.Positions;

namespace Dashboard.Web.Features.Map;

/// <summary>Runs the batched position writer with the app: seeds the live feed from storage, then feeds it every flush.</summary>
public sealed class PositionWriterHost(PositionWriter writer, PositionRepository positions, PositionFeed feed, Hosting.DashboardMetrics metrics) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Load(await positions.LatestAsync(cancellationToken));
        writer.Flushed += feed.OnFlushedAsync;
        writer.Start();
        metrics.ObservePositionQueue(() => writer.Pending);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Everything accepted with a 202 is written before the process goes.
        await writer.FlushAsync(cancellationToken);
        writer.Flushed -= feed.OnFlushedAsync;
    }
}
