using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Web.Components.Layout;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Tests.Features.Shell;

public sealed class MainLayoutTests : ComponentTestBase
{
    [Fact]
    public void The_menu_button_opens_and_closes_the_navigation_drawer()
    {
        SignInAs(Roles.Operator, Tree.Root.Code);
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p class=\"page-body\">页面</p>"))));
        var drawer = () => layout.Find("aside.mud-drawer");
        var menu = () => layout.Find("[data-action=menu]");

        // Without a browser width the responsive drawer takes the phone layout and starts closed (it closes itself below md).
        Assert.Contains("mud-drawer--closed", drawer().ClassList);
        Assert.Equal("false", menu().GetAttribute("aria-expanded"));
        Assert.Equal("菜单", menu().GetAttribute("aria-label"));
        Assert.Equal("页面", layout.Find(".mud-main-content .page-body").TextContent);
        Assert.Equal(Tree.Root.Name, layout.Find(".shell-scope").TextContent);

        menu().Click();
        Assert.Contains("mud-drawer--open", drawer().ClassList);
        Assert.Equal("true", menu().GetAttribute("aria-expanded"));
        Assert.Contains("/metrics", drawer().QuerySelectorAll("a").Select(a => a.GetAttribute("href")));

        menu().Click();
        Assert.Contains("mud-drawer--closed", drawer().ClassList);
        Assert.Equal("false", menu().GetAttribute("aria-expanded"));
    }
}
