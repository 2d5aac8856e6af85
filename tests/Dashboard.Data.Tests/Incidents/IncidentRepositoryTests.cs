using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Incidents;
using static Dashboard.Data.Tests.Incidents.IncidentTestData;

namespace Dashboard.Data.Tests.Incidents;

public abstract class IncidentRepositoryTests : DatabaseTests
{
    private static readonly ScopeFilter City = new(JurisdictionLevel.City, TestCity.City);

    private async Task<(TestDatabase Db, IncidentRepository Incidents, Reporters Users)> CreateAsync()
    {
        var db = await CreateSeededAsync();
        var users = await PrepareAsync(db, Ct);
        return (db, new IncidentRepository(db.Factory), users);
    }

    [Fact]
    public async Task Report_creates_the_incident_and_its_Reported_event_in_one_go()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var earlier = await incidents.CreateReportAsync(Report(users.Captain, "c-1"), Ct);
        var previousMax = await incidents.MaxSeqAsync(Ct);

        var outcome = await incidents.CreateReportAsync(Report(users.Captain, "c-2"), Ct);

        Assert.True(outcome.Created);
        var incident = outcome.Incident;
        var reported = Assert.IsType<IncidentEvent>(outcome.Event);
        Assert.True(reported.Seq > previousMax);
        Assert.Equal(earlier.Event!.Seq, previousMax);
        Assert.Equal(
            new IncidentEvent(reported.Seq, incident.Id, IncidentEventTypes.Reported, "user:" + users.Captain, ReportedAt, reported.Payload),
            reported);
        Assert.Equal(reported.Seq, incident.LastSeq);
        Assert.Equal((IncidentStatus.Reported, TestCity.Township, 0), (incident.Status, incident.OwnerCode, incident.PhotoCount));
        Assert.Equal(ReportedAt.AddMinutes(-7), incident.OccurredAt);
        Assert.Equal(incident, await incidents.FindAsync(incident.Id, Ct));
        Assert.Equal([reported], await incidents.EventsOfAsync(incident.Id, Ct));
        Assert.Equal(reported.Seq, await incidents.MaxSeqAsync(Ct));
        Assert.Null(await incidents.FindAsync(incident.Id + 100, Ct));
    }

    [Fact]
    public async Task Incident_code_is_the_prefix_and_the_id_padded_to_six_digits()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;

        var outcome = await incidents.CreateReportAsync(Report(users.Captain, "c-1"), Ct);

        Assert.Matches(@"^SJ20261123-\d{6}$", outcome.Incident.Code);
        Assert.Equal(CodePrefix + outcome.Incident.Id.ToString("D6", CultureInfo.InvariantCulture), outcome.Incident.Code);
        Assert.Equal(outcome.Incident.Code, (await incidents.FindAsync(outcome.Incident.Id, Ct))!.Code);
    }

    [Fact]
    public async Task Reported_event_payload_is_json_with_category_position_grid_township_and_photo_count()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        NewPhoto[] photos = [new("image/jpeg", [1, 2, 3], "a.jpg"), new("image/png", [4], null)];

        var withGrid = await incidents.CreateReportAsync(Report(users.Captain, "c-1", photos: photos), Ct);
        var withoutGrid = await incidents.CreateReportAsync(Report(users.Captain, "c-2", grid: null), Ct);

        var stored = (await incidents.EventsOfAsync(withGrid.Incident.Id, Ct)).Single().Payload!;
        using (var json = JsonDocument.Parse(stored))
        {
            var root = json.RootElement;
            Assert.Equal("ZDJY", root.GetProperty("category").GetString());
            Assert.Equal(29.9012345, root.GetProperty("lat").GetDouble());
            Assert.Equal(121.5543219, root.GetProperty("lon").GetDouble());
            Assert.Equal(TestCity.GridA, root.GetProperty("grid").GetString());
            Assert.Equal(TestCity.Township, root.GetProperty("township").GetString());
            Assert.Equal(2, root.GetProperty("photos").GetInt32());
        }

        using var noGrid = JsonDocument.Parse((await incidents.EventsOfAsync(withoutGrid.Incident.Id, Ct)).Single().Payload!);
        Assert.Equal(JsonValueKind.Null, noGrid.RootElement.GetProperty("grid").ValueKind);
        Assert.Equal(0, noGrid.RootElement.GetProperty("photos").GetInt32());
        Assert.Null(withoutGrid.Incident.GridCode);
        Assert.Null((await incidents.FindAsync(withoutGrid.Incident.Id, Ct))!.GridCode);
    }

    [Fact]
    public async Task Photos_are_stored_with_the_report_and_read_back_byte_for_byte()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var large = new byte[300_000];
        new Random(42).NextBytes(large);
        NewPhoto[] photos = [new("image/jpeg", large, "现场.jpg"), new("image/png", [0x89, 0x50, 0x4E, 0x47], null)];

        var outcome = await incidents.CreateReportAsync(Report(users.Captain, "c-1", photos: photos), Ct);

        Assert.Equal(2, outcome.Incident.PhotoCount);
        var listed = await incidents.PhotosAsync(outcome.Incident.Id, Ct);
        Assert.Equal(
            [("image/jpeg", "现场.jpg", 300_000L), ("image/png", (string?)null, 4L)],
            listed.Select(p => (p.ContentType, p.FileName, p.SizeBytes)));
        Assert.All(listed, p => Assert.Equal(outcome.Incident.Id, p.IncidentId));
        for (var i = 0; i < photos.Length; i++)
        {
            var read = await incidents.PhotoAsync(listed[i].Id, Ct);
            Assert.NotNull(read);
            Assert.Equal(listed[i], read.Value.Photo);
            Assert.Equal(photos[i].Content, read.Value.Content);
        }

        Assert.Null(await incidents.PhotoAsync(listed.Max(p => p.Id) + 1, Ct));
        Assert.Empty(await incidents.PhotosAsync(outcome.Incident.Id + 1, Ct));
    }

    [Fact]
    public async Task Same_client_id_from_the_same_reporter_returns_the_first_incident_and_writes_nothing()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var first = await incidents.CreateReportAsync(Report(users.Captain, "c-1", photos: [new("image/jpeg", [1], null)]), Ct);

        var again = await incidents.CreateReportAsync(
            Report(users.Captain, "c-1", category: "LJLD", photos: [new("image/jpeg", [2], null), new("image/jpeg", [3], null)]) with { Description = "重发" },
            Ct);

        Assert.False(again.Created);
        Assert.Null(again.Event);
        Assert.Equal(first.Incident, again.Incident);
        Assert.Equal((1, 1, 1), await CountRowsAsync(db, Ct));
        Assert.Equal(first.Event!.Seq, await incidents.MaxSeqAsync(Ct));
    }

    [Fact]
    public async Task Same_client_id_from_another_reporter_is_a_second_incident()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var first = await incidents.CreateReportAsync(Report(users.Captain, "c-1"), Ct);

        var second = await incidents.CreateReportAsync(Report(users.OtherCaptain, "c-1"), Ct);

        Assert.True(second.Created);
        Assert.NotEqual(first.Incident.Id, second.Incident.Id);
        Assert.NotEqual(first.Incident.Code, second.Incident.Code);
        Assert.Equal((2, 2, 0), await CountRowsAsync(db, Ct));
    }

    [Fact]
    public async Task Concurrent_duplicates_create_exactly_one_incident_and_one_event()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(
            () => incidents.CreateReportAsync(Report(users.Captain, "same", photos: [new("image/jpeg", [(byte)i], null)]), Ct))));

        Assert.Single(outcomes, o => o.Created);
        Assert.Single(outcomes.Select(o => o.Incident.Id).Distinct());
        Assert.All(outcomes.Where(o => !o.Created), o => Assert.Null(o.Event));
        Assert.Equal((1, 1, 1), await CountRowsAsync(db, Ct));
    }

    [Fact]
    public async Task Concurrent_reports_get_unique_strictly_increasing_seqs()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        await incidents.CreateReportAsync(Report(users.Captain, "before"), Ct);
        var before = await incidents.MaxSeqAsync(Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(
            () => incidents.CreateReportAsync(Report(i % 2 == 0 ? users.Captain : users.OtherCaptain, $"c-{i}"), Ct))));

        Assert.All(outcomes, o => Assert.True(o.Created));
        Assert.Equal(16, outcomes.Select(o => o.Event!.Seq).Distinct().Count());
        var log = await incidents.EventsSinceAsync(before, City, 100, Ct);
        Assert.Equal(16, log.Count);
        Assert.All(log.Zip(log.Skip(1)), pair => Assert.True(pair.First.Event.Seq < pair.Second.Event.Seq));
        Assert.Equal(
            outcomes.Select(o => (o.Event!.Seq, o.Incident.Id)).Order(),
            log.Select(e => (e.Event.Seq, e.Event.IncidentId)));
        Assert.All(log, e => Assert.Equal(e.Event.Seq, e.Incident.LastSeq));
    }

    [Fact]
    public async Task A_reader_polling_events_since_its_last_seq_during_concurrent_reports_misses_none()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var seen = new List<long>();
        var last = 0L;

        var writers = Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await incidents.CreateReportAsync(Report(w % 2 == 0 ? users.Captain : users.OtherCaptain, $"w{w}-{i}"), Ct);
            }
        })));
        while (true)
        {
            var done = writers.IsCompleted;
            var batch = await incidents.EventsSinceAsync(last, City, 7, Ct);
            seen.AddRange(batch.Select(e => e.Event.Seq));
            last = batch.Count > 0 ? batch[^1].Event.Seq : last;
            if (done && batch.Count == 0)
            {
                break;
            }
        }

        await writers;
        Assert.Equal(40, seen.Count);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(40, seen.Distinct().Count());
        Assert.Equal(last, await incidents.MaxSeqAsync(Ct));
    }

    public static TheoryData<string> FailingWrites() => ["unknown category", "description over 500 characters", "photo without content", "event without actor"];

    [Theory]
    [MemberData(nameof(FailingWrites))]
    public async Task A_failing_write_leaves_no_incident_photo_or_event(string failure)
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        NewPhoto[] photos = [new("image/jpeg", [1, 2, 3], "a.jpg")];
        var good = Report(users.Captain, "c-1", photos: photos);
        var bad = failure switch
        {
            "unknown category" => good with { CategoryCode = "NOPE" },
            "description over 500 characters" => good with { Description = new string('占', 501) },
            // Both fail after the incident row is in: only the rollback can remove it.
            "photo without content" => good with { Photos = [.. photos, new("image/jpeg", null!, "b.jpg")] },
            "event without actor" => good with { Actor = null! },
            _ => throw new ArgumentOutOfRangeException(nameof(failure)),
        };

        await Assert.ThrowsAnyAsync<Exception>(() => incidents.CreateReportAsync(bad, Ct));

        Assert.Equal((0, 0, 0), await CountRowsAsync(db, Ct));
        Assert.Equal(0, await incidents.MaxSeqAsync(Ct));
        var retried = await incidents.CreateReportAsync(good, Ct);
        Assert.True(retried.Created);
        Assert.Equal((1, 1, 1), await CountRowsAsync(db, Ct));
    }

    [Fact]
    public async Task List_is_filtered_by_city_district_township_and_grid_scope_newest_first()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var a = (await incidents.CreateReportAsync(Report(users.Captain, "a", grid: TestCity.GridA), Ct)).Incident.Id;
        var b = (await incidents.CreateReportAsync(Report(users.Captain, "b", grid: TestCity.GridB), Ct)).Incident.Id;
        var noGrid = (await incidents.CreateReportAsync(Report(users.Captain, "c", grid: null), Ct)).Incident.Id;
        var other = (await incidents.CreateReportAsync(ReportInOtherDistrict(users.OtherCaptain, "d"), Ct)).Incident.Id;

        async Task<long[]> Ids(JurisdictionLevel level, string code) =>
            (await incidents.ListAsync(new IncidentQuery(new ScopeFilter(level, code)), Ct)).Select(i => i.Id).ToArray();

        Assert.Equal([other, noGrid, b, a], await Ids(JurisdictionLevel.City, TestCity.City));
        Assert.Equal([noGrid, b, a], await Ids(JurisdictionLevel.District, TestCity.District));
        Assert.Equal([other], await Ids(JurisdictionLevel.District, OtherDistrict));
        Assert.Equal([noGrid, b, a], await Ids(JurisdictionLevel.Township, TestCity.Township));
        Assert.Equal([other], await Ids(JurisdictionLevel.Township, OtherTownship));
        Assert.Equal([a], await Ids(JurisdictionLevel.Grid, TestCity.GridA));
        Assert.Equal([b], await Ids(JurisdictionLevel.Grid, TestCity.GridB));
        Assert.Empty(await Ids(JurisdictionLevel.Township, "no-such-node"));
        var listed = await incidents.ListAsync(new IncidentQuery(City), Ct);
        Assert.Equal(await incidents.FindAsync(a, Ct), listed.Single(i => i.Id == a));
    }

    [Fact]
    public async Task List_filters_by_status_set_and_category()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var reported = (await incidents.CreateReportAsync(Report(users.Captain, "a"), Ct)).Incident.Id;
        var closed = (await incidents.CreateReportAsync(Report(users.Captain, "b", category: "LJLD"), Ct)).Incident.Id;
        var dispatched = (await incidents.CreateReportAsync(Report(users.Captain, "c", category: "LJLD"), Ct)).Incident.Id;
        await SetStatusAsync(db, closed, IncidentStatus.Closed, Ct);
        await SetStatusAsync(db, dispatched, IncidentStatus.Dispatched, Ct);

        async Task<long[]> Ids(IReadOnlyCollection<IncidentStatus>? statuses, string? category = null) =>
            (await incidents.ListAsync(new IncidentQuery(City, statuses, category), Ct)).Select(i => i.Id).ToArray();

        Assert.Equal([closed], await Ids([IncidentStatus.Closed]));
        Assert.Equal([dispatched, reported], await Ids([IncidentStatus.Reported, IncidentStatus.Dispatched, IncidentStatus.Dispatched]));
        Assert.Equal([dispatched, closed, reported], await Ids(Enum.GetValues<IncidentStatus>()));
        Assert.Empty(await Ids([]));
        Assert.Empty(await Ids([IncidentStatus.Cancelled]));
        Assert.Equal([dispatched, closed], await Ids(null, "LJLD"));
        Assert.Equal([dispatched], await Ids([IncidentStatus.Dispatched, IncidentStatus.Reported], "LJLD"));
        Assert.Empty(await Ids(null, "ZSRM"));
        Assert.Equal(IncidentStatus.Closed, (await incidents.ListAsync(new IncidentQuery(City, [IncidentStatus.Closed]), Ct)).Single().Status);
    }

    [Fact]
    public async Task List_pages_with_limit_and_before_id()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await incidents.CreateReportAsync(Report(users.Captain, $"c-{i}"), Ct)).Incident.Id);
        }

        ids.Reverse();
        var pages = new List<long[]>();
        long? before = null;
        while (true)
        {
            var page = await incidents.ListAsync(new IncidentQuery(City, Limit: 2, BeforeId: before), Ct);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page.Select(i => i.Id).ToArray());
            before = page[^1].Id;
        }

        Assert.Equal([ids[..2].ToArray(), ids[2..4].ToArray(), ids[4..].ToArray()], pages);
        Assert.Equal(ids[..3], (await incidents.ListAsync(new IncidentQuery(City, Limit: 3), Ct)).Select(i => i.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => incidents.ListAsync(new IncidentQuery(City, Limit: 0), Ct));
    }

    [Fact]
    public async Task Events_since_a_seq_are_those_after_it_in_scope_ascending_with_the_current_incident()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        Assert.Equal(0, await incidents.MaxSeqAsync(Ct));
        Assert.Empty(await incidents.EventsSinceAsync(0, City, 10, Ct));
        var first = await incidents.CreateReportAsync(Report(users.Captain, "a", grid: TestCity.GridA), Ct);
        var inOther = await incidents.CreateReportAsync(ReportInOtherDistrict(users.OtherCaptain, "b"), Ct);
        var inGridB = await incidents.CreateReportAsync(Report(users.Captain, "c", grid: TestCity.GridB), Ct);
        var last = await incidents.CreateReportAsync(Report(users.Captain, "d", grid: TestCity.GridA), Ct);
        await SetStatusAsync(db, last.Incident.Id, IncidentStatus.Contacted, Ct);

        async Task<long[]> Seqs(long after, JurisdictionLevel level, string code, int limit = 100) =>
            (await incidents.EventsSinceAsync(after, new ScopeFilter(level, code), limit, Ct)).Select(e => e.Event.Seq).ToArray();

        var s = new[] { first, inOther, inGridB, last }.Select(o => o.Event!.Seq).ToArray();
        Assert.Equal(s, await Seqs(0, JurisdictionLevel.City, TestCity.City));
        Assert.Equal(s[1..], await Seqs(s[0], JurisdictionLevel.City, TestCity.City));
        Assert.Equal(s[1..3], await Seqs(s[0], JurisdictionLevel.City, TestCity.City, limit: 2));
        Assert.Equal([s[0], s[2], s[3]], await Seqs(0, JurisdictionLevel.District, TestCity.District));
        Assert.Equal([s[2], s[3]], await Seqs(s[0], JurisdictionLevel.Township, TestCity.Township));
        Assert.Equal([s[1]], await Seqs(0, JurisdictionLevel.Township, OtherTownship));
        Assert.Equal([s[3]], await Seqs(s[0], JurisdictionLevel.Grid, TestCity.GridA));
        Assert.Empty(await Seqs(s[3], JurisdictionLevel.City, TestCity.City));
        Assert.Equal(s[3], await incidents.MaxSeqAsync(Ct));

        var current = (await incidents.EventsSinceAsync(s[2], City, 10, Ct)).Single();
        Assert.Equal(last.Event, current.Event);
        Assert.Equal(last.Incident with { Status = IncidentStatus.Contacted }, current.Incident);
    }

    [Fact]
    public async Task Open_count_leaves_out_closed_and_cancelled_incidents_and_respects_scope()
    {
        var (db, incidents, users) = await CreateAsync();
        await using var _ = db;
        var ids = new List<long>();
        foreach (var (clientId, grid) in new[] { ("a", TestCity.GridA), ("b", TestCity.GridA), ("c", TestCity.GridB), ("d", TestCity.GridB), ("e", TestCity.GridB) })
        {
            ids.Add((await incidents.CreateReportAsync(Report(users.Captain, clientId, grid: grid), Ct)).Incident.Id);
        }

        await incidents.CreateReportAsync(ReportInOtherDistrict(users.OtherCaptain, "f"), Ct);
        await SetStatusAsync(db, ids[0], IncidentStatus.Closed, Ct);
        await SetStatusAsync(db, ids[2], IncidentStatus.Cancelled, Ct);
        await SetStatusAsync(db, ids[3], IncidentStatus.Resolved, Ct);

        Assert.Equal(4, await incidents.CountOpenAsync(City, Ct));
        Assert.Equal(3, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.District, TestCity.District), Ct));
        Assert.Equal(1, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.District, OtherDistrict), Ct));
        Assert.Equal(3, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.Township, TestCity.Township), Ct));
        Assert.Equal(1, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.Grid, TestCity.GridA), Ct));
        Assert.Equal(2, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.Grid, TestCity.GridB), Ct));
        Assert.Equal(0, await incidents.CountOpenAsync(new ScopeFilter(JurisdictionLevel.Grid, "no-such-grid"), Ct));
    }
}

public sealed class SqliteIncidentRepositoryTests : IncidentRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
