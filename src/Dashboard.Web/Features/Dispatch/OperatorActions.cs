using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Data.Incidents;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>
/// The operator's buttons (queue row, drawer) for one circuit: runs the command as the signed-in user and tells them the
/// outcome in a snackbar, in their language.
/// </summary>
public sealed class OperatorActions(
    DispatchService dispatch,
    IncidentRepository incidents,
    AuthenticationStateProvider auth,
    ISnackbar snackbar,
    IStringLocalizer<SharedResource> localizer)
{
    private static bool English => Shell.UiCulture.IsEnglish;

    public IReadOnlyList<Recommendation> Recommend(Incident incident) => dispatch.Recommend(incident);

    public static string Explain(Recommendation r) => RecommendationText.Explain(r, CultureInfo.CurrentCulture, English);

    public async Task<CommandReply> ContactAsync(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return await RunAsync(incident, new ContactCommand(), "Action.Contacted");
    }

    /// <summary>One click: the recommendation at <paramref name="rank"/>.</summary>
    public async Task<CommandReply> DispatchAsync(Incident incident, int rank = 1)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var reply = await dispatch.DispatchRecommendedAsync(await UserAsync(), incident.Id, rank);
        if (reply.IsOk)
        {
            snackbar.Add(Format("Action.Dispatched", reply.Task!.Assignee.Name), Severity.Success);
            return reply;
        }

        await ReportFailureAsync(incident.Id, reply, racedWithDispatch: true);
        return reply;
    }

    public async Task<CommandReply> RunAsync(Incident incident, IncidentCommand command, string successKey)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var reply = await dispatch.ExecuteAsync(await UserAsync(), incident.Id, command);
        if (reply.IsOk)
        {
            snackbar.Add(Format(successKey, incident.Code), Severity.Success);
        }
        else
        {
            await ReportFailureAsync(incident.Id, reply, racedWithDispatch: command is ContactCommand or DispatchCommand);
        }

        return reply;
    }

    /// <param name="racedWithDispatch">
    /// A contact or dispatch, which a colleague's dispatch a moment earlier refuses; any other conflict (already paused, not yet
    /// resolved…) has its own reason, even on an incident that has an assignee.
    /// </param>
    private async Task ReportFailureAsync(long incidentId, CommandReply reply, bool racedWithDispatch)
    {
        // The usual race: someone else dispatched it a moment earlier. Say who, in the operator's language.
        if (racedWithDispatch && reply.Rejection?.Kind == RejectionKind.Conflict && await incidents.FindAsync(incidentId) is { AssigneeName: { } name })
        {
            snackbar.Add(Format("Action.AlreadyDispatched", name), Severity.Warning);
            return;
        }

        if (reply.Rejection?.Field == "reason")
        {
            snackbar.Add(localizer["Action.ReasonRequired"], Severity.Warning);
            return;
        }

        snackbar.Add(Format("Action.Failed", reply.Message ?? reply.Status.ToString()), Severity.Error);
    }

    private async Task<ClaimsPrincipal> UserAsync() => (await auth.GetAuthenticationStateAsync()).User;

    private string Format(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, localizer[key], args);
}
