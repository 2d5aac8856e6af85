using System.Runtime.CompilerServices;
using Dashboard.Core.Incidents;
using Dashboard.Web.Realtime;

namespace Dashboard.Web.Tests.Realtime;

public sealed class IncidentSnapshotsTests
{
    private static Incident Incident(long id, long seq, IncidentStatus status = IncidentStatus.Reported) =>
        new(id, $"SJ20261202-{id:D6}", $"c{id}", "ZDJY", "占道经营", 30.1, 121.6, "330201001001", "330201001", "330201", "330201001",
            status, new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero), null, 1, "网格长", 0, seq);

    [Fact]
    public void Equal_copies_of_one_version_loaded_by_two_consoles_become_one_instance()
    {
        var snapshots = new IncidentSnapshots();
        var first = snapshots.Share(Incident(1, 10));
        var second = snapshots.Share(Incident(1, 10));

        Assert.Same(first, second);
    }

    [Fact]
    public void A_newer_version_replaces_the_shared_one_and_an_older_copy_is_never_handed_out_for_it()
    {
        var snapshots = new IncidentSnapshots();
        var old = snapshots.Share(Incident(1, 10));
        var newer = snapshots.Share(Incident(1, 12, IncidentStatus.Contacted));

        Assert.NotSame(old, newer);
        Assert.Same(newer, snapshots.Share(Incident(1, 12, IncidentStatus.Contacted)));
        // A late copy of the old version stays what it is (the caller merges by seq); it does not displace the newer one.
        var lateOld = Incident(1, 10);
        Assert.Same(lateOld, snapshots.Share(lateOld));
        Assert.Same(newer, snapshots.Share(Incident(1, 12, IncidentStatus.Contacted)));
    }

    [Fact]
    public void Same_seq_with_different_content_is_not_merged()
    {
        var snapshots = new IncidentSnapshots();
        var a = snapshots.Share(Incident(1, 10));
        var b = Incident(1, 10) with { AssigneeName = "王强" };

        Assert.Same(b, snapshots.Share(b));
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Entries_of_incidents_nobody_holds_any_more_are_swept()
    {
        var snapshots = new IncidentSnapshots();
        var kept = snapshots.Share(Incident(2, 5));
        ShareAndForget(snapshots);
        Assert.Equal(2, snapshots.Count);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        snapshots.Sweep();

        Assert.Equal(1, snapshots.Count);
        Assert.Same(kept, snapshots.Share(Incident(2, 5)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ShareAndForget(IncidentSnapshots snapshots) => snapshots.Share(Incident(1, 10));
}
