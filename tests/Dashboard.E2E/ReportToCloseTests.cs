using System.Diagnostics;
using System.Globalization;
using Dashboard.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.E2E;

/// <summary>
/// Flows 1–4 as one story: a grid captain reports from a phone, the township operator (already watching) dispatches with
/// one click, the officer accepts, walks into the geofence and resolves, the operator closes, the district operator's roll-up
/// and a leader's township portrait show it.
/// </summary>
[Collection(ConsoleFlows.Name)]
public sealed class ReportToCloseTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Captain_reports_operator_dispatches_officer_resolves_operator_closes_and_the_figures_follow()
    {
        var app = fixture.App;
        var tree = app.City.Tree;
        var district = tree.ChildrenOf(tree.Root.Code)[0];
        var township = tree.ChildrenOf(district.Code)[0];
        var grid = tree.ChildrenOf(township.Code)[0];
        // The demo `officer` account is linked to the township's first officer.
        var officer = app.City.Current.Officers.First(o => o.TownshipCode == township.Code);
        Assert.Contains("ZDJY", officer.Skills);

        await using var session = await fixture.NewSessionAsync();
        var operatorPage = await session.SignedInPageAsync(Device.Desktop, "township_op", "/");
        await Expect(operatorPage.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();
        var officerPage = await session.SignedInPageAsync(Device.Phone, "officer", "/field");
        await Expect(officerPage.Locator("[data-field=no-task]")).ToBeVisibleAsync();
        var captain = await session.SignedInPageAsync(Device.Phone, "captain", "/report");
        await Expect(captain.Locator(".report-map.leaflet-container")).ToBeVisibleAsync();

        // 1. The captain taps the map, picks 占道经营, adds a photo and reports.
        await captain.Locator(".report-map").ClickAsync();
        await Expect(captain.Locator("[data-field=lat]")).Not.ToHaveValueAsync("");
        await Expect(captain.Locator("[data-field=lon]")).Not.ToHaveValueAsync("");
        await captain.Locator("[data-field=category]").SelectOptionAsync(new SelectOptionValue { Label = "占道经营" });
        var token = "E2E-" + Guid.NewGuid().ToString("N")[..8];
        await captain.Locator("[data-field=description]").FillAsync($"菜场门口占道经营，堵塞人行道 {token}");
        await captain.Locator("#report-photos").SetInputFilesAsync(new FilePayload { Name = "stall.png", MimeType = "image/png", Buffer = Screens.Photo });
        await Expect(captain.Locator(".report-photo")).ToContainTextAsync("stall.png");

        // 2. The operator's queue shows the report without a reload within a second of the captain's submit.
        var newRow = operatorPage.Locator(".queue-row", new() { HasText = token });
        var appears = newRow.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 15_000 });
        var clock = Stopwatch.StartNew();
        await captain.Locator("[data-action=submit]").ClickAsync();
        var clicked = clock.ElapsedMilliseconds;
        var resultTask = captain.Locator("[data-result]").WaitForAsync().ContinueWith(_ => clock.ElapsedMilliseconds, TaskScheduler.Default);
        try
        {
            await appears;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the report {token} did not reach the operator's queue:\n{await Screens.DescribeAsync(fixture.Api, captain, operatorPage)}\n{session.Errors}", ex);
        }

        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"submit: click returned after {clicked} ms, the operator's row appeared after {clock.ElapsedMilliseconds} ms, the captain's result after {await resultTask} ms");

        var result = captain.Locator("[data-result]");
        await Expect(result).ToBeVisibleAsync();
        var code = (await result.GetAttributeAsync("data-result"))!;
        await Expect(result).ToContainTextAsync($"上报成功，事件编号 {code}");
        var mine = captain.Locator($".report-mine-row[data-incident='{code}']");
        await Expect(mine.Locator(".status-chip")).ToHaveTextAsync("待联络");
        await Expect(mine).ToContainTextAsync("占道经营");

        Assert.True(clock.Elapsed <= TimeSpan.FromSeconds(1), $"the report reached the operator's queue after {clock.ElapsedMilliseconds} ms");
        var id = long.Parse((await newRow.GetAttributeAsync("data-incident"))!, CultureInfo.InvariantCulture);
        var row = operatorPage.Locator($".queue-row[data-incident='{id}']");
        await Expect(row).ToContainTextAsync(code);
        await Expect(row.Locator(".status-chip")).ToHaveTextAsync("待联络");

        // The contact clock runs: green and counting down from a minute.
        var contact = row.Locator("[data-clock=contact]");
        await Expect(contact).ToHaveAttributeAsync("data-colour", "green");
        var shown = await contact.Locator(".clock-value").InnerTextAsync();
        Assert.Matches(@"^(1:00|0:[0-5]\d)$", shown);
        await Expect(contact.Locator(".clock-value")).Not.ToHaveTextAsync(shown);

        var detail = await fixture.Api.GetAsync("admin", $"api/v1/incidents/{id}");
        var incident = detail.GetProperty("incident");
        var (lat, lon) = (incident.GetProperty("latitude").GetDouble(), incident.GetProperty("longitude").GetDouble());
        // The officer is on duty 800 m north of the report (last fix 90 s ago, still fresh): the only skilled officer of
        // the township with a position, so the recommender ranks them first.
        var start = Api.North(lat, lon, 800);
        var startAt = DateTimeOffset.UtcNow.AddSeconds(-90);
        await fixture.Api.PostFixesAsync("admin", (officer.Id, start.Lat, start.Lon, startAt));
        var recommended = await fixture.Api.GetAsync("township_op", $"api/v1/incidents/{id}/recommendations");
        Assert.Equal(officer.Id, recommended[0].GetProperty("officerId").GetInt32());

        // One click on 派发: the recommended officer's name on the row, and a dispatch line on the map.
        Assert.Equal(0, await operatorPage.EvaluateAsync<int>(Screens.DispatchLinePixels));
        var dispatch = row.Locator("[data-action=dispatch]");
        await Expect(dispatch).ToHaveTextAsync("派发");
        await dispatch.ClickAsync();
        await Expect(row.Locator("[data-field=assignee]")).ToHaveTextAsync($"→ {officer.Name}");
        await Expect(row).ToHaveAttributeAsync("data-status", "Dispatched");
        await Expect(row.Locator(".status-chip")).ToHaveTextAsync("已派发");
        await operatorPage.WaitForFunctionAsync($"() => ({Screens.DispatchLinePixels})() > 0", null, new() { Timeout = 15_000, PollingInterval = 200 });
        await Screens.CaptureAsync(operatorPage, "operator-console");

        // Zoom the map in on the incident (mouse wheel, two levels): the line is redrawn twice as long.
        var painted = await operatorPage.EvaluateAsync<int>(Screens.DispatchLinePixels);
        var marker = await operatorPage.Locator(".live-map .leaflet-lmIncidents-pane .leaflet-interactive").First.BoundingBoxAsync();
        Assert.NotNull(marker);
        await operatorPage.Mouse.MoveAsync(marker.X + (marker.Width / 2), marker.Y + (marker.Height / 2));
        await operatorPage.Mouse.WheelAsync(0, -100);
        await operatorPage.WaitForFunctionAsync($"() => ({Screens.DispatchLinePixels})() > {painted * 2}", null, new() { Timeout = 15_000, PollingInterval = 200 });
        await Screens.CaptureAsync(operatorPage, "live-map", operatorPage.Locator(".live-map"));

        // 3. The officer's phone shows the task; accept, walk into the geofence, OnScene is stamped by itself; resolve.
        var task = officerPage.Locator(".field-task[data-task]");
        await Expect(task).ToHaveAttributeAsync("data-status", "Dispatched");
        await Expect(task).ToContainTextAsync(code);
        await officerPage.Locator("[data-action=accept]").ClickAsync();
        await Expect(task).ToHaveAttributeAsync("data-status", "Accepted");
        await Expect(task.Locator(".status-chip")).ToHaveTextAsync("已接受");

        var now = DateTimeOffset.UtcNow;
        var walk = Enumerable.Range(1, 5).Select(i =>
        {
            var metres = 800 - (780.0 * i / 5); // 644 m … 20 m from the incident, at e-bike pace since the first fix
            var at = startAt + ((now - startAt) * i / 5);
            var p = Api.North(lat, lon, metres);
            return (officer.Id, p.Lat, p.Lon, at);
        }).ToArray();
        await fixture.Api.PostFixesAsync("officer", walk);
        await Expect(task).ToHaveAttributeAsync("data-status", "OnScene");
        await Expect(officerPage.Locator("[data-field=auto-arrival]")).ToHaveTextAsync("到达由定位自动确认");
        await Expect(task.Locator(".status-chip")).ToHaveTextAsync("已到场");

        await officerPage.Locator("[data-field=note]").FillAsync("已劝离摊贩，恢复通行");
        await officerPage.Locator("[data-action=resolve]").ClickAsync();
        await Expect(officerPage.Locator("[data-field=no-task]")).ToBeVisibleAsync();
        await Expect(officerPage.Locator(".incident-log li").First).ToContainTextAsync("已处置");
        await Expect(row).ToHaveAttributeAsync("data-status", "Resolved");

        // 4. The district operator's roll-up before and after the township operator closes the case.
        var districtPage = await session.SignedInPageAsync(Device.Desktop, "district_op", "/metrics");
        var townshipRow = districtPage.Locator($"tr[data-code='{township.Code}']");
        await Expect(districtPage.Locator("[data-map=choropleth].leaflet-container")).ToBeVisibleAsync();
        var closureBefore = await townshipRow.Locator("td[data-kpi=closure_rate]").InnerTextAsync();

        await row.DblClickAsync();
        var drawer = operatorPage.Locator($".incident-drawer[data-incident='{id}']");
        await drawer.Locator("[data-action=close]").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-status", "Closed");
        await Expect(row.Locator(".status-chip")).ToHaveTextAsync("已办结");

        await districtPage.ReloadAsync();
        await Expect(districtPage.Locator("[data-map=choropleth].leaflet-container")).ToBeVisibleAsync();
        await Expect(townshipRow.Locator("td[data-kpi=closure_rate]")).Not.ToHaveTextAsync(closureBefore);
        // Today's reports of the township are this one (closed) and at most a cancelled breach (not counted): all closed.
        await Expect(townshipRow.Locator("td[data-kpi=closure_rate]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^100(\.0)?\s?%$"));
        await Expect(townshipRow.Locator("td[data-kpi=reports]")).Not.ToHaveTextAsync("0");

        // A leader opens the township's portrait: the radar is drawn.
        var leader = await session.SignedInPageAsync(Device.Desktop, "leader", $"/portraits/township/{township.Code}");
        await Expect(leader.Locator("[data-chart=radar]")).ToBeVisibleAsync();
        await Expect(leader.Locator("h1[data-subject]")).ToHaveTextAsync(township.Name);
        await Screens.CaptureAsync(leader, "township-portrait");

        session.AssertClean();
    }
}
