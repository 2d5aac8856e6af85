namespace Dashboard.Web.Features.Simulation;

/// <summary>Ticks the <see cref="FieldSimulation"/> once a second (TimeProvider time) while the settings say it runs.</summary>
public sealed class FieldSimulator(FieldSimulation simulation, SimulationSettings settings, TimeProvider time, ILogger<FieldSimulator> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the first tick touches the database.
        await Task.Yield();
        if (settings.Running)
        {
            logger.LogInformation("Field simulation running (switch it at /admin/simulation)");
        }

        var next = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (settings.Running)
            {
                try
                {
                    await simulation.TickAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The simulator must never take the app down; the next tick tries again.
                    logger.LogError(ex, "Field simulation tick failed");
                }
            }

            // Due times are absolute, so a tick that ran long (or a clock advanced by hand) is followed at once.
            next += Interval;
            var delay = next - time.GetUtcNow();
            if (delay <= TimeSpan.Zero)
            {
                next = time.GetUtcNow();
                await Task.Yield();
                continue;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
