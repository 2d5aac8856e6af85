using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Core.Tests.Dispatch;

/// <summary>An event as the store would record it: the TaskIndex resolved to the task's id.</summary>
internal sealed record StoredEvent(string Type, object? Payload, long? TaskId);

/// <summary>
/// One incident driven through <see cref="IncidentLifecycle"/> on a fake clock, with the store's part played in memory:
/// new tasks get ids, TaskId 0 is replaced by the inserted task's id, events are appended in order.
/// </summary>
internal sealed class IncidentScenario
{
    public static readonly DateTimeOffset ReportedAt = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));

    private long _nextTaskId = 100;

    public IncidentScenario(Incident? incident = null)
    {
        Incident = incident ?? NewIncident();
        Time = new FakeTimeProvider(Incident.ReportedAt);
    }

    public FakeTimeProvider Time { get; }

    public Incident Incident { get; private set; }

    public List<DispatchTask> Tasks { get; } = [];

    public List<StoredEvent> Log { get; } = [];

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The active task, else the latest one, as the store reads it.</summary>
    public DispatchTask? Task => Tasks.LastOrDefault(t => t.IsActive) ?? Tasks.LastOrDefault();

    public IncidentState State => new(Incident, Task);

    public static Assignee Zhang { get; } = Assignee.ForOfficer(11, "张三");

    public static Assignee Li { get; } = Assignee.ForOfficer(12, "李四");

    public static Assignee Captain { get; } = Assignee.ForCaptain("GC-01", "王网格长");

    public static Incident NewIncident(string owner = "T", int contactTarget = 60, int arrivalTarget = 300) =>
        new(1, "E20261123-0001", "client-1", "ZDJY", "占道经营", 29.87, 121.55, "G1", "T", "D", owner, IncidentStatus.Reported,
            ReportedAt, null, 7, "王网格长", 1, 1)
        {
            ContactTargetSeconds = contactTarget,
            ArrivalTargetSeconds = arrivalTarget,
        };

    public IncidentScenario At(double secondsSinceReport) => At(TimeSpan.FromSeconds(secondsSinceReport));

    public IncidentScenario At(TimeSpan sinceReport)
    {
        Time.SetUtcNow(Incident.ReportedAt + sinceReport);
        return this;
    }

    public IncidentScenario After(double seconds)
    {
        Time.Advance(TimeSpan.FromSeconds(seconds));
        return this;
    }

    public Decision Try(IncidentCommand command, string actor = "op1") => IncidentLifecycle.Decide(State, command, actor, Now);

    /// <summary>Decides and stores; fails the test when the command is refused.</summary>
    public Decision Do(IncidentCommand command, string actor = "op1")
    {
        var decision = Try(command, actor);
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        Store(decision);
        return decision;
    }

    public Rejection Refused(IncidentCommand command, RejectionKind kind, string? field = null)
    {
        var decision = Try(command);
        Assert.False(decision.IsAccepted);
        Assert.Null(decision.Incident);
        Assert.Empty(decision.Tasks);
        Assert.Empty(decision.Events);
        var rejection = decision.Rejection!;
        Assert.Equal(kind, rejection.Kind);
        Assert.Equal(field, rejection.Field);
        return rejection;
    }

    public static IReadOnlyList<string> Types(Decision decision) => decision.Events.Select(e => e.Type).ToList();

    public IReadOnlyList<string> LoggedTypes => Log.Select(e => e.Type).ToList();

    public IncidentScenario Dispatch(Assignee? assignee = null)
    {
        Do(new DispatchCommand(assignee ?? Zhang, new RecommendationPick(1, 800, TimeSpan.FromMinutes(3), false)));
        return this;
    }

    public IncidentScenario Accept()
    {
        Do(new AcceptCommand(Task!.Id));
        return this;
    }

    public IncidentScenario Arrive()
    {
        Do(new ArriveCommand(Task!.Id, Auto: true, 12, 50));
        return this;
    }

    public IncidentScenario Resolve()
    {
        Do(new ResolveCommand(Task!.Id, "已劝离", 2));
        return this;
    }

    private void Store(Decision decision)
    {
        var ids = new long[decision.Tasks.Count];
        long? inserted = null;
        for (var i = 0; i < decision.Tasks.Count; i++)
        {
            var task = decision.Tasks[i];
            if (task.Id == 0)
            {
                task = task with { Id = _nextTaskId++ };
                Tasks.Add(task);
                inserted = task.Id;
            }
            else
            {
                var at = Tasks.FindIndex(t => t.Id == task.Id);
                Assert.True(at >= 0, $"task {task.Id} is not stored");
                Tasks[at] = task;
            }

            ids[i] = task.Id;
        }

        var incident = decision.Incident!;
        if (incident.TaskId == 0)
        {
            incident = incident with { TaskId = inserted };
        }

        Assert.Equal(Incident.LastSeq, incident.LastSeq);
        foreach (var e in decision.Events)
        {
            Log.Add(new StoredEvent(e.Type, e.Payload, e.TaskIndex is { } k ? ids[k] : null));
        }

        Incident = incident with { LastSeq = Incident.LastSeq + decision.Events.Count };
    }
}
