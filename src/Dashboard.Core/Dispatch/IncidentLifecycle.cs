using System.Globalization;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Dispatch;

/// <summary>
/// The incident and task state machine. Given the state read in the writing transaction, a command, who does it and when,
/// decides the new incident row, the task rows and the events — or refuses with a reason. Pure.
/// </summary>
public static class IncidentLifecycle
{
    public const int MaxReasonLength = 200;

    public const int MaxNoteLength = 500;

    public static Decision Decide(IncidentState state, IncidentCommand command, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);

        var incident = state.Incident;
        if (!incident.IsOpen && !(command is ReopenCommand && incident.Status == IncidentStatus.Closed))
        {
            return Conflict($"the incident is {incident.Status.ToString().ToLowerInvariant()}");
        }

        // Any operator or officer action ends a pause; the system's breach check and the pause commands themselves do not.
        PendingEvent? resumed = null;
        if (incident.PausedAt is not null && command is not (PauseCommand or ResumeCommand or BreachCommand))
        {
            (incident, resumed) = EndPause(incident, now, auto: true);
        }

        var task = state.Task;
        var decision = command switch
        {
            ContactCommand c => Contact(incident, c, now),
            DispatchCommand c => Dispatch(incident, task, c, actor, now),
            ReassignCommand c => Reassign(incident, task, c, actor, now),
            CancelTaskCommand c => CancelTask(incident, task, c, now),
            AcceptCommand c => Accept(incident, task, c, now),
            ArriveCommand c => Arrive(incident, task, c, now),
            ResolveCommand c => Resolve(incident, task, c, now),
            CloseCommand c => Close(incident, task, c, now),
            ReopenCommand c => Reopen(incident, task, c, now),
            CancelIncidentCommand c => CancelIncident(incident, task, c, now),
            EscalateCommand c => Escalate(incident, c),
            PauseCommand c => Pause(incident, c, now),
            ResumeCommand => Resume(incident, now),
            BreachCommand c => Breach(incident, c, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown incident command"),
        };

        return resumed is null || !decision.IsAccepted
            ? decision
            : decision with { Events = [resumed, .. decision.Events] };
    }

    private static Decision Contact(Incident incident, ContactCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Note, MaxNoteLength, "note", required: false) is { } invalid)
        {
            return invalid;
        }

        if (incident.ContactedAt is not null)
        {
            return Conflict("already contacted");
        }

        var next = incident with
        {
            ContactedAt = now,
            Status = incident.Status == IncidentStatus.Reported ? IncidentStatus.Contacted : incident.Status,
        };
        return Decision.Accept(next, [], new PendingEvent(IncidentEventTypes.Contacted, new ContactedPayload(Clean(command.Note), ByDispatch: false)));
    }

    private static Decision Dispatch(Incident incident, DispatchTask? task, DispatchCommand command, string actor, DateTimeOffset now)
    {
        if ((CheckAssignee(command.Assignee) ?? CheckText(command.Reason, MaxReasonLength, "reason", required: false)) is { } invalid)
        {
            return invalid;
        }

        if (task is { IsActive: true })
        {
            return Conflict($"already dispatched to {task.Assignee.Name}");
        }

        if (incident.Status is not (IncidentStatus.Reported or IncidentStatus.Contacted))
        {
            return Conflict($"cannot dispatch a {incident.Status.ToString().ToLowerInvariant()} incident");
        }

        var events = new List<PendingEvent>(2);
        if (incident.ContactedAt is null)
        {
            events.Add(new PendingEvent(IncidentEventTypes.Contacted, new ContactedPayload(null, ByDispatch: true)));
        }

        var assignee = command.Assignee;
        var created = new DispatchTask(0, incident.Id, assignee, DispatchTaskStatus.Dispatched, now, actor);
        var next = WithAssignee(incident, assignee) with
        {
            Status = IncidentStatus.Dispatched,
            ContactedAt = incident.ContactedAt ?? now,

            // The arrival clock runs from the first dispatch: a re-dispatch after a cancelled task must not reset it.
            DispatchedAt = incident.DispatchedAt ?? now,
        };

        var pick = command.Pick;
        var payload = new DispatchedPayload(
            assignee.Kind.ToString(),
            assignee.OfficerId,
            assignee.CaptainCode,
            assignee.Name,
            pick?.Rank,
            pick?.DistanceMeters,
            pick?.Eta is { } eta ? (int)Math.Round(eta.TotalSeconds, MidpointRounding.AwayFromZero) : null,
            pick?.Stale ?? false,
            Override: pick is null || pick.Rank != 1,
            Clean(command.Reason));
        events.Add(new PendingEvent(IncidentEventTypes.Dispatched, payload, TaskIndex: 0));
        return new Decision(next, [created], events, null);
    }

    private static Decision Reassign(Incident incident, DispatchTask? task, ReassignCommand command, string actor, DateTimeOffset now)
    {
        if ((CheckAssignee(command.Assignee) ?? CheckText(command.Reason, MaxReasonLength, "reason", required: true)) is { } invalid)
        {
            return invalid;
        }

        if (task is not { IsActive: true })
        {
            return Conflict("no active task to reassign");
        }

        if (task.Assignee.SameAs(command.Assignee))
        {
            return Invalid($"the task is already assigned to {task.Assignee.Name}", AssigneeField(command.Assignee));
        }

        var reason = Clean(command.Reason)!;
        var ended = task with { Status = DispatchTaskStatus.Cancelled, EndedAt = now, EndReason = $"reassigned: {reason}" };
        var created = new DispatchTask(0, incident.Id, command.Assignee, DispatchTaskStatus.Dispatched, now, actor);
        var next = WithAssignee(incident, command.Assignee) with { Status = IncidentStatus.Dispatched };
        var payload = new ReassignedPayload(task.Assignee.Name, command.Assignee.Name, command.Assignee.OfficerId, command.Assignee.CaptainCode, reason);
        return Decision.Accept(next, [ended, created], new PendingEvent(IncidentEventTypes.Reassigned, payload, TaskIndex: 1));
    }

    private static Decision CancelTask(Incident incident, DispatchTask? task, CancelTaskCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Reason, MaxReasonLength, "reason", required: true) is { } invalid)
        {
            return invalid;
        }

        if (task is not { IsActive: true })
        {
            return Conflict("no active task to cancel");
        }

        var reason = Clean(command.Reason)!;
        var ended = task with { Status = DispatchTaskStatus.Cancelled, EndedAt = now, EndReason = reason };
        var next = incident with { Status = IncidentStatus.Contacted, AssigneeOfficerId = null, AssigneeName = null };
        return Decision.Accept(next, [ended], new PendingEvent(IncidentEventTypes.TaskCancelled, new ReasonPayload(reason), TaskIndex: 0));
    }

    private static Decision Accept(Incident incident, DispatchTask? task, AcceptCommand command, DateTimeOffset now)
    {
        if (CheckTask(task, command.TaskId) is { } rejected)
        {
            return rejected;
        }

        if (task!.Status != DispatchTaskStatus.Dispatched)
        {
            return Conflict(task.Status == DispatchTaskStatus.Accepted ? "already accepted" : "already on scene");
        }

        var accepted = task with { Status = DispatchTaskStatus.Accepted, AcceptedAt = now };
        var next = incident with { Status = IncidentStatus.Accepted };
        return Decision.Accept(next, [accepted], new PendingEvent(IncidentEventTypes.Accepted, null, TaskIndex: 0));
    }

    private static Decision Arrive(Incident incident, DispatchTask? task, ArriveCommand command, DateTimeOffset now)
    {
        if (CheckTask(task, command.TaskId) is { } rejected)
        {
            return rejected;
        }

        if (command.DistanceMeters is { } d && !(d >= 0 && double.IsFinite(d)))
        {
            return Invalid("distance must be a non-negative number of metres", "distanceMeters");
        }

        if (task!.Status == DispatchTaskStatus.OnScene)
        {
            return Conflict("already on scene");
        }

        // A manual arrival far from the incident is still recorded (GPS may lag), but a reviewer should look at it.
        var flagged = !command.Auto && command.DistanceMeters > command.GeofenceMeters;
        var arrived = task with
        {
            Status = DispatchTaskStatus.OnScene,
            AcceptedAt = task.AcceptedAt ?? now,
            ArrivedAt = now,
            ArrivalAuto = command.Auto,
            ArrivalDistanceMeters = command.DistanceMeters,
            ArrivalFlagged = flagged,
        };
        var next = incident with { Status = IncidentStatus.OnScene, OnSceneAt = incident.OnSceneAt ?? now };
        var payload = new OnScenePayload(command.Auto, command.DistanceMeters, flagged);
        return Decision.Accept(next, [arrived], new PendingEvent(IncidentEventTypes.OnScene, payload, TaskIndex: 0));
    }

    private static Decision Resolve(Incident incident, DispatchTask? task, ResolveCommand command, DateTimeOffset now)
    {
        if ((CheckTask(task, command.TaskId, mustBeActive: false)
            ?? CheckText(command.Note, MaxNoteLength, "note", required: true)) is { } rejected)
        {
            return rejected;
        }

        if (command.PhotoCount < 0)
        {
            return Invalid("photo count must not be negative", "photoCount");
        }

        if (task!.Status != DispatchTaskStatus.OnScene)
        {
            return Conflict(task.Status switch
            {
                DispatchTaskStatus.Resolved or DispatchTaskStatus.Closed => "already resolved",
                DispatchTaskStatus.Cancelled => "the task is no longer active",
                _ => "arrive first",
            });
        }

        var note = Clean(command.Note)!;
        var resolved = task with { Status = DispatchTaskStatus.Resolved, ResolvedAt = now, ResolutionNote = note };
        var next = incident with
        {
            Status = IncidentStatus.Resolved,
            ResolvedAt = now,
            PhotoCount = incident.PhotoCount + command.PhotoCount,
        };
        return Decision.Accept(next, [resolved], new PendingEvent(IncidentEventTypes.Resolved, new ResolvedPayload(note, command.PhotoCount), TaskIndex: 0));
    }

    private static Decision Close(Incident incident, DispatchTask? task, CloseCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Note, MaxNoteLength, "note", required: false) is { } invalid)
        {
            return invalid;
        }

        if (incident.Status != IncidentStatus.Resolved)
        {
            return Conflict("only a resolved incident can be closed");
        }

        var next = incident with { Status = IncidentStatus.Closed, ClosedAt = now };
        var (tasks, index) = CloseResolvedTask(task, now);
        return Decision.Accept(next, tasks, new PendingEvent(IncidentEventTypes.Closed, new NotePayload(Clean(command.Note)), index));
    }

    private static Decision Reopen(Incident incident, DispatchTask? task, ReopenCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Reason, MaxReasonLength, "reason", required: true) is { } invalid)
        {
            return invalid;
        }

        if (incident.Status is not (IncidentStatus.Resolved or IncidentStatus.Closed))
        {
            return Conflict("only a resolved or closed incident can be reopened");
        }

        var reason = Clean(command.Reason)!;
        var next = incident with
        {
            Status = IncidentStatus.Contacted,
            ResolvedAt = null,
            ClosedAt = null,
            AssigneeOfficerId = null,
            AssigneeName = null,
        };
        var (tasks, index) = CloseResolvedTask(task, now);
        return Decision.Accept(next, tasks, new PendingEvent(IncidentEventTypes.Reopened, new ReasonPayload(reason), index));
    }

    private static Decision CancelIncident(Incident incident, DispatchTask? task, CancelIncidentCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Reason, MaxReasonLength, "reason", required: true) is { } invalid)
        {
            return invalid;
        }

        var reason = Clean(command.Reason)!;
        var next = incident with { Status = IncidentStatus.Cancelled, PausedAt = null };
        if (task is { IsActive: true })
        {
            var ended = task with { Status = DispatchTaskStatus.Cancelled, EndedAt = now, EndReason = reason };
            return Decision.Accept(next, [ended], new PendingEvent(IncidentEventTypes.Cancelled, new ReasonPayload(reason), TaskIndex: 0));
        }

        return Decision.Accept(next, [], new PendingEvent(IncidentEventTypes.Cancelled, new ReasonPayload(reason)));
    }

    private static Decision Escalate(Incident incident, EscalateCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.ToOwnerCode))
        {
            return Invalid("the target queue is required", "toOwnerCode");
        }

        if (CheckText(command.Reason, MaxReasonLength, "reason", required: true) is { } invalid)
        {
            return invalid;
        }

        var to = command.ToOwnerCode.Trim();
        if (string.Equals(to, incident.OwnerCode, StringComparison.Ordinal))
        {
            return Conflict($"the incident is already in the queue of {to}");
        }

        var next = incident with { OwnerCode = to, Escalations = incident.Escalations + 1 };
        var payload = new EscalatedPayload(incident.OwnerCode, to, Clean(command.Reason)!, command.Clock?.ToString(), Auto: false);
        return Decision.Accept(next, [], new PendingEvent(IncidentEventTypes.Escalated, payload));
    }

    private static Decision Pause(Incident incident, PauseCommand command, DateTimeOffset now)
    {
        if (CheckText(command.Reason, MaxReasonLength, "reason", required: true) is { } invalid)
        {
            return invalid;
        }

        if (incident.PausedAt is not null)
        {
            return Conflict("already paused");
        }

        if (SlaClock.CurrentClock(incident) is not { } clock)
        {
            return Conflict("no clock is running");
        }

        var next = incident with { PausedAt = now };
        return Decision.Accept(next, [], new PendingEvent(IncidentEventTypes.Paused, new PausedPayload(Clean(command.Reason)!, clock.ToString())));
    }

    private static Decision Resume(Incident incident, DateTimeOffset now)
    {
        if (incident.PausedAt is null)
        {
            return Conflict("not paused");
        }

        var (next, resumed) = EndPause(incident, now, auto: false);
        return Decision.Accept(next, [], resumed);
    }

    private static Decision Breach(Incident incident, BreachCommand command, DateTimeOffset now)
    {
        if (command.Ordinal < 1)
        {
            return Invalid("the breach ordinal starts at 1", "ordinal");
        }

        // The scheduler may act on a stale read: re-check against this transaction's state so a breach is recorded once, and only when due.
        var reading = SlaClock.Read(incident, command.Clock, now);
        var target = SlaClock.TargetOf(incident, command.Clock);
        var due = reading.State == ClockState.Running
            && SlaClock.CurrentClock(incident) == command.Clock
            && command.Ordinal == SlaClock.BreachesOf(incident, command.Clock) + 1
            && reading.Elapsed >= command.Ordinal * target;
        if (!due)
        {
            return Conflict($"{ClockName(command.Clock)} clock breach {command.Ordinal.ToString(CultureInfo.InvariantCulture)} is not due");
        }

        var next = command.Clock == ClockKind.Contact
            ? incident with { ContactBreaches = command.Ordinal }
            : incident with { ArrivalBreaches = command.Ordinal };
        var events = new List<PendingEvent>(2)
        {
            new(IncidentEventTypes.SlaBreached, new SlaBreachedPayload(
                command.Clock.ToString(),
                command.Ordinal,
                (int)target.TotalSeconds,
                (long)reading.Elapsed.TotalMilliseconds)),
        };

        if (command.ParentOwnerCode is { } parent && !string.Equals(parent, incident.OwnerCode, StringComparison.Ordinal))
        {
            next = next with { OwnerCode = parent, Escalations = incident.Escalations + 1 };
            events.Add(new PendingEvent(IncidentEventTypes.Escalated, new EscalatedPayload(
                incident.OwnerCode,
                parent,
                $"{ClockName(command.Clock)} clock breached",
                command.Clock.ToString(),
                Auto: true)));
        }

        return new Decision(next, [], events, null);
    }

    /// <summary>Credits the pause to the clock it stopped and clears it.</summary>
    private static (Incident Incident, PendingEvent Event) EndPause(Incident incident, DateTimeOffset now, bool auto)
    {
        var pausedFor = now - incident.PausedAt!.Value;
        if (pausedFor < TimeSpan.Zero)
        {
            pausedFor = TimeSpan.Zero;
        }

        var clock = SlaClock.CurrentClock(incident);
        var next = clock switch
        {
            ClockKind.Contact => incident with { PausedAt = null, ContactPaused = incident.ContactPaused + pausedFor },
            ClockKind.Arrival => incident with { PausedAt = null, ArrivalPaused = incident.ArrivalPaused + pausedFor },
            _ => incident with { PausedAt = null },
        };
        var payload = new ResumedPayload(auto, clock?.ToString(), (long)pausedFor.TotalMilliseconds);
        return (next, new PendingEvent(IncidentEventTypes.Resumed, payload));
    }

    /// <summary>Closing or reopening ends a resolved task for good; other tasks (cancelled, none) are left alone.</summary>
    private static (IReadOnlyList<DispatchTask> Tasks, int? Index) CloseResolvedTask(DispatchTask? task, DateTimeOffset now) =>
        task is { Status: DispatchTaskStatus.Resolved }
            ? ([task with { Status = DispatchTaskStatus.Closed, EndedAt = now }], 0)
            : ([], null);

    private static Incident WithAssignee(Incident incident, Assignee assignee) =>
        incident with { TaskId = 0, AssigneeOfficerId = assignee.OfficerId, AssigneeName = assignee.Name };

    private static Decision? CheckTask(DispatchTask? task, long taskId, bool mustBeActive = true)
    {
        if (task is null || task.Id != taskId)
        {
            return Invalid($"task {taskId.ToString(CultureInfo.InvariantCulture)} is not the incident's current task", "taskId");
        }

        return mustBeActive && !task.IsActive ? Conflict("the task is no longer active") : null;
    }

    private static Decision? CheckAssignee(Assignee? assignee) => assignee switch
    {
        null => Invalid("an assignee is required", "assignee"),
        { Kind: AssigneeKind.Officer, OfficerId: null } => Invalid("an officer assignee needs an officer id", "officerId"),
        { Kind: AssigneeKind.GridCaptain } when string.IsNullOrWhiteSpace(assignee.CaptainCode) =>
            Invalid("a grid captain assignee needs a captain code", "captainCode"),
        _ when string.IsNullOrWhiteSpace(assignee.Name) => Invalid("the assignee needs a name", "name"),
        _ => null,
    };

    private static string AssigneeField(Assignee assignee) => assignee.Kind == AssigneeKind.GridCaptain ? "captainCode" : "officerId";

    private static Decision? CheckText(string? text, int maxLength, string field, bool required)
    {
        var clean = Clean(text);
        if (clean is null)
        {
            return required ? Invalid($"{field} is required", field) : null;
        }

        return clean.Length > maxLength
            ? Invalid($"{field} must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters", field)
            : null;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string ClockName(ClockKind clock) => clock == ClockKind.Contact ? "contact" : "arrival";

    private static Decision Conflict(string message) => Decision.Reject(RejectionKind.Conflict, message);

    private static Decision Invalid(string message, string field) => Decision.Reject(RejectionKind.Invalid, message, field);
}
