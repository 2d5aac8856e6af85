using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Dashboard.Data;

/// <summary>
/// One thread of the process, below normal OS priority, for bulk work no user waits on (appending position tracks). On a
/// command room's two cores that work took the CPU a report needed: a report waited a few milliseconds more for every batch
/// appended beside it. At a lower priority the OS runs it when request threads have nothing to do, and with idle cores that
/// is almost always.
/// </summary>
internal static partial class BackgroundLane
{
    // Added to the Linux nice value of the lane's thread (at most 19): 10 higher is a tenth of the CPU share when both want it.
    internal const int LinuxNice = 10;

    private static readonly BlockingCollection<Action> Work = Start();

    /// <summary>Set once the lane's thread is running: whether the OS took the lower priority.</summary>
    internal static bool Lowered { get; private set; }

    /// <summary>Runs <paramref name="work"/> on the lane's thread, after the work queued before it.</summary>
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
#pragma warning disable CA1031 // Whatever the work throws belongs to its caller.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private static BlockingCollection<Action> Start()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            Lowered = LowerPriority();
            foreach (var item in work.GetConsumingEnumerable())
            {
                item();
            }
        })
        {
            IsBackground = true,
            Name = "Dashboard background lane",
        };
        thread.Start();
        return work;
    }

    private static bool LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return true;
        }

        // .NET leaves thread priorities alone on Linux; there each thread has a nice value of its own, and PRIO_PROCESS with
        // id 0 names the calling thread.
        try
        {
            return SetPriority(0, 0, Math.Min(19, GetPriority(0, 0) + LinuxNice)) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority")]
    private static partial int GetPriority(int which, int who);
}
