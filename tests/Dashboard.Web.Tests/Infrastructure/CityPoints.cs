using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Accounts;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>Places and people of the demo city that the tests report from.</summary>
public static class CityPoints
{
    public static JurisdictionTree Tree(this DashboardAppFactory factory) =>
        factory.Services.GetRequiredService<CityDirectory>().Tree;

    /// <summary>The township the demo township operator and grid captain belong to.</summary>
    public static JurisdictionNode HomeTownship(this DashboardAppFactory factory)
    {
        var tree = factory.Tree();
        return tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[0].Code)[0];
    }

    /// <summary>A township in another district.</summary>
    public static JurisdictionNode ForeignTownship(this DashboardAppFactory factory)
    {
        var tree = factory.Tree();
        return tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[1].Code)[0];
    }

    /// <summary>A point inside the n-th grid of a township (its interior point).</summary>
    public static (double Lat, double Lon) PointIn(this DashboardAppFactory factory, JurisdictionNode township, int grid = 0)
    {
        var node = factory.Tree().ChildrenOf(township.Code)[grid];
        var p = node.Boundary.InteriorPoint;
        return (p.Y, p.X);
    }

    /// <summary>A user with the demo password; <paramref name="officerId"/> links an Officer account to its officer.</summary>
    public static async Task CreateUserAsync(this DashboardAppFactory factory, string userName, string role, string scopeCode, int? officerId = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var hasher = factory.Services.GetRequiredService<IPasswordHasher<UserAccount>>();
        var account = new UserAccount(0, userName, userName, "", role, scopeCode, officerId, 0, null);
        await factory.Services.GetRequiredService<UserRepository>()
            .InsertAsync(account with { PasswordHash = hasher.HashPassword(account, DashboardAppFactory.DemoPassword) }, TestContext.Current.CancellationToken);
    }
}
