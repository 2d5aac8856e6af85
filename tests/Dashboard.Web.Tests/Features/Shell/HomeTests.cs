using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Shell;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Shell;

public sealed class HomeTests : ComponentTestBase
{
    [Fact]
    public void City_operator_sees_the_city_name_and_every_officer_and_grid()
    {
        SignInAs(Roles.Operator, Tree.Root.Code);

        var home = Render<Home>();

        Assert.Equal(Tree.Root.Name, home.Find("h1.home-title").TextContent);
        Assert.Equal(City.Officers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            home.Find("[data-kpi=officers] .kpi-value").TextContent);
        Assert.Equal(Tree.OfLevel(JurisdictionLevel.Grid).Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
            home.Find("[data-kpi=grids] .kpi-value").TextContent);
        Assert.Equal("0", home.Find("[data-kpi=open] .kpi-value").TextContent);
        Assert.Contains("未结事件", home.Find("[data-kpi=open] .kpi-label").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Township_operator_counts_only_the_townships_officers_and_grids()
    {
        var township = Tree.OfLevel(JurisdictionLevel.Township).Skip(5).First();
        SignInAs(Roles.Operator, township.Code);

        var home = Render<Home>();

        var expectedOfficers = City.Officers.Count(o => o.TownshipCode == township.Code);
        Assert.Equal(township.Name, home.Find("h1.home-title").TextContent);
        Assert.Equal(expectedOfficers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            home.Find("[data-kpi=officers] .kpi-value").TextContent);
        Assert.Equal(township, home.FindComponent<Dashboard.Web.Features.Map.LiveMap>().Instance.Scope);
        Assert.Equal(township, home.FindComponent<Dashboard.Web.Features.Queue.LiveQueue>().Instance.Scope);
    }

    [Fact]
    public void A_scope_that_is_not_in_the_city_shows_a_visible_error()
    {
        SignInAs(Roles.Operator, "999999");

        var home = Render<Home>();

        Assert.Contains("未绑定有效的辖区", home.Find(".mud-alert").TextContent, StringComparison.Ordinal);
    }
}
