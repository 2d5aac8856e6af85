using Dashboard.Core.Dispatch;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>
/// Holds the recommender's spatial index: built from the city and the live positions the first time it is needed, then kept
/// current by every position flush and every task change.
/// </summary>
public sealed class RecommenderService
{
    private readonly Lazy<OfficerLocator> _locator;
    private readonly TaskBoard _board;

    public RecommenderService(CityDirectory directory, PositionFeed feed, TaskBoard board, IOptions<DispatchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _board = board;
        _locator = new Lazy<OfficerLocator>(() =>
        {
            var locator = new OfficerLocator(directory.Current.Officers, directory.Tree, options.Value.Recommender);
            foreach (var fix in feed.AllLatest())
            {
                locator.Update(fix.OfficerId, fix.Latitude, fix.Longitude, fix.At);
            }

            foreach (var entry in board.All)
            {
                if (entry.Task.Assignee.OfficerId is { } id)
                {
                    locator.SetBusy(id, true);
                }
            }

            return locator;
        });
        board.OfficerChanged += id =>
        {
            if (_locator.IsValueCreated)
            {
                _locator.Value.SetBusy(id, _board.OfOfficer(id) is not null);
            }
        };
    }

    public IReadOnlyList<Recommendation> Recommend(RecommendationRequest request) => _locator.Value.Recommend(request);

    public void OnFlushed(IReadOnlyList<PositionFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        if (!_locator.IsValueCreated)
        {
            return;
        }

        var locator = _locator.Value;
        foreach (var fix in fixes)
        {
            locator.Update(fix.OfficerId, fix.Latitude, fix.Longitude, fix.At);
        }
    }
}
