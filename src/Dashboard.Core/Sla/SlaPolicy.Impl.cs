using Dashboard.Core.Jurisdictions;

namespace Dashboard.Core.Sla;

/// <summary>
/// Default targets plus overrides. For an incident located at a node and of a category, the override that matches with the
/// deepest scope wins; at equal depth, one naming the category beats one that does not. Each target is taken from the
/// best override that sets it, else the default.
/// </summary>
public sealed class SlaPolicy(SlaTargets defaults, IReadOnlyList<SlaOverride> overrides)
{
    public static SlaPolicy Default { get; } = new(new SlaTargets(60, 300), []);

    public SlaTargets Defaults { get; } = defaults;

    public IReadOnlyList<SlaOverride> Overrides { get; } = overrides;

    /// <param name="locationCode">The incident's grid (or township) code.</param>
    public SlaTargets TargetsFor(JurisdictionTree tree, string locationCode, string categoryCode) => throw new NotImplementedException();

    /// <summary>Problems with the configuration (unknown scope, non-positive seconds), empty when valid.</summary>
    public IReadOnlyList<string> Validate(JurisdictionTree tree) => throw new NotImplementedException();
}
