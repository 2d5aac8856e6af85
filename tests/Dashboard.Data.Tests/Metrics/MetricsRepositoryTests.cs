using Dapper;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Metrics;
using static Dashboard.Data.Tests.Incidents.IncidentTestData;

namespace Dashboard.Data.Tests.Metrics;

/// <summary>
/// A hand-made event log over a small city, rolled up by <see cref="MetricsRepository"/> and checked against the same KPIs
/// computed here with plain LINQ from the hand-written facts (never from what the database stored).
/// City 330200: district A (TestCity.District) with townships A1 (TestCity.Township) and A2; district B (OtherDistrict) with
/// township B1; district C without townships or reports.
/// </summary>
public abstract class MetricsRepositoryTests : DatabaseTests
{
    private const string A = TestCity.District;
    private const string A1 = TestCity.Township;
    private const string A2 = "330206002";
    private const string B = OtherDistrict;
    private const string B1 = OtherTownship;
    private const string C = "330212";
    private const string Inactive = "LJLD";

    private static readonly TimeSpan ContactTarget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ArrivalTarget = TimeSpan.FromSeconds(300);

    // 2026-11-23 in Asia/Shanghai: [2026-11-22T16:00Z, 2026-11-23T16:00Z).
    private static readonly MetricRange Range = MetricRange.Custom(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 23), MetricRange.Shanghai);
    private static readonly DateTimeOffset From = Range.From;
    private static readonly DateTimeOffset To = Range.To;

    /// <summary>Officers on the roster: TestCity's two in A1, plus one in A2 and three in B1.</summary>
    private static readonly Dictionary<string, int> OfficersByTownship = new() { [A1] = 2, [A2] = 1, [B1] = 3 };

    private sealed record Ev(DateTimeOffset At, string Type, string? Clock = null);

    /// <summary>The facts of one incident. Pauses are (start, end) windows of the clock running then.</summary>
    private sealed record Case(
        string Township,
        string District,
        string Category,
        DateTimeOffset ReportedAt,
        DateTimeOffset? ContactAt = null,
        DateTimeOffset? DispatchedAt = null,
        DateTimeOffset? OnSceneAt = null)
    {
        public List<Ev> Events { get; init; } = [];

        public List<(DateTimeOffset Start, DateTimeOffset End)> ContactPauses { get; init; } = [];

        public List<(DateTimeOffset Start, DateTimeOffset End)> ArrivalPauses { get; init; } = [];

        /// <summary>A pause still running now (started, never resumed).</summary>
        public DateTimeOffset? PausedSince { get; init; }
    }

    private static List<Case> Cases()
    {
        var t = From;
        var lastSecond = To.AddSeconds(-1); // 23:59:59 Shanghai
        var beforeEnd = To.AddMinutes(-10);
        var c4 = t.AddHours(3);
        var c5 = t.AddHours(6);
        var c7 = t.AddHours(8);
        var c8 = t.AddHours(10);
        return
        [
            // 1. A1: contact 30 s, arrival 200 s, closed: on time.
            new(A1, A, "ZDJY", t.AddHours(1), t.AddHours(1).AddSeconds(30), t.AddHours(1).AddSeconds(40), t.AddHours(1).AddSeconds(240))
            {
                Events = [new(t.AddHours(1).AddMinutes(30), IncidentEventTypes.Resolved), new(t.AddHours(2), IncidentEventTypes.Closed)],
            },
            // 2. A1 at 23:59:59: in range; contacted after midnight in 45 s; arrival 400 s wall with 120 s paused = 280 s; closed after to: open at to.
            new(A1, A, "SDLJ", lastSecond, lastSecond.AddSeconds(45), lastSecond.AddSeconds(50), lastSecond.AddSeconds(450))
            {
                ArrivalPauses = [(lastSecond.AddSeconds(100), lastSecond.AddSeconds(220))],
                Events = [new(lastSecond.AddHours(1), IncidentEventTypes.Resolved), new(lastSecond.AddHours(2), IncidentEventTypes.Closed)],
            },
            // 3. A1 at 00:00:00 the next day: out of range, and so is its escalation.
            new(A1, A, "ZDJY", To, To.AddSeconds(10)) { Events = [new(To.AddMinutes(5), IncidentEventTypes.Escalated)] },
            // 4. A2: contact 90 s wall with 40 s paused = 50 s; arrival breached and escalated, on scene at 420 s; closed, then reopened: open, not overdue.
            new(A2, A, "FXCD", c4, c4.AddSeconds(90), c4.AddSeconds(100), c4.AddSeconds(520))
            {
                ContactPauses = [(c4.AddSeconds(20), c4.AddSeconds(60))],
                Events =
                [
                    new(c4.AddSeconds(400), IncidentEventTypes.SlaBreached, "Arrival"), new(c4.AddSeconds(400), IncidentEventTypes.Escalated),
                    new(c4.AddHours(1), IncidentEventTypes.Resolved), new(c4.AddHours(2), IncidentEventTypes.Closed),
                    new(c4.AddHours(3), IncidentEventTypes.Reopened),
                ],
            },
            // 5. A2: never contacted, breached twice and escalated twice: open and overdue.
            new(A2, A, "ZDJY", c5)
            {
                Events =
                [
                    new(c5.AddSeconds(60), IncidentEventTypes.SlaBreached, "Contact"), new(c5.AddSeconds(60), IncidentEventTypes.Escalated),
                    new(c5.AddSeconds(120), IncidentEventTypes.SlaBreached, "Contact"), new(c5.AddSeconds(120), IncidentEventTypes.Escalated),
                ],
            },
            // 6. A1: contact breached, then cancelled: its clock counts neither way; excluded from closure.
            new(A1, A, "YYRM", t.AddHours(7))
            {
                Events = [new(t.AddHours(7).AddSeconds(60), IncidentEventTypes.SlaBreached, "Contact"), new(t.AddHours(7).AddMinutes(2), IncidentEventTypes.Cancelled)],
            },
            // 7. B1: contact exactly 60 s (late), arrival 299.9999999 s (in time); closed: not on time.
            new(B1, B, "ZSRM", c7, c7.AddSeconds(60), c7.AddSeconds(60), c7.AddSeconds(360).AddTicks(-1))
            {
                Events = [new(c7.AddHours(1), IncidentEventTypes.Closed)],
            },
            // 8. B1: closed, reopened, closed again before to: closed, on time.
            new(B1, B, "ZDJY", c8, c8.AddSeconds(20), c8.AddSeconds(30), c8.AddSeconds(130))
            {
                Events =
                [
                    new(c8.AddHours(1), IncidentEventTypes.Closed), new(c8.AddHours(2), IncidentEventTypes.Reopened),
                    new(c8.AddHours(3), IncidentEventTypes.Closed),
                ],
            },
            // 9. B1 at 23:59:59 the day before: not a report of the range, but its escalation inside the range counts.
            new(B1, B, "ZDJY", From.AddSeconds(-1), From.AddSeconds(9)) { Events = [new(t.AddMinutes(30), IncidentEventTypes.Escalated)] },
            // 10. A1: contact 30 s; cancelled only after to: open at to.
            new(A1, A, "JGFS", t.AddHours(14), t.AddHours(14).AddSeconds(30)) { Events = [new(To.AddHours(1), IncidentEventTypes.Cancelled)] },
            // 11. A1: arrival breached before to and still running at to (on scene after to): overdue; arrival decided late.
            new(A1, A, "ZDJY", beforeEnd, beforeEnd.AddSeconds(10), beforeEnd.AddSeconds(20), To.AddMinutes(5))
            {
                Events = [new(beforeEnd.AddSeconds(320), IncidentEventTypes.SlaBreached, "Arrival")],
            },
            // 12. A1: contact clock paused and still paused: open, undecided, not overdue.
            new(A1, A, "ZDJY", t.AddHours(16)) { PausedSince = t.AddHours(16).AddSeconds(10) },
            // 13. B1: a report in a category made inactive: counted as a report, not as coverage.
            new(B1, B, Inactive, t.AddHours(17), t.AddHours(17).AddSeconds(5)),
            // 14. A2: contact 59.9999999 s after a pause, dispatched, still on the way with no breach.
            new(A2, A, "WGGG", t.AddHours(18), t.AddHours(18).AddSeconds(70).AddTicks(-1), t.AddHours(18).AddSeconds(80))
            {
                ContactPauses = [(t.AddHours(18).AddSeconds(5), t.AddHours(18).AddSeconds(15))],
            },
        ];
    }

    [Fact]
    public async Task Tier_kpis_of_city_district_and_township_match_the_hand_computed_values()
    {
        await using var db = await CreateSeededAsync();
        var cases = Cases();
        await BuildAsync(db, cases);
        var metrics = new MetricsRepository(db.Factory);

        var city = await metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.City, TestCity.City), Range, Ct);
        var district = await metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.District, A), Range.From, Range.To, Ct);
        var township = await metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.Township, A1), Range, Ct);

        Assert.Equal([TestCity.City, A, B, C], city.Select(k => k.Code));
        Assert.Equal([A, A1, A2], district.Select(k => k.Code));
        Assert.Equal([A1], township.Select(k => k.Code));

        foreach (var actual in city.Concat(district).Concat(township))
        {
            Assert.Equal(Expected(cases, actual.Code, actual.Name, actual.Level), actual);
        }

        // A few figures by hand as well, so a mistake shared by both computations cannot pass unnoticed.
        var c = city[0];
        Assert.Equal((12, 1, 3, 2, 8, 2), (c.Reports, c.Cancelled, c.Closed, c.ClosedOnTime, c.Open, c.Overdue));
        Assert.Equal((10, 8, 6, 4), (c.ContactDecided, c.ContactInTime, c.ArrivalDecided, c.ArrivalInTime));
        Assert.Equal(4, c.Escalations); // cases 4, 5 (twice) and 9; not 3
        Assert.Equal((6, 7, 11), (c.Officers, c.CategoriesCovered, c.ActiveCategories));
        Assert.Equal(30, c.ContactP50Seconds); // sorted 5, 10, 20, 30, 30, 45, 50, 59.9999999, 60: rank ceil(9 × 0.5) = 5
        Assert.Equal(3.0 / 11, c.ClosureRate);
        var a1 = district[1];
        Assert.Equal((6, 1, 1, 1, 4, 1), (a1.Reports, a1.Cancelled, a1.Closed, a1.ClosedOnTime, a1.Open, a1.Overdue));
        Assert.Equal(280, a1.ArrivalP50Seconds); // 200, 280 and 880 (on scene only after to)
        Assert.Equal(880, a1.ArrivalP90Seconds);
        var empty = city[3];
        Assert.Equal(0, empty.Reports);
        Assert.Null(empty.ContactP50Seconds);
        Assert.Null(empty.ClosureRate);
        Assert.Null(empty.CasesPerOfficer);
        Assert.Equal(0, empty.DomainCoverage);
    }

    /// <summary>
    /// A range ending after every event reads the state at its end from the incident rows; one ending before some events reads it
    /// from the event log. Both must give the hand-computed values, and the event-log path forced on the first range must agree.
    /// </summary>
    [Fact]
    public async Task Incident_row_path_and_event_log_path_agree_with_the_hand_computed_values()
    {
        await using var db = await CreateSeededAsync();
        var cases = Cases();
        await BuildAsync(db, cases);
        var current = new MetricsRepository(db.Factory);
        var eventLog = new MetricsRepository(db.Factory) { AlwaysFromEventLog = true };

        // Ends after every event (the incident-row path), and one ending at the same day's end (events after it: the event-log path).
        MetricRange[] ranges =
        [
            MetricRange.Custom(new DateOnly(2026, 11, 20), new DateOnly(2027, 1, 1), MetricRange.Shanghai),
            MetricRange.Custom(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24), MetricRange.Shanghai),
            Range,
        ];
        foreach (var range in ranges)
        {
            foreach (var scope in new[] { new ScopeFilter(JurisdictionLevel.City, TestCity.City), new ScopeFilter(JurisdictionLevel.District, A), new ScopeFilter(JurisdictionLevel.Township, A1) })
            {
                var fast = await current.TierKpisAsync(scope, range, Ct);
                var exact = await eventLog.TierKpisAsync(scope, range, Ct);
                Assert.Equal(exact, fast);
                foreach (var actual in fast)
                {
                    Assert.Equal(Expected(cases, actual.Code, actual.Name, actual.Level, range.From, range.To), actual);
                }
            }
        }

        // The long range sees today's state: cases 2 and 4 closed or reopened later, 10 cancelled later.
        var city = (await current.TierKpisAsync(new ScopeFilter(JurisdictionLevel.City, TestCity.City), ranges[0], Ct))[0];
        Assert.Equal((14, 2, 4), (city.Reports, city.Cancelled, city.Closed));
    }

    [Fact]
    public async Task Unknown_parent_gives_nothing_and_a_grid_is_not_a_tier()
    {
        await using var db = await CreateSeededAsync();
        var metrics = new MetricsRepository(db.Factory);

        Assert.Empty(await metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.District, "no-such-district"), Range, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.Grid, TestCity.GridA), Range, Ct));
        var rows = await metrics.TierKpisAsync(new ScopeFilter(JurisdictionLevel.City, TestCity.City), Range, Ct);
        Assert.Equal([TestCity.City, TestCity.District], rows.Select(r => r.Code));
        var city = rows[0];
        Assert.Equal(0, city.Reports);
        Assert.Equal(2, city.Officers);
        Assert.Equal(12, city.ActiveCategories);
    }

    /// <summary>The KPIs of one node computed from the facts alone.</summary>
    private static TierKpis Expected(List<Case> cases, string code, string name, JurisdictionLevel level) => Expected(cases, code, name, level, From, To);

    private static TierKpis Expected(List<Case> cases, string code, string name, JurisdictionLevel level, DateTimeOffset From, DateTimeOffset To)
    {
        bool InNode(Case c) => level switch
        {
            JurisdictionLevel.City => true,
            JurisdictionLevel.District => c.District == code,
            _ => c.Township == code,
        };

        var mine = cases.Where(InNode).ToList();
        var reports = mine.Where(c => c.ReportedAt >= From && c.ReportedAt < To).ToList();

        string? StateAtTo(Case c) => c.Events
            .Where(e => e.At < To && e.Type is IncidentEventTypes.Closed or IncidentEventTypes.Cancelled or IncidentEventTypes.Reopened)
            .OrderBy(e => e.At).LastOrDefault()?.Type;
        bool IsClosed(Case c) => StateAtTo(c) == IncidentEventTypes.Closed;
        bool IsCancelled(Case c) => StateAtTo(c) == IncidentEventTypes.Cancelled;
        bool IsOpen(Case c) => !IsClosed(c) && !IsCancelled(c);
        bool CancelledNow(Case c) => c.Events.Any(e => e.Type == IncidentEventTypes.Cancelled);
        int Breaches(Case c, string clock) => c.Events.Count(e => e.Type == IncidentEventTypes.SlaBreached && e.Clock == clock);

        static TimeSpan Sum(List<(DateTimeOffset Start, DateTimeOffset End)> pauses) => pauses.Aggregate(TimeSpan.Zero, (s, p) => s + (p.End - p.Start));
        static long Ms(TimeSpan t) => t.Ticks / TimeSpan.TicksPerMillisecond;
        long? ContactMs(Case c) => c.ContactAt is { } at ? Ms(at - c.ReportedAt - Sum(c.ContactPauses)) : null;
        long? ArrivalMs(Case c) => c.DispatchedAt is { } d && c.OnSceneAt is { } at ? Ms(at - d - Sum(c.ArrivalPauses)) : null;
        bool ContactMet(Case c) => ContactMs(c) < Ms(ContactTarget);
        bool ArrivalMet(Case c) => ArrivalMs(c) < Ms(ArrivalTarget);
        bool Overdue(Case c) => IsOpen(c) && c.Events.Any(e => e.Type == IncidentEventTypes.SlaBreached && e.At < To
            && ((e.Clock == "Contact" && !(c.ContactAt < To)) || (e.Clock == "Arrival" && !(c.OnSceneAt < To))));

        static double? Percentile(List<long> values, int p)
        {
            if (values.Count == 0)
            {
                return null;
            }

            var sorted = values.Order().ToList();
            return sorted[(int)Math.Ceiling(sorted.Count * p / 100.0) - 1] / 1000.0;
        }

        var contact = reports.Select(ContactMs).OfType<long>().ToList();
        var arrival = reports.Select(ArrivalMs).OfType<long>().ToList();
        var officers = OfficersByTownship.Where(o => level switch
        {
            JurisdictionLevel.City => true,
            JurisdictionLevel.District => o.Key is A1 or A2 ? code == A : o.Key == B1 && code == B,
            _ => o.Key == code,
        }).Sum(o => o.Value);

        return new TierKpis(code, name, level)
        {
            Reports = reports.Count,
            Cancelled = reports.Count(IsCancelled),
            Closed = reports.Count(IsClosed),
            ClosedOnTime = reports.Count(c => IsClosed(c) && ContactMet(c) && (c.DispatchedAt is null || ArrivalMet(c))),
            Open = reports.Count(IsOpen),
            Overdue = reports.Count(Overdue),
            ContactDecided = reports.Count(c => ContactMs(c) is not null || (Breaches(c, "Contact") > 0 && !CancelledNow(c))),
            ContactInTime = reports.Count(ContactMet),
            ArrivalDecided = reports.Count(c => ArrivalMs(c) is not null || (Breaches(c, "Arrival") > 0 && !CancelledNow(c))),
            ArrivalInTime = reports.Count(ArrivalMet),
            ContactP50Seconds = Percentile(contact, 50),
            ContactP90Seconds = Percentile(contact, 90),
            ArrivalP50Seconds = Percentile(arrival, 50),
            ArrivalP90Seconds = Percentile(arrival, 90),
            Escalations = mine.Sum(c => c.Events.Count(e => e.Type == IncidentEventTypes.Escalated && e.At >= From && e.At < To)),
            Officers = officers,
            CategoriesCovered = reports.Select(c => c.Category).Where(k => k != Inactive).Distinct().Count(),
            ActiveCategories = 11,
        };
    }

    /// <summary>
    /// Writes the city's extra nodes and roster, then each case as a report followed by one stored decision per fact, in time order
    /// (through the repositories, so the log and the incident rows are written as in production).
    /// </summary>
    private static async Task BuildAsync(TestDatabase db, List<Case> cases)
    {
        var users = await PrepareAsync(db, Ct);
        await using (var connection = await db.Factory.OpenAsync(Ct))
        {
            await using var tx = await connection.BeginTransactionAsync(Ct);
            JurisdictionNode[] nodes =
            [
                new(A2, "澥浦镇", JurisdictionLevel.Township, A, TestCity.Box(121.6, 29.95, 121.7, 30.0)),
                new(C, "北仑区", JurisdictionLevel.District, TestCity.City, TestCity.Box(121.8, 29.8, 122.0, 30.0)),
            ];
            await JurisdictionRepository.WriteAsync(connection, tx, db.Factory.Dialect, nodes, insert: true, Ct);
            await TestCity.AddRosterAsync(
                connection, tx,
                [new("T-" + A2, "T-" + A2, A2), new("T-" + B1, "T-" + B1, B1)],
                new[] { (3, A2), (4, B1), (5, B1), (6, B1) }.Select(o => (o.Item1, "T-" + o.Item2, o.Item2)),
                Ct);

            await connection.ExecuteAsync(new CommandDefinition("UPDATE categories SET active = 0 WHERE code = @Code", new { Code = Inactive }, tx, cancellationToken: Ct));
            await tx.CommitAsync(Ct);
        }

        var incidents = new IncidentRepository(db.Factory);
        var dispatch = new DispatchRepository(db.Factory);
        var n = 0;
        foreach (var c in cases)
        {
            var grid = c.Township == A1 ? TestCity.GridA : c.Township == B1 ? OtherGrid : null;
            var report = Report(users.Captain, "m-" + ++n, grid, c.Township, c.District, c.Category) with { ReportedAt = c.ReportedAt, OccurredAt = null };
            var id = (await incidents.CreateReportAsync(report, Ct)).Incident.Id;

            foreach (var (at, type, payload, change) in Steps(c).OrderBy(s => s.At))
            {
                var outcome = await dispatch.ExecuteAsync(id, "op:test", at, state => Decision.Accept(change(state.Incident), [], new PendingEvent(type, payload)), ct: Ct);
                Assert.Null(outcome.Rejection);
            }
        }
    }

    private static IEnumerable<(DateTimeOffset At, string Type, object? Payload, Func<Incident, Incident> Change)> Steps(Case c)
    {
        foreach (var (start, end) in c.ContactPauses)
        {
            yield return (start, IncidentEventTypes.Paused, new PausedPayload("等待回电", "Contact"), i => i with { PausedAt = start });
            yield return (end, IncidentEventTypes.Resumed, new ResumedPayload(false, "Contact", (long)(end - start).TotalMilliseconds),
                i => i with { PausedAt = null, ContactPaused = i.ContactPaused + (end - start) });
        }

        foreach (var (start, end) in c.ArrivalPauses)
        {
            yield return (start, IncidentEventTypes.Paused, new PausedPayload("道路封闭", "Arrival"), i => i with { PausedAt = start });
            yield return (end, IncidentEventTypes.Resumed, new ResumedPayload(false, "Arrival", (long)(end - start).TotalMilliseconds),
                i => i with { PausedAt = null, ArrivalPaused = i.ArrivalPaused + (end - start) });
        }

        if (c.PausedSince is { } since)
        {
            yield return (since, IncidentEventTypes.Paused, new PausedPayload("等待回电", "Contact"), i => i with { PausedAt = since });
        }

        if (c.ContactAt is { } contact)
        {
            yield return (contact, IncidentEventTypes.Contacted, new ContactedPayload(null, false), i => i with { Status = IncidentStatus.Contacted, ContactedAt = contact });
        }

        if (c.DispatchedAt is { } dispatched)
        {
            yield return (dispatched, IncidentEventTypes.Dispatched, null, i => i with { Status = IncidentStatus.Dispatched, DispatchedAt = dispatched });
        }

        if (c.OnSceneAt is { } onScene)
        {
            yield return (onScene, IncidentEventTypes.OnScene, new OnScenePayload(false, 10, false), i => i with { Status = IncidentStatus.OnScene, OnSceneAt = onScene });
        }

        foreach (var e in c.Events)
        {
            var at = e.At;
            yield return e.Type switch
            {
                IncidentEventTypes.Resolved => (at, e.Type, new ResolvedPayload("已整改", 0), i => i with { Status = IncidentStatus.Resolved, ResolvedAt = at }),
                IncidentEventTypes.Closed => (at, e.Type, new NotePayload(null), i => i with { Status = IncidentStatus.Closed, ClosedAt = at }),
                IncidentEventTypes.Reopened => (at, e.Type, new ReasonPayload("群众再次投诉"), i => i with { Status = IncidentStatus.Contacted, ResolvedAt = null, ClosedAt = null }),
                IncidentEventTypes.Cancelled => (at, e.Type, new ReasonPayload("重复上报"), i => i with { Status = IncidentStatus.Cancelled, PausedAt = null }),
                IncidentEventTypes.Escalated => (at, e.Type, new EscalatedPayload("from", "to", "超时", e.Clock, true), i => i with { Escalations = i.Escalations + 1 }),
                IncidentEventTypes.SlaBreached => (at, e.Type, new SlaBreachedPayload(e.Clock!, 1, e.Clock == "Contact" ? 60 : 300, 0),
                    e.Clock == "Contact" ? i => i with { ContactBreaches = i.ContactBreaches + 1 } : i => i with { ArrivalBreaches = i.ArrivalBreaches + 1 }),
                _ => throw new InvalidOperationException(e.Type),
            };
        }
    }
}

public sealed class SqliteMetricsRepositoryTests : MetricsRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
