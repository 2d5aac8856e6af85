using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Dashboard.Web.Tests.Hosting;

public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_report_moves_the_intake_counter_and_the_fan_out_histogram_and_the_queue_gauge_is_observable()
    {
        await using var factory = new DashboardAppFactory();
        using var captain = await factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var meter = factory.Services.GetRequiredService<DashboardMetrics>().Meter;
        Assert.Null(factory.Services.GetService<MeterProvider>());

        var measured = new ConcurrentQueue<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this app's meter: other tests' apps run in the same process with meters of the same name.
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => measured.Enqueue((i.Name, v)));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measured.Enqueue((i.Name, v)));
        listener.Start();

        var (lat, lon) = factory.PointIn(factory.HomeTownship());
        var response = await captain.PostAsJsonAsync("/api/v1/incidents",
            new { clientId = Guid.NewGuid().ToString("N"), category = "ZDJY", description = "占道经营", lat, lon }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!measured.Any(m => m.Name == "dashboard.fanout.latency") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(1, measured.Where(m => m.Name == "dashboard.reports.received").Sum(m => m.Value));
        var latency = Assert.Single(measured, m => m.Name == "dashboard.fanout.latency").Value;
        Assert.InRange(latency, 0, 10_000);

        listener.RecordObservableInstruments();
        Assert.Contains(measured, m => m.Name == "dashboard.positions.queue_depth" && m.Value >= 0);
    }

    [Fact]
    public async Task The_OpenTelemetry_SDK_runs_only_when_an_OTLP_endpoint_is_configured()
    {
        await using var factory = new DashboardAppFactory { Settings = new Dictionary<string, string> { ["OpenTelemetry:OtlpEndpoint"] = "http://127.0.0.1:1" } };
        using var client = factory.CreateClient();

        Assert.NotNull(factory.Services.GetService<MeterProvider>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }
}
