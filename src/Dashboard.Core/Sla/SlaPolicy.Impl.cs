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
    public SlaTargets TargetsFor(JurisdictionTree tree, string locationCode, string categoryCode)
    {
        ArgumentNullException.ThrowIfNull(tree);

        // Depth counts from the city (0) down; a scope-less override ranks below every named scope.
        var chain = tree.SelfAndAncestors(locationCode).Select(n => n.Code).ToList();
        int? contact = null;
        int? arrival = null;
        var contactRank = int.MinValue;
        var arrivalRank = int.MinValue;
        foreach (var entry in Overrides)
        {
            if (entry.Category is not null && !string.Equals(entry.Category, categoryCode, StringComparison.Ordinal))
            {
                continue;
            }

            int depth;
            if (entry.Scope is null)
            {
                depth = -1;
            }
            else
            {
                var index = chain.IndexOf(entry.Scope);
                if (index < 0)
                {
                    continue;
                }

                depth = chain.Count - 1 - index;
            }

            var rank = (depth * 2) + (entry.Category is null ? 0 : 1);

            // ">=" lets a later entry of equal rank win, as later configuration sources override earlier ones.
            if (entry.ContactSeconds is { } c && rank >= contactRank)
            {
                (contact, contactRank) = (c, rank);
            }

            if (entry.ArrivalSeconds is { } a && rank >= arrivalRank)
            {
                (arrival, arrivalRank) = (a, rank);
            }
        }

        return new SlaTargets(contact ?? Defaults.ContactSeconds, arrival ?? Defaults.ArrivalSeconds);
    }

    /// <summary>Problems with the configuration (unknown scope, non-positive seconds), empty when valid.</summary>
    public IReadOnlyList<string> Validate(JurisdictionTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var errors = new List<string>();
        if (Defaults.ContactSeconds <= 0)
        {
            errors.Add($"defaults.contactSeconds must be positive, was {Defaults.ContactSeconds}");
        }

        if (Defaults.ArrivalSeconds <= 0)
        {
            errors.Add($"defaults.arrivalSeconds must be positive, was {Defaults.ArrivalSeconds}");
        }

        for (var i = 0; i < Overrides.Count; i++)
        {
            var entry = Overrides[i];
            if (entry.Scope is not null && tree.Find(entry.Scope) is null)
            {
                errors.Add($"overrides[{i}].scope: unknown jurisdiction code '{entry.Scope}'");
            }

            if (entry.ContactSeconds is <= 0)
            {
                errors.Add($"overrides[{i}].contactSeconds must be positive, was {entry.ContactSeconds}");
            }

            if (entry.ArrivalSeconds is <= 0)
            {
                errors.Add($"overrides[{i}].arrivalSeconds must be positive, was {entry.ArrivalSeconds}");
            }
        }

        return errors;
    }
}
