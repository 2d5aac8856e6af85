using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;

namespace Dashboard.Core.Dispatch;

/// <summary>
/// The dispatch recommender's live picture: every officer's latest position in an updatable spatial index, and which officers
/// are busy with a task. Thread-safe: positions and busy flags are updated from ingest and dispatch while operators ask.
/// </summary>
public sealed class OfficerLocator
{
    /// <param name="officers">The city's officers (skills, township, travel mode).</param>
    /// <param name="tree">Jurisdictions, for the townships bordering each township.</param>
    public OfficerLocator(IEnumerable<Officer> officers, JurisdictionTree tree, RecommenderOptions options) => throw new NotImplementedException();

    /// <summary>Records a position; an older fix than the one held is ignored.</summary>
    public void Update(int officerId, double latitude, double longitude, DateTimeOffset at) => throw new NotImplementedException();

    public void SetBusy(int officerId, bool busy) => throw new NotImplementedException();

    public bool IsBusy(int officerId) => throw new NotImplementedException();

    /// <summary>
    /// Ranked options: available (not busy), on duty (a fix within OfflineAfter) officers with the category's skill — the
    /// responsible township first, then its neighbours; fresh before stale; by ETA (haversine distance / mode speed); ties by
    /// newer fix, then officer id — and the grid's captain last. At most MaxResults officers plus the captain.
    /// </summary>
    public IReadOnlyList<Recommendation> Recommend(RecommendationRequest request) => throw new NotImplementedException();
}
