using System.Net;
using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Simulation;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Tests.Features.Simulation;

/// <summary>/admin/simulation rendered with the real settings singleton; the simulation itself is never ticked here.</summary>
public sealed class SimulationPageTests : ComponentTestBase
{
    private readonly SimulationSettings _settings;

    public SimulationPageTests()
    {
        _settings = new SimulationSettings(
            Options.Create(new SimulationOptions { Enabled = false }), Options.Create(new DemoOptions { Enabled = true }), NullLogger<SimulationSettings>.Instance);
        Services.AddSingleton(_settings);
        SignInAs(Roles.Admin, Tree.Root.Code, "系统管理员");
    }

    [Fact]
    public void It_shows_the_live_settings_and_the_state()
    {
        var page = Render<SimulationPage>();

        Assert.Equal("stopped", page.Find("[data-state]").GetAttribute("data-state"));
        Assert.Equal("80", page.Find("input[data-field=ReportsPerHour]").GetAttribute("value"));
        Assert.Contains("现场模拟", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_input_shows_a_message_and_changes_nothing()
    {
        var page = Render<SimulationPage>();

        page.Find("input[data-field=ReportsPerHour]").Change("-5");
        page.Find("input[data-field=AcceptDelayMinSeconds]").Change("40");
        page.Find("[data-action=save] ").Click();

        var errors = page.FindAll("[data-error]");
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.TextContent.Contains("每小时上报数", StringComparison.Ordinal) && e.TextContent.Contains("-5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.GetAttribute("data-error") == "AcceptDelayMaxSeconds");
        Assert.Empty(page.FindAll("[data-saved]"));
        Assert.Equal(80, _settings.Current.ReportsPerHour);
        Assert.Equal(5, _settings.Current.AcceptDelayMinSeconds);
    }

    [Fact]
    public void A_valid_change_applies_live_and_start_stop_switch_the_simulation()
    {
        var page = Render<SimulationPage>();
        var changes = 0;
        _settings.Changed += () => changes++;

        page.Find("input[data-field=ReportsPerHour]").Change("200");
        page.FindComponents<MudBlazor.MudSwitch<bool>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-field", out var f) && Equals(f, "AutoDispatch:Township"))
            .Find("input").Change(true);
        page.Find("[data-action=save]").Click();

        Assert.NotEmpty(page.FindAll("[data-saved]"));
        Assert.Empty(page.FindAll("[data-error]"));
        Assert.Equal(200, _settings.Current.ReportsPerHour);
        Assert.True(_settings.Current.AutoDispatch.Township);
        Assert.False(_settings.Current.AutoDispatch.District);
        Assert.Equal(1, changes);

        page.Find("[data-action=start]").Click();
        Assert.True(_settings.Running);
        page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-state]").GetAttribute("data-state")));
        page.Find("[data-action=stop]").Click();
        Assert.False(_settings.Running);
    }
}

/// <summary>Only admins get the page.</summary>
public sealed class SimulationPageAccessTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public SimulationPageAccessTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DemoUsers.CityOperator)]
    [InlineData(DemoUsers.Leader)]
    public async Task Non_admins_are_turned_away(string user)
    {
        using var browser = await BrowserSession.SignedInClientAsync(_factory, user);

        var response = await browser.GetAsync("/admin/simulation", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/denied", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_gets_the_page()
    {
        using var browser = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.Admin);

        var page = await browser.GetPageAsync("/admin/simulation", Ct);

        Assert.Contains("data-action=\"save\"", page, StringComparison.Ordinal);
    }
}
