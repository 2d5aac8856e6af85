using System.Globalization;
using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Dashboard.Core.Accounts;
using Dashboard.Core.Metrics;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Metrics;
using Dashboard.Web.Tests.Infrastructure;
using static Dashboard.Web.Tests.Infrastructure.ApiAssertions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Dashboard.Web.Tests.Features.Metrics;

public sealed class MetricsApiTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public MetricsApiTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string District => _factory.Tree().ChildrenOf(_factory.Tree().Root.Code)[0].Code;

    /// <summary>Formats as the page does, in the console's default language (zh-CN).</summary>
    private static void InChinese(Action check)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        try
        {
            check();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }

    /// <summary>
    /// A township of its own: one incident through its whole life in time (contact 20 s, arrival 100 s, closed), one contacted
    /// in 30 s and left open, one cancelled at once. Every KPI of that township follows from these facts.
    /// </summary>
    [Fact]
    public async Task Tier_kpis_of_a_township_follow_from_its_incidents_lifecycles()
    {
        var township = _factory.TownshipOfHomeDistrict(2);
        var (category, squad) = _factory.SkilledSquad(township, 1);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        using var phone = await _factory.OfficerClientAsync(squad[0]);

        var (a, lat, lon) = await _factory.ReportAsync(op, township, category);
        var (b, _, _) = await _factory.ReportAsync(op, township, category, grid: 1);
        var (c, _, _) = await _factory.ReportAsync(op, township, category, grid: 2);
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{c}/cancel", new { reason = "重复上报" }));
        _factory.Time.Advance(TimeSpan.FromSeconds(20));
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{a}/contact"));
        var task = (await OkAsync(await op.CommandAsync($"/api/v1/incidents/{a}/dispatch", new { officerId = squad[0].Id })))
            .GetProperty("task").GetProperty("id").GetInt64();
        _factory.Time.Advance(TimeSpan.FromSeconds(10));
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{b}/contact"));
        await OkAsync(await phone.CommandAsync($"/api/v1/tasks/{task}/accept"));
        _factory.Time.Advance(TimeSpan.FromSeconds(90));
        var (nearLat, nearLon) = DispatchApi.North(lat, lon, 10);
        await OkAsync(await phone.CommandAsync($"/api/v1/tasks/{task}/arrive", new { lat = nearLat, lon = nearLon }));
        await OkAsync(await phone.CommandAsync($"/api/v1/tasks/{task}/resolve", new { note = "已处置" }));
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{a}/close", new { note = "审核通过" }));

        using var leader = await _factory.CreateBearerClientAsync(DemoUsers.Leader);
        var report = await OkAsync(await leader.GetAsync($"/api/v1/metrics/tiers?scope={township.Code}&period=today", Ct));
        var row = report.GetProperty("parent");
        Assert.Equal(township.Code, row.GetProperty("code").GetString());
        Assert.Equal(0, report.GetProperty("children").GetArrayLength());
        var kpis = row.GetProperty("kpis");
        double? Kpi(string key) => kpis.GetProperty(key).ValueKind == JsonValueKind.Null ? null : kpis.GetProperty(key).GetDouble();

        var activeCategories = Dashboard.Core.Categories.DefaultCategories.All.Count;
        Assert.Equal(3, Kpi("reports"));
        Assert.Equal(1, Kpi("open"));
        Assert.Equal(0, Kpi("overdue"));
        Assert.Equal(1.0, Kpi("contact_compliance"));
        Assert.Equal(1.0, Kpi("arrival_compliance"));
        Assert.Equal(20.0, Kpi("contact_p50"));
        Assert.Equal(30.0, Kpi("contact_p90"));
        Assert.Equal(100.0, Kpi("arrival_p50"));
        Assert.Equal(100.0, Kpi("arrival_p90"));
        Assert.Equal(0.5, Kpi("closure_rate"));
        Assert.Equal(1.0, Kpi("on_time_closure_rate"));
        Assert.Equal(0, Kpi("escalations"));
        Assert.Equal(3.0 / _factory.OfficersOf(township).Count, Kpi("cases_per_officer")!.Value, 9);
        Assert.Equal(1.0 / activeCategories, Kpi("domain_coverage")!.Value, 9);

        // The district roll-up lists the township with the same figures.
        var district = await OkAsync(await leader.GetAsync($"/api/v1/metrics/tiers?scope={District}&period=7d", Ct));
        var child = district.GetProperty("children").EnumerateArray().Single(r => r.GetProperty("code").GetString() == township.Code);
        Assert.Equal(3, child.GetProperty("kpis").GetProperty("reports").GetDouble());
        Assert.Equal(0.5, child.GetProperty("kpis").GetProperty("closure_rate").GetDouble());

        // The officer's portrait counts the one task: accepted 10 s after dispatch, on scene at 100 s, resolved and closed.
        var officer = squad[0];
        var portrait = await OkAsync(await leader.GetAsync($"/api/v1/portraits/officer/{officer.Id}?period=today", Ct));
        var subject = portrait.GetProperty("subject");
        var figures = subject.GetProperty("figures");
        Assert.Equal(1, figures.GetProperty("tasks").GetInt32());
        Assert.Equal(1, figures.GetProperty("accepted").GetInt32());
        Assert.Equal(10.0, figures.GetProperty("acceptP50Seconds").GetDouble());
        Assert.Equal(1, figures.GetProperty("arrivalDecided").GetInt32());
        Assert.Equal(1, figures.GetProperty("arrivalInTime").GetInt32());
        Assert.Equal(1, figures.GetProperty("resolved").GetInt32());
        Assert.Equal(1, figures.GetProperty("resolvedClosed").GetInt32());
        Assert.Equal(1, figures.GetProperty("categoriesCovered").GetInt32());
        var team = _factory.OfficersOf(township).Where(o => o.TeamCode == officer.TeamCode).Select(o => o.Id.ToString(CultureInfo.InvariantCulture)).Order();
        Assert.Equal(team, portrait.GetProperty("ranking").EnumerateArray().Select(p => p.GetProperty("subject").GetProperty("id").GetString()!).Order());
        Assert.Equal(1, subject.GetProperty("rank").GetInt32());
        var scores = subject.GetProperty("scores").EnumerateArray().ToDictionary(x => x.GetProperty("key").GetString()!, x => x.GetProperty("score"));
        Assert.Equal(100.0, scores["workload"].GetDouble());
        Assert.Equal(100.0, scores["arrival_punctuality"].GetDouble());

        // The page prints the same raw figures.
        using var browser = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.Leader);
        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync($"/portraits/officer/{officer.Id}?period=today", Ct));
        InChinese(() =>
        {
            foreach (var dimension in PortraitDimensions.All)
            {
                var raw = subject.GetProperty("scores").EnumerateArray().Single(x => x.GetProperty("key").GetString() == dimension.Key).GetProperty("raw");
                var expected = MetricFormat.Dimension(dimension, raw.ValueKind == JsonValueKind.Null ? null : raw.GetDouble());
                Assert.Equal(expected, page.QuerySelector($"table[data-table=figures] tr[data-dimension='{dimension.Key}'] td[data-raw]")?.TextContent.Trim());
            }
        });

        // The ranking and trend exports hold the same rows.
        var rankingCsv = (await leader.GetStringAsync($"/api/v1/portraits/officer/{officer.Id}?period=today&format=csv", Ct)).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(portrait.GetProperty("ranking").GetArrayLength() + 1, rankingCsv.Length);
        Assert.StartsWith($"1,{officer.Name},{officer.Id},", rankingCsv[1], StringComparison.Ordinal);
        var trendXlsx = await leader.GetByteArrayAsync($"/api/v1/portraits/officer/{officer.Id}?period=7d&table=trend&format=xlsx", Ct);
        using var trendStream = new MemoryStream(trendXlsx);
        using var trendBook = SpreadsheetDocument.Open(trendStream, false);
        Assert.Equal(8, trendBook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>().Count());
    }

    [Fact]
    public async Task The_page_prints_the_same_numbers_as_the_api()
    {
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var township = _factory.TownshipOfHomeDistrict(1);
        var (id, _, _) = await _factory.ReportAsync(op, township);
        _factory.Time.Advance(TimeSpan.FromSeconds(12.5));
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/contact"));
        await _factory.ReportAsync(op, _factory.HomeTownship());

        using var browser = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.Leader);
        var html = await browser.GetStringAsync($"/metrics?scope={District}&period=7d", Ct);
        using var api = await _factory.CreateBearerClientAsync(DemoUsers.Leader);
        var report = await OkAsync(await api.GetAsync($"/api/v1/metrics/tiers?scope={District}&period=7d", Ct));

        var document = new HtmlParser().ParseDocument(html);
        var rows = report.GetProperty("children").EnumerateArray().Prepend(report.GetProperty("parent")).ToList();
        Assert.Equal(rows.Count, document.QuerySelectorAll("table[data-table=tiers] tbody tr").Length);
        var localizer = _factory.Services.GetRequiredService<IStringLocalizer<Dashboard.Web.SharedResource>>();
        InChinese(() =>
        {
            foreach (var row in rows)
            {
                var code = row.GetProperty("code").GetString();
                var tr = document.QuerySelector($"table[data-table=tiers] tr[data-code='{code}']");
                Assert.NotNull(tr);
                foreach (var definition in MetricDefinitions.All)
                {
                    var value = row.GetProperty("kpis").GetProperty(definition.Key);
                    var expected = MetricFormat.Kpi(definition, value.ValueKind == JsonValueKind.Null ? null : value.GetDouble(), localizer);
                    Assert.Equal(expected, tr.QuerySelector($"td[data-kpi='{definition.Key}']")?.TextContent.Trim());
                }
            }
        });

        var reported = rows.Single(r => r.GetProperty("code").GetString() == township.Code).GetProperty("kpis");
        Assert.True(reported.GetProperty("reports").GetDouble() >= 1);
        Assert.Contains("12.5 秒", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_and_xlsx_exports_hold_the_api_rows()
    {
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.TownshipOfHomeDistrict(3));
        _factory.Time.Advance(TimeSpan.FromSeconds(7));
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/contact"));

        using var leader = await _factory.CreateBearerClientAsync(DemoUsers.Leader);
        var report = await OkAsync(await leader.GetAsync($"/api/v1/metrics/tiers?scope={District}&period=30d", Ct));
        var rows = report.GetProperty("children").EnumerateArray().Prepend(report.GetProperty("parent")).ToList();

        var csvResponse = await leader.GetAsync($"/api/v1/metrics/tiers?scope={District}&period=30d&format=csv", Ct);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", csvResponse.Content.Headers.ContentDisposition?.FileNameStar ?? csvResponse.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var csv = (await csvResponse.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows.Count + 1, csv.Length);
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = csv[i + 1].Split(',');
            Assert.Equal(rows[i].GetProperty("name").GetString(), cells[0]);
            Assert.Equal(rows[i].GetProperty("code").GetString(), cells[1]);
            var kpis = rows[i].GetProperty("kpis");
            Assert.Equal(kpis.GetProperty("reports").GetDouble().ToString(CultureInfo.InvariantCulture), cells[2]);
            var compliance = kpis.GetProperty("contact_compliance");
            Assert.Equal(compliance.ValueKind == JsonValueKind.Null ? "" : (compliance.GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture), cells[5]);
        }

        var xlsx = await leader.GetByteArrayAsync($"/api/v1/metrics/tiers?scope={District}&period=30d&format=xlsx", Ct);
        using var stream = new MemoryStream(xlsx);
        using var workbook = SpreadsheetDocument.Open(stream, false);
        var part = workbook.WorkbookPart!;
        var sheet = part.WorksheetParts.Single().Worksheet;
        var sheetRows = sheet.Descendants<Row>().ToList();
        Assert.Equal(rows.Count + 1, sheetRows.Count);
        var strings = part.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        string Text(Cell cell) => cell.DataType?.Value == CellValues.SharedString ? strings[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)]
            : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText : cell.CellValue?.Text ?? "";
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = sheetRows[i + 1].Elements<Cell>().ToList();
            Assert.Equal(2 + MetricDefinitions.All.Count, cells.Count);
            Assert.Equal(rows[i].GetProperty("name").GetString(), Text(cells[0]));
            var columns = MetricDefinitions.All.Select((d, k) => (d, k)).ToList();
            foreach (var (definition, k) in columns)
            {
                var value = rows[i].GetProperty("kpis").GetProperty(definition.Key);
                var cell = cells[2 + k];
                if (value.ValueKind == JsonValueKind.Null)
                {
                    Assert.True(string.IsNullOrEmpty(Text(cell)), $"{definition.Key} is empty");
                }
                else
                {
                    Assert.Equal(value.GetDouble(), double.Parse(Text(cell), CultureInfo.InvariantCulture), 9);
                }
            }
        }
    }

    [Fact]
    public async Task Viewers_see_only_their_scope_and_other_roles_are_refused()
    {
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/metrics/tiers", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/portraits/township/{_factory.HomeTownship().Code}", Ct)).StatusCode);

        foreach (var user in new[] { DemoUsers.Officer, DemoUsers.GridCaptain })
        {
            using var client = await _factory.CreateBearerClientAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/metrics/tiers", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/portraits/township/{_factory.HomeTownship().Code}", Ct)).StatusCode);
        }

        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var own = await OkAsync(await township.GetAsync("/api/v1/metrics/tiers", Ct));
        Assert.Equal(_factory.HomeTownship().Code, own.GetProperty("parent").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync($"/api/v1/metrics/tiers?scope={District}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync($"/api/v1/metrics/tiers?scope={_factory.TownshipOfHomeDistrict(1).Code}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync($"/api/v1/portraits/township/{_factory.ForeignTownship().Code}", Ct)).StatusCode);
        var foreignOfficer = _factory.OfficersOf(_factory.ForeignTownship())[0];
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync($"/api/v1/portraits/officer/{foreignOfficer.Id}", Ct)).StatusCode);

        using var district = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var mine = await OkAsync(await district.GetAsync("/api/v1/metrics/tiers", Ct));
        Assert.Equal(District, mine.GetProperty("parent").GetProperty("code").GetString());
        Assert.Equal(_factory.Tree().ChildrenOf(District).Count, mine.GetProperty("children").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync($"/api/v1/metrics/tiers?scope={_factory.Tree().Root.Code}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync($"/api/v1/metrics/tiers?scope={_factory.ForeignTownship().Code}&format=csv", Ct)).StatusCode);

        using var leader = await _factory.CreateBearerClientAsync(DemoUsers.Leader);
        var city = await OkAsync(await leader.GetAsync("/api/v1/metrics/tiers", Ct));
        Assert.Equal(_factory.Tree().Root.Code, city.GetProperty("parent").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync("/api/v1/metrics/tiers?scope=999999", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync("/api/v1/portraits/officer/999999", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync("/api/v1/portraits/team/nope", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/metrics/tiers?period=year", "period")]
    [InlineData("/api/v1/metrics/tiers?period=custom", "from")]
    [InlineData("/api/v1/metrics/tiers?period=custom&from=2026-11-01", "to")]
    [InlineData("/api/v1/metrics/tiers?period=custom&from=2026-11-20&to=2026-11-01", "to")]
    [InlineData("/api/v1/metrics/tiers?period=custom&from=2026-13-01&to=2026-11-01", "from")]
    [InlineData("/api/v1/metrics/tiers?period=custom&from=2024-01-01&to=2026-11-01", "to")]
    [InlineData("/api/v1/metrics/tiers?period=custom&from=2027-01-01&to=2027-01-02", "from")]
    [InlineData("/api/v1/metrics/tiers?period=7d&from=2026-11-01", "from")]
    [InlineData("/api/v1/metrics/tiers?format=pdf", "format")]
    [InlineData("/api/v1/portraits/squad/1", "kind")]
    [InlineData("/api/v1/portraits/officer/1?bucket=month", "bucket")]
    [InlineData("/api/v1/portraits/officer/1?table=all&format=csv", "table")]
    [InlineData("/api/v1/portraits/officer/1?period=custom&from=x&to=2026-11-02", "from")]
    public async Task Bad_query_values_are_a_problem_naming_the_field(string path, string field)
    {
        using var leader = await _factory.CreateBearerClientAsync(DemoUsers.Leader);
        await AssertFieldErrorAsync(await leader.GetAsync(path, Ct), field);
    }

    [Fact]
    public async Task Definitions_list_every_kpi_and_portrait_dimension_with_its_formula()
    {
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var body = await OkAsync(await op.GetAsync("/api/v1/metrics/definitions", Ct));
        Assert.Equal(MetricDefinitions.All.Select(d => d.Key), body.GetProperty("kpis").EnumerateArray().Select(d => d.GetProperty("key").GetString()!));
        Assert.Equal(PortraitDimensions.All.Select(d => d.Key), body.GetProperty("portraitDimensions").EnumerateArray().Select(d => d.GetProperty("key").GetString()!));
        Assert.All(body.GetProperty("kpis").EnumerateArray(), d => Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("formula").GetString())));

        using var browser = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.Leader);
        var page = await browser.GetPageAsync("/metrics/definitions", Ct);
        foreach (var d in MetricDefinitions.All)
        {
            Assert.Contains(d.NameZh, page, StringComparison.Ordinal);
        }

        Assert.Contains("最近秩法", page, StringComparison.Ordinal);
    }
}
