namespace Dashboard.Data.Tests;

public sealed class BackgroundLaneTests
{
    [Fact]
    public async Task Work_runs_in_order_on_one_thread_below_normal_priority()
    {
        var threads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => BackgroundLane.RunAsync(() => Environment.CurrentManagedThreadId)));
        var nice = await BackgroundLane.RunAsync(OwnNice);

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
        Assert.True(BackgroundLane.Lowered);
        if (OperatingSystem.IsLinux())
        {
            // The rest of the process keeps its priority.
            Assert.Equal(Math.Min(19, OwnNice() + BackgroundLane.LinuxNice), nice);
        }
    }

    [Fact]
    public async Task What_the_work_throws_reaches_the_caller_and_the_lane_goes_on()
    {
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => BackgroundLane.RunAsync<int>(() => throw new InvalidOperationException("broken batch")));

        Assert.Equal("broken batch", thrown.Message);
        Assert.Equal(42, await BackgroundLane.RunAsync(() => 42));
    }

    // Field 19 of /proc/thread-self/stat is the calling thread's nice value (the name in field 2 may hold spaces).
    private static int OwnNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
