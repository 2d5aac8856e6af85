using System.Globalization;

namespace Dashboard.Core.Metrics;

/// <summary>Pure computation of portraits from facts, so every figure is testable without a database.</summary>
public static class PortraitCalculator
{
    /// <summary>
    /// Builds the report of <paramref name="subjectId"/> among <paramref name="peers"/> (the subject included). Facts and patrol days
    /// may cover more officers than the peers; those are ignored, as are facts dispatched outside the range and patrol days outside
    /// its local days. A roster officer belongs to the peer whose id is its officer id (as text), its team code or its township
    /// code, by <paramref name="kind"/>; each returned subject carries that roster count as <see cref="PortraitSubject.Officers"/>.
    /// </summary>
    /// <param name="now">
    /// When the facts were read: a task still active is judged at the earlier of the range end and this instant, so a range that
    /// ends in the future (today) does not count an arrival as late before its target has elapsed. Null: the range end.
    /// </param>
    /// <exception cref="ArgumentException">The subject is not among the peers, or two peers share an id.</exception>
    public static PortraitReport Build(
        PortraitKind kind,
        string subjectId,
        IReadOnlyList<PortraitSubject> peers,
        IReadOnlyList<RosterOfficer> roster,
        IReadOnlyList<TaskFact> facts,
        IReadOnlyList<PatrolDay> patrol,
        IReadOnlySet<string> activeCategoryCodes,
        MetricRange range,
        TrendBucket bucket,
        TimeZoneInfo zone,
        DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(patrol);
        ArgumentNullException.ThrowIfNull(activeCategoryCodes);
        ArgumentNullException.ThrowIfNull(zone);
        if (bucket is not (TrendBucket.Day or TrendBucket.Week))
        {
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "Unknown trend bucket.");
        }

        var index = new Dictionary<string, int>(peers.Count, StringComparer.Ordinal);
        for (var i = 0; i < peers.Count; i++)
        {
            if (!index.TryAdd(peers[i].Id, i))
            {
                throw new ArgumentException($"Two peers share the id '{peers[i].Id}'.", nameof(peers));
            }
        }

        if (!index.TryGetValue(subjectId, out var subjectIndex))
        {
            throw new ArgumentException($"The subject '{subjectId}' is not among the peers.", nameof(subjectId));
        }

        // Officer id → peer index, and each peer's roster count.
        var peerOfOfficer = new Dictionary<int, int>();
        var officers = new int[peers.Count];
        foreach (var officer in roster)
        {
            var key = kind switch
            {
                PortraitKind.Officer => officer.OfficerId.ToString(CultureInfo.InvariantCulture),
                PortraitKind.Team => officer.TeamCode,
                PortraitKind.Township => officer.TownshipCode,
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown portrait kind."),
            };
            if (index.TryGetValue(key, out var peer) && peerOfOfficer.TryAdd(officer.OfficerId, peer))
            {
                officers[peer]++;
            }
        }

        var (first, last) = LocalDays(range, zone);
        var days = DayCount(first, last);
        var judgedAt = now is { } n && n < range.To ? n : range.To;

        var factsOf = new List<TaskFact>[peers.Count];
        var distanceOf = new double[peers.Count];
        for (var i = 0; i < peers.Count; i++)
        {
            factsOf[i] = [];
        }

        foreach (var fact in facts)
        {
            if (range.Contains(fact.DispatchedAt) && peerOfOfficer.TryGetValue(fact.OfficerId, out var peer))
            {
                factsOf[peer].Add(fact);
            }
        }

        var subjectPatrol = new List<PatrolDay>();
        foreach (var day in patrol)
        {
            if (day.Day >= first && day.Day <= last && peerOfOfficer.TryGetValue(day.OfficerId, out var peer))
            {
                distanceOf[peer] += day.DistanceMeters;
                if (peer == subjectIndex)
                {
                    subjectPatrol.Add(day);
                }
            }
        }

        var figures = new PortraitFigures[peers.Count];
        for (var i = 0; i < peers.Count; i++)
        {
            figures[i] = Figures(factsOf[i], distanceOf[i], officers[i], days, activeCategoryCodes, judgedAt);
        }

        var scores = Scores(figures);
        var portraits = new Portrait[peers.Count];
        for (var i = 0; i < peers.Count; i++)
        {
            var valued = scores[i].Where(s => s.Score is not null).Select(s => s.Score!.Value).ToList();
            double? overall = valued.Count > 0 ? valued.Average() : null;
            portraits[i] = new Portrait(peers[i] with { Officers = officers[i] }, figures[i], scores[i], overall, Rank: 0);
        }

        var ranking = portraits
            .OrderBy(p => p.Overall is null ? 1 : 0)
            .ThenByDescending(p => p.Overall ?? 0)
            .ThenBy(p => p.Subject.Id, SubjectIdComparer.Instance)
            .Select((p, i) => p with { Rank = i + 1 })
            .ToList();
        var subject = ranking.Single(p => string.Equals(p.Subject.Id, subjectId, StringComparison.Ordinal));

        // Each fact's local day once, not once per bucket: a year of days times thousands of tasks would cost a second.
        var factsByDay = factsOf[subjectIndex].ToLookup(f => MetricRange.LocalDate(f.DispatchedAt, zone));
        var patrolByDay = subjectPatrol.ToLookup(p => p.Day);
        var trend = new List<PortraitTrendPoint>();
        foreach (var (start, end) in Buckets(first, last, bucket))
        {
            var bucketDays = Enumerable.Range(0, end.DayNumber - start.DayNumber).Select(start.AddDays).ToList();
            var inBucket = bucketDays.SelectMany(d => factsByDay[d]);
            var distance = bucketDays.SelectMany(d => patrolByDay[d]).Sum(p => p.DistanceMeters);
            trend.Add(new PortraitTrendPoint(
                start, end, Figures(inBucket, distance, officers[subjectIndex], DayCount(start, end.AddDays(-1)), activeCategoryCodes, judgedAt)));
        }

        return new PortraitReport(subject, ranking, trend, range, bucket);
    }

    /// <summary>
    /// The first and last local dates that the range touches (for ranges built by <see cref="MetricRange.Custom"/>, its days).
    /// An empty range gives a last date before the first.
    /// </summary>
    public static (DateOnly First, DateOnly Last) LocalDays(MetricRange range, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var first = MetricRange.LocalDate(range.From, zone);
        return range.To > range.From ? (first, MetricRange.LocalDate(range.To.AddTicks(-1), zone)) : (first, first.AddDays(-1));
    }

    /// <summary>The trend buckets [Start, End) covering the local days first..last: each day, or ISO weeks (Monday first) clipped to them.</summary>
    public static IReadOnlyList<(DateOnly Start, DateOnly End)> Buckets(DateOnly first, DateOnly last, TrendBucket bucket)
    {
        var buckets = new List<(DateOnly, DateOnly)>();
        var start = first;
        while (start <= last)
        {
            var next = bucket == TrendBucket.Day
                ? start.AddDays(1)
                : start.AddDays(7 - (((int)start.DayOfWeek + 6) % 7)); // the next Monday
            var end = next <= last ? next : last.AddDays(1);
            buckets.Add((start, end));
            start = end;
        }

        return buckets;
    }

    /// <summary>The raw figures of one set of tasks (all of one subject) over <paramref name="days"/> local days.</summary>
    internal static PortraitFigures Figures(
        IEnumerable<TaskFact> facts, double distanceMeters, int officers, int days, IReadOnlySet<string> activeCategories, DateTimeOffset judgedAt)
    {
        int tasks = 0, decided = 0, inTime = 0, resolved = 0, resolvedClosed = 0;
        var accepts = new List<double>();
        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in facts)
        {
            tasks++;
            if (f.AcceptedAt is { } accepted)
            {
                accepts.Add((accepted - f.DispatchedAt).TotalSeconds);
            }

            var target = TimeSpan.FromSeconds(f.ArrivalTargetSeconds);
            if (f.ArrivedAt is { } arrived)
            {
                decided++;
                if (arrived - f.DispatchedAt < target)
                {
                    inTime++;
                }
            }
            else if ((f.EndedAt ?? judgedAt) - f.DispatchedAt >= target)
            {
                decided++;
            }

            if (f.ResolvedAt is not null)
            {
                resolved++;
                if (f.IncidentClosedAtTo && !f.ReopenedAfterResolve)
                {
                    resolvedClosed++;
                }
            }

            if (activeCategories.Contains(f.Category))
            {
                categories.Add(f.Category);
            }
        }

        accepts.Sort();
        return new PortraitFigures
        {
            Officers = officers,
            Days = days,
            Tasks = tasks,
            Accepted = accepts.Count,
            AcceptP50Seconds = NearestRank.Of<double>(accepts, 50),
            ArrivalDecided = decided,
            ArrivalInTime = inTime,
            Resolved = resolved,
            ResolvedClosed = resolvedClosed,
            CategoriesCovered = categories.Count,
            ActiveCategories = activeCategories.Count,
            DistanceMeters = distanceMeters,
        };
    }

    /// <summary>One score list per peer, in <see cref="PortraitDimensions.All"/> order, each normalised against the best peer.</summary>
    internal static PortraitScore[][] Scores(IReadOnlyList<PortraitFigures> figures)
    {
        var result = new PortraitScore[figures.Count][];
        for (var i = 0; i < figures.Count; i++)
        {
            result[i] = new PortraitScore[PortraitDimensions.All.Count];
        }

        for (var d = 0; d < PortraitDimensions.All.Count; d++)
        {
            var dimension = PortraitDimensions.All[d];
            var raws = figures.Select(f => f.Raw(dimension.Key)).ToList();
            var present = raws.OfType<double>().ToList();
            double? best = present.Count == 0 ? null : dimension.HigherIsBetter ? present.Max() : present.Min();
            for (var i = 0; i < figures.Count; i++)
            {
                result[i][d] = new PortraitScore(dimension.Key, raws[i], Score(raws[i], best, dimension.HigherIsBetter));
            }
        }

        return result;
    }

    /// <summary>The 0–100 score of a raw value against the best peer value (see <see cref="PortraitDimensions"/>).</summary>
    public static double? Score(double? value, double? best, bool higherIsBetter)
    {
        if (value is not { } v || best is not { } b)
        {
            return null;
        }

        if (higherIsBetter)
        {
            return b > 0 ? 100.0 * v / b : 0;
        }

        return v > 0 ? 100.0 * b / v : 100;
    }

    private static int DayCount(DateOnly first, DateOnly last) => Math.Max(0, last.DayNumber - first.DayNumber + 1);

    /// <summary>Ties of the overall score go by subject id: numerically when both are whole numbers (officer ids), else ordinally.</summary>
    private sealed class SubjectIdComparer : IComparer<string>
    {
        public static readonly SubjectIdComparer Instance = new();

        public int Compare(string? x, string? y) =>
            long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                ? a.CompareTo(b)
                : string.CompareOrdinal(x, y);
    }
}
