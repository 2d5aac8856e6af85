using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Shell;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Shell;

public sealed class NavMenuTests : ComponentTestBase
{
    [Theory]
    [InlineData(Roles.Operator, "/ /report /metrics /replay")]
    [InlineData(Roles.GridCaptain, "/ /report /field")]
    [InlineData(Roles.Officer, "/ /field")]
    [InlineData(Roles.Leader, "/ /metrics /replay")]
    [InlineData(Roles.Admin, "/ /metrics /replay /admin/simulation")]
    public void Each_role_sees_the_links_of_its_work(string role, string links)
    {
        SignInAs(role, Tree.Root.Code);

        var menu = Render<NavMenu>();

        Assert.Equal(links, string.Join(' ', menu.FindAll("a").Select(a => a.GetAttribute("href"))));
    }
}
