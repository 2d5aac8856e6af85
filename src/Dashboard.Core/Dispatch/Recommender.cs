using Dashboard.Core.Officers;

namespace Dashboard.Core.Dispatch;

public sealed class RecommenderOptions
{
    /// <summary>Travel speeds per mode, km/h.</summary>
    public double EBikeKmh { get; set; } = 25;

    public double CarKmh { get; set; } = 30;

    public double FootKmh { get; set; } = 5;

    /// <summary>A fix older than this is stale: the officer is still offered, after fresh ones, with the age shown.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A fix older than this means the officer is off duty / offline and is not offered.</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);

    public int MaxResults { get; set; } = 5;

    /// <summary>
    /// Officers farther than this from the incident are not offered: it bounds the search, and beyond it even a car needs an
    /// hour. Townships span a few km; this reaches across a neighbouring township.
    /// </summary>
    public double MaxDistanceMeters { get; set; } = 30_000;

    public double SpeedKmh(TravelMode mode) => mode switch
    {
        TravelMode.Car => CarKmh,
        TravelMode.Foot => FootKmh,
        _ => EBikeKmh,
    };
}

/// <summary>What to recommend for: the incident's place, responsible township, category, and the grid's captain if any.</summary>
public sealed record RecommendationRequest(
    double Latitude,
    double Longitude,
    string TownshipCode,
    string CategoryCode,
    GridCaptain? Captain,
    DateTimeOffset Now);

public enum CandidateGroup
{
    /// <summary>In the responsible township.</summary>
    Township = 0,

    /// <summary>In a township bordering it.</summary>
    Neighbour = 1,

    /// <summary>The grid's captain (no position tracked; listed after officers).</summary>
    Captain = 2,
}

/// <summary>
/// One ranked option. Distance and Eta are null for the captain. FixAge is how old the officer's position is; Stale when it
/// is older than <see cref="RecommenderOptions.StaleAfter"/> (ranked after fresh ones of the same group).
/// </summary>
public sealed record Recommendation(
    int Rank,
    Assignee Assignee,
    CandidateGroup Group,
    string TownshipCode,
    double? DistanceMeters,
    TimeSpan? Eta,
    TimeSpan? FixAge,
    bool Stale);
