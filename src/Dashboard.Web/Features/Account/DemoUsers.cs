using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Accounts;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Account;

/// <summary>
/// The documented demo accounts: one operator per tier, a leader, a grid captain, an officer and an admin.
/// Created only in demo mode, bound to the first district/township/grid of the loaded city.
/// </summary>
public sealed class DemoUsers(
    UserRepository users,
    IPasswordHasher<UserAccount> hasher,
    CityDirectory directory,
    IOptions<DemoOptions> options)
{
    public const string CityOperator = "city_op";
    public const string DistrictOperator = "district_op";
    public const string TownshipOperator = "township_op";
    public const string Leader = "leader";
    public const string GridCaptain = "captain";
    public const string Officer = "officer";
    public const string Admin = "admin";

    public IReadOnlyList<UserAccount> Describe()
    {
        var city = directory.Current;
        var tree = city.Tree;
        var district = tree.ChildrenOf(tree.Root.Code)[0];
        var township = tree.ChildrenOf(district.Code)[0];
        var grids = tree.ChildrenOf(township.Code);
        var grid = grids.Count > 0 ? grids[0] : township;
        var officer = city.Officers.FirstOrDefault(o => o.TownshipCode == township.Code);
        var captain = directory.CaptainOfGrid(grid.Code);

        return
        [
            Account(CityOperator, $"{tree.Root.Name}指挥员", Roles.Operator, tree.Root),
            Account(DistrictOperator, $"{district.Name}指挥员", Roles.Operator, district),
            Account(TownshipOperator, $"{township.Name}指挥员", Roles.Operator, township),
            Account(Leader, $"{tree.Root.Name}领导", Roles.Leader, tree.Root),
            Account(GridCaptain, captain?.Name ?? $"{grid.Name}网格长", Roles.GridCaptain, grid),
            Account(Officer, officer?.Name ?? $"{township.Name}队员", Roles.Officer, township) with { OfficerId = officer?.Id },
            Account(Admin, "系统管理员", Roles.Admin, tree.Root),
        ];
    }

    /// <summary>Creates the demo users that do not exist yet; returns how many were created.</summary>
    public async Task<int> EnsureAsync(CancellationToken ct = default)
    {
        var created = 0;
        foreach (var account in Describe())
        {
            if (await users.FindByUserNameAsync(account.UserName, ct) is not null)
            {
                continue;
            }

            await users.InsertAsync(account with { PasswordHash = hasher.HashPassword(account, options.Value.Password) }, ct);
            created++;
        }

        return created;
    }

    private static UserAccount Account(string userName, string displayName, string role, JurisdictionNode scope) =>
        new(0, userName, displayName, "", role, scope.Code, null, 0, null);
}
