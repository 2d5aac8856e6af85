using System.Text.Json;
using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Metrics;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Metrics;

public sealed class TierRollupTests : ComponentTestBase
{
    private readonly BunitJSModuleInterop _module;

    public TierRollupTests()
    {
        _module = JSInterop.SetupModule(TierRollup.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        _module.SetupModule("create", _ => true);
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task The_city_roll_up_lists_every_district_and_fills_the_map_with_one_value_per_district()
    {
        await SeedCityAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        Navigation.NavigateTo("/metrics?period=7d");
        var page = Render<TierRollup>();

        var districts = Tree.ChildrenOf(Tree.Root.Code);
        page.WaitForAssertion(() => Assert.Equal(districts.Count, page.FindAll("tr.tier-child").Count));
        Assert.Equal(Tree.Root.Code, page.Find("tr.tier-parent").GetAttribute("data-code"));
        page.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));

        var create = _module.Invocations["create"][0];
        using var boundaries = JsonDocument.Parse((string)create.Arguments[1]!);
        Assert.Equal(districts.Select(d => d.Code).Order(), boundaries.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).Order());
        var spec = JsonSerializer.SerializeToElement(create.Arguments[2]);
        Assert.Equal("contact_compliance", spec.GetProperty("key").GetString());
        Assert.Equal(districts.Count, spec.GetProperty("values").EnumerateObject().Count());
        Assert.Equal("近7天", page.Find("[data-period='7d']").TextContent.Trim());
        Assert.Equal("true", page.Find("[data-period='7d']").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task Clicking_a_district_on_the_map_or_in_the_table_drills_down_keeping_the_range()
    {
        await SeedCityAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        Navigation.NavigateTo("/metrics?period=30d");
        var page = Render<TierRollup>();
        page.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));
        var district = Tree.ChildrenOf(Tree.Root.Code)[2];

        page.Find($"tr.tier-child[data-code='{district.Code}']").Click();
        Assert.EndsWith($"/metrics?scope={district.Code}&period=30d", Navigation.Uri, StringComparison.Ordinal);
        var townships = Tree.ChildrenOf(district.Code);
        page.WaitForAssertion(() => Assert.Equal(townships.Select(t => t.Code), page.FindAll("tr.tier-child").Select(r => r.GetAttribute("data-code"))));
        page.WaitForAssertion(() => Assert.Equal(2, _module.Invocations["create"].Count));

        await page.InvokeAsync(() => page.Instance.OnAreaClicked(townships[1].Code));
        Assert.EndsWith($"/metrics?scope={townships[1].Code}&period=30d", Navigation.Uri, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(townships[1].Code, page.Find("tr.tier-parent").GetAttribute("data-code")));
        Assert.Equal([Tree.Root.Code, district.Code, townships[1].Code], page.FindAll("[data-crumb]").Select(a => a.GetAttribute("data-crumb")));
    }

    [Fact]
    public async Task A_district_viewer_cannot_open_the_city_and_sees_why()
    {
        await SeedCityAsync();
        var district = Tree.ChildrenOf(Tree.Root.Code)[0];
        SignInAs(Roles.Operator, district.Code);
        Navigation.NavigateTo($"/metrics?scope={Tree.Root.Code}");
        var page = Render<TierRollup>();

        page.WaitForAssertion(() => Assert.Contains("不在您的管辖范围内", page.Find("[data-error=metrics]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("table[data-table=tiers]"));
        Assert.Empty(_module.Invocations["create"]);
    }

    [Fact]
    public async Task A_township_shows_itself_its_teams_and_a_portrait_link()
    {
        await SeedCityAsync();
        var township = Tree.OfLevel(JurisdictionLevel.Township).First();
        SignInAs(Roles.Operator, township.Code);
        var page = Render<TierRollup>();

        page.WaitForAssertion(() => Assert.Equal(township.Code, page.Find("tr.tier-parent").GetAttribute("data-code")));
        Assert.Empty(page.FindAll("tr.tier-child"));
        Assert.Equal(City.Teams.Count(t => t.TownshipCode == township.Code), page.FindAll("[data-member]").Count);
        Assert.StartsWith($"/portraits/township/{township.Code}?period=today", page.Find("[data-action=portrait]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_map_metric_recolours_without_a_new_map()
    {
        await SeedCityAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        var page = Render<TierRollup>();
        page.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));

        var select = page.FindComponent<MudBlazor.MudSelect<string>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("reports"));

        var update = Assert.Single(_module.Invocations["update"]);
        var spec = JsonSerializer.SerializeToElement(update.Arguments[1]);
        Assert.Equal("reports", spec.GetProperty("key").GetString());
        Assert.Single(_module.Invocations["create"]);

        await page.Instance.DisposeAsync();
        Assert.Single(_module.Invocations["dispose"]);
    }

    [Fact]
    public async Task A_custom_range_with_the_end_before_the_start_is_refused_with_a_message()
    {
        await SeedCityAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        var page = Render<TierRollup>();
        page.WaitForAssertion(() => page.Find("[data-period=custom]"));
        page.Find("[data-period=custom]").Click();
        page.Find("input[data-field=from]").Change("2026-11-20");
        page.Find("input[data-field=to]").Change("2026-11-10");
        var before = Navigation.Uri;
        page.Find("[data-action=apply-range]").Click();

        page.WaitForAssertion(() => Assert.Contains("结束日期无效", page.Find("[data-error=range]").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, Navigation.Uri);

        page.Find("input[data-field=to]").Change("2026-11-22");
        page.Find("[data-action=apply-range]").Click();
        Assert.EndsWith("period=custom&from=2026-11-20&to=2026-11-22", Navigation.Uri, StringComparison.Ordinal);
    }
}
