using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;

namespace Dashboard.Data.Incidents;

public sealed record NewPhoto(string ContentType, byte[] Content, string? FileName);

/// <summary>
/// A grid captain's report, already located (grid, township, district) and validated by the caller.
/// The stored code is <see cref="CodePrefix"/> followed by the new id, zero-padded to six digits. The SLA targets are
/// fixed at report time (from the policy of the tier and category), so a later policy change does not move open deadlines.
/// </summary>
public sealed record NewReport(
    string ClientId,
    string CategoryCode,
    string Description,
    double Latitude,
    double Longitude,
    string? GridCode,
    string TownshipCode,
    string DistrictCode,
    DateTimeOffset ReportedAt,
    DateTimeOffset? OccurredAt,
    long ReportedBy,
    string ReporterName,
    string Actor,
    string CodePrefix,
    IReadOnlyList<NewPhoto> Photos,
    int ContactTargetSeconds = 60,
    int ArrivalTargetSeconds = 300);

/// <summary>Created is false when the reporter had already sent this ClientId; then Event is null and nothing was written.</summary>
public sealed record ReportOutcome(Incident Incident, bool Created, IncidentEvent? Event);

/// <summary>City: everything; District, Township, Grid: incidents located in the node with this code.</summary>
public sealed record ScopeFilter(JurisdictionLevel Level, string Code);

/// <summary>Statuses null means any status. Results are newest first; pass the last id seen as BeforeId for the next page.</summary>
public sealed record IncidentQuery(
    ScopeFilter Scope,
    IReadOnlyCollection<IncidentStatus>? Statuses = null,
    string? CategoryCode = null,
    int Limit = 500,
    long? BeforeId = null);

public sealed record IncidentPhoto(long Id, long IncidentId, string ContentType, string? FileName, long SizeBytes);

/// <summary>An event together with its incident as it is now (not as it was when the event happened).</summary>
public sealed record EventWithIncident(IncidentEvent Event, Incident Incident);
