using Bunit;
using Dashboard.Web.Features.Shell;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Shell;

public sealed class ShellClockTests : ComponentTestBase
{
    [Fact]
    public void Clock_shows_beijing_time_and_ticks_with_the_time_provider()
    {
        var clock = Render<ShellClock>();

        // 01:30:00 UTC is 09:30:00 in Asia/Shanghai.
        Assert.Equal("2026-11-23 09:30:00", clock.Find(".shell-clock").TextContent);

        Time.Advance(TimeSpan.FromSeconds(1));
        clock.WaitForAssertion(() => Assert.Equal("2026-11-23 09:30:01", clock.Find(".shell-clock").TextContent));

        Time.Advance(TimeSpan.FromMinutes(31));
        clock.WaitForAssertion(() => Assert.Equal("2026-11-23 10:01:01", clock.Find(".shell-clock").TextContent));
    }

    [Fact]
    public void Disposed_clock_stops_its_timer()
    {
        var clock = Render<ShellClock>();
        var before = clock.RenderCount;

        clock.Instance.Dispose();
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(before, clock.RenderCount);
    }
}
