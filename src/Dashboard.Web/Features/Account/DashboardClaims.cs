using System.Security.Claims;
using Dashboard.Core.Accounts;

namespace Dashboard.Web.Features.Account;

public static class DashboardClaims
{
    /// <summary>The jurisdiction node code whose subtree the user may see and act on.</summary>
    public const string Scope = "scope";
    public const string DisplayName = "display_name";
    public const string OfficerId = "officer_id";

    public static ClaimsPrincipal CreatePrincipal(UserAccount user, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role),
            new(DisplayName, user.DisplayName),
            new(Scope, user.ScopeCode),
        };
        if (user.OfficerId is { } officerId)
        {
            claims.Add(new Claim(OfficerId, officerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string? GetScope(this ClaimsPrincipal principal) => principal.FindFirstValue(Scope);

    public static string GetDisplayName(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(DisplayName) ?? principal.Identity?.Name ?? "";
}
