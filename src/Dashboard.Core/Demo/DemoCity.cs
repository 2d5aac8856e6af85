using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;

namespace Dashboard.Core.Demo;

/// <summary>Everything the demo city consists of, generated deterministically from a seed.</summary>
public sealed record DemoCity(
    IReadOnlyList<JurisdictionNode> Jurisdictions,
    IReadOnlyList<CommandCentre> CommandCentres,
    IReadOnlyList<Team> Teams,
    IReadOnlyList<Officer> Officers,
    IReadOnlyList<GridCaptain> GridCaptains);
