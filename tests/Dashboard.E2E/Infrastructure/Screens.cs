using Microsoft.Playwright;

namespace Dashboard.E2E.Infrastructure;

/// <summary>Screenshots written to the test output folder, and the checks the flows share.</summary>
public static class Screens
{
    /// <summary>Writes a screenshot (the whole page, or one element) and checks the file is there and not trivially small.</summary>
    public static async Task<string> CaptureAsync(IPage page, string name, ILocator? element = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = Path.Combine(ConsoleFixture.ScreenshotFolder, name + ".png");
        if (element is null)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        }
        else
        {
            await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        }

        // The console is dark and Chinese, and its live connection is fine: check what the screenshot shows before trusting it.
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        var look = await page.EvaluateAsync<string[]>(
            "() => [getComputedStyle(document.body).backgroundColor, document.documentElement.lang]");
        var rgb = System.Text.RegularExpressions.Regex.Matches(look[0], @"\d+").Take(3).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(rgb.Length == 3 && rgb.Max() < 60, $"the page background is {look[0]}, not the dark console");
        Assert.Equal("zh-CN", look[1]);

        var file = new FileInfo(path);
        Assert.True(file.Exists, $"screenshot {path} was not written");
        Assert.True(file.Length > 10_000, $"screenshot {path} is only {file.Length} bytes");
        return path;
    }

    /// <summary>
    /// How many pixels the live map's dispatch pane has painted: the lines are drawn on a canvas, so look at its pixels
    /// (0 before any dispatch).
    /// </summary>
    public const string DispatchLinePixels = """
        () => {
          let painted = 0;
          for (const canvas of document.querySelectorAll('.live-map .leaflet-lmDispatch-pane canvas')) {
            if (!canvas.width || !canvas.height) continue;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
          }
          return painted;
        }
        """;

    /// <summary>
    /// What a reporter and an operator see, and what the server stored last, when a report does not show up: the
    /// captain's fields, errors and result, the operator's queue rows and reconnect state, the newest incidents.
    /// </summary>
    public static async Task<string> DescribeAsync(Api api, IPage reporter, IPage operatorPage)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(operatorPage);
        const string Page = """
            () => ({
              url: location.href,
              fields: [...document.querySelectorAll('[data-field]')].map(e => `${e.dataset.field}=${e.value ?? e.textContent}`).join(' | '),
              errors: [...document.querySelectorAll('[data-error]')].map(e => e.textContent.trim()).join(' | '),
              result: document.querySelector('[data-result]')?.textContent.trim() ?? '(none)',
              rows: [...document.querySelectorAll('.queue-row')].slice(0, 8).map(e => `${e.dataset.incident}/${e.dataset.status}: ${e.textContent.replace(/\s+/g, " ").trim().slice(0, 160)}`).join('\n    '),
              count: document.querySelector('.queue-count')?.textContent ?? '(no queue)',
              crashed: getComputedStyle(document.getElementById('blazor-error-ui') ?? document.body).display !== 'none' && !!document.getElementById('blazor-error-ui'),
              reconnect: document.querySelector('#components-reconnect-modal, .components-reconnect-show, .components-reconnect-failed, .components-reconnect-rejected')?.outerHTML.slice(0, 200) ?? '(none)',
            })
            """;
        var lines = new List<string>();
        foreach (var (who, page) in new[] { ("reporter", reporter), ("operator", operatorPage) })
        {
            var seen = await page.EvaluateAsync<System.Text.Json.JsonElement>(Page);
            lines.Add($"{who}: {string.Join("\n  ", seen.EnumerateObject().Select(p => $"{p.Name}: {p.Value}"))}");
        }

        var newest = await api.GetAsync("admin", "api/v1/incidents?limit=5");
        lines.Add("newest incidents: " + newest);
        return string.Join('\n', lines);
    }

    /// <summary>A valid 1×1 PNG, as a phone camera would send a (much larger) photo.</summary>
    public static byte[] Photo { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
}
