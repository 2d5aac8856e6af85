using System.Data.Common;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Data.Tests.Positions.PositionTestData;

namespace Dashboard.Data.Tests.Positions;

public abstract class PositionRepositoryTests : DatabaseTests
{
    private static readonly DateTimeOffset Now = T0.AddMinutes(10);

    private async Task<(TestDatabase Db, PositionRepository Positions)> CreateAsync(int officers = 2)
    {
        var db = await CreateSeededAsync();
        await AddOfficersAsync(db, officers, Ct);
        return (db, new PositionRepository(db.Factory, new FakeTimeProvider(Now)));
    }

    [Fact]
    public async Task A_batch_appends_every_fix_to_the_track_and_moves_latest()
    {
        var (db, positions) = await CreateAsync(officers: 3);
        await using var _ = db;
        PositionFix[] batch = [Fix(1, 10, speed: 4.2), Fix(2, 11), Fix(3, 12, speed: 0)];

        var moved = await positions.WriteBatchAsync(batch, Ct);

        Assert.Equal(batch, moved);
        Assert.Equal(3, await positions.CountTrackRowsAsync(Ct));
        Assert.Equal(batch, await positions.LatestAsync(Ct));
        Assert.Equal(batch[0], await positions.LatestOfAsync(1, Ct));
    }

    [Fact]
    public async Task A_late_fix_is_kept_in_the_track_but_never_moves_latest_back()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 60), Fix(2, 60)], Ct);

        var moved = await positions.WriteBatchAsync([Fix(1, 30), Fix(2, 90)], Ct);

        Assert.Equal([Fix(2, 90)], moved);
        Assert.Equal(Fix(1, 60), await positions.LatestOfAsync(1, Ct));
        Assert.Equal(Fix(2, 90), await positions.LatestOfAsync(2, Ct));
        Assert.Equal([Fix(1, 30), Fix(1, 60)], await positions.TrackAsync(1, T0, T0.AddHours(1), ct: Ct));
    }

    [Fact]
    public async Task A_fix_as_old_as_the_stored_one_does_not_move_latest()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 60)], Ct);

        var moved = await positions.WriteBatchAsync([Fix(1, 60, speed: 3)], Ct);

        Assert.Empty(moved);
        Assert.Equal(Fix(1, 60), await positions.LatestOfAsync(1, Ct));
        Assert.Equal(2, await positions.CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task Of_two_fixes_of_one_officer_in_a_batch_the_newest_becomes_latest_whatever_their_order()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        var moved = await positions.WriteBatchAsync([Fix(1, 20), Fix(2, 5), Fix(1, 40), Fix(1, 30)], Ct);

        Assert.Equal([Fix(1, 40), Fix(2, 5)], moved);
        Assert.Equal(Fix(1, 40), await positions.LatestOfAsync(1, Ct));
        Assert.Equal([Fix(1, 20), Fix(1, 30), Fix(1, 40)], await positions.TrackAsync(1, T0, T0.AddHours(1), ct: Ct));
    }

    [Fact]
    public async Task Track_returns_the_officers_fixes_from_inclusive_to_exclusive_oldest_first_up_to_the_limit()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 50), Fix(1, 10), Fix(2, 20), Fix(1, 30), Fix(1, 20), Fix(1, 40)], Ct);

        var window = await positions.TrackAsync(1, T0.AddSeconds(20), T0.AddSeconds(50), ct: Ct);
        var limited = await positions.TrackAsync(1, T0, T0.AddHours(1), limit: 2, Ct);
        var none = await positions.TrackAsync(2, T0.AddSeconds(21), T0.AddHours(1), ct: Ct);

        Assert.Equal([Fix(1, 20), Fix(1, 30), Fix(1, 40)], window);
        Assert.Equal([Fix(1, 10), Fix(1, 20)], limited);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Latest_lists_each_officer_once_by_id_and_an_officer_without_fixes_has_none()
    {
        var (db, positions) = await CreateAsync(officers: 5);
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(4, 10), Fix(2, 10)], Ct);
        await positions.WriteBatchAsync([Fix(2, 20), Fix(4, 5)], Ct);

        Assert.Equal([Fix(2, 20), Fix(4, 10)], await positions.LatestAsync(Ct));
        Assert.Null(await positions.LatestOfAsync(3, Ct));
    }

    [Fact]
    public async Task A_fix_of_an_unknown_officer_fails_the_whole_batch_and_writes_nothing()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        await Assert.ThrowsAnyAsync<DbException>(() => positions.WriteBatchAsync([Fix(1, 10), Fix(999, 10)], Ct));

        Assert.Equal(0, await positions.CountTrackRowsAsync(Ct));
        Assert.Empty(await positions.LatestAsync(Ct));
    }
}

public sealed class SqlitePositionRepositoryTests : PositionRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
