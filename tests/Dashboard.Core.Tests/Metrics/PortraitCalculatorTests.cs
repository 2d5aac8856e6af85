using Dashboard.Core.Metrics;

namespace Dashboard.Core.Tests.Metrics;

/// <summary>
/// Portraits computed from hand-written facts; every expectation is worked out by hand in the comments.
/// The range is Sunday 2026-03-01 to Tuesday 2026-03-03 in Shanghai: [2026-02-28T16:00Z, 2026-03-03T16:00Z), three local days.
/// </summary>
public sealed class PortraitCalculatorTests
{
    private static readonly TimeZoneInfo Shanghai = MetricRange.Shanghai;
    private static readonly MetricRange Range = MetricRange.Custom(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 3), Shanghai);
    private static readonly HashSet<string> Active = ["ZDJY", "SDLJ", "FXCD", "YYRM"];

    private static readonly RosterOfficer[] Roster =
    [
        new(1, "张伟", "T1", "W1"),
        new(2, "李娜", "T1", "W1"),
        new(3, "王芳", "T1", "W1"),
        new(4, "刘洋", "T2", "W1"),
        new(5, "陈静", "T3", "W2"),
    ];

    private static DateTimeOffset Local(int day, int hour, int minute = 0, int second = 0) => new(2026, 3, day, hour, minute, second, TimeSpan.FromHours(8));

    private static long _nextTask;

    private static TaskFact Fact(
        int officer,
        DateTimeOffset dispatched,
        string category = "ZDJY",
        int? accept = null,
        int? arrive = null,
        int? resolve = null,
        int? end = null,
        bool closed = false,
        bool reopened = false,
        int target = 300) =>
        new(
            ++_nextTask, officer, 1000 + _nextTask, category, target, dispatched,
            accept is { } a ? dispatched.AddSeconds(a) : null,
            arrive is { } v ? dispatched.AddSeconds(v) : null,
            resolve is { } r ? dispatched.AddSeconds(r) : null,
            end is { } e ? dispatched.AddSeconds(e) : null,
            closed, reopened);

    /// <summary>Officer 1's six tasks in range (and two just outside), officer 2's one, officer 3 none, officer 9 off the roster.</summary>
    private static List<TaskFact> Facts() =>
    [
        // f5: at the range start (local midnight of 03-01): accepted 10 s, arrived 100 s (in time), resolved, incident still open at to.
        Fact(1, Range.From, accept: 10, arrive: 100, resolve: 900, end: 900),
        // f1: 03-01 09:00: accepted 30 s, arrived 200 s (in time), resolved and closed.
        Fact(1, Local(1, 9), accept: 30, arrive: 200, resolve: 1800, end: 1800, closed: true),
        // f2: 03-02 23:59:59: accepted 90 s, arrived at exactly the 300 s target (late), resolved, closed but reopened after.
        Fact(1, Local(2, 23, 59, 59), "SDLJ", accept: 90, arrive: 300, resolve: 1000, end: 1000, closed: true, reopened: true),
        // f3: 03-03 00:00:00: accepted 60 s, reassigned at 120 s before the target: arrival undecided.
        Fact(1, Local(3, 0), accept: 60, end: 120),
        // f4: 03-03 10:00, an inactive category: never accepted, ended at 400 s without arrival: decided, late.
        Fact(1, Local(3, 10), "LJLD", end: 400),
        // f6: one tick before to, still active: 0 s < target at to, undecided.
        Fact(1, Range.To.AddTicks(-1)),
        // Outside the range on both sides.
        Fact(1, Range.To, accept: 1, arrive: 2),
        Fact(1, Range.From.AddTicks(-1), accept: 1, arrive: 2),
        // Officer 2: accepted 20 s, arrived 100 s, resolved and closed.
        Fact(2, Local(2, 12), "FXCD", accept: 20, arrive: 100, resolve: 600, end: 600, closed: true),
        // Officer 9 is on no roster here.
        Fact(9, Local(2, 12), "YYRM", accept: 1, arrive: 2),
    ];

    private static readonly PatrolDay[] Patrol =
    [
        new(1, new DateOnly(2026, 2, 28), 9_999), // before the range
        new(1, new DateOnly(2026, 3, 1), 3_000),
        new(1, new DateOnly(2026, 3, 3), 1_000),
        new(1, new DateOnly(2026, 3, 4), 5_000), // after the range
        new(2, new DateOnly(2026, 3, 2), 9_000),
        new(9, new DateOnly(2026, 3, 2), 50_000),
    ];

    private static PortraitSubject OfficerSubject(int id) =>
        new(PortraitKind.Officer, id.ToString(System.Globalization.CultureInfo.InvariantCulture), "队员" + id, "T1", "一中队", 0);

    private static PortraitReport OfficerReport(TrendBucket bucket = TrendBucket.Day, DateTimeOffset? now = null) =>
        PortraitCalculator.Build(
            PortraitKind.Officer, "1", [OfficerSubject(1), OfficerSubject(2), OfficerSubject(3)], Roster.Where(r => r.TeamCode == "T1").ToList(),
            Facts(), Patrol, Active, Range, bucket, Shanghai, now);

    [Fact]
    public void Officer_figures_count_the_tasks_dispatched_in_the_range()
    {
        var f = OfficerReport().Subject.Figures;

        Assert.Equal((1, 3, 6), (f.Officers, f.Days, f.Tasks));
        // Accepted in 10, 30, 90, 60 s: sorted 10, 30, 60, 90, nearest rank ceil(4 × 0.5) = 2.
        Assert.Equal(4, f.Accepted);
        Assert.Equal(30, f.AcceptP50Seconds);
        // Decided: f5, f1 (in time), f2 (exactly the target: late), f4 (ended after the target); f3 and f6 undecided.
        Assert.Equal((4, 2), (f.ArrivalDecided, f.ArrivalInTime));
        // Resolved f5, f1, f2; only f1's incident is closed at to and not reopened after.
        Assert.Equal((3, 1), (f.Resolved, f.ResolvedClosed));
        // ZDJY and SDLJ; LJLD is not active.
        Assert.Equal((2, 4), (f.CategoriesCovered, f.ActiveCategories));
        Assert.Equal(4_000, f.DistanceMeters);
    }

    [Fact]
    public void Raw_values_scores_overall_and_rank_against_the_best_peer()
    {
        var report = OfficerReport();
        var me = report.Subject;

        Assert.Equal([30, 0.5, 6, 1.0 / 3, 0.5, 4.0 / 3], me.Scores.Select(s => s.Raw!.Value));
        Assert.Equal(PortraitDimensions.All.Select(d => d.Key), me.Scores.Select(s => s.Key));
        // Best: response 20 s (officer 2, lower is better), punctuality 1, workload 6, closure 1, coverage 0.5, patrol 3 km/day.
        double[] expected = [100.0 * 20 / 30, 50, 100, 100.0 / 3, 100, 100 * (4.0 / 3) / 3];
        Assert.Equal(expected, me.Scores.Select(s => s.Score!.Value), new DoubleComparer());
        Assert.Equal(expected.Average(), me.Overall!.Value, 9);

        var two = report.Ranking.Single(p => p.Subject.Id == "2");
        Assert.Equal([20, 1, 1, 1, 0.25, 3], two.Scores.Select(s => s.Raw!.Value));
        Assert.Equal([100, 100, 100.0 / 6, 100, 50, 100], two.Scores.Select(s => s.Score!.Value), new DoubleComparer());

        // Officer 3 did nothing: no response, punctuality or closure value (null, not 0), zero workload, coverage and patrol.
        var three = report.Ranking.Single(p => p.Subject.Id == "3");
        Assert.Equal([null, null, 0, null, 0, 0], three.Scores.Select(s => s.Raw));
        Assert.Equal([null, null, 0, null, 0, 0], three.Scores.Select(s => s.Score));
        Assert.Equal(0, three.Overall);

        // Officer 2 overall (100 + 100 + 16.7 + 100 + 50 + 100) / 6 = 77.8 leads officer 1 at 65.7.
        Assert.Equal(["2", "1", "3"], report.Ranking.Select(p => p.Subject.Id));
        Assert.Equal([1, 2, 3], report.Ranking.Select(p => p.Rank));
        Assert.Equal(2, me.Rank);
        Assert.Equal(1, me.Subject.Officers);
        Assert.Same(me, report.Ranking[1]);
    }

    [Fact]
    public void Daily_trend_puts_each_task_on_the_local_date_it_was_dispatched()
    {
        var trend = OfficerReport().Trend;

        Assert.Equal(
            [(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2)), (new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 3)), (new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 4))],
            trend.Select(p => (p.Start, p.End)));
        Assert.All(trend, p => Assert.Equal((1, 1), (p.Figures.Officers, p.Figures.Days)));

        // 03-01: f5 (at midnight) and f1.
        var d1 = trend[0].Figures;
        Assert.Equal((2, (double?)10, 2, 2, 2, 1, 3_000.0), (d1.Tasks, d1.AcceptP50Seconds, d1.ArrivalDecided, d1.ArrivalInTime, d1.Resolved, d1.ResolvedClosed, d1.DistanceMeters));
        // 03-02: f2 at 23:59:59.
        var d2 = trend[1].Figures;
        Assert.Equal((1, (double?)90, 1, 0, 1, 0, 0.0), (d2.Tasks, d2.AcceptP50Seconds, d2.ArrivalDecided, d2.ArrivalInTime, d2.Resolved, d2.ResolvedClosed, d2.DistanceMeters));
        // 03-03: f3 (at midnight), f4 and f6.
        var d3 = trend[2].Figures;
        Assert.Equal((3, (double?)60, 1, 0, 0, 1_000.0), (d3.Tasks, d3.AcceptP50Seconds, d3.ArrivalDecided, d3.ArrivalInTime, d3.Resolved, d3.DistanceMeters));
        Assert.Null(d3.Raw(PortraitDimensions.ClosureQuality.Key));
        Assert.Equal(1.0, d3.Raw(PortraitDimensions.PatrolDistance.Key));
    }

    [Fact]
    public void Weekly_trend_is_iso_weeks_clipped_to_the_range()
    {
        var trend = OfficerReport(TrendBucket.Week).Trend;

        // Sunday 03-01 ends ISO week 9 alone; Monday 03-02 starts week 10, clipped at the range end.
        Assert.Equal(
            [(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2)), (new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 4))],
            trend.Select(p => (p.Start, p.End)));
        Assert.Equal((2, 1), (trend[0].Figures.Tasks, trend[0].Figures.Days));
        var w = trend[1].Figures;
        // f2, f3, f4, f6: accepted 90 and 60 s, sorted 60, 90, rank ceil(2 × 0.5) = 1.
        Assert.Equal((4, 2, (double?)60, 2, 0, 1, 0, 1_000.0), (w.Tasks, w.Days, w.AcceptP50Seconds, w.ArrivalDecided, w.ArrivalInTime, w.Resolved, w.ResolvedClosed, w.DistanceMeters));
        Assert.Equal(0.5, w.Raw(PortraitDimensions.PatrolDistance.Key)); // 1 km ÷ (1 officer × 2 days)
    }

    [Fact]
    public void Week_buckets_start_on_mondays_and_are_clipped_at_both_ends()
    {
        var buckets = PortraitCalculator.Buckets(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 17), TrendBucket.Week);

        Assert.Equal(DayOfWeek.Sunday, new DateOnly(2026, 3, 1).DayOfWeek);
        Assert.Equal(
            [
                (new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2)),
                (new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9)),
                (new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 16)),
                (new DateOnly(2026, 3, 16), new DateOnly(2026, 3, 18)),
            ],
            buckets);
        Assert.Equal([(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9))], PortraitCalculator.Buckets(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), TrendBucket.Week));
        Assert.Empty(PortraitCalculator.Buckets(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1), TrendBucket.Day));
    }

    [Fact]
    public void Teams_and_townships_group_the_roster_and_divide_by_its_officers()
    {
        List<PortraitSubject> teams = [new(PortraitKind.Team, "T1", "一中队", "W1", "镇", 0), new(PortraitKind.Team, "T2", "二中队", "W1", "镇", 0)];
        var facts = Facts();
        facts.Add(Fact(4, Local(1, 12), "YYRM", accept: 40, arrive: 250, resolve: 700, end: 700, closed: true));

        var team = PortraitCalculator.Build(PortraitKind.Team, "T1", teams, Roster.Where(r => r.TownshipCode == "W1").ToList(), facts, Patrol, Active, Range, TrendBucket.Day, Shanghai);

        var t1 = team.Subject;
        Assert.Equal(3, t1.Subject.Officers);
        // Officers 1 (6 tasks) and 2 (1): accepted 10, 30, 90, 60, 20 → 10, 20, 30, 60, 90, rank ceil(5 × 0.5) = 3.
        Assert.Equal((3, 7, 5, (double?)30), (t1.Figures.Officers, t1.Figures.Tasks, t1.Figures.Accepted, t1.Figures.AcceptP50Seconds));
        Assert.Equal((5, 3, 4, 2, 3), (t1.Figures.ArrivalDecided, t1.Figures.ArrivalInTime, t1.Figures.Resolved, t1.Figures.ResolvedClosed, t1.Figures.CategoriesCovered));
        Assert.Equal(7.0 / 3, t1.Figures.Raw(PortraitDimensions.Workload.Key));
        Assert.Equal(13.0 / 9, t1.Figures.Raw(PortraitDimensions.PatrolDistance.Key)!.Value, 12); // 13 km ÷ (3 officers × 3 days)
        var t2 = team.Ranking.Single(p => p.Subject.Id == "T2");
        Assert.Equal((1, 1, (double?)40), (t2.Subject.Officers, t2.Figures.Tasks, t2.Figures.AcceptP50Seconds));

        List<PortraitSubject> townships = [new(PortraitKind.Township, "W1", "甲镇", "D", "区", 0), new(PortraitKind.Township, "W2", "乙镇", "D", "区", 0)];
        var township = PortraitCalculator.Build(PortraitKind.Township, "W2", townships, Roster, facts, Patrol, Active, Range, TrendBucket.Day, Shanghai);

        Assert.Equal((1, 0), (township.Subject.Subject.Officers, township.Subject.Figures.Tasks));
        var w1 = township.Ranking.Single(p => p.Subject.Id == "W1");
        Assert.Equal((4, 8), (w1.Subject.Officers, w1.Figures.Tasks));
        Assert.Equal(2.0, w1.Figures.Raw(PortraitDimensions.Workload.Key));
        Assert.Equal(["W1", "W2"], township.Ranking.Select(p => p.Subject.Id));
    }

    [Fact]
    public void Arrival_is_decided_once_the_target_elapsed_before_the_end_of_the_task_and_at_the_earlier_of_to_and_now_when_active()
    {
        var at = Local(2, 10);
        TaskFact[] facts =
        [
            Fact(1, at, end: 300), // ended exactly at the target: decided, late
            Fact(1, at, end: 299), // one second before: undecided
            Fact(1, at, arrive: 299), // arrived: decided, in time
            Fact(1, at, arrive: 60, target: 60), // arrived at the target: decided, late
            Fact(1, Local(3, 23, 56)), // active 4 min before to: undecided at to
            Fact(1, Local(3, 23, 54)), // active 6 min before to: decided at to, not 5 min after it was dispatched
        ];

        PortraitFigures Figures(DateTimeOffset? now) => PortraitCalculator.Build(
            PortraitKind.Officer, "1", [OfficerSubject(1)], Roster, facts, [], Active, Range, TrendBucket.Day, Shanghai, now).Subject.Figures;

        Assert.Equal((4, 1), (Figures(null).ArrivalDecided, Figures(null).ArrivalInTime));
        Assert.Equal((4, 1), (Figures(Range.To.AddDays(1)).ArrivalDecided, Figures(Range.To.AddDays(1)).ArrivalInTime));
        Assert.Equal(3, Figures(Local(3, 23, 58)).ArrivalDecided);
    }

    [Fact]
    public void Scores_follow_the_dimension_direction_with_zero_and_null()
    {
        Assert.Equal(50, PortraitCalculator.Score(2, 4, higherIsBetter: true));
        Assert.Equal(100, PortraitCalculator.Score(4, 4, higherIsBetter: true));
        Assert.Equal(0, PortraitCalculator.Score(0, 4, higherIsBetter: true));
        Assert.Equal(0, PortraitCalculator.Score(0, 0, higherIsBetter: true));
        Assert.Equal(50, PortraitCalculator.Score(8, 4, higherIsBetter: false));
        Assert.Equal(100, PortraitCalculator.Score(0, 0, higherIsBetter: false)); // a value of 0 is the best
        Assert.Equal(0, PortraitCalculator.Score(30, 0, higherIsBetter: false)); // beaten by a 0
        Assert.Null(PortraitCalculator.Score(null, 4, higherIsBetter: true));
        Assert.Null(PortraitCalculator.Score(3, null, higherIsBetter: false));
    }

    [Fact]
    public void A_zero_response_time_is_the_best_and_others_score_zero()
    {
        TaskFact[] facts = [Fact(1, Local(1, 8), accept: 0), Fact(2, Local(1, 8), accept: 45)];

        var report = PortraitCalculator.Build(
            PortraitKind.Officer, "2", [OfficerSubject(1), OfficerSubject(2)], Roster, facts, [], Active, Range, TrendBucket.Day, Shanghai);

        var response = PortraitDimensions.ResponseSpeed.Key;
        Assert.Equal((0.0, 100.0), (report.Ranking[0].Scores.Single(s => s.Key == response).Raw!.Value, report.Ranking[0].Scores.Single(s => s.Key == response).Score!.Value));
        Assert.Equal(0, report.Subject.Scores.Single(s => s.Key == response).Score);
        Assert.Equal("1", report.Ranking[0].Subject.Id);
    }

    [Fact]
    public void Equal_overall_scores_rank_by_subject_id_numerically()
    {
        // Officers 9 and 10 have the same single task; officers 2 and 11 have none (overall 0: zero workload, coverage and patrol).
        var roster = new RosterOfficer[] { new(2, "a", "T", "W"), new(9, "b", "T", "W"), new(10, "c", "T", "W"), new(11, "d", "T", "W") };
        TaskFact[] facts = [Fact(10, Local(1, 8), accept: 5, arrive: 50), Fact(9, Local(1, 9), accept: 5, arrive: 50)];
        PortraitSubject[] peers = [OfficerSubject(11), OfficerSubject(10), OfficerSubject(2), OfficerSubject(9)];

        var report = PortraitCalculator.Build(PortraitKind.Officer, "10", peers, roster, facts, [], Active, Range, TrendBucket.Day, Shanghai);

        Assert.Equal(["9", "10", "2", "11"], report.Ranking.Select(p => p.Subject.Id));
        Assert.Equal(report.Ranking[0].Overall, report.Ranking[1].Overall);
        Assert.Equal([0.0, 0.0], report.Ranking.Skip(2).Select(p => p.Overall!.Value));
        Assert.Equal(2, report.Subject.Rank);
    }

    [Fact]
    public void A_subject_without_any_score_ranks_last()
    {
        // No active categories and officer 1 off the roster: every raw value of officer 1 is empty.
        var roster = new RosterOfficer[] { new(10, "c", "T", "W") };
        TaskFact[] facts = [Fact(10, Local(1, 8), accept: 5, arrive: 50)];

        var report = PortraitCalculator.Build(
            PortraitKind.Officer, "1", [OfficerSubject(1), OfficerSubject(10)], roster, facts, [], new HashSet<string>(), Range, TrendBucket.Day, Shanghai);

        Assert.Equal(["10", "1"], report.Ranking.Select(p => p.Subject.Id));
        Assert.All(report.Subject.Scores, s => Assert.Null(s.Score));
        Assert.Null(report.Subject.Overall);
        Assert.Equal((0, 2), (report.Subject.Subject.Officers, report.Subject.Rank));
        Assert.Equal(75, report.Ranking[0].Overall); // response, punctuality and workload 100, patrol 0 (best 0); no closure or coverage
    }

    [Fact]
    public void Nearest_rank_median_of_an_odd_count_is_the_middle_value()
    {
        var at = Local(2, 8);
        TaskFact[] facts = [Fact(1, at, accept: 50), Fact(1, at, accept: 10), Fact(1, at, accept: 40), Fact(1, at, accept: 20), Fact(1, at, accept: 30)];

        var figures = PortraitCalculator.Build(PortraitKind.Officer, "1", [OfficerSubject(1)], Roster, facts, [], Active, Range, TrendBucket.Day, Shanghai).Subject.Figures;

        Assert.Equal(30, figures.AcceptP50Seconds); // 10, 20, 30, 40, 50: rank ceil(5 × 0.5) = 3
    }

    [Fact]
    public void The_subject_must_be_one_of_the_peers()
    {
        Assert.Throws<ArgumentException>(() => PortraitCalculator.Build(
            PortraitKind.Officer, "7", [OfficerSubject(1)], Roster, [], [], Active, Range, TrendBucket.Day, Shanghai));
        Assert.Throws<ArgumentException>(() => PortraitCalculator.Build(
            PortraitKind.Officer, "1", [OfficerSubject(1), OfficerSubject(1)], Roster, [], [], Active, Range, TrendBucket.Day, Shanghai));
    }

    private sealed class DoubleComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }
}
