using System.Net;
using System.Text.Json;
using Dashboard.Core.Accounts;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using static Dashboard.Web.Tests.Infrastructure.ApiAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Dispatch;

public sealed class DispatchApiTests : IClassFixture<DashboardAppFactory>
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];
    private readonly DashboardAppFactory _factory;

    public DispatchApiTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _factory.Time.GetUtcNow();

    /// <summary>The home township's n-th officer; each test takes its own so that no officer is busy with another test's task.</summary>
    private Officer HomeOfficer(int index) => _factory.OfficersOf(_factory.HomeTownship())[index];

    [Fact]
    public async Task One_click_dispatch_without_a_body_sends_the_top_recommendation_the_nearest_available_officer()
    {
        var township = _factory.TownshipOfHomeDistrict(1);
        var (category, squad) = _factory.SkilledSquad(township, 4);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var (id, lat, lon) = await _factory.ReportAsync(op, township, category);

        // Nearest of all, but busy with another incident of the township.
        var (otherId, _, _) = await _factory.ReportAsync(op, township, category, grid: 1);
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{otherId}/dispatch", new { officerId = squad[0].Id }));
        double[] metres = [150, 600, 1200, 2000];
        await _factory.PlaceAsync(squad.Select((o, i) =>
        {
            var (la, lo) = DispatchApi.North(lat, lon, metres[i]);
            return (o.Id, la, lo, Now);
        }).ToArray());

        var recommendations = await (await op.GetAsync($"/api/v1/incidents/{id}/recommendations", Ct)).ReadJsonAsync();
        var response = await op.CommandAsync($"/api/v1/incidents/{id}/dispatch");

        var officerIds = recommendations.EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "Officer")
            .Select(r => r.GetProperty("officerId").GetInt32()).ToList();
        Assert.Equal([squad[1].Id, squad[2].Id, squad[3].Id], officerIds.Take(3));
        Assert.DoesNotContain(squad[0].Id, officerIds);
        Assert.Equal(1, recommendations[0].GetProperty("rank").GetInt32());
        Assert.Equal(600, recommendations[0].GetProperty("distanceMeters").GetDouble(), 1);

        var body = await OkAsync(response);
        var task = body.GetProperty("task");
        Assert.Equal(squad[1].Id, task.GetProperty("assignee").GetProperty("officerId").GetInt32());
        Assert.Equal(recommendations[0].GetProperty("officerId").GetInt32(), task.GetProperty("assignee").GetProperty("officerId").GetInt32());
        Assert.Equal("Dispatched", task.GetProperty("status").GetString());
        Assert.Equal("Dispatched", body.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal(squad[1].Name, body.GetProperty("incident").GetProperty("assigneeName").GetString());

        var events = body.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["Contacted", "Dispatched"], events.Select(e => e.GetProperty("type").GetString()!));
        Assert.True(events[0].Payload().GetProperty("byDispatch").GetBoolean());
        var dispatched = events[1].Payload();
        Assert.Equal(squad[1].Id, dispatched.GetProperty("officerId").GetInt32());
        Assert.Equal(1, dispatched.GetProperty("rank").GetInt32());
        Assert.False(dispatched.GetProperty("override").GetBoolean());
        Assert.Equal(task.GetProperty("id").GetInt64(), events[1].GetProperty("taskId").GetInt64());
        Assert.True(events[0].GetProperty("seq").GetInt64() < events[1].GetProperty("seq").GetInt64());

        var log = await op.EventTypesAsync(id);
        Assert.Equal(["Reported", "Contacted", "Dispatched"], log);
    }

    [Fact]
    public async Task A_double_click_creates_exactly_one_task_one_200_and_one_409_naming_the_assignee()
    {
        var township = _factory.TownshipOfHomeDistrict(2);
        var (category, squad) = _factory.SkilledSquad(township, 2);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var (id, lat, lon) = await _factory.ReportAsync(op, township, category);
        var near = DispatchApi.North(lat, lon, 300);
        var far = DispatchApi.North(lat, lon, 900);
        await _factory.PlaceAsync((squad[0].Id, near.Lat, near.Lon, Now), (squad[1].Id, far.Lat, far.Lon, Now));
        var tasksBefore = await _factory.CountAsync("tasks");

        var responses = await Task.WhenAll(
            op.CommandAsync($"/api/v1/incidents/{id}/dispatch"),
            op.CommandAsync($"/api/v1/incidents/{id}/dispatch"));

        var ok = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var conflict = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var assignee = (await ok.ReadJsonAsync()).GetProperty("task").GetProperty("assignee").GetProperty("name").GetString()!;
        await AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        var title = (await conflict.ReadJsonAsync()).GetProperty("title").GetString()!;
        Assert.Contains("already dispatched", title, StringComparison.Ordinal);
        Assert.Contains(assignee, title, StringComparison.Ordinal);

        Assert.Equal(tasksBefore + 1, await _factory.CountAsync("tasks"));
        var tasks = await (await op.GetAsync($"/api/v1/incidents/{id}/tasks", Ct)).ReadJsonAsync();
        Assert.Equal(1, tasks.GetArrayLength());
        Assert.Equal(["Reported", "Contacted", "Dispatched"], await op.EventTypesAsync(id));
    }

    [Fact]
    public async Task Dispatch_with_a_rank_sends_that_recommendation_and_logs_it_as_an_override_with_the_reason()
    {
        var township = _factory.TownshipOfHomeDistrict(3);
        var (category, squad) = _factory.SkilledSquad(township, 2);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        var (id, lat, lon) = await _factory.ReportAsync(op, township, category);
        var near = DispatchApi.North(lat, lon, 200);
        var far = DispatchApi.North(lat, lon, 700);
        await _factory.PlaceAsync((squad[0].Id, near.Lat, near.Lon, Now), (squad[1].Id, far.Lat, far.Lon, Now));

        var body = await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { rank = 2, reason = "最近的队员熟悉该商户" }));

        Assert.Equal(squad[1].Id, body.GetProperty("task").GetProperty("assignee").GetProperty("officerId").GetInt32());
        var payload = body.GetProperty("events").EnumerateArray().Last().Payload();
        Assert.Equal(2, payload.GetProperty("rank").GetInt32());
        Assert.True(payload.GetProperty("override").GetBoolean());
        Assert.Equal("最近的队员熟悉该商户", payload.GetProperty("reason").GetString());
        Assert.Equal(700, payload.GetProperty("distanceMeters").GetDouble(), 1);
    }

    [Fact]
    public async Task Bad_dispatch_input_is_400_naming_the_field_and_an_unknown_incident_is_404()
    {
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 12);
        var path = $"/api/v1/incidents/{id}/dispatch";
        var tasksBefore = await _factory.CountAsync("tasks");

        await AssertFieldErrorAsync(await op.CommandAsync(path, new { officerId = 999_999 }), "officerId");
        await AssertFieldErrorAsync(await op.CommandAsync(path, new { officerId = "x" }), "officerId");
        await AssertFieldErrorAsync(await op.CommandAsync(path, new { rank = 0 }), "rank");
        await AssertFieldErrorAsync(await op.CommandAsync(path, new { rank = 1, officerId = HomeOfficer(9).Id }), "officerId");
        await AssertFieldErrorAsync(await op.CommandAsync(path, new { captain = "yes" }), "captain");
        await AssertFieldErrorAsync(await op.CommandAsync(path, new { officerId = HomeOfficer(9).Id, reason = new string('x', 201) }), "reason");
        await AssertFieldErrorAsync(await op.CommandRawAsync(path, "{\"officerId\": "), "body");
        await AssertFieldErrorAsync(await op.CommandRawAsync(path, "[1, 2]"), "body");
        await AssertProblemAsync(await op.CommandAsync("/api/v1/incidents/987654321/dispatch"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await op.CommandAsync("/api/v1/tasks/987654321/accept"), HttpStatusCode.NotFound);

        Assert.Equal(tasksBefore, await _factory.CountAsync("tasks"));
        Assert.Equal(["Reported"], await op.EventTypesAsync(id));
    }

    [Fact]
    public async Task Dispatch_outside_the_callers_scope_is_403_anonymous_is_401_and_captains_and_officers_are_403()
    {
        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(township, _factory.HomeTownship(), grid: 2);
        var foreign = "op_" + Guid.NewGuid().ToString("N")[..8];
        await _factory.CreateUserAsync(foreign, Roles.Operator, _factory.ForeignTownship().Code);
        var tasksBefore = await _factory.CountAsync("tasks");
        var path = $"/api/v1/incidents/{id}/dispatch";

        using (var outsider = await _factory.CreateBearerClientAsync(foreign))
        {
            await AssertProblemAsync(await outsider.CommandAsync(path), HttpStatusCode.Forbidden);
            await AssertProblemAsync(await outsider.CommandAsync(path, new { officerId = HomeOfficer(6).Id }), HttpStatusCode.Forbidden);
            await AssertProblemAsync(await outsider.GetAsync($"/api/v1/incidents/{id}/recommendations", Ct), HttpStatusCode.Forbidden);
        }

        using (var anonymous = _factory.CreateClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.CommandAsync(path)).StatusCode);
        }

        foreach (var user in new[] { DemoUsers.GridCaptain, DemoUsers.Officer, DemoUsers.Leader })
        {
            using var client = await _factory.CreateBearerClientAsync(user);
            await AssertProblemAsync(await client.CommandAsync(path), HttpStatusCode.Forbidden);
            await AssertProblemAsync(await client.CommandAsync(path, new { officerId = HomeOfficer(6).Id }), HttpStatusCode.Forbidden);
        }

        Assert.Equal(tasksBefore, await _factory.CountAsync("tasks"));
        var detail = await township.DetailAsync(id);
        Assert.Equal("Reported", detail.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal(1, detail.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task An_accepted_officer_walking_into_the_geofence_is_stamped_on_scene_automatically()
    {
        var officer = _factory.Services.GetRequiredService<CityDirectory>().Current.Officers.First(o => o.TownshipCode == _factory.HomeTownship().Code);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var phone = await _factory.CreateBearerClientAsync(DemoUsers.Officer);
        var (id, lat, lon) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 3);
        var taskId = (await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id })))
            .GetProperty("task").GetProperty("id").GetInt64();

        var accepted = await OkAsync(await phone.CommandAsync($"/api/v1/tasks/{taskId}/accept"));
        Assert.Equal("Accepted", accepted.GetProperty("task").GetProperty("status").GetString());

        // Walking in: 400 m, then 120 m (both outside the 50 m fence), then 30 m.
        foreach (var (metres, ago) in new[] { (400.0, 40), (120.0, 20) })
        {
            var (la, lo) = DispatchApi.North(lat, lon, metres);
            await phone.PostFixesAsync(_factory, (officer.Id, la, lo, Now.AddSeconds(-ago)));
            Assert.Equal("Accepted", (await op.DetailAsync(id)).GetProperty("incident").GetProperty("status").GetString());
        }

        var inside = DispatchApi.North(lat, lon, 30);
        await phone.PostFixesAsync(_factory, (officer.Id, inside.Lat, inside.Lon, Now));

        var detail = await op.DetailAsync(id);
        Assert.Equal("OnScene", detail.GetProperty("incident").GetProperty("status").GetString());
        var onScene = detail.GetProperty("events").EnumerateArray().Last();
        Assert.Equal("OnScene", onScene.GetProperty("type").GetString()!);
        Assert.Equal("system", onScene.GetProperty("actor").GetString());
        Assert.Equal(taskId, onScene.GetProperty("taskId").GetInt64());
        var payload = onScene.Payload();
        Assert.True(payload.GetProperty("auto").GetBoolean());
        Assert.False(payload.GetProperty("flagged").GetBoolean());
        Assert.Equal(30, payload.GetProperty("distanceMeters").GetDouble(), 0.5);

        var task = (await (await op.GetAsync($"/api/v1/incidents/{id}/tasks", Ct)).ReadJsonAsync())[0];
        Assert.Equal("OnScene", task.GetProperty("status").GetString());
        Assert.True(task.GetProperty("arrivalAuto").GetBoolean());
        Assert.Equal(["Reported", "Contacted", "Dispatched", "Accepted", "OnScene"], await op.EventTypesAsync(id));
    }

    [Fact]
    public async Task A_manual_arrival_far_from_the_incident_is_accepted_but_flagged()
    {
        var officer = HomeOfficer(1);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var phone = await _factory.OfficerClientAsync(officer);
        var (id, lat, lon) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 4);
        var taskId = (await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id })))
            .GetProperty("task").GetProperty("id").GetInt64();
        var (farLat, farLon) = DispatchApi.North(lat, lon, 2000);

        var arrived = await OkAsync(await phone.CommandAsync($"/api/v1/tasks/{taskId}/arrive", new { lat = farLat, lon = farLon }));

        var task = arrived.GetProperty("task");
        Assert.Equal("OnScene", task.GetProperty("status").GetString());
        Assert.True(task.GetProperty("arrivalFlagged").GetBoolean());
        Assert.False(task.GetProperty("arrivalAuto").GetBoolean());
        Assert.Equal(2000, task.GetProperty("arrivalDistanceMeters").GetDouble(), 1);
        Assert.Equal("OnScene", arrived.GetProperty("incident").GetProperty("status").GetString());
        var onScene = (await op.DetailAsync(id)).GetProperty("events").EnumerateArray().Last();
        Assert.Equal("OnScene", onScene.GetProperty("type").GetString()!);
        Assert.NotEqual("system", onScene.GetProperty("actor").GetString());
        Assert.True(onScene.Payload().GetProperty("flagged").GetBoolean());
        Assert.False(onScene.Payload().GetProperty("auto").GetBoolean());
    }

    [Fact]
    public async Task A_manual_arrival_without_a_position_is_measured_from_the_officers_latest_fix()
    {
        var officer = HomeOfficer(11);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var phone = await _factory.OfficerClientAsync(officer);
        var (id, lat, lon) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 13);
        var taskId = (await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id })))
            .GetProperty("task").GetProperty("id").GetInt64();
        var (la, lo) = DispatchApi.North(lat, lon, 500);
        await phone.PostFixesAsync(_factory, (officer.Id, la, lo, Now));

        // Recorded by the operator for the officer (radio call), from the officer's last known position.
        var arrived = await OkAsync(await op.CommandAsync($"/api/v1/tasks/{taskId}/arrive"));

        var task = arrived.GetProperty("task");
        Assert.Equal(500, task.GetProperty("arrivalDistanceMeters").GetDouble(), 1);
        Assert.True(task.GetProperty("arrivalFlagged").GetBoolean());
        Assert.Equal(DemoUsers.TownshipOperator, (await op.DetailAsync(id)).GetProperty("events").EnumerateArray().Last().GetProperty("actor").GetString());
    }

    [Fact]
    public async Task The_full_lifecycle_over_http_appends_an_event_per_step_names_bad_fields_and_refuses_conflicts()
    {
        var officer = HomeOfficer(2);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        using var phone = await _factory.OfficerClientAsync(officer);
        var (id, lat, lon) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 5);
        var incident = $"/api/v1/incidents/{id}";
        var expected = new List<string> { "Reported" };

        async Task StepAsync(Task<HttpResponseMessage> request, string status, params string[] appended)
        {
            var body = await OkAsync(await request);
            Assert.Equal(status, body.GetProperty("incident").GetProperty("status").GetString());
            Assert.Equal(appended, body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!));
            expected.AddRange(appended);
            Assert.Equal(expected, await op.EventTypesAsync(id));
        }

        await StepAsync(op.CommandAsync($"{incident}/contact", new { note = "已电话联系网格长" }), "Contacted", "Contacted");
        await AssertProblemAsync(await op.CommandAsync($"{incident}/contact"), HttpStatusCode.Conflict);

        var dispatched = await OkAsync(await op.CommandAsync($"{incident}/dispatch", new { officerId = officer.Id }));
        Assert.Equal(["Dispatched"], dispatched.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!));
        expected.Add("Dispatched");
        var tasks = $"/api/v1/tasks/{dispatched.GetProperty("task").GetProperty("id").GetInt64()}";
        await AssertProblemAsync(await op.CommandAsync($"{incident}/close"), HttpStatusCode.Conflict);

        await StepAsync(phone.CommandAsync($"{tasks}/accept"), "Accepted", "Accepted");
        await AssertProblemAsync(await phone.CommandAsync($"{tasks}/accept"), HttpStatusCode.Conflict);

        var (nearLat, nearLon) = DispatchApi.North(lat, lon, 10);
        await StepAsync(phone.CommandAsync($"{tasks}/arrive", new { lat = nearLat, lon = nearLon }), "OnScene", "OnScene");

        await AssertFieldErrorAsync(await phone.CommandAsync($"{tasks}/resolve", new { note = "  " }), "note");
        await AssertFieldErrorAsync(await phone.CommandRawAsync($"{tasks}/resolve", "{\"note\": \"已劝离"), "body");
        var photo = new { contentType = "image/jpeg", fileName = "after.jpg", data = Convert.ToBase64String(Jpeg) };
        await StepAsync(phone.CommandAsync($"{tasks}/resolve", new { note = "摊贩已劝离，现场恢复", photos = new[] { photo } }), "Resolved", "Resolved");
        var resolved = await op.DetailAsync(id);
        Assert.Equal(1, resolved.GetProperty("incident").GetProperty("photoCount").GetInt32());
        Assert.Equal(1, resolved.GetProperty("photos").GetArrayLength());

        await StepAsync(op.CommandAsync($"{incident}/close", new { note = "审核通过" }), "Closed", "Closed");
        await AssertFieldErrorAsync(await op.CommandAsync($"{incident}/reopen"), "reason");
        await AssertFieldErrorAsync(await op.CommandAsync($"{incident}/reopen", new { reason = "" }), "reason");
        await StepAsync(op.CommandAsync($"{incident}/reopen", new { reason = "群众反映摊贩又回来了" }), "Contacted", "Reopened");

        await AssertFieldErrorAsync(await op.CommandAsync($"{incident}/cancel", new { note = "no reason" }), "reason");
        await AssertFieldErrorAsync(await op.CommandRawAsync($"{incident}/cancel", "{reason: not json"), "body");
        await StepAsync(op.CommandAsync($"{incident}/cancel", new { reason = "重复上报" }), "Cancelled", "Cancelled");
        await AssertProblemAsync(await op.CommandAsync($"{incident}/cancel", new { reason = "again" }), HttpStatusCode.Conflict);

        var log = (await op.DetailAsync(id)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expected, log.Select(e => e.GetProperty("type").GetString()!));
        var seqs = log.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(log.Where(e => e.GetProperty("type").GetString() is "Accepted" or "OnScene" or "Resolved"),
            e => Assert.StartsWith("of_", e.GetProperty("actor").GetString(), StringComparison.Ordinal));
        Assert.All(log.Where(e => e.GetProperty("type").GetString() is "Contacted" or "Dispatched" or "Closed" or "Reopened" or "Cancelled"),
            e => Assert.Equal(DemoUsers.DistrictOperator, e.GetProperty("actor").GetString()));
        Assert.Equal("重复上报", log[^1].Payload().GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Reassign_cancels_the_old_task_and_keeps_the_arrival_clock_running_from_the_first_dispatch()
    {
        var (first, second) = (HomeOfficer(3), HomeOfficer(4));
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 6);
        var dispatched = await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = first.Id }));
        var dispatchedAt = dispatched.GetProperty("incident").GetProperty("dispatchedAt").GetDateTimeOffset();

        _factory.Time.Advance(TimeSpan.FromSeconds(20));
        await AssertFieldErrorAsync(await op.CommandAsync($"/api/v1/incidents/{id}/reassign", new { officerId = second.Id }), "reason");
        var reassigned = await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/reassign", new { officerId = second.Id, reason = "原队员车辆故障" }));

        Assert.Equal(dispatchedAt, reassigned.GetProperty("incident").GetProperty("dispatchedAt").GetDateTimeOffset());
        Assert.Equal(second.Name, reassigned.GetProperty("incident").GetProperty("assigneeName").GetString());
        var task = reassigned.GetProperty("task");
        Assert.Equal(second.Id, task.GetProperty("assignee").GetProperty("officerId").GetInt32());
        Assert.Equal(dispatchedAt.AddSeconds(20), task.GetProperty("dispatchedAt").GetDateTimeOffset());
        Assert.Equal(["Reassigned"], reassigned.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!));

        var tasks = (await (await op.GetAsync($"/api/v1/incidents/{id}/tasks", Ct)).ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(2, tasks.Count);
        Assert.Equal("Cancelled", tasks[0].GetProperty("status").GetString());
        Assert.Equal(first.Id, tasks[0].GetProperty("assignee").GetProperty("officerId").GetInt32());
        Assert.Equal("reassigned: 原队员车辆故障", tasks[0].GetProperty("endReason").GetString());
        Assert.Equal("Dispatched", tasks[1].GetProperty("status").GetString());
        var detail = await op.DetailAsync(id);
        Assert.Equal(dispatchedAt, detail.GetProperty("incident").GetProperty("dispatchedAt").GetDateTimeOffset());
        Assert.Equal("Dispatched", detail.GetProperty("incident").GetProperty("status").GetString());

        // The first officer is free again: a new incident can go to them.
        var (next, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 7);
        await OkAsync(await op.CommandAsync($"/api/v1/incidents/{next}/dispatch", new { officerId = first.Id }));
        await AssertProblemAsync(await op.CommandAsync($"/api/v1/incidents/{next}/reassign", new { officerId = second.Id, reason = "试试" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Escalate_moves_the_incident_to_the_district_queue_and_the_township_still_sees_it()
    {
        var home = _factory.HomeTownship();
        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var district = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);
        using var city = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var (id, _, _) = await _factory.ReportAsync(township, home, grid: 8);

        await AssertFieldErrorAsync(await township.CommandAsync($"/api/v1/incidents/{id}/escalate"), "reason");
        var escalated = await OkAsync(await township.CommandAsync($"/api/v1/incidents/{id}/escalate", new { reason = "需区级协调多部门" }));

        Assert.Equal(home.ParentCode, escalated.GetProperty("incident").GetProperty("ownerCode").GetString());
        Assert.Equal(1, escalated.GetProperty("incident").GetProperty("escalations").GetInt32());
        var payload = escalated.GetProperty("events")[0].Payload();
        Assert.Equal(home.Code, payload.GetProperty("from").GetString());
        Assert.Equal(home.ParentCode, payload.GetProperty("to").GetString());
        Assert.False(payload.GetProperty("auto").GetBoolean());

        Assert.Equal(home.ParentCode, (await township.DetailAsync(id)).GetProperty("incident").GetProperty("ownerCode").GetString());
        var townshipList = await (await township.GetAsync("/api/v1/incidents", Ct)).ReadJsonAsync();
        Assert.Contains(townshipList.EnumerateArray(), i => i.GetProperty("id").GetInt64() == id);
        var districtList = await (await district.GetAsync($"/api/v1/incidents?scope={home.ParentCode}", Ct)).ReadJsonAsync();
        var listed = Assert.Single(districtList.EnumerateArray(), i => i.GetProperty("id").GetInt64() == id);
        Assert.Equal(home.ParentCode, listed.GetProperty("ownerCode").GetString());

        var toCity = await OkAsync(await district.CommandAsync($"/api/v1/incidents/{id}/escalate", new { reason = "跨区事项" }));
        Assert.Equal(_factory.Tree().Root.Code, toCity.GetProperty("incident").GetProperty("ownerCode").GetString());
        await AssertProblemAsync(await city.CommandAsync($"/api/v1/incidents/{id}/escalate", new { reason = "再上报" }), HttpStatusCode.Conflict);
        Assert.Equal(["Reported", "Escalated", "Escalated"], await township.EventTypesAsync(id));
    }

    [Fact]
    public async Task Tasks_mine_lists_the_officers_own_tasks_and_is_403_for_an_operator()
    {
        var officer = HomeOfficer(5);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var phone = await _factory.OfficerClientAsync(officer);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 9);
        Assert.Equal(0, (await (await phone.GetAsync("/api/v1/tasks/mine", Ct)).ReadJsonAsync()).GetArrayLength());
        var taskId = (await OkAsync(await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id })))
            .GetProperty("task").GetProperty("id").GetInt64();

        var mine = await OkAsync(await phone.GetAsync("/api/v1/tasks/mine", Ct));

        var task = Assert.Single(mine.EnumerateArray());
        Assert.Equal(taskId, task.GetProperty("id").GetInt64());
        Assert.Equal(id, task.GetProperty("incidentId").GetInt64());
        Assert.Equal("Dispatched", task.GetProperty("status").GetString());
        await AssertProblemAsync(await op.GetAsync("/api/v1/tasks/mine", Ct), HttpStatusCode.Forbidden);

        // Someone else's task: neither theirs to accept nor an operator's.
        using var stranger = await _factory.OfficerClientAsync(HomeOfficer(7));
        await AssertProblemAsync(await stranger.CommandAsync($"/api/v1/tasks/{taskId}/accept"), HttpStatusCode.Forbidden);
        Assert.Equal(0, (await (await stranger.GetAsync("/api/v1/tasks/mine", Ct)).ReadJsonAsync()).GetArrayLength());
    }
}
