using Dashboard.Core.Jurisdictions;

namespace Dashboard.Core.Sla;

/// <summary>
/// One override of the SLA targets. Scope is a jurisdiction node code (the tier node: a district or township, or the city)
/// and applies to incidents located within it; Category an enforcement category code. Either may be null (= any).
/// </summary>
public sealed record SlaOverride(string? Scope = null, string? Category = null, int? ContactSeconds = null, int? ArrivalSeconds = null);

/// <summary>Contact and arrival targets in seconds.</summary>
public readonly record struct SlaTargets(int ContactSeconds, int ArrivalSeconds);
