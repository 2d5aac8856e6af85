using Dashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.E2E;

/// <summary>
/// Flow 5: a category with a 3-second contact target (Sla:Overrides). Nobody acts: the township operator's contact clock
/// goes red and the district operator's queue shows the incident escalated to the district.
/// </summary>
[Collection(ConsoleFlows.Name)]
public sealed class BreachTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task A_missed_contact_clock_turns_red_and_escalates_to_the_district_queue()
    {
        var tree = fixture.App.City.Tree;
        var district = tree.ChildrenOf(tree.Root.Code)[0];
        var township = tree.ChildrenOf(district.Code)[0];
        var grid = tree.ChildrenOf(township.Code)[0];

        await using var session = await fixture.NewSessionAsync();
        var townshipPage = await session.SignedInPageAsync(Device.Desktop, "township_op", "/");
        var districtPage = await session.SignedInPageAsync(Device.Desktop, "district_op", "/");
        await Expect(townshipPage.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();
        await Expect(districtPage.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();

        // The captain reports 噪声扰民 (the category with the short contact target) from the phone app's API.
        var point = grid.Boundary.InteriorPoint;
        var reported = await fixture.Api.PostAsync("captain", "api/v1/incidents", new
        {
            clientId = Guid.NewGuid().ToString("N"),
            category = ConsoleApp.BreachCategory,
            description = "夜间施工噪声扰民",
            lat = point.Y,
            lon = point.X,
        });
        var id = reported.GetProperty("id").GetInt64();

        var row = townshipPage.Locator($".queue-row[data-incident='{id}']");
        var contact = row.Locator("[data-clock=contact]");
        await Expect(contact).ToHaveAttributeAsync("title", $"联络时限 {ConsoleApp.BreachContactSeconds} 秒");
        await Expect(contact).ToHaveAttributeAsync("data-colour", "red");
        await Expect(contact).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bclock-red\b"));
        await Expect(contact.Locator(".clock-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\+0:\d\d$"));
        // A red clock blinks with the server's seconds (lit on odd seconds over) and the map rings the new breach; nothing on the
        // console runs an endless animation, which kept a console's browser drawing at the frame rate in a breach storm.
        await Expect(contact).ToHaveAttributeAsync("data-blink", "on");
        await Expect(contact).ToHaveAttributeAsync("data-blink", "off");
        Assert.Equal("none", await contact.EvaluateAsync<string>("e => getComputedStyle(e).animationName"));
        var ring = townshipPage.Locator($".lm-pulse span[data-incident='{id}']");
        await Expect(ring).ToHaveCountAsync(1);
        var endless = await townshipPage.EvaluateAsync<string[]>("""
            () => document.getAnimations()
              .filter(a => a.effect && a.effect.getTiming().iterations === Infinity)
              .map(a => (a.animationName ?? 'script') + ' on ' + String(a.effect.target?.className ?? '?'))
            """);
        Assert.Empty(endless);

        var escalated = districtPage.Locator($".queue-row[data-incident='{id}']");
        await Expect(escalated).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bqueue-row-escalated\b"));
        await Expect(escalated.Locator("[data-field=escalated]")).ToBeVisibleAsync();
        await Expect(escalated.Locator("[data-field=escalated]")).ToContainTextAsync($"已上报至 {district.Name}");
        await Expect(escalated.Locator("[data-clock=contact]")).ToHaveAttributeAsync("data-colour", "red");
        await Screens.CaptureAsync(districtPage, "district-escalation");

        // Out of the way of the other flows: a breach escalates again every target's worth of time.
        await fixture.Api.PostAsync("admin", $"api/v1/incidents/{id}/cancel", new { reason = "end-to-end test finished" });
        await Expect(ring).ToHaveCountAsync(0);
        session.AssertClean();
    }
}
