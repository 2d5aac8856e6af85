using System.Security.Claims;
using Dashboard.Core.Accounts;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;

namespace Dashboard.Web.Features.Account;

public static class UserScopes
{
    /// <summary>
    /// The node whose subtree a user sees and reports in: their scope, except that a grid captain works for the
    /// whole township (issues sit on grid edges, and "镇队报到" answers at township level).
    /// </summary>
    public static JurisdictionNode? AreaOf(this ClaimsPrincipal user, JurisdictionTree tree)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(tree);
        var scope = tree.Find(user.GetScope());
        return scope is not null && scope.Level == JurisdictionLevel.Grid && user.IsInRole(Roles.GridCaptain)
            ? tree.AncestorAt(scope.Code, JurisdictionLevel.Township)
            : scope;
    }

    /// <summary>Located in the user's area, held in a queue within it (after escalation), or reported by the user.</summary>
    public static bool CanSee(this ClaimsPrincipal user, JurisdictionTree tree, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var area = user.AreaOf(tree);
        if (area is null)
        {
            return false;
        }

        return tree.Concerns(incident, area.Code)
            || user.FindFirstValue(ClaimTypes.NameIdentifier) == incident.ReportedBy.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when the incident lies within <paramref name="scopeCode"/> or is held in a queue within it.</summary>
    public static bool Concerns(this JurisdictionTree tree, Incident incident, string scopeCode)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(incident);
        return tree.IsWithin(incident.GridCode ?? incident.TownshipCode, scopeCode) || tree.IsWithin(incident.OwnerCode, scopeCode);
    }
}
