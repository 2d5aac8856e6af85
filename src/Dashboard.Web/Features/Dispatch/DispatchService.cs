using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Realtime;

namespace Dashboard.Web.Features.Dispatch;

public enum CommandStatus
{
    Ok,
    NotFound,
    Forbidden,
    Rejected,
}

/// <summary>The answer to a command: the stored change, or why nothing was stored.</summary>
public sealed record CommandReply(CommandStatus Status, CommandResult? Result = null, Rejection? Rejection = null, string? Message = null)
{
    public bool IsOk => Status == CommandStatus.Ok;

    /// <summary>The task this command created or changed (the new one after a reassignment).</summary>
    public DispatchTask? Task => Result?.Tasks.Count > 0 ? Result.Tasks[^1] : null;

    public static CommandReply Forbid(string message) => new(CommandStatus.Forbidden, Message: message);

    public static CommandReply Missing(string message) => new(CommandStatus.NotFound, Message: message);

    public static CommandReply Refuse(RejectionKind kind, string message, string? field = null) =>
        new(CommandStatus.Rejected, Rejection: new Rejection(kind, message, field), Message: message);
}

/// <summary>
/// "一键派发" and every later step of an incident: checks who may do it, lets the lifecycle decide inside the store's
/// transaction, and only after the change is durable updates the task board and tells dashboards and hub clients.
/// </summary>
public sealed class DispatchService(
    DispatchRepository store,
    IncidentRepository incidents,
    CityDirectory directory,
    TaskBoard board,
    RecommenderService recommender,
    IncidentNotifier notifier,
    TimeProvider time)
{
    public const string SystemActor = "system";

    /// <summary>Operator commands (contact, dispatch, escalate, close…): operators and admins within their scope.</summary>
    public async Task<CommandReply> ExecuteAsync(ClaimsPrincipal user, long incidentId, IncidentCommand command,
        IReadOnlyList<NewPhoto>? attachments = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(command);
        var incident = await incidents.FindAsync(incidentId, ct);
        return incident is null
            ? CommandReply.Missing($"Incident {incidentId} does not exist.")
            : await ExecuteAsync(user, incident, command, attachments, ct);
    }

    /// <summary>As above, for an incident the caller has just read (its scope is checked, its state is read again in the write).</summary>
    public async Task<CommandReply> ExecuteAsync(ClaimsPrincipal user, Incident incident, IncidentCommand command,
        IReadOnlyList<NewPhoto>? attachments = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(command);
        var denied = command is AcceptCommand or ArriveCommand or ResolveCommand
            ? await DenyFieldAsync(user, incident, command, ct)
            : DenyOperator(user, incident);
        if (denied is not null)
        {
            return denied;
        }

        return await RunAsync(incident.Id, command, user.Identity?.Name ?? "?", attachments, ct);
    }

    /// <summary>Commands the system itself issues (SLA breaches, geofence arrivals); no user checks.</summary>
    public Task<CommandReply> ExecuteAsSystemAsync(long incidentId, IncidentCommand command, CancellationToken ct = default) =>
        RunAsync(incidentId, command, SystemActor, null, ct);

    /// <summary>Ranked options for the incident ("3.2 km, ~6 min"); empty for closed incidents.</summary>
    public IReadOnlyList<Recommendation> Recommend(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (!incident.IsOpen)
        {
            return [];
        }

        return recommender.Recommend(new RecommendationRequest(
            incident.Latitude, incident.Longitude, incident.TownshipCode, incident.CategoryCode, directory.CaptainOfGrid(incident.GridCode), time.GetUtcNow()));
    }

    /// <summary>One click: dispatch to the recommendation at <paramref name="rank"/> (1 = the top one).</summary>
    public async Task<CommandReply> DispatchRecommendedAsync(ClaimsPrincipal user, long incidentId, int rank = 1, string? reason = null, CancellationToken ct = default)
    {
        var incident = await incidents.FindAsync(incidentId, ct);
        if (incident is null)
        {
            return CommandReply.Missing($"Incident {incidentId} does not exist.");
        }

        if (DenyOperator(user, incident) is { } denied)
        {
            return denied;
        }

        if (board.OfIncident(incidentId) is { } active)
        {
            return CommandReply.Refuse(RejectionKind.Conflict, $"already dispatched to {active.Task.Assignee.Name}");
        }

        var options = Recommend(incident);
        var pick = options.FirstOrDefault(r => r.Rank == rank);
        if (pick is null)
        {
            return options.Count == 0 || rank == 1
                ? CommandReply.Refuse(RejectionKind.Conflict, "no available officer with the skill in the township or its neighbours")
                : CommandReply.Refuse(RejectionKind.Invalid, $"there is no recommendation #{rank}", "rank");
        }

        return await ExecuteAsync(user, incident, new DispatchCommand(pick.Assignee, ToPick(pick), reason), ct: ct);
    }

    /// <summary>The assignee a user names by officer id (or the grid's captain), checked against the city.</summary>
    public Assignee? ResolveAssignee(Incident incident, int? officerId, bool captain)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (captain)
        {
            return directory.CaptainOfGrid(incident.GridCode) is { } c ? Assignee.ForCaptain(c.Code, c.Name) : null;
        }

        return officerId is { } id && directory.FindOfficer(id) is { } officer ? Assignee.ForOfficer(officer.Id, officer.Name) : null;
    }

    /// <summary>Who the signed-in user is as an assignee: their officer, or the captain of their grid; null for everyone else.</summary>
    public Assignee? AssigneeOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Roles.Officer)
            && int.TryParse(user.FindFirstValue(DashboardClaims.OfficerId), NumberStyles.None, CultureInfo.InvariantCulture, out var officerId)
            && directory.FindOfficer(officerId) is { } officer)
        {
            return Assignee.ForOfficer(officer.Id, officer.Name);
        }

        return user.IsInRole(Roles.GridCaptain) && directory.CaptainOfGrid(user.GetScope()) is { } captain
            ? Assignee.ForCaptain(captain.Code, captain.Name)
            : null;
    }

    public static RecommendationPick ToPick(Recommendation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new RecommendationPick(r.Rank, r.DistanceMeters, r.Eta, r.Stale);
    }

    private async Task<CommandReply> RunAsync(long incidentId, IncidentCommand command, string actor, IReadOnlyList<NewPhoto>? attachments, CancellationToken ct)
    {
        // One instant for the decision and the log, so the clocks and the events agree to the tick.
        var now = time.GetUtcNow();
        var outcome = await store.ExecuteAsync(incidentId, actor, now, state => Decide(state, command, actor, now), attachments, ct);
        if (outcome.NotFound)
        {
            return CommandReply.Missing($"Incident {incidentId} does not exist.");
        }

        if (outcome.Rejection is { } rejection)
        {
            return new CommandReply(CommandStatus.Rejected, Rejection: rejection, Message: rejection.Message);
        }

        var result = outcome.Result!;
        foreach (var task in result.Tasks)
        {
            board.Apply(task, result.Incident);
        }

        foreach (var e in result.Events)
        {
            notifier.Publish(LiveEvent.From(e, result.Incident, result.Tasks.FirstOrDefault(t => t.Id == e.TaskId)));
        }

        return new CommandReply(CommandStatus.Ok, result);
    }

    private Decision Decide(IncidentState state, IncidentCommand command, string actor, DateTimeOffset now)
    {
        // One officer, one task: the lifecycle sees one incident, the board sees them all.
        var officerId = command switch
        {
            DispatchCommand d => d.Assignee.OfficerId,
            ReassignCommand r => r.Assignee.OfficerId,
            _ => null,
        };
        if (officerId is { } id && board.OfOfficer(id) is { } busy && busy.Task.IncidentId != state.Incident.Id)
        {
            return Decision.Reject(RejectionKind.Conflict, $"{busy.Task.Assignee.Name} is busy with another incident", "officerId");
        }

        return IncidentLifecycle.Decide(state, command, actor, now);
    }

    private CommandReply? DenyOperator(ClaimsPrincipal user, Incident incident)
    {
        if (!user.IsInRole(Roles.Operator) && !user.IsInRole(Roles.Admin))
        {
            return CommandReply.Forbid("Only operators dispatch and manage incidents.");
        }

        var area = user.AreaOf(directory.Tree);
        return area is not null && directory.Tree.Concerns(incident, area.Code)
            ? null
            : CommandReply.Forbid("That incident is outside your scope.");
    }

    /// <summary>Field steps (accept, arrive, resolve) are the assignee's; an operator in scope may record them for the assignee.</summary>
    private async Task<CommandReply?> DenyFieldAsync(ClaimsPrincipal user, Incident incident, IncidentCommand command, CancellationToken ct)
    {
        var taskId = command switch
        {
            AcceptCommand a => a.TaskId,
            ArriveCommand a => a.TaskId,
            ResolveCommand r => r.TaskId,
            _ => 0,
        };
        var task = await store.FindTaskAsync(taskId, ct);
        if (task is null || task.IncidentId != incident.Id)
        {
            return CommandReply.Missing($"Task {taskId} does not exist.");
        }

        return IsAssignee(user, task) ? null : DenyOperator(user, incident);
    }

    public bool IsAssignee(ClaimsPrincipal user, DispatchTask task)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(task);
        if (task.Assignee.OfficerId is { } officerId)
        {
            return user.IsInRole(Roles.Officer)
                && user.FindFirstValue(DashboardClaims.OfficerId) == officerId.ToString(CultureInfo.InvariantCulture);
        }

        var captain = directory.Current.GridCaptains.FirstOrDefault(c => c.Code == task.Assignee.CaptainCode);
        return captain is not null && user.IsInRole(Roles.GridCaptain) && user.GetScope() == captain.GridCode;
    }

    /// <summary>The tier above the node whose queue holds the incident; null at the city.</summary>
    public JurisdictionNode? ParentTier(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var owner = directory.Tree.Find(incident.OwnerCode);
        return owner?.ParentCode is { } parent ? directory.Tree.Find(parent) : null;
    }
}
