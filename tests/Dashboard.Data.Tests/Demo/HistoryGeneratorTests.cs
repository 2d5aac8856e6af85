using System.Text.Json;
using Dapper;
using Dashboard.Core.Demo;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Demo;
using Dashboard.Data.Incidents;
using Dashboard.Data.Metrics;

namespace Dashboard.Data.Tests.Demo;

public abstract class HistoryGeneratorTests : DatabaseTests
{
    private const int Seed = 42;
    private static readonly DateOnly First = new(2025, 3, 7);
    private static readonly DateOnly Last = new(2025, 3, 9);

    private static readonly Lazy<DemoCity> City = new(() => DemoCityGenerator.Generate());

    [Fact]
    public async Task Writes_what_it_reports_with_consistent_lifecycles_and_sensible_kpis()
    {
        await using var db = await CreateCityAsync();

        var result = await new HistoryGenerator(db.Factory).GenerateAsync(City.Value, First, Last, 300, Seed, Ct);

        await using var connection = await db.Factory.OpenAsync(Ct);
        Assert.Equal(result.Incidents, await Count("incidents"));
        Assert.Equal(result.Events, await Count("incident_events"));
        Assert.Equal(result.Tasks, await Count("tasks"));
        Assert.Equal(result.PatrolDays, await Count("officer_patrol_days"));
        Assert.InRange(result.Incidents, 3 * 300 * 0.75, 3 * 300 * 1.1);
        Assert.InRange(result.Events, result.Incidents * 6, result.Incidents * 12);

        var incidents = (await connection.QueryAsync<IncidentRow>(new CommandDefinition(IncidentsSql, cancellationToken: Ct))).ToList();
        var events = (await connection.QueryAsync<EventRow>(new CommandDefinition(EventsSql, cancellationToken: Ct))).ToLookup(e => e.IncidentId);
        var tasks = (await connection.QueryAsync<TaskRow>(new CommandDefinition(TasksSql, cancellationToken: Ct))).ToLookup(t => t.IncidentId);
        foreach (var incident in incidents)
        {
            CheckLifecycle(incident, events[incident.Id].ToList(), tasks[incident.Id].ToList());
        }

        // Global seqs follow time, as commits of the live system do.
        var all = events.SelectMany(g => g).OrderBy(e => e.Seq).ToList();
        Assert.Equal(all.Count, all.Select(e => e.Seq).Distinct().Count());

        // The mix of outcomes.
        var types = all.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Select(e => e.IncidentId).Distinct().Count());
        var n = (double)incidents.Count;
        Assert.InRange(types[IncidentEventTypes.SlaBreached] / n, 0.05, 0.15);
        Assert.InRange(types[IncidentEventTypes.Escalated] / n, 0.04, 0.15);
        Assert.InRange(types[IncidentEventTypes.Cancelled] / n, 0.01, 0.06);
        Assert.InRange(types[IncidentEventTypes.Reopened] / n, 0.005, 0.05);
        Assert.InRange(types[IncidentEventTypes.Reassigned] / n, 0.005, 0.06);
        Assert.True(incidents.Count(i => i.Status is not ((int)IncidentStatus.Closed or (int)IncidentStatus.Cancelled)) <= n * 0.02);

        // Reports by local hour: quiet nights, busy days.
        var hours = incidents.GroupBy(i => TimeZoneInfo.ConvertTime(i.ReportedAt, MetricRange.Shanghai).Hour).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(hours.GetValueOrDefault(3) * 5 < hours.GetValueOrDefault(10), $"03h {hours.GetValueOrDefault(3)}, 10h {hours.GetValueOrDefault(10)}");

        // Officers: mostly of the incident's township; patrol days of 20–60 km.
        var officerTownship = City.Value.Officers.ToDictionary(o => o.Id, o => o.TownshipCode);
        var officerTasks = tasks.SelectMany(g => g).Where(t => t.OfficerId is not null).ToList();
        var township = incidents.ToDictionary(i => i.Id, i => i.TownshipCode);
        Assert.True(officerTasks.Count(t => officerTownship[t.OfficerId!.Value] == township[t.IncidentId]) > officerTasks.Count * 0.9);
        var distances = (await connection.QueryAsync<double>(new CommandDefinition("SELECT distance_m FROM officer_patrol_days", cancellationToken: Ct))).ToList();
        Assert.All(distances, d => Assert.InRange(d, 20_000, 60_000));
        Assert.InRange(distances.Count, City.Value.Officers.Count * 3 * 0.6, City.Value.Officers.Count * 3 * 0.8);

        var range = MetricRange.Custom(First, Last, MetricRange.Shanghai);
        var kpis = await new MetricsRepository(db.Factory).TierKpisAsync(new ScopeFilter(JurisdictionLevel.City, DemoCityGenerator.CityCode), range, Ct);
        var city = kpis[0];
        Assert.Equal(result.Incidents, city.Reports);
        Assert.Equal(DemoCityGenerator.DistrictCount, kpis.Count - 1);
        Assert.All(kpis.Skip(1), d => Assert.True(d.Reports > 0));
        Assert.InRange(city.ClosureRate ?? 0, 0.95, 1.0);
        Assert.InRange(city.Cancelled, 1, city.Reports / 10);
        Assert.InRange(city.ContactP50Seconds ?? 0, 10, 45);
        Assert.InRange(city.ContactP90Seconds ?? 0, 30, 90);
        Assert.InRange(city.ArrivalP50Seconds ?? 0, 90, 240);
        Assert.InRange((double)city.ContactInTime / city.ContactDecided, 0.85, 0.99);
        Assert.InRange((double)city.ArrivalInTime / city.ArrivalDecided, 0.85, 0.99);
        Assert.True(city.Escalations > 0);
        Assert.Equal(City.Value.Officers.Count, city.Officers);
        Assert.Equal(city.ActiveCategories, city.CategoriesCovered);

        async Task<long> Count(string table) =>
            await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {table}", cancellationToken: Ct));
    }

    [Fact]
    public async Task The_same_seed_writes_the_same_history_and_another_seed_does_not()
    {
        await using var a = await CreateCityAsync();
        await using var b = await CreateCityAsync();
        await using var c = await CreateCityAsync();

        var ra = await new HistoryGenerator(a.Factory).GenerateAsync(City.Value, First, First, 120, Seed, Ct);
        var rb = await new HistoryGenerator(b.Factory).GenerateAsync(City.Value, First, First, 120, Seed, Ct);
        await new HistoryGenerator(c.Factory).GenerateAsync(City.Value, First, First, 120, Seed + 1, Ct);

        Assert.Equal(ra, rb);
        var dump = await DumpAsync(a);
        Assert.Equal(dump, await DumpAsync(b));
        Assert.NotEqual(dump, await DumpAsync(c));
    }

    [Fact]
    public async Task A_second_run_continues_after_existing_ids_and_seqs()
    {
        await using var db = await CreateCityAsync();
        var generator = new HistoryGenerator(db.Factory);

        var first = await generator.GenerateAsync(City.Value, First, First, 50, Seed, Ct);
        var second = await generator.GenerateAsync(City.Value, Last, Last, 50, Seed, Ct);

        await using var connection = await db.Factory.OpenAsync(Ct);
        Assert.Equal(first.Incidents + second.Incidents, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM incidents", cancellationToken: Ct)));
        Assert.Equal(first.Events + second.Events, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT MAX(seq) FROM incident_events", cancellationToken: Ct)));
        var events = (await connection.QueryAsync<EventRow>(new CommandDefinition(EventsSql, cancellationToken: Ct))).ToList();
        Assert.All(events.Where(e => e.Seq > first.Events), e => Assert.True(e.IncidentId > first.Incidents));
    }

    private async Task<TestDatabase> CreateCityAsync()
    {
        var db = await CreateMigratedAsync();
        await new DemoCitySeeder(db.Factory).SeedIfEmptyAsync(City.Value, Ct);
        return db;
    }

    private static void CheckLifecycle(IncidentRow incident, List<EventRow> events, List<TaskRow> tasks)
    {
        var where = $"incident {incident.Id}";
        Assert.NotEmpty(events);
        Assert.Equal(IncidentEventTypes.Reported, events[0].Type);
        Assert.Equal(incident.ReportedAt, events[0].At);
        Assert.Equal(incident.LastSeq, events[^1].Seq);
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Seq > events[i - 1].Seq, where);
            Assert.True(events[i].At >= events[i - 1].At, where);
        }

        // Replays the statuses: each event must be legal in the state it finds.
        var status = IncidentStatus.Reported;
        foreach (var e in events.Skip(1))
        {
            status = e.Type switch
            {
                IncidentEventTypes.Contacted when status is IncidentStatus.Reported => IncidentStatus.Contacted,
                IncidentEventTypes.Dispatched when status is IncidentStatus.Reported or IncidentStatus.Contacted => IncidentStatus.Dispatched,
                IncidentEventTypes.Reassigned when status is IncidentStatus.Dispatched or IncidentStatus.Accepted or IncidentStatus.OnScene => IncidentStatus.Dispatched,
                IncidentEventTypes.Accepted when status is IncidentStatus.Dispatched => IncidentStatus.Accepted,
                IncidentEventTypes.OnScene when status is IncidentStatus.Dispatched or IncidentStatus.Accepted => IncidentStatus.OnScene,
                IncidentEventTypes.Resolved when status is IncidentStatus.OnScene => IncidentStatus.Resolved,
                IncidentEventTypes.Closed when status is IncidentStatus.Resolved => IncidentStatus.Closed,
                IncidentEventTypes.Reopened when status is IncidentStatus.Resolved or IncidentStatus.Closed => IncidentStatus.Contacted,
                IncidentEventTypes.Cancelled when status is not (IncidentStatus.Closed or IncidentStatus.Cancelled) => IncidentStatus.Cancelled,
                IncidentEventTypes.SlaBreached or IncidentEventTypes.Escalated when status is not (IncidentStatus.Closed or IncidentStatus.Cancelled) => status,
                _ => throw new Xunit.Sdk.XunitException($"{where}: {e.Type} in status {status}"),
            };
        }

        Assert.Equal((int)status, incident.Status);

        // Clock columns agree with the event log.
        DateTimeOffset? FirstAt(string type) => events.FirstOrDefault(e => e.Type == type)?.At;
        DateTimeOffset? LastAt(string type) => events.LastOrDefault(e => e.Type == type)?.At;
        Assert.Equal(FirstAt(IncidentEventTypes.Contacted), incident.ContactedAt);
        Assert.Equal(FirstAt(IncidentEventTypes.Dispatched), incident.DispatchedAt);
        Assert.Equal(FirstAt(IncidentEventTypes.OnScene), incident.OnSceneAt);
        Assert.Equal(status == IncidentStatus.Closed ? LastAt(IncidentEventTypes.Closed) : null, incident.ClosedAt);
        Assert.Equal(incident.ContactedAt is { } c ? (c - incident.ReportedAt).Ticks / TimeSpan.TicksPerMillisecond : null, incident.ContactMs);
        Assert.Equal(incident.OnSceneAt is { } o ? (o - incident.DispatchedAt!.Value).Ticks / TimeSpan.TicksPerMillisecond : null, incident.ArrivalMs);
        int Breaches(string clock) => events.Count(e => e.Type == IncidentEventTypes.SlaBreached && ClockOf(e) == clock);
        Assert.Equal(Breaches("Contact"), incident.ContactBreaches);
        Assert.Equal(Breaches("Arrival"), incident.ArrivalBreaches);
        Assert.Equal(events.Count(e => e.Type == IncidentEventTypes.Escalated), incident.Escalations);
        if (incident.ContactMs is { } contactMs)
        {
            Assert.Equal(contactMs / 60_000, incident.ContactBreaches);
        }

        if (incident.ArrivalMs is { } arrivalMs)
        {
            Assert.Equal(arrivalMs / 300_000, incident.ArrivalBreaches);
        }

        // Tasks: the incident's current one is its latest, every event names one of its own, none is left active at the end.
        Assert.Equal(tasks.Count == 0 ? null : tasks.Max(t => t.Id), incident.TaskId);
        Assert.All(events.Where(e => e.TaskId is not null), e => Assert.Contains(tasks, t => t.Id == e.TaskId));
        Assert.Equal(events.Count(e => e.Type is IncidentEventTypes.Dispatched or IncidentEventTypes.Reassigned), tasks.Count);
        if (status is IncidentStatus.Closed or IncidentStatus.Cancelled)
        {
            Assert.All(tasks, t => Assert.True(t.Status >= 3, $"{where}: task {t.Id} status {t.Status}"));
        }

        if (status == IncidentStatus.Closed)
        {
            Assert.Equal(4, tasks[^1].Status);
        }
    }

    private static string? ClockOf(EventRow e) =>
        e.Payload is null ? null : JsonDocument.Parse(e.Payload).RootElement.TryGetProperty("clock", out var clock) ? clock.GetString() : null;

    private static async Task<List<string>> DumpAsync(TestDatabase db)
    {
        await using var connection = await db.Factory.OpenAsync(Ct);
        var rows = new List<string>();
        foreach (var sql in new[] { IncidentsSql, EventsSql, TasksSql, "SELECT officer_id, day, distance_m, fixes FROM officer_patrol_days ORDER BY officer_id, day" })
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync(new CommandDefinition(sql, cancellationToken: Ct)))
            {
                rows.Add(string.Join("|", row.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return rows;
    }

    private const string IncidentsSql = """
        SELECT id AS Id, code AS Code, category_code AS CategoryCode, township_code AS TownshipCode, status AS Status, reported_at AS ReportedAt,
               contacted_at AS ContactedAt, dispatched_at AS DispatchedAt, on_scene_at AS OnSceneAt, closed_at AS ClosedAt,
               contact_ms AS ContactMs, arrival_ms AS ArrivalMs, contact_breaches AS ContactBreaches, arrival_breaches AS ArrivalBreaches,
               escalations AS Escalations, task_id AS TaskId, last_seq AS LastSeq, lat AS Lat, lon AS Lon, description AS Description
        FROM incidents ORDER BY id
        """;

    private const string EventsSql = """
        SELECT seq AS Seq, incident_id AS IncidentId, task_id AS TaskId, type AS Type, actor AS Actor, at AS At, payload AS Payload
        FROM incident_events ORDER BY incident_id, seq
        """;

    private const string TasksSql = """
        SELECT id AS Id, incident_id AS IncidentId, officer_id AS OfficerId, captain_code AS CaptainCode, status AS Status,
               dispatched_at AS DispatchedAt, resolved_at AS ResolvedAt, ended_at AS EndedAt
        FROM tasks ORDER BY incident_id, id
        """;

    private sealed class IncidentRow
    {
        public long Id { get; set; }
        public string Code { get; set; } = "";
        public string CategoryCode { get; set; } = "";
        public string TownshipCode { get; set; } = "";
        public int Status { get; set; }
        public DateTimeOffset ReportedAt { get; set; }
        public DateTimeOffset? ContactedAt { get; set; }
        public DateTimeOffset? DispatchedAt { get; set; }
        public DateTimeOffset? OnSceneAt { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public long? ContactMs { get; set; }
        public long? ArrivalMs { get; set; }
        public int ContactBreaches { get; set; }
        public int ArrivalBreaches { get; set; }
        public int Escalations { get; set; }
        public long? TaskId { get; set; }
        public long LastSeq { get; set; }
        public double Lat { get; set; }
        public double Lon { get; set; }
        public string Description { get; set; } = "";
    }

    private sealed class EventRow
    {
        public long Seq { get; set; }
        public long IncidentId { get; set; }
        public long? TaskId { get; set; }
        public string Type { get; set; } = "";
        public string Actor { get; set; } = "";
        public DateTimeOffset At { get; set; }
        public string? Payload { get; set; }
    }

    private sealed class TaskRow
    {
        public long Id { get; set; }
        public long IncidentId { get; set; }
        public int? OfficerId { get; set; }
        public string? CaptainCode { get; set; }
        public int Status { get; set; }
        public DateTimeOffset DispatchedAt { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
    }
}

public sealed class SqliteHistoryGeneratorTests : HistoryGeneratorTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

public sealed class SqlServerHistoryGeneratorTests : HistoryGeneratorTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}
