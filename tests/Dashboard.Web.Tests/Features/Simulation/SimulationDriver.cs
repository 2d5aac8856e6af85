using Dapper;
using Dashboard.Data;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Simulation;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Simulation;

/// <summary>Drives the app's own simulator by hand: the test moves the fake clock, ticks once, and waits for the positions to be durable.</summary>
internal static class SimulationDriver
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static FieldSimulation Simulation(this DashboardAppFactory factory) => factory.Services.GetRequiredService<FieldSimulation>();

    public static SimulationSettings SimulationSettings(this DashboardAppFactory factory) => factory.Services.GetRequiredService<SimulationSettings>();

    public static void Configure(this DashboardAppFactory factory, Action<SimulationOptions> change)
    {
        var settings = factory.SimulationSettings();
        var next = settings.Current;
        change(next);
        Assert.Empty(settings.Apply(next, "test"));
    }

    /// <summary>Advances the clock, plays one tick and flushes the position writer (which also runs the geofence).</summary>
    public static async Task StepAsync(this DashboardAppFactory factory, double seconds = 1)
    {
        factory.Time.Advance(TimeSpan.FromSeconds(seconds));
        await factory.Simulation().TickAsync(Ct);
        await factory.Services.GetRequiredService<PositionWriter>().FlushAsync(Ct);
    }

    public sealed record TrackPoint(long OfficerId, double Lat, double Lon, DateTimeOffset At);

    public static async Task<List<TrackPoint>> TracksAsync(this DashboardAppFactory factory, int? officerId = null)
    {
        await using var connection = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenTracksAsync(Ct);
        var rows = await connection.QueryAsync<(long OfficerId, double Lat, double Lon, string At)>(
            "SELECT officer_id, lat, lon, at FROM officer_tracks WHERE @Id IS NULL OR officer_id = @Id ORDER BY officer_id, at", new { Id = officerId });
        return rows.Select(r => new TrackPoint(r.OfficerId, r.Lat, r.Lon, DateTimeOffset.Parse(r.At, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }
}
