using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Realtime;

/// <summary>
/// <c>/hubs/command</c> for officer apps, wall screens and integrations. A connection joins the group of its
/// user's scope node on connect; it may also join groups of nodes below its scope, never above or beside it.
/// </summary>
[Authorize]
public sealed class CommandHub(CityDirectory directory, IncidentRepository incidents) : Hub<ICommandClient>
{
    public const string Path = "/hubs/command";
    public const int MaxCatchUp = 1000;

    public static string GroupOf(string jurisdictionCode) => "scope:" + jurisdictionCode;

    public override async Task OnConnectedAsync()
    {
        var scope = UserScope();
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(scope.Code));
        await base.OnConnectedAsync();
    }

    /// <summary>Narrows the feed to a node inside the caller's scope (e.g. a city wall screen showing one district).</summary>
    public async Task JoinScope(string code)
    {
        var scope = UserScope();
        if (directory.Tree.Find(code) is null)
        {
            throw new HubException($"unknown jurisdiction '{code}'");
        }

        if (!directory.Tree.IsWithin(code, scope.Code))
        {
            throw new HubException($"forbidden: '{code}' is outside your scope");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(code));
    }

    public Task LeaveScope(string code) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(code));

    /// <summary>Events after <paramref name="seq"/> within the caller's scope, oldest first, at most <see cref="MaxCatchUp"/>.</summary>
    public async Task<IReadOnlyList<LiveEvent>> GetEventsSince(long seq)
    {
        var scope = UserScope();
        var rows = await incidents.EventsSinceAsync(Math.Max(0, seq), new ScopeFilter(scope.Level, scope.Code), MaxCatchUp, Context.ConnectionAborted);
        return rows.Select(r => LiveEvent.From(r.Event, r.Incident)).ToList();
    }

    private JurisdictionNode UserScope() =>
        Context.User?.AreaOf(directory.Tree)
        ?? throw new HubException("forbidden: your account has no known scope");
}
