using System.Diagnostics;
using Dashboard.Core.Categories;
using Dashboard.Core.Demo;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Dashboard.Bench;

/// <summary>
/// Latency of <see cref="OfficerLocator.Recommend"/> over a city-sized force (the demo city's townships filled up to 25,000
/// officers) against a naive linear scan applying the same rules to the same officers, positions and incidents, measured in
/// the same run. A sample of answers from both is compared; a third run repeats ours while a thread ingests positions.
/// </summary>
internal static class RecommendBench
{
    private const int Seed = 20261124;
    private const int IngestPerSecond = 5_000;

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));

    public sealed record Settings(int Officers, int Requests, int BaselineRequests, int WarmUp, int Verify);

    public sealed record Timing(string Name, int Calls, double P50Micros, double P90Micros, double P99Micros, double MaxMicros, double MeanMicros);

    public sealed record Report(
        Settings Settings,
        int ProcessorCount,
        int Townships,
        int Fresh,
        int Stale,
        int Offline,
        int Busy,
        double MeanOfficersOffered,
        Timing Ours,
        Timing Baseline,
        Timing OursWhileIngesting,
        Timing OursAllStale,
        double IngestedPerSecond,
        double P50Speedup,
        double P99Speedup,
        int Verified,
        int Mismatches);

    public static Report Run(Settings settings, TextWriter output)
    {
        var rng = new Random(Seed);
        var city = DemoCityGenerator.Generate();
        var tree = new JurisdictionTree(city.Jurisdictions);
        var townships = tree.OfLevel(JurisdictionLevel.Township).ToArray();
        var inside = townships.ToDictionary(t => t.Code, t => PreparedGeometryFactory.Prepare(t.Boundary), StringComparer.Ordinal);
        var extent = townships.ToDictionary(t => t.Code, t => t.Boundary.EnvelopeInternal, StringComparer.Ordinal);
        var officers = Officers(city, townships, settings.Officers, rng);

        var options = new RecommenderOptions();
        var locator = new OfficerLocator(officers, tree, options);
        var baseline = new LinearScan(officers, options, locator.NeighboursOf);
        int fresh = 0, stale = 0, offline = 0, busy = 0;
        for (var i = 0; i < officers.Length; i++)
        {
            var officer = officers[i];
            var (lat, lon) = PointIn(rng, extent[officer.TownshipCode], inside[officer.TownshipCode]);
            var age = rng.NextDouble() switch
            {
                < 0.70 => TimeSpan.FromSeconds(rng.Next(0, 120)),
                < 0.90 => TimeSpan.FromSeconds(rng.Next(121, 600)),
                _ => TimeSpan.FromSeconds(rng.Next(601, 3600)),
            };
            if (age <= options.StaleAfter)
            {
                fresh++;
            }
            else if (age <= options.OfflineAfter)
            {
                stale++;
            }
            else
            {
                offline++;
            }

            locator.Update(officer.Id, lat, lon, Now - age);
            baseline.Update(i, lat, lon, Now - age);
            if (rng.Next(10) == 0)
            {
                busy++;
                locator.SetBusy(officer.Id, true);
                baseline.SetBusy(i, true);
            }
        }

        var captains = city.GridCaptains.ToDictionary(c => c.GridCode, StringComparer.Ordinal);
        var requests = new RecommendationRequest[Math.Max(settings.Requests, settings.BaselineRequests)];
        for (var i = 0; i < requests.Length; i++)
        {
            var township = townships[rng.Next(townships.Length)];
            var (lat, lon) = PointIn(rng, extent[township.Code], inside[township.Code]);
            var grid = tree.Locate(lat, lon)?.Grid;
            var category = DefaultCategories.All[rng.Next(DefaultCategories.All.Count)].Code;
            requests[i] = new RecommendationRequest(lat, lon, township.Code, category, grid is null ? null : captains[grid.Code], Now);
        }

        output.WriteLine(
            $"recommend: {officers.Length:N0} officers in {townships.Length} townships (fresh {fresh:N0}, stale {stale:N0}, offline {offline:N0}; " +
            $"busy {busy:N0}), {settings.Requests:N0} incidents ({settings.BaselineRequests:N0} for the baseline), {Environment.ProcessorCount} cores");

        for (var i = 0; i < settings.WarmUp; i++)
        {
            locator.Recommend(requests[i % requests.Length]);
            baseline.Recommend(requests[i % requests.Length]);
        }

        var offered = 0L;
        var ours = Time("ours", settings.Requests, i => offered += locator.Recommend(requests[i]).Count);
        var linear = Time("baseline", settings.BaselineRequests, i => baseline.Recommend(requests[i]));

        var mismatches = 0;
        var verified = Math.Min(settings.Verify, requests.Length);
        for (var i = 0; i < verified; i++)
        {
            if (!locator.Recommend(requests[i]).SequenceEqual(baseline.Recommend(requests[i])))
            {
                mismatches++;
            }
        }

        // Worst case: with every officer stale no list ends in a fresh township officer, so no search stops before MaxDistance.
        options.StaleAfter = TimeSpan.Zero;
        var allStale = Time("ours, all stale", settings.Requests / 10, i => locator.Recommend(requests[i]));
        options.StaleAfter = new RecommenderOptions().StaleAfter;

        var (underIngest, ingestRate) = TimeWhileIngesting(locator, officers, requests, settings.Requests);
        var report = new Report(
            settings, Environment.ProcessorCount, townships.Length, fresh, stale, offline, busy, (double)offered / settings.Requests,
            ours, linear, underIngest, allStale, ingestRate, linear.P50Micros / ours.P50Micros, linear.P99Micros / ours.P99Micros, verified, mismatches);

        output.WriteLine();
        output.WriteLine($"{"",-16} {"calls",9} {"p50 µs",9} {"p90 µs",9} {"p99 µs",9} {"max µs",9} {"mean µs",9}");
        foreach (var t in new[] { ours, linear, underIngest, allStale })
        {
            output.WriteLine($"{t.Name,-16} {t.Calls,9:N0} {t.P50Micros,9:F1} {t.P90Micros,9:F1} {t.P99Micros,9:F1} {t.MaxMicros,9:F1} {t.MeanMicros,9:F1}");
        }

        output.WriteLine($"ingest during the last run: {ingestRate:N0} positions/s");
        output.WriteLine($"speed-up baseline/ours: p50 ×{report.P50Speedup:F1}, p99 ×{report.P99Speedup:F1}; mean list length {report.MeanOfficersOffered:F2} (incl. captain)");
        output.WriteLine($"verified {verified:N0} answers against the baseline: {(mismatches == 0 ? "all equal" : $"{mismatches:N0} MISMATCHES")}");
        return report;
    }

    private static Timing Time(string name, int calls, Action<int> call)
    {
        var ticks = new long[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        return Summarise(name, ticks);
    }

    /// <summary>Ours again while another thread feeds the locator about <see cref="IngestPerSecond"/> positions a second.</summary>
    private static (Timing Timing, double PerSecond) TimeWhileIngesting(OfficerLocator locator, Officer[] officers, RecommendationRequest[] requests, int calls)
    {
        using var stop = new CancellationTokenSource();
        var ingested = 0L;
        var clock = Stopwatch.StartNew();
        var ingest = Task.Factory.StartNew(
            () =>
            {
                var rng = new Random(Seed + 1);
                while (!stop.IsCancellationRequested)
                {
                    // Catch up with the target rate, then yield the core: a steady stream without a thread spinning on it.
                    for (var due = (long)(clock.Elapsed.TotalSeconds * IngestPerSecond); ingested < due; ingested++)
                    {
                        var request = requests[rng.Next(requests.Length)];
                        locator.Update(
                            officers[rng.Next(officers.Length)].Id,
                            request.Latitude + ((rng.NextDouble() - 0.5) * 0.01),
                            request.Longitude + ((rng.NextDouble() - 0.5) * 0.01),
                            Now - TimeSpan.FromSeconds(rng.Next(0, 60)));
                    }

                    Thread.Sleep(5);
                }
            },
            TaskCreationOptions.LongRunning);

        var timing = Time("ours+ingest", calls, i => locator.Recommend(requests[i]));
        stop.Cancel();
        ingest.GetAwaiter().GetResult();
        return (timing, ingested / clock.Elapsed.TotalSeconds);
    }

    private static Timing Summarise(string name, long[] ticks)
    {
        var sorted = ticks.Order().ToArray();
        double Micros(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        double Percentile(double q) => Micros(sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)]);
        return new Timing(name, sorted.Length, Percentile(0.50), Percentile(0.90), Percentile(0.99), Micros(sorted[^1]), sorted.Average(Micros));
    }

    /// <summary>The demo city's officers, then generated ones spread evenly over its townships up to <paramref name="count"/>.</summary>
    private static Officer[] Officers(DemoCity city, JurisdictionNode[] townships, int count, Random rng)
    {
        var officers = new List<Officer>(count);
        officers.AddRange(city.Officers.Take(count));
        var categories = DefaultCategories.All.Select(c => c.Code).ToArray();
        for (var id = city.Officers.Max(o => o.Id) + 1; officers.Count < count; id++)
        {
            var township = townships[officers.Count % townships.Length];
            var mode = rng.NextDouble() switch
            {
                < 0.75 => TravelMode.EBike,
                < 0.90 => TravelMode.Car,
                _ => TravelMode.Foot,
            };
            var skills = categories.OrderBy(_ => rng.Next()).Take(rng.Next(3, 7)).ToArray();
            officers.Add(new Officer(id, $"BZ{id:D6}", $"队员{id}", township.Code + "-T1", township.Code, mode, skills, null, "13900000000"));
        }

        return [.. officers];
    }

    private static (double Lat, double Lon) PointIn(Random rng, Envelope envelope, IPreparedGeometry area)
    {
        var factory = area.Geometry.Factory;
        while (true)
        {
            var (lat, lon) = (envelope.MinY + (rng.NextDouble() * envelope.Height), envelope.MinX + (rng.NextDouble() * envelope.Width));
            if (area.Contains(factory.CreatePoint(new Coordinate(lon, lat))))
            {
                return (lat, lon);
            }
        }
    }

    /// <summary>What one would write first: every officer checked against every rule, the survivors sorted.</summary>
    private sealed class LinearScan(Officer[] officers, RecommenderOptions options, Func<string, IReadOnlyList<string>> neighboursOf)
    {
        private readonly double[] _lat = new double[officers.Length];
        private readonly double[] _lon = new double[officers.Length];
        private readonly DateTimeOffset?[] _at = new DateTimeOffset?[officers.Length];
        private readonly bool[] _busy = new bool[officers.Length];

        public void Update(int index, double lat, double lon, DateTimeOffset at) => (_lat[index], _lon[index], _at[index]) = (lat, lon, at);

        public void SetBusy(int index, bool busy) => _busy[index] = busy;

        public List<Recommendation> Recommend(RecommendationRequest request)
        {
            var neighbours = neighboursOf(request.TownshipCode);
            var candidates = new List<(Officer Officer, CandidateGroup Group, bool Stale, double Distance, double Eta, TimeSpan Age, DateTimeOffset At)>();
            for (var i = 0; i < officers.Length; i++)
            {
                var officer = officers[i];
                if (_busy[i] || _at[i] is not { } at)
                {
                    continue;
                }

                CandidateGroup group;
                if (officer.TownshipCode == request.TownshipCode)
                {
                    group = CandidateGroup.Township;
                }
                else if (neighbours.Contains(officer.TownshipCode))
                {
                    group = CandidateGroup.Neighbour;
                }
                else
                {
                    continue;
                }

                if (!officer.Skills.Contains(request.CategoryCode))
                {
                    continue;
                }

                var age = at > request.Now ? TimeSpan.Zero : request.Now - at;
                if (age > options.OfflineAfter)
                {
                    continue;
                }

                var distance = Geo.HaversineMeters(request.Latitude, request.Longitude, _lat[i], _lon[i]);
                if (distance <= options.MaxDistanceMeters)
                {
                    candidates.Add((officer, group, age > options.StaleAfter, distance, distance * 3.6 / options.SpeedKmh(officer.Mode), age, at));
                }
            }

            candidates.Sort((a, b) =>
                a.Group != b.Group ? a.Group.CompareTo(b.Group)
                : a.Stale != b.Stale ? a.Stale.CompareTo(b.Stale)
                : a.Eta != b.Eta ? a.Eta.CompareTo(b.Eta)
                : a.At != b.At ? b.At.CompareTo(a.At)
                : a.Officer.Id.CompareTo(b.Officer.Id));

            var results = new List<Recommendation>(options.MaxResults + 1);
            foreach (var c in candidates.Take(options.MaxResults))
            {
                results.Add(new Recommendation(
                    results.Count + 1, Assignee.ForOfficer(c.Officer.Id, c.Officer.Name), c.Group, c.Officer.TownshipCode,
                    c.Distance, TimeSpan.FromSeconds(c.Eta), c.Age, c.Stale));
            }

            if (request.Captain is { } captain)
            {
                results.Add(new Recommendation(
                    results.Count + 1, Assignee.ForCaptain(captain.Code, captain.Name), CandidateGroup.Captain, request.TownshipCode, null, null, null, false));
            }

            return results;
        }
    }
}
