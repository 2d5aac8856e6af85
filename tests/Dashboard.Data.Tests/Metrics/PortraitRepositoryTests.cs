using Dapper;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Metrics;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Data.Tests.Incidents.IncidentTestData;

namespace Dashboard.Data.Tests.Metrics;

/// <summary>
/// A hand-made dispatch log read back by <see cref="PortraitRepository"/>, checked against figures computed here with plain LINQ
/// from the hand-written tasks and events (never from what the database stored), plus a few by hand.
/// District A (TestCity.District): township A1 (TestCity.Township) with teams T-A1 (officers 1, 2) and T-A1b (officer 3), township
/// A2 with team T-A2 (officer 4). District B (OtherDistrict): township B1 with team T-B1 (officer 5).
/// The range is 2026-11-23 to 2026-11-24 in Shanghai: [2026-11-22T16:00Z, 2026-11-24T16:00Z).
/// </summary>
public abstract class PortraitRepositoryTests : DatabaseTests
{
    private const string A = TestCity.District;
    private const string A1 = TestCity.Township;
    private const string A2 = "330206002";
    private const string B1 = OtherTownship;
    private const string Inactive = "LJLD";
    private const int Target = 300;

    private static readonly MetricRange Range = MetricRange.Custom(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24), MetricRange.Shanghai);
    private static readonly DateTimeOffset From = Range.From;
    private static readonly DateTimeOffset To = Range.To;

    private static readonly Dictionary<int, (string Team, string Township)> Officers = new()
    {
        [1] = ("T-" + A1, A1), [2] = ("T-" + A1, A1), [3] = ("T-A1b", A1), [4] = ("T-" + A2, A2), [5] = ("T-" + B1, B1),
    };

    /// <summary>One task; Officer null is the grid captain. Times are absolute.</summary>
    private sealed record Job(
        int? Officer,
        DateTimeOffset Dispatched,
        DateTimeOffset? Accepted = null,
        DateTimeOffset? Arrived = null,
        DateTimeOffset? Resolved = null,
        DateTimeOffset? Ended = null,
        DispatchTaskStatus EndStatus = DispatchTaskStatus.Closed);

    private sealed record Case(string Township, string Category, List<Job> Jobs, List<(DateTimeOffset At, string Type)> Events);

    private static List<Case> Cases()
    {
        var t = From;
        DateTimeOffset S(DateTimeOffset at, int seconds) => at.AddSeconds(seconds);
        var c1 = t.AddHours(1);
        var c2 = t.AddHours(3);
        var c2b = c2.AddHours(3).AddSeconds(1);
        var c3 = t.AddHours(5);
        var c3b = S(c3, 101);
        var c4 = t.AddHours(8);
        var c5 = To.AddSeconds(-1);
        var c8 = t.AddHours(20);
        var c9 = t.AddHours(26);
        var c10 = t.AddHours(2);
        var c11 = t.AddHours(6);
        return
        [
            // 1. Officer 1: accepted 30 s, on scene 200 s (in time), resolved, closed.
            new(A1, "ZDJY", [new(1, c1, S(c1, 30), S(c1, 200), c1.AddMinutes(30), c1.AddHours(1))], [(c1.AddHours(1), IncidentEventTypes.Closed)]),
            // 2. Officer 1: accepted 90 s, on scene 400 s (late), resolved, closed, then reopened: re-dispatched to officer 2, who resolves
            //    it and it is closed again. Closed at to, but officer 1's resolution was reopened after.
            new(A1, "SDLJ",
                [
                    new(1, c2, S(c2, 90), S(c2, 400), c2.AddHours(1), c2.AddHours(2)),
                    new(2, c2b, S(c2b, 10), S(c2b, 100), c2b.AddHours(1), c2b.AddHours(2)),
                ],
                [(c2.AddHours(2), IncidentEventTypes.Closed), (c2.AddHours(3), IncidentEventTypes.Reopened), (c2b.AddHours(2), IncidentEventTypes.Closed)]),
            // 3. Reassignment: officer 1 accepted in 20 s and was taken off at 100 s without arriving (undecided); officer 3 never
            //    accepted, arrived 400 s after his own dispatch (late), resolved, closed.
            new(A1, "FXCD",
                [
                    new(1, c3, S(c3, 20), Ended: S(c3, 100), EndStatus: DispatchTaskStatus.Cancelled),
                    new(3, c3b, null, S(c3b, 400), c3b.AddHours(1), c3b.AddHours(2)),
                ],
                [(c3b.AddHours(2), IncidentEventTypes.Closed)]),
            // 4. Cancelled incident: officer 2 accepted in 40 s, task ended with the incident at 600 s without arrival: late.
            new(A1, "YYRM", [new(2, c4, S(c4, 40), Ended: S(c4, 600), EndStatus: DispatchTaskStatus.Cancelled)], [(S(c4, 600), IncidentEventTypes.Cancelled)]),
            // 5. Officer 1, one second before to: accepted and on scene after to (60 s, in time), resolved, closed only after to.
            new(A1, "ZDJY", [new(1, c5, S(c5, 5), S(c5, 60), c5.AddMinutes(10), c5.AddMinutes(20))], [(c5.AddMinutes(20), IncidentEventTypes.Closed)]),
            // 6. Officer 2 at exactly to: out of the range.
            new(A1, "JGFS", [new(2, To, S(To, 1), S(To, 2), To.AddMinutes(5), To.AddMinutes(6))], [(To.AddMinutes(6), IncidentEventTypes.Closed)]),
            // 7. Officer 2 one second before from: out of the range.
            new(A1, "ZSRM", [new(2, From.AddSeconds(-1), From, From.AddSeconds(1), From.AddMinutes(5), From.AddMinutes(6))], [(From.AddMinutes(6), IncidentEventTypes.Closed)]),
            // 8. Officer 3, inactive category: accepted in 15 s, still active at to: the target elapsed, late.
            new(A1, Inactive, [new(3, c8, S(c8, 15))], []),
            // 9. Officer 4 in A2, on the second day: accepted 45 s, on scene 250 s, resolved, closed.
            new(A2, "WGGG", [new(4, c9, S(c9, 45), S(c9, 250), c9.AddHours(1), c9.AddHours(2))], [(c9.AddHours(2), IncidentEventTypes.Closed)]),
            // 10. Officer 5 in B1: accepted 12 s, on scene 100 s, resolved, closed.
            new(B1, "ZDJY", [new(5, c10, S(c10, 12), S(c10, 100), c10.AddHours(1), c10.AddHours(2))], [(c10.AddHours(2), IncidentEventTypes.Closed)]),
            // 11. The grid captain's task: nobody's portrait.
            new(A1, "LTLH", [new(null, c11, S(c11, 3), S(c11, 30))], []),
        ];
    }

    private static readonly PatrolDayIncrement[] Patrol =
    [
        new(1, new DateOnly(2026, 11, 22), 5_000, 10), // before the range
        new(1, new DateOnly(2026, 11, 23), 3_000, 30),
        new(1, new DateOnly(2026, 11, 24), 2_000, 20),
        new(1, new DateOnly(2026, 11, 25), 7_000, 70), // after the range
        new(3, new DateOnly(2026, 11, 23), 1_500, 15),
        new(4, new DateOnly(2026, 11, 24), 4_000, 40),
        new(5, new DateOnly(2026, 11, 23), 800, 8),
    ];

    [Fact]
    public async Task Officer_team_and_township_portraits_match_the_hand_computed_figures()
    {
        await using var db = await CreateSeededAsync();
        var cases = Cases();
        await BuildAsync(db, cases);
        var portraits = new PortraitRepository(db.Factory, new FakeTimeProvider(To.AddDays(30)));

        var officer = await portraits.LoadAsync(PortraitKind.Officer, "1", Range, TrendBucket.Day, MetricRange.Shanghai, Ct);
        var team = await portraits.LoadAsync(PortraitKind.Team, "T-" + A1, Range, TrendBucket.Week, MetricRange.Shanghai, Ct);
        var township = await portraits.LoadAsync(PortraitKind.Township, A1, Range, TrendBucket.Day, MetricRange.Shanghai, Ct);
        var other = await portraits.LoadAsync(PortraitKind.Township, B1, Range, TrendBucket.Day, MetricRange.Shanghai, Ct);

        Assert.NotNull(officer);
        Assert.NotNull(team);
        Assert.NotNull(township);
        Assert.NotNull(other);
        Assert.Equal(["1", "2"], officer.Ranking.Select(p => p.Subject.Id).Order());
        Assert.Equal(["T-" + A1, "T-A1b"], team.Ranking.Select(p => p.Subject.Id).Order());
        Assert.Equal([A1, A2], township.Ranking.Select(p => p.Subject.Id).Order());
        Assert.Equal([B1], other.Ranking.Select(p => p.Subject.Id));

        foreach (var (kind, report) in new[] { (PortraitKind.Officer, officer), (PortraitKind.Team, team), (PortraitKind.Township, township), (PortraitKind.Township, other) })
        {
            foreach (var portrait in report.Ranking)
            {
                Assert.Equal(Expected(cases, kind, portrait.Subject.Id), portrait.Figures);
            }
        }

        // Names and parents from officers, teams and jurisdictions.
        Assert.Equal(new PortraitSubject(PortraitKind.Officer, "1", "张伟", "T-" + A1, "九龙湖中队", 1), officer.Subject.Subject);
        Assert.Equal(("九龙湖中队", A1, "九龙湖镇", 2), (team.Subject.Subject.Name, team.Subject.Subject.ParentCode, team.Subject.Subject.ParentName, team.Subject.Subject.Officers));
        Assert.Equal(("九龙湖镇", A, "镇海区", 3), (township.Subject.Subject.Name, township.Subject.Subject.ParentCode, township.Subject.Subject.ParentName, township.Subject.Subject.Officers));

        // Officer 1 by hand: cases 1, 2, 3 and 5. Accepted 30, 90, 20, 5 s → 5, 20, 30, 90, rank 2 = 20 s. Arrival decided for
        // 1 (in time), 2 (late) and 5 (in time), not for the reassignment. Resolved 1, 2, 5; only 1 is closed at to and not reopened.
        var f = officer.Subject.Figures;
        Assert.Equal((4, 4, 20.0, 3, 2, 3, 1), (f.Tasks, f.Accepted, f.AcceptP50Seconds!.Value, f.ArrivalDecided, f.ArrivalInTime, f.Resolved, f.ResolvedClosed));
        Assert.Equal((3, 11, 5_000.0, 2), (f.CategoriesCovered, f.ActiveCategories, f.DistanceMeters, f.Days));
        Assert.Equal(2.5, f.Raw(PortraitDimensions.PatrolDistance.Key));
        // Officer 2: case 2 (reopened and closed again: counts) and the cancelled case 4 (late, not resolved).
        var two = officer.Ranking.Single(p => p.Subject.Id == "2").Figures;
        Assert.Equal((2, 2, 1, 1, 1), (two.Tasks, two.ArrivalDecided, two.ArrivalInTime, two.Resolved, two.ResolvedClosed));
        // Township A1: officers 1, 2, 3; the still-active task of officer 3 in an inactive category is decided (late) and not coverage.
        var a1 = township.Subject.Figures;
        Assert.Equal((3, 8, 7, 3, 5, 3), (a1.Officers, a1.Tasks, a1.ArrivalDecided, a1.ArrivalInTime, a1.Resolved, a1.ResolvedClosed));
        Assert.Equal((4, 6_500.0), (a1.CategoriesCovered, a1.DistanceMeters));

        Assert.Equal(2, officer.Trend.Count);
        Assert.Equal(f.Tasks, officer.Trend.Sum(p => p.Figures.Tasks));
        Assert.Equal([3, 1], officer.Trend.Select(p => p.Figures.Tasks)); // case 5 is on the 24th
        Assert.Single(team.Trend); // Monday 23rd and Tuesday 24th are one ISO week
    }

    [Fact]
    public async Task Unknown_subjects_give_null()
    {
        await using var db = await CreateSeededAsync();
        var portraits = new PortraitRepository(db.Factory);

        Assert.Null(await portraits.LoadAsync(PortraitKind.Officer, "999", Range, TrendBucket.Day, MetricRange.Shanghai, Ct));
        Assert.Null(await portraits.LoadAsync(PortraitKind.Officer, "张伟", Range, TrendBucket.Day, MetricRange.Shanghai, Ct));
        Assert.Null(await portraits.LoadAsync(PortraitKind.Team, "no-such-team", Range, TrendBucket.Day, MetricRange.Shanghai, Ct));
        Assert.Null(await portraits.LoadAsync(PortraitKind.Township, TestCity.GridA, Range, TrendBucket.Day, MetricRange.Shanghai, Ct));
        Assert.Null(await portraits.LoadAsync(PortraitKind.Township, A, Range, TrendBucket.Day, MetricRange.Shanghai, Ct));

        var empty = await portraits.LoadAsync(PortraitKind.Officer, "2", Range, TrendBucket.Day, MetricRange.Shanghai, Ct);
        Assert.NotNull(empty);
        Assert.Equal((0, 2, 12), (empty.Subject.Figures.Tasks, empty.Subject.Figures.Days, empty.Subject.Figures.ActiveCategories));
    }

    /// <summary>The figures of one subject computed from the cases alone.</summary>
    private static PortraitFigures Expected(List<Case> cases, PortraitKind kind, string id)
    {
        bool Mine(int officer) => kind switch
        {
            PortraitKind.Officer => officer.ToString(System.Globalization.CultureInfo.InvariantCulture) == id,
            PortraitKind.Team => Officers[officer].Team == id,
            _ => Officers[officer].Township == id,
        };

        var jobs = cases
            .SelectMany(c => c.Jobs.Select(j => (Case: c, Job: j)))
            .Where(x => x.Job.Officer is { } o && Mine(o) && x.Job.Dispatched >= From && x.Job.Dispatched < To)
            .ToList();
        bool ClosedAtTo(Case c) => c.Events.Where(e => e.At < To && e.Type is IncidentEventTypes.Closed or IncidentEventTypes.Cancelled or IncidentEventTypes.Reopened)
            .OrderBy(e => e.At).LastOrDefault().Type == IncidentEventTypes.Closed;
        bool ReopenedAfter(Case c, DateTimeOffset resolved) => c.Events.Any(e => e.Type == IncidentEventTypes.Reopened && e.At > resolved && e.At < To);
        var accepts = jobs.Where(x => x.Job.Accepted is not null).Select(x => (x.Job.Accepted!.Value - x.Job.Dispatched).TotalSeconds).Order().ToList();
        bool Decided(Job j) => j.Arrived is not null || ((j.Ended ?? To) - j.Dispatched).TotalSeconds >= Target;
        var officers = Officers.Keys.Count(Mine);
        var (first, last) = (new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24));
        return new PortraitFigures
        {
            Officers = officers,
            Days = 2,
            Tasks = jobs.Count,
            Accepted = accepts.Count,
            AcceptP50Seconds = accepts.Count == 0 ? null : accepts[(int)Math.Ceiling(accepts.Count / 2.0) - 1],
            ArrivalDecided = jobs.Count(x => Decided(x.Job)),
            ArrivalInTime = jobs.Count(x => x.Job.Arrived is { } a && (a - x.Job.Dispatched).TotalSeconds < Target),
            Resolved = jobs.Count(x => x.Job.Resolved is not null),
            ResolvedClosed = jobs.Count(x => x.Job.Resolved is { } r && ClosedAtTo(x.Case) && !ReopenedAfter(x.Case, r)),
            CategoriesCovered = jobs.Select(x => x.Case.Category).Where(c => c != Inactive).Distinct().Count(),
            ActiveCategories = 11,
            DistanceMeters = Patrol.Where(p => Mine(p.OfficerId) && p.Day >= first && p.Day <= last).Sum(p => p.DistanceMeters),
        };
    }

    /// <summary>Writes the extra nodes, teams, officers and patrol days, then each case through the repositories in time order.</summary>
    private static async Task BuildAsync(TestDatabase db, List<Case> cases)
    {
        var users = await PrepareAsync(db, Ct);
        await using (var connection = await db.Factory.OpenAsync(Ct))
        {
            await using var tx = await connection.BeginTransactionAsync(Ct);
            await JurisdictionRepository.WriteAsync(
                connection, tx, db.Factory.Dialect, [new(A2, "澥浦镇", JurisdictionLevel.Township, A, TestCity.Box(121.6, 29.95, 121.7, 30.0))], insert: true, Ct);
            await TestCity.AddRosterAsync(
                connection, tx,
                [new("T-A1b", "九龙湖二中队", A1), new("T-" + A2, "澥浦中队", A2), new("T-" + B1, "慈城中队", B1)],
                Enumerable.Range(3, 3).Select(id => (id, Officers[id].Team, Officers[id].Township)),
                Ct);

            await connection.ExecuteAsync(new CommandDefinition("UPDATE categories SET active = 0 WHERE code = @Code", new { Code = Inactive }, tx, cancellationToken: Ct));
            await tx.CommitAsync(Ct);
        }

        await new PortraitRepository(db.Factory).AddPatrolAsync(Patrol, Ct);

        var incidents = new IncidentRepository(db.Factory);
        var dispatch = new DispatchRepository(db.Factory);
        var n = 0;
        foreach (var c in cases)
        {
            var (grid, district) = c.Township == B1 ? (OtherGrid, OtherDistrict) : (c.Township == A1 ? TestCity.GridA : null, A);
            var report = Report(users.Captain, "p-" + ++n, grid, c.Township, district, c.Category) with { ReportedAt = c.Jobs[0].Dispatched.AddMinutes(-2), OccurredAt = null };
            var id = (await incidents.CreateReportAsync(report, Ct)).Incident.Id;
            foreach (var (at, decide) in Steps(id, c).OrderBy(s => s.At))
            {
                var outcome = await dispatch.ExecuteAsync(id, "op:test", at, decide, ct: Ct);
                Assert.Null(outcome.Rejection);
            }
        }
    }

    private static IEnumerable<(DateTimeOffset At, Func<IncidentState, Decision> Decide)> Steps(long incidentId, Case c)
    {
        static Func<IncidentState, Decision> Change(Func<DispatchTask, DispatchTask> change) =>
            s => Decision.Accept(s.Incident, [change(s.Task!)]);

        foreach (var job in c.Jobs)
        {
            var assignee = job.Officer is { } o ? Assignee.ForOfficer(o, "队员" + o) : Assignee.ForCaptain("GC-" + TestCity.GridA, "王芳");
            var dispatched = job.Dispatched;
            yield return (dispatched, s => Decision.Accept(
                s.Incident, [new DispatchTask(0, incidentId, assignee, DispatchTaskStatus.Dispatched, dispatched, "op:test")],
                new PendingEvent(IncidentEventTypes.Dispatched, null, 0)));
            if (job.Accepted is { } accepted)
            {
                yield return (accepted, Change(t => t with { Status = DispatchTaskStatus.Accepted, AcceptedAt = accepted }));
            }

            if (job.Arrived is { } arrived)
            {
                yield return (arrived, Change(t => t with { Status = DispatchTaskStatus.OnScene, ArrivedAt = arrived }));
            }

            if (job.Resolved is { } resolved)
            {
                yield return (resolved, Change(t => t with { Status = DispatchTaskStatus.Resolved, ResolvedAt = resolved }));
            }

            if (job.Ended is { } ended)
            {
                var status = job.EndStatus;
                yield return (ended, Change(t => t with { Status = status, EndedAt = ended }));
            }
        }

        foreach (var (at, type) in c.Events)
        {
            yield return (at, s => Decision.Accept(s.Incident, [], new PendingEvent(type, null)));
        }
    }
}

public sealed class SqlitePortraitRepositoryTests : PortraitRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

// In this file rather than SqlServer/SqlServerLiveTests.cs; skipped without DASHBOARD_SQLSERVER_TEST like the others.
public sealed class SqlServerPortraitRepositoryTests : PortraitRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}
