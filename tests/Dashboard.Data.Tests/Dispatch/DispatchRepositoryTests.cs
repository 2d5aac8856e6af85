using System.Text.Json;
using Dapper;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Data.Tests.Incidents.IncidentTestData;

namespace Dashboard.Data.Tests.Dispatch;

/// <summary>
/// The decide functions here are small stand-ins written against the Core records, so these tests pin the store's behaviour
/// independently of the real state machine (IncidentLifecycle).
/// </summary>
public abstract class DispatchRepositoryTests : DatabaseTests
{
    private const string Operator = "op:zhaolei";

    private static readonly Assignee Zhang = Assignee.ForOfficer(1, "张伟");
    private static readonly Assignee Li = Assignee.ForOfficer(2, "李娜");
    private static readonly Assignee CaptainA = Assignee.ForCaptain("GC-" + TestCity.GridA, "王芳");
    private static readonly ScopeFilter City = new(JurisdictionLevel.City, TestCity.City);

    private sealed record Fixture(TestDatabase Db, IncidentRepository Incidents, DispatchRepository Dispatch, Reporters Users) : IAsyncDisposable
    {
        private int _clients;

        public async Task<ReportOutcome> ReportAsync(string? grid = TestCity.GridA, DateTimeOffset? at = null, bool otherDistrict = false)
        {
            var clientId = "c-" + Interlocked.Increment(ref _clients);
            var report = otherDistrict ? ReportInOtherDistrict(Users.OtherCaptain, clientId) : Report(Users.Captain, clientId, grid);
            return await Incidents.CreateReportAsync(report with { ReportedAt = at ?? ReportedAt }, Ct);
        }

        public async Task<CommandResult> ApplyAsync(long incidentId, Func<IncidentState, Decision> decide, DateTimeOffset? at = null)
        {
            var outcome = await Dispatch.ExecuteAsync(incidentId, Operator, at ?? ReportedAt.AddMinutes(1), decide, ct: Ct);
            Assert.Null(outcome.Rejection);
            return Assert.IsType<CommandResult>(outcome.Result);
        }

        public async Task<(int Incidents, int Events, int Photos, int Tasks)> CountRowsAsync()
        {
            var (incidents, events, photos) = await Tests.Incidents.IncidentTestData.CountRowsAsync(Db, Ct);
            await using var connection = await Db.Factory.OpenAsync(Ct);
            return (incidents, events, photos, await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM tasks", cancellationToken: Ct)));
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private sealed record AssigneePayload(int? OfficerId, string? CaptainCode, string Name);

    private async Task<Fixture> CreateAsync()
    {
        var db = await CreateSeededAsync();
        var users = await PrepareAsync(db, Ct);
        return new Fixture(db, new IncidentRepository(db.Factory), new DispatchRepository(db.Factory), users);
    }

    /// <summary>Core-style dispatch: refused while a task is active; the first dispatch also counts as contact.</summary>
    private static Func<IncidentState, Decision> Dispatch(Assignee who, DateTimeOffset at) => state =>
        state.Task is { IsActive: true } active
            ? Decision.Reject(RejectionKind.Conflict, $"Already dispatched to {active.Assignee.Name}.")
            : DispatchRegardless(who, at)(state);

    /// <summary>A buggy dispatch that ignores the active task: only the database can stop it.</summary>
    private static Func<IncidentState, Decision> DispatchRegardless(Assignee who, DateTimeOffset at) => state =>
    {
        var incident = state.Incident with
        {
            Status = IncidentStatus.Dispatched,
            ContactedAt = state.Incident.ContactedAt ?? at,
            DispatchedAt = state.Incident.DispatchedAt ?? at,
            TaskId = 0,
            AssigneeOfficerId = who.OfficerId,
            AssigneeName = who.Name,
        };
        var events = new List<PendingEvent>();
        if (state.Incident.ContactedAt is null)
        {
            events.Add(new PendingEvent(IncidentEventTypes.Contacted, null));
        }

        events.Add(new PendingEvent(IncidentEventTypes.Dispatched, new AssigneePayload(who.OfficerId, who.CaptainCode, who.Name), TaskIndex: 0));
        return new Decision(incident, [new DispatchTask(0, state.Incident.Id, who, DispatchTaskStatus.Dispatched, at, Operator)], events, null);
    };

    private static Func<IncidentState, Decision> Accept(long taskId, DateTimeOffset at) => state =>
        state.Task is { Status: DispatchTaskStatus.Dispatched } task && task.Id == taskId
            ? Decision.Accept(
                state.Incident with { Status = IncidentStatus.Accepted },
                [task with { Status = DispatchTaskStatus.Accepted, AcceptedAt = at }],
                new PendingEvent(IncidentEventTypes.Accepted, null, TaskIndex: 0))
            : Decision.Reject(RejectionKind.Conflict, "The task is not waiting for acceptance.");

    private static Func<IncidentState, Decision> Reassign(Assignee who, DateTimeOffset at, string reason) => state =>
    {
        if (state.Task is not { IsActive: true } old)
        {
            return Decision.Reject(RejectionKind.Conflict, "Nothing to reassign.");
        }

        var cancelled = old with { Status = DispatchTaskStatus.Cancelled, EndedAt = at, EndReason = "reassigned: " + reason };
        var fresh = new DispatchTask(0, state.Incident.Id, who, DispatchTaskStatus.Dispatched, at, Operator);
        return Decision.Accept(
            state.Incident with { Status = IncidentStatus.Dispatched, TaskId = 0, AssigneeOfficerId = who.OfficerId, AssigneeName = who.Name },
            [cancelled, fresh],
            new PendingEvent(IncidentEventTypes.TaskCancelled, new { reason }, TaskIndex: 0),
            new PendingEvent(IncidentEventTypes.Reassigned, new AssigneePayload(who.OfficerId, who.CaptainCode, who.Name), TaskIndex: 1));
    };

    /// <summary>Any change to the incident row alone, with one event.</summary>
    private static Func<IncidentState, Decision> Change(Func<Incident, Incident> change, string type = IncidentEventTypes.Contacted) =>
        state => Decision.Accept(change(state.Incident), [], new PendingEvent(type, null));

    [Fact]
    public async Task Dispatch_stores_the_task_its_id_on_the_incident_and_events_with_the_task_and_increasing_seqs()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var at = ReportedAt.AddSeconds(40);

        var outcome = await f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, at, Dispatch(Zhang, at), ct: Ct);

        Assert.Null(outcome.Rejection);
        Assert.False(outcome.NotFound);
        var result = Assert.IsType<CommandResult>(outcome.Result);
        var task = Assert.Single(result.Tasks);
        Assert.True(task.Id > 0);
        Assert.Equal(new DispatchTask(task.Id, report.Incident.Id, Zhang, DispatchTaskStatus.Dispatched, at, Operator), task);

        Assert.Equal([IncidentEventTypes.Contacted, IncidentEventTypes.Dispatched], result.Events.Select(e => e.Type));
        Assert.Equal([null, task.Id], result.Events.Select(e => e.TaskId));
        Assert.All(result.Events, e => Assert.Equal((report.Incident.Id, Operator, at), (e.IncidentId, e.Actor, e.At)));
        Assert.True(result.Events[0].Seq > report.Event!.Seq);
        Assert.True(result.Events[1].Seq > result.Events[0].Seq);
        Assert.Null(result.Events[0].Payload);
        using (var payload = JsonDocument.Parse(result.Events[1].Payload!))
        {
            Assert.Equal(1, payload.RootElement.GetProperty("officerId").GetInt32());
            Assert.Equal(JsonValueKind.Null, payload.RootElement.GetProperty("captainCode").ValueKind);
            Assert.Equal("张伟", payload.RootElement.GetProperty("name").GetString());
        }

        var incident = result.Incident;
        Assert.Equal(
            (IncidentStatus.Dispatched, (long?)task.Id, (int?)1, "张伟", result.Events[1].Seq, (DateTimeOffset?)at, (DateTimeOffset?)at),
            (incident.Status, incident.TaskId, incident.AssigneeOfficerId, incident.AssigneeName, incident.LastSeq, incident.ContactedAt, incident.DispatchedAt));
        Assert.Equal(incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal([report.Event, .. result.Events], await f.Incidents.EventsOfAsync(report.Incident.Id, Ct));
        Assert.Equal(result.Events, (await f.Incidents.EventsSinceAsync(report.Event.Seq, City, 10, Ct)).Select(e => e.Event));
        Assert.Equal(result.Events[^1].Seq, await f.Incidents.MaxSeqAsync(Ct));
        Assert.Equal(task, await f.Dispatch.FindTaskAsync(task.Id, Ct));
        Assert.Null(await f.Dispatch.FindTaskAsync(task.Id + 100, Ct));
        Assert.Equal([task], await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct));
    }

    [Fact]
    public async Task Decide_sees_the_current_task_and_an_update_of_it_is_stored()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var dispatched = await f.ApplyAsync(report.Incident.Id, Dispatch(CaptainA, ReportedAt.AddSeconds(30)));
        var task = dispatched.Tasks[0];
        IncidentState? seen = null;
        var at = ReportedAt.AddSeconds(45);

        var accepted = await f.ApplyAsync(report.Incident.Id, s => Accept(task.Id, at)(seen = s));

        Assert.Equal(new IncidentState(dispatched.Incident, task), seen);
        var stored = Assert.Single(accepted.Tasks);
        Assert.Equal(task with { Status = DispatchTaskStatus.Accepted, AcceptedAt = at }, stored);
        Assert.Equal(stored, await f.Dispatch.FindTaskAsync(task.Id, Ct));
        Assert.Equal(task.Id, Assert.Single(accepted.Events).TaskId);
        Assert.Equal((IncidentStatus.Accepted, (long?)task.Id, (int?)null, "王芳"), (accepted.Incident.Status, accepted.Incident.TaskId, accepted.Incident.AssigneeOfficerId, accepted.Incident.AssigneeName));
        Assert.Equal(accepted.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal(accepted.Events[0].Seq, accepted.Incident.LastSeq);
    }

    [Fact]
    public async Task A_rejection_is_returned_as_is_and_writes_nothing()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var before = await f.CountRowsAsync();
        var refusal = new Rejection(RejectionKind.Invalid, "Reason is required.", "reason");

        var outcome = await f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, ReportedAt, _ => new Decision(null, [], [], refusal), ct: Ct);

        Assert.Equal(new CommandOutcome(null, refusal), outcome);
        Assert.Equal(before, await f.CountRowsAsync());
        Assert.Equal(report.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal(report.Event!.Seq, await f.Incidents.MaxSeqAsync(Ct));
    }

    [Fact]
    public async Task An_unknown_incident_is_NotFound_without_asking_decide()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var asked = false;

        var outcome = await f.Dispatch.ExecuteAsync(report.Incident.Id + 100, Operator, ReportedAt, s =>
        {
            asked = true;
            return Dispatch(Zhang, ReportedAt)(s);
        }, ct: Ct);

        Assert.Equal(new CommandOutcome(null, null, NotFound: true), outcome);
        Assert.False(asked);
    }

    public static TheoryData<string> Failures() =>
    [
        "decide throws",
        "event points at a missing task",
        "update of another incident's task",
        "resolution note over 500 characters",
        "attachment without content",
        "incident id changed",
    ];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failure_anywhere_writes_nothing(string failure)
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var other = await f.ReportAsync();
        var otherTask = (await f.ApplyAsync(other.Incident.Id, Dispatch(Li, ReportedAt))).Tasks[0];
        var before = await f.CountRowsAsync();
        var maxSeq = await f.Incidents.MaxSeqAsync(Ct);
        var at = ReportedAt.AddSeconds(20);
        var good = Dispatch(Zhang, at);
        IReadOnlyList<NewPhoto>? attachments = null;
        Func<IncidentState, Decision> bad = failure switch
        {
            "decide throws" => _ => throw new InvalidOperationException("decide failed"),
            "event points at a missing task" => s => good(s) with { Events = [new PendingEvent(IncidentEventTypes.Dispatched, null, TaskIndex: 1)] },
            "update of another incident's task" => s => good(s) with { Tasks = [.. good(s).Tasks, otherTask with { IncidentId = s.Incident.Id, Status = DispatchTaskStatus.Closed }] },
            "resolution note over 500 characters" => s => good(s) with { Tasks = [good(s).Tasks[0] with { ResolutionNote = new string('记', 501) }] },
            "attachment without content" => good,
            "incident id changed" => s => good(s) with { Incident = good(s).Incident! with { Id = other.Incident.Id } },
            _ => throw new ArgumentOutOfRangeException(nameof(failure)),
        };
        if (failure == "attachment without content")
        {
            // Fails after the task is in: only the rollback can remove it.
            attachments = [new NewPhoto("image/jpeg", [1], "a.jpg"), new NewPhoto("image/jpeg", null!, "b.jpg")];
        }

        await Assert.ThrowsAnyAsync<Exception>(() => f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, at, bad, attachments, Ct));

        Assert.Equal(before, await f.CountRowsAsync());
        Assert.Equal(maxSeq, await f.Incidents.MaxSeqAsync(Ct));
        Assert.Equal(report.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal(otherTask, await f.Dispatch.FindTaskAsync(otherTask.Id, Ct));
        var retried = await f.ApplyAsync(report.Incident.Id, good, at);
        Assert.Equal(Zhang, Assert.Single(retried.Tasks).Assignee);
    }

    [Fact]
    public async Task Of_ten_concurrent_dispatches_of_one_incident_exactly_one_is_stored_and_the_others_conflict()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var at = ReportedAt.AddSeconds(30);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(
            () => f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, at, Dispatch(i % 2 == 0 ? Zhang : Li, at), ct: Ct))));

        var winner = Assert.Single(outcomes, o => o.Result is not null).Result!;
        Assert.All(outcomes.Where(o => o.Result is null), o => Assert.Equal(RejectionKind.Conflict, o.Rejection!.Kind));
        var task = Assert.Single(await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct));
        Assert.Equal(winner.Tasks[0], task);
        Assert.Equal(3, (await f.Incidents.EventsOfAsync(report.Incident.Id, Ct)).Count);
        Assert.Equal(winner.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
    }

    [Fact]
    public async Task The_database_refuses_a_second_active_task_even_from_a_buggy_decision()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var first = await f.ApplyAsync(report.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(30)));
        var before = await f.CountRowsAsync();

        var second = await f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, ReportedAt.AddSeconds(50), DispatchRegardless(Li, ReportedAt.AddSeconds(50)), ct: Ct);
        var twoAtOnce = await f.Dispatch.ExecuteAsync(report.Incident.Id, Operator, ReportedAt.AddSeconds(60), s =>
        {
            var one = DispatchRegardless(Li, ReportedAt.AddSeconds(60))(s with { Task = null });
            return one with { Tasks = [first.Tasks[0] with { Status = DispatchTaskStatus.Cancelled }, .. one.Tasks, .. one.Tasks] };
        }, ct: Ct);

        foreach (var refused in new[] { second, twoAtOnce })
        {
            Assert.Null(refused.Result);
            Assert.Equal(RejectionKind.Conflict, refused.Rejection!.Kind);
            Assert.Contains("already dispatched to 张伟", refused.Rejection.Message, StringComparison.Ordinal);
            Assert.Contains(first.Tasks[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Rejection.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await f.CountRowsAsync());
        Assert.Equal(first.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal(first.Tasks, await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct));
    }

    [Fact]
    public async Task Reassign_cancels_the_old_task_and_inserts_the_new_one_in_one_go()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var old = (await f.ApplyAsync(report.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(30)))).Tasks[0];
        var at = ReportedAt.AddSeconds(90);

        var result = await f.ApplyAsync(report.Incident.Id, Reassign(Li, at, "太远"), at);

        Assert.Equal(2, result.Tasks.Count);
        var (cancelled, fresh) = (result.Tasks[0], result.Tasks[1]);
        Assert.Equal(old with { Status = DispatchTaskStatus.Cancelled, EndedAt = at, EndReason = "reassigned: 太远" }, cancelled);
        Assert.True(fresh.Id > old.Id);
        Assert.Equal(new DispatchTask(fresh.Id, report.Incident.Id, Li, DispatchTaskStatus.Dispatched, at, Operator), fresh);
        Assert.Equal([old.Id, fresh.Id], result.Events.Select(e => e.TaskId!.Value));
        Assert.Equal((fresh.Id, 2, "李娜"), (result.Incident.TaskId!.Value, result.Incident.AssigneeOfficerId!.Value, result.Incident.AssigneeName!));
        // The arrival clock keeps running from the first dispatch.
        Assert.Equal(ReportedAt.AddSeconds(30), result.Incident.DispatchedAt);
        Assert.Equal(result.Tasks, await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct));
        Assert.Equal([fresh], await f.Dispatch.ActiveTasksAsync(Ct));
        Assert.Equal(result.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));

        // The current task handed to decide is the active one, although an older one exists.
        IncidentState? seen = null;
        await f.ApplyAsync(report.Incident.Id, s => Accept(fresh.Id, at)(seen = s));
        Assert.Equal(fresh, seen!.Task);
    }

    [Fact]
    public async Task The_latest_task_is_current_when_none_is_active()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        await f.ApplyAsync(report.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(30)));
        var second = (await f.ApplyAsync(report.Incident.Id, Reassign(Li, ReportedAt.AddSeconds(60), "换人"))).Tasks[1];
        var ended = second with { Status = DispatchTaskStatus.Cancelled, EndedAt = ReportedAt.AddSeconds(70), EndReason = "取消" };
        await f.ApplyAsync(report.Incident.Id, s => Decision.Accept(s.Incident with { Status = IncidentStatus.Contacted }, [ended], new PendingEvent(IncidentEventTypes.TaskCancelled, null, 0)));
        IncidentState? seen = null;

        await f.ApplyAsync(report.Incident.Id, s => Dispatch(CaptainA, ReportedAt.AddSeconds(80))(seen = s));

        Assert.Equal(ended, seen!.Task);
        Assert.Equal(3, (await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct)).Count);
    }

    [Fact]
    public async Task Attachments_are_stored_with_the_change()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var content = new byte[70_000];
        new Random(7).NextBytes(content);
        NewPhoto[] attachments = [new("image/jpeg", content, "整改后.jpg"), new("image/png", [1, 2], null)];

        var outcome = await f.Dispatch.ExecuteAsync(
            report.Incident.Id, Operator, ReportedAt.AddMinutes(20),
            Change(i => i with { PhotoCount = i.PhotoCount + 2, Status = IncidentStatus.Resolved }, IncidentEventTypes.Resolved), attachments, Ct);

        Assert.Equal(2, outcome.Result!.Incident.PhotoCount);
        var photos = await f.Incidents.PhotosAsync(report.Incident.Id, Ct);
        Assert.Equal([("image/jpeg", "整改后.jpg", 70_000L), ("image/png", (string?)null, 2L)], photos.Select(p => (p.ContentType, p.FileName, p.SizeBytes)));
        Assert.Equal(content, (await f.Incidents.PhotoAsync(photos[0].Id, Ct))!.Value.Content);
    }

    [Fact]
    public async Task Report_stores_its_sla_targets_and_every_new_column_starts_empty()
    {
        await using var f = await CreateAsync();

        var defaults = await f.ReportAsync();
        var custom = await f.Incidents.CreateReportAsync(Report(f.Users.Captain, "targets") with { ContactTargetSeconds = 90, ArrivalTargetSeconds = 600 }, Ct);

        Assert.Equal((60, 300), (defaults.Incident.ContactTargetSeconds, defaults.Incident.ArrivalTargetSeconds));
        Assert.Equal((90, 600), (custom.Incident.ContactTargetSeconds, custom.Incident.ArrivalTargetSeconds));
        Assert.Equal(custom.Incident, await f.Incidents.FindAsync(custom.Incident.Id, Ct));
        var stored = (await f.Incidents.FindAsync(defaults.Incident.Id, Ct))!;
        Assert.Equal(defaults.Incident, stored);
        Assert.Equal(
            new Incident(stored.Id, stored.Code, stored.ClientId, stored.CategoryCode, stored.Description, stored.Latitude, stored.Longitude,
                stored.GridCode, stored.TownshipCode, stored.DistrictCode, stored.OwnerCode, stored.Status, stored.ReportedAt, stored.OccurredAt,
                stored.ReportedBy, stored.ReporterName, stored.PhotoCount, stored.LastSeq),
            stored);
        Assert.Null(Assert.Single(await f.Incidents.EventsOfAsync(defaults.Incident.Id, Ct)).TaskId);
    }

    [Fact]
    public async Task Every_clock_and_assignee_column_round_trips()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var t = ReportedAt;

        var result = await f.ApplyAsync(report.Incident.Id, Change(i => i with
        {
            Status = IncidentStatus.Closed,
            OwnerCode = TestCity.District,
            ContactedAt = t.AddSeconds(75).AddTicks(1234567),
            DispatchedAt = t.AddSeconds(80),
            OnSceneAt = t.AddSeconds(400).AddTicks(7654321),
            ResolvedAt = t.AddMinutes(30).ToOffset(TimeSpan.Zero),
            ClosedAt = t.AddMinutes(40),
            PausedAt = t.AddMinutes(41),
            // Whole milliseconds are kept, the rest is dropped.
            ContactPaused = TimeSpan.FromTicks(202_509_999),
            ArrivalPaused = TimeSpan.FromSeconds(30),
            ContactBreaches = 1,
            ArrivalBreaches = 2,
            Escalations = 3,
            AssigneeOfficerId = 2,
            AssigneeName = "李娜",
        }, IncidentEventTypes.Closed));

        var stored = await f.Incidents.FindAsync(report.Incident.Id, Ct);
        Assert.Equal(result.Incident, stored);
        Assert.Equal(
            (IncidentStatus.Closed, TestCity.District, TimeSpan.FromMilliseconds(20_250), TimeSpan.FromSeconds(30), 1, 2, 3, (long?)null, (int?)2, "李娜"),
            (stored!.Status, stored.OwnerCode, stored.ContactPaused, stored.ArrivalPaused, stored.ContactBreaches, stored.ArrivalBreaches,
             stored.Escalations, stored.TaskId, stored.AssigneeOfficerId, stored.AssigneeName));
        Assert.Equal(
            new DateTimeOffset?[] { t.AddSeconds(75).AddTicks(1234567), t.AddSeconds(80), t.AddSeconds(400).AddTicks(7654321), t.AddMinutes(30), t.AddMinutes(40), t.AddMinutes(41) },
            [stored.ContactedAt, stored.DispatchedAt, stored.OnSceneAt, stored.ResolvedAt, stored.ClosedAt, stored.PausedAt]);

        // And back to empty: nullable columns are cleared, not left as they were.
        var cleared = await f.ApplyAsync(report.Incident.Id, Change(i => i with
        {
            Status = IncidentStatus.Contacted,
            OnSceneAt = null,
            ResolvedAt = null,
            ClosedAt = null,
            PausedAt = null,
            AssigneeOfficerId = null,
            AssigneeName = null,
            ArrivalPaused = TimeSpan.Zero,
        }, IncidentEventTypes.Reopened));
        Assert.Equal(cleared.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal<(DateTimeOffset?, int?, string?, TimeSpan)>((null, null, null, TimeSpan.Zero), (cleared.Incident.OnSceneAt, cleared.Incident.AssigneeOfficerId, cleared.Incident.AssigneeName, cleared.Incident.ArrivalPaused));
    }

    [Fact]
    public async Task Every_task_column_round_trips()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var task = (await f.ApplyAsync(report.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(30)))).Tasks[0];
        var full = task with
        {
            Status = DispatchTaskStatus.Closed,
            AcceptedAt = ReportedAt.AddSeconds(45).AddTicks(1),
            ArrivedAt = ReportedAt.AddSeconds(250),
            ArrivalAuto = true,
            ArrivalDistanceMeters = 37.25,
            ArrivalFlagged = true,
            ResolvedAt = ReportedAt.AddMinutes(20),
            ResolutionNote = new string('改', 500),
            EndedAt = ReportedAt.AddMinutes(25),
            EndReason = "closed",
        };

        await f.ApplyAsync(report.Incident.Id, s => Decision.Accept(s.Incident with { Status = IncidentStatus.Closed }, [full], new PendingEvent(IncidentEventTypes.Closed, null, 0)));

        Assert.Equal(full, await f.Dispatch.FindTaskAsync(task.Id, Ct));
        var manual = full with { Id = 0, Status = DispatchTaskStatus.Dispatched, ArrivalAuto = false, ArrivalFlagged = false, ArrivalDistanceMeters = null, Assignee = CaptainA };
        var inserted = (await f.ApplyAsync(report.Incident.Id, s => Decision.Accept(s.Incident with { TaskId = 0 }, [manual], new PendingEvent(IncidentEventTypes.Dispatched, null, 0)))).Tasks[0];
        Assert.Equal(manual with { Id = inserted.Id }, await f.Dispatch.FindTaskAsync(inserted.Id, Ct));
    }

    [Fact]
    public async Task Contact_and_arrival_ms_are_the_stopped_clocks_minus_pauses_truncated_to_whole_ms()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var id = report.Incident.Id;
        var t = ReportedAt;

        async Task<(long? Contact, long? Arrival)> MsAsync()
        {
            await using var connection = await f.Db.Factory.OpenAsync(Ct);
            return await connection.QuerySingleAsync<(long?, long?)>(new CommandDefinition(
                "SELECT contact_ms, arrival_ms FROM incidents WHERE id = @Id", new { Id = id }, cancellationToken: Ct));
        }

        Assert.Equal<(long?, long?)>((null, null), await MsAsync());
        await f.ApplyAsync(id, Change(i => i with { ContactPaused = TimeSpan.FromSeconds(20), PausedAt = t.AddSeconds(40) }, IncidentEventTypes.Paused));
        Assert.Equal<(long?, long?)>((null, null), await MsAsync());

        await f.ApplyAsync(id, Change(i => i with { PausedAt = null, ContactPaused = TimeSpan.FromSeconds(30), ContactedAt = t.AddSeconds(80).AddTicks(9999) }));
        Assert.Equal<(long?, long?)>((50_000, null), await MsAsync());

        await f.ApplyAsync(id, Change(i => i with { DispatchedAt = t.AddSeconds(90) }, IncidentEventTypes.Dispatched));
        Assert.Equal<(long?, long?)>((50_000, null), await MsAsync());

        await f.ApplyAsync(id, Change(i => i with { ArrivalPaused = TimeSpan.FromSeconds(15), OnSceneAt = t.AddSeconds(90 + 315).AddTicks(-1) }, IncidentEventTypes.OnScene));
        Assert.Equal<(long?, long?)>((50_000, 299_999), await MsAsync());
    }

    [Fact]
    public async Task A_concurrent_change_of_the_row_is_retried_once_with_a_fresh_read()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var dispatch = new DispatchRepository(f.Db.Factory);
        var interfered = 0;
        dispatch.BeforeIncidentUpdate = async (connection, tx) =>
        {
            if (Interlocked.Increment(ref interfered) == 1)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE incidents SET last_seq = last_seq + 1000 WHERE id = @Id", new { report.Incident.Id }, tx, cancellationToken: Ct));
            }
        };
        var decided = 0;

        var outcome = await dispatch.ExecuteAsync(report.Incident.Id, Operator, ReportedAt, s =>
        {
            decided++;
            return Dispatch(Zhang, ReportedAt)(s);
        }, ct: Ct);

        Assert.Equal(2, decided);
        var result = outcome.Result!;
        Assert.Equal(result.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
        Assert.Equal(result.Events[^1].Seq, result.Incident.LastSeq);
        Assert.Single(await f.Dispatch.TasksOfIncidentAsync(report.Incident.Id, Ct));
        Assert.Equal(3, (await f.Incidents.EventsOfAsync(report.Incident.Id, Ct)).Count);
    }

    [Fact]
    public async Task A_row_changed_again_on_the_retry_gives_a_conflict_and_writes_nothing()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var before = await f.CountRowsAsync();
        var dispatch = new DispatchRepository(f.Db.Factory)
        {
            BeforeIncidentUpdate = (connection, tx) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE incidents SET last_seq = last_seq + 1000 WHERE id = @Id", new { report.Incident.Id }, tx, cancellationToken: Ct)),
        };
        var decided = 0;

        var outcome = await dispatch.ExecuteAsync(report.Incident.Id, Operator, ReportedAt, s =>
        {
            decided++;
            return Dispatch(Zhang, ReportedAt)(s);
        }, ct: Ct);

        Assert.Equal(2, decided);
        Assert.Null(outcome.Result);
        Assert.Equal(RejectionKind.Conflict, outcome.Rejection!.Kind);
        Assert.Equal(before, await f.CountRowsAsync());
        Assert.Equal(report.Incident, await f.Incidents.FindAsync(report.Incident.Id, Ct));
    }

    [Fact]
    public async Task Without_an_actor_events_are_the_systems_at_the_current_time()
    {
        await using var f = await CreateAsync();
        var report = await f.ReportAsync();
        var now = ReportedAt.AddSeconds(61);
        var dispatch = new DispatchRepository(f.Db.Factory, new FakeTimeProvider(now));

        var outcome = await dispatch.ExecuteAsync(report.Incident.Id, Change(i => i with { ContactBreaches = 1 }, IncidentEventTypes.SlaBreached), ct: Ct);

        var breached = Assert.Single(outcome.Result!.Events);
        Assert.Equal((DispatchRepository.SystemActor, now), (breached.Actor, breached.At));
        Assert.Equal(breached, (await f.Incidents.EventsOfAsync(report.Incident.Id, Ct))[^1]);
    }

    [Fact]
    public async Task The_database_refuses_a_second_active_task_for_one_officer()
    {
        await using var f = await CreateAsync();
        var a = await f.ReportAsync();
        var b = await f.ReportAsync();
        await f.ApplyAsync(a.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(10)));
        var before = await f.CountRowsAsync();

        // Two operators dispatching different incidents to the same officer at once: the second decision saw no busy flag.
        var refused = await f.Dispatch.ExecuteAsync(b.Incident.Id, Operator, ReportedAt.AddSeconds(20), DispatchRegardless(Zhang, ReportedAt.AddSeconds(20)), ct: Ct);

        Assert.Null(refused.Result);
        Assert.Equal((RejectionKind.Conflict, "officerId"), (refused.Rejection!.Kind, refused.Rejection.Field));
        Assert.Equal(before, await f.CountRowsAsync());
    }

    [Fact]
    public async Task Active_tasks_and_tasks_of_an_assignee_newest_first()
    {
        await using var f = await CreateAsync();
        var a = await f.ReportAsync();
        var b = await f.ReportAsync();
        var c = await f.ReportAsync();
        var d = await f.ReportAsync();
        var captainB = Assignee.ForCaptain("GC-" + TestCity.GridB, "刘洋");
        var t1 = (await f.ApplyAsync(a.Incident.Id, Dispatch(Zhang, ReportedAt.AddSeconds(10)))).Tasks[0];
        var t2 = (await f.ApplyAsync(b.Incident.Id, Dispatch(CaptainA, ReportedAt.AddSeconds(20)))).Tasks[0];
        await f.ApplyAsync(c.Incident.Id, Dispatch(Li, ReportedAt.AddSeconds(30)));
        var reassigned = await f.ApplyAsync(c.Incident.Id, Reassign(captainB, ReportedAt.AddSeconds(40), "顺路"));
        var (t3, t4) = (reassigned.Tasks[0], reassigned.Tasks[1]);
        // Li is free again after the reassignment, so a new incident can go to Li.
        var t5 = (await f.ApplyAsync(d.Incident.Id, Dispatch(Li, ReportedAt.AddSeconds(50)))).Tasks[0];

        Assert.Equal([t1, t2, t4, t5], await f.Dispatch.ActiveTasksAsync(Ct));
        Assert.Equal([t5, t3], await f.Dispatch.TasksOfAssigneeAsync(Li, 10, Ct));
        Assert.Equal([t5], await f.Dispatch.TasksOfAssigneeAsync(Li, 1, Ct));
        Assert.Equal([t1], await f.Dispatch.TasksOfAssigneeAsync(Zhang, 10, Ct));
        Assert.Equal([t2], await f.Dispatch.TasksOfAssigneeAsync(CaptainA, 10, Ct));
        Assert.Equal([t4], await f.Dispatch.TasksOfAssigneeAsync(captainB, 10, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => f.Dispatch.TasksOfAssigneeAsync(Zhang, 0, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => f.Dispatch.TasksOfAssigneeAsync(new Assignee(AssigneeKind.Officer, null, null, "?"), 5, Ct));
    }

    [Fact]
    public async Task Open_with_running_clocks_are_the_uncontacted_and_the_dispatched_not_yet_on_scene()
    {
        await using var f = await CreateAsync();
        var t = ReportedAt;
        var reported = await f.ReportAsync();
        var contacted = await f.ReportAsync();
        var dispatched = await f.ReportAsync();
        var onScene = await f.ReportAsync();
        var cancelled = await f.ReportAsync();
        var closed = await f.ReportAsync();
        await f.ApplyAsync(contacted.Incident.Id, Change(i => i with { Status = IncidentStatus.Contacted, ContactedAt = t.AddSeconds(20) }));
        await f.ApplyAsync(dispatched.Incident.Id, Dispatch(Zhang, t.AddSeconds(30)));
        await f.ApplyAsync(onScene.Incident.Id, Dispatch(Li, t.AddSeconds(30)));
        await f.ApplyAsync(onScene.Incident.Id, Change(i => i with { Status = IncidentStatus.OnScene, OnSceneAt = t.AddSeconds(200) }, IncidentEventTypes.OnScene));
        await f.ApplyAsync(cancelled.Incident.Id, Change(i => i with { Status = IncidentStatus.Cancelled }, IncidentEventTypes.Cancelled));
        await f.ApplyAsync(closed.Incident.Id, Change(i => i with { Status = IncidentStatus.Closed, DispatchedAt = t.AddSeconds(30) }, IncidentEventTypes.Closed));

        var running = await f.Dispatch.OpenWithRunningClocksAsync(Ct);

        Assert.Equal([reported.Incident.Id, dispatched.Incident.Id], running.Select(i => i.Id));
        Assert.Equal(await f.Incidents.FindAsync(dispatched.Incident.Id, Ct), running[1]);
    }

    [Fact]
    public async Task Compliance_counts_decided_and_in_time_clocks_by_scope_over_a_half_open_range()
    {
        await using var f = await CreateAsync();
        var from = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));
        var to = from.AddDays(1);

        async Task ReportAndApply(DateTimeOffset at, Func<Incident, Incident> change, string? grid = TestCity.GridA, bool otherDistrict = false)
        {
            var report = await f.ReportAsync(grid, at, otherDistrict);
            await f.ApplyAsync(report.Incident.Id, Change(change));
        }

        // Reported at the inclusive start: contact in 30 s, arrival in 200 s.
        await ReportAndApply(from, i => i with { ContactedAt = from.AddSeconds(30), DispatchedAt = from.AddSeconds(40), OnSceneAt = from.AddSeconds(240) });
        // Contact late (90 s); arrival still running but already breached.
        var b = from.AddHours(1);
        await ReportAndApply(b, i => i with { ContactedAt = b.AddSeconds(90), DispatchedAt = b.AddSeconds(100), ArrivalBreaches = 1 }, TestCity.GridB);
        // Never contacted, breached: decided late. No grid: counted in its township and district only.
        await ReportAndApply(from.AddHours(2), i => i with { ContactBreaches = 1 }, grid: null);
        // Cancelled while the breached contact clock ran: counts neither way.
        await ReportAndApply(from.AddHours(3), i => i with { Status = IncidentStatus.Cancelled, ContactBreaches = 1 });
        // Contact 89.9999999 s with 30 s paused: 59.9999999 s, in time.
        var h = from.AddHours(4);
        await ReportAndApply(h, i => i with { ContactedAt = h.AddSeconds(90).AddTicks(-1), ContactPaused = TimeSpan.FromSeconds(30) }, TestCity.GridB);
        // Just before the exclusive end, in the other district: contact exactly 60 s is late, arrival 299.9999999 s in time.
        var e = to.AddTicks(-1);
        await ReportAndApply(e, i => i with { ContactedAt = e.AddSeconds(60), DispatchedAt = e.AddSeconds(60), OnSceneAt = e.AddSeconds(360).AddTicks(-1) }, otherDistrict: true);
        // Outside the range on both sides.
        await ReportAndApply(to, i => i with { ContactedAt = to.AddSeconds(10) });
        await ReportAndApply(from.AddTicks(-1), i => i with { ContactedAt = from.AddSeconds(10) });

        Task<ComplianceCounts> Counts(JurisdictionLevel level, string code, DateTimeOffset? until = null) =>
            f.Dispatch.ComplianceAsync(new ScopeFilter(level, code), from, until ?? to, Ct);

        Assert.Equal(new ComplianceCounts(5, 2, 3, 2), await Counts(JurisdictionLevel.City, TestCity.City));
        Assert.Equal(new ComplianceCounts(4, 2, 2, 1), await Counts(JurisdictionLevel.District, TestCity.District));
        Assert.Equal(new ComplianceCounts(1, 0, 1, 1), await Counts(JurisdictionLevel.District, OtherDistrict));
        Assert.Equal(new ComplianceCounts(4, 2, 2, 1), await Counts(JurisdictionLevel.Township, TestCity.Township));
        Assert.Equal(new ComplianceCounts(1, 0, 1, 1), await Counts(JurisdictionLevel.Township, OtherTownship));
        Assert.Equal(new ComplianceCounts(1, 1, 1, 1), await Counts(JurisdictionLevel.Grid, TestCity.GridA));
        Assert.Equal(new ComplianceCounts(2, 1, 1, 0), await Counts(JurisdictionLevel.Grid, TestCity.GridB));
        Assert.Equal(new ComplianceCounts(0, 0, 0, 0), await Counts(JurisdictionLevel.Grid, "no-such-grid"));
        Assert.Equal(new ComplianceCounts(1, 1, 1, 1), await Counts(JurisdictionLevel.City, TestCity.City, from.AddTicks(1)));
        Assert.Equal(new ComplianceCounts(0, 0, 0, 0), await Counts(JurisdictionLevel.City, TestCity.City, from));
        Assert.Equal(new ComplianceCounts(1, 1, 0, 0), await f.Dispatch.ComplianceAsync(City, to, to.AddDays(1), Ct));
    }
}

public sealed class SqliteDispatchRepositoryTests : DispatchRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
