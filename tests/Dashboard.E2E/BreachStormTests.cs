using System.Text.Json;
using Dashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.E2E;

/// <summary>
/// A breach storm must not swamp the operator's browser: on the live map only the newest breaches ring (the others keep a static
/// red halo), and a ring blinks for half a minute and goes. An endless CSS animation per breached incident kept five headless
/// consoles above 1.7 cores, and leaving a page took seconds. (That nothing on the console animates forever is checked in
/// <see cref="BreachTests"/>, on a real breach.)
/// </summary>
[Collection(ConsoleFlows.Name)]
public sealed class BreachStormTests(ConsoleFixture fixture)
{
    // The map module on its own map, in the real browser the console runs in: 40 breached incidents, then changes to them, then
    // the rings' time runs out (2 s here, half a minute by default).
    private const string Script = """
        async () => {
          const m = await import('/js/livemap.js');
          const div = document.createElement('div');
          div.style.cssText = 'position:fixed;left:0;top:0;width:600px;height:400px';
          document.body.append(div);
          const h = m.create(div, { center: [29.87, 121.55], zoom: 13, pulseSeconds: 2 }, null);
          const row = (id, sla) => [id, 29.87 + (id % 10) * 0.002, 121.55 + Math.floor(id / 10) * 0.002, 0, sla];
          const ringed = () => [...div.querySelectorAll('.lm-pulse span[data-incident]')].map(s => Number(s.dataset.incident)).sort((a, b) => a - b);
          const lit = () => div.querySelector('.leaflet-lmPulse-pane').classList.contains('lm-blink-on');
          const until = async (test, ms) => {
            for (const end = Date.now() + ms; Date.now() < end; await new Promise(r => setTimeout(r, 20))) if (test()) return true;
            return false;
          };
          const steps = {};
          m.setIncidents(h, Array.from({ length: 40 }, (_, i) => row(40 - i, 2)).concat([row(41, 0)]));
          steps.snapshot = ringed();
          m.updateIncidents(h, [row(41, 2)], []);
          steps.newBreach = ringed();
          m.updateIncidents(h, [row(41, 0)], [40]);
          steps.contactedAndClosed = ringed();
          steps.haloed = div.querySelectorAll('path[stroke="#ff4d4f"]').length;
          steps.litThenDark = await until(lit, 3000) && await until(() => !lit(), 3000);
          steps.ringsGone = await until(() => ringed().length === 0, 5000);
          steps.haloedAfter = div.querySelectorAll('path[stroke="#ff4d4f"]').length;
          steps.animations = [...div.querySelectorAll('*')].flatMap(e => e.getAnimations()).length;
          steps.budget = m.PULSE_BUDGET;
          m.dispose(h);
          div.remove();
          return JSON.stringify(steps);
        }
        """;

    [Fact]
    public async Task Only_the_newest_breaches_ring_on_the_map_blinking_for_a_while_and_the_rest_keep_a_red_halo()
    {
        await using var session = await fixture.NewSessionAsync();
        var page = await session.SignedInPageAsync(Device.Desktop, "township_op", "/");
        await Expect(page.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();

        using var steps = JsonDocument.Parse(await page.EvaluateAsync<string>(Script));
        var root = steps.RootElement;
        int[] Ids(string step) => root.GetProperty(step).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(8, root.GetProperty("budget").GetInt32());
        // The snapshot does not say when each breached: the newest reports ring.
        Assert.Equal(Enumerable.Range(33, 8), Ids("snapshot"));
        // A new breach rings at once; the oldest ring gives way.
        Assert.Equal(Enumerable.Range(34, 8), Ids("newBreach"));
        // Contact stops 41's clock and 40 closed: the next newest breaches ring again.
        Assert.Equal(Enumerable.Range(32, 8), Ids("contactedAndClosed"));
        // Every breached incident (1–39) has the red halo, before and after the rings' time ran out.
        Assert.Equal(39, root.GetProperty("haloed").GetInt32());
        Assert.True(root.GetProperty("litThenDark").GetBoolean(), "the rings never blinked");
        Assert.True(root.GetProperty("ringsGone").GetBoolean(), "the rings outlived their time");
        Assert.Equal(39, root.GetProperty("haloedAfter").GetInt32());
        Assert.Equal(0, root.GetProperty("animations").GetInt32());
        session.AssertClean();
    }
}
