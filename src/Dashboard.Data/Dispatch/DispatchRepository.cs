using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Data.Incidents;

namespace Dashboard.Data.Dispatch;

/// <summary>A stored change: the incident's new row, the tasks written (with their ids) and the events appended (with their seqs).</summary>
public sealed record CommandResult(Incident Incident, IReadOnlyList<DispatchTask> Tasks, IReadOnlyList<IncidentEvent> Events);

/// <summary>Exactly one of Result, Rejection is set, or NotFound is true.</summary>
public sealed record CommandOutcome(CommandResult? Result, Rejection? Rejection, bool NotFound = false);

/// <summary>Contact and arrival compliance over incidents reported in a range: clocks decided (stopped, or already breached) and those in time.</summary>
public sealed record ComplianceCounts(int ContactDecided, int ContactInTime, int ArrivalDecided, int ArrivalInTime);

/// <summary>Dispatch tasks and every state change of an incident after its report, each in one transaction.</summary>
public sealed class DispatchRepository(DbConnectionFactory db)
{
    private readonly DbConnectionFactory _db = db;

    /// <summary>
    /// Reads the incident and its current task inside a write transaction, lets <paramref name="decide"/> judge the command, and
    /// stores the decision (incident row, tasks, events, attachments) atomically. A refusal or any failure writes nothing.
    /// </summary>
    public Task<CommandOutcome> ExecuteAsync(long incidentId, Func<IncidentState, Decision> decide, IReadOnlyList<NewPhoto>? attachments = null, CancellationToken ct = default)
        => throw new NotImplementedException();

    public Task<DispatchTask?> FindTaskAsync(long taskId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Every task of the incident, oldest first.</summary>
    public Task<IReadOnlyList<DispatchTask>> TasksOfIncidentAsync(long incidentId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Every active task (Dispatched, Accepted, OnScene): busy officers and dispatch lines at start-up.</summary>
    public Task<IReadOnlyList<DispatchTask>> ActiveTasksAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>The assignee's tasks, newest first (an officer by id, or a grid captain by code).</summary>
    public Task<IReadOnlyList<DispatchTask>> TasksOfAssigneeAsync(Assignee assignee, int limit, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Open incidents whose contact or arrival clock is still running: the SLA monitor's start-up load.</summary>
    public Task<IReadOnlyList<Incident>> OpenWithRunningClocksAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Compliance of incidents in scope reported in [from, to).</summary>
    public Task<ComplianceCounts> ComplianceAsync(ScopeFilter scope, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) => throw new NotImplementedException();
}
