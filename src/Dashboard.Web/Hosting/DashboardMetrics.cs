using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Dashboard.Web.Realtime;

namespace Dashboard.Web.Hosting;

/// <summary>The app's own instruments on the "Dashboard" meter; exported by OpenTelemetry only when an OTLP endpoint is configured.</summary>
public sealed class DashboardMetrics
{
    public const string MeterName = "Dashboard";

    private readonly Counter<long> _reports;
    private readonly Histogram<double> _fanOut;
    private readonly Counter<long> _breaches;

    // Keyed by the event instance, so the commit time travels with it through the notifier's queues without reaching clients.
    private readonly ConditionalWeakTable<LiveEvent, StrongBox<long>> _committed = [];

    public DashboardMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _reports = Meter.CreateCounter<long>("dashboard.reports.received", "{report}", "New incidents reported through intake (duplicates not counted).");
        _fanOut = Meter.CreateHistogram<double>("dashboard.fanout.latency", "ms", "From an event's commit on this node to its hand-over to the hub's clients.");
        _breaches = Meter.CreateCounter<long>("dashboard.sla.breaches", "{breach}", "SLA breaches recorded, by clock (contact, arrival).");
    }

    public Meter Meter { get; }

    public void ReportReceived() => _reports.Add(1);

    public void SlaBreached(string clock) => _breaches.Add(1, new KeyValuePair<string, object?>("clock", clock));

    public void Committed(LiveEvent e) => _committed.AddOrUpdate(e, new StrongBox<long>(Stopwatch.GetTimestamp()));

    public void SentToHub(LiveEvent e)
    {
        if (_committed.TryGetValue(e, out var at))
        {
            _fanOut.Record(Stopwatch.GetElapsedTime(at.Value).TotalMilliseconds, new KeyValuePair<string, object?>("type", e.Type));
        }
    }

    public void ObservePositionQueue(Func<long> pending) =>
        Meter.CreateObservableGauge("dashboard.positions.queue_depth", pending, "{fix}", "Position fixes accepted and not yet written.");
}
