using System.Collections.Concurrent;
using Dapper;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Data.Tests.Positions.PositionTestData;

namespace Dashboard.Data.Tests.Positions;

public abstract class PositionWriterTests : DatabaseTests
{
    // A guard against a hang, not a performance assertion.
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected static PositionWriter Writer(TestDatabase db, TimeProvider time, PositionWriterOptions? options = null) =>
        new(new PositionRepository(db.Factory, time), options ?? new PositionWriterOptions(), time, NullLogger<PositionWriter>.Instance);

    protected static Task<IReadOnlyList<PositionFix>> NextFlushAsync(PositionWriter writer)
    {
        var flushed = new TaskCompletionSource<IReadOnlyList<PositionFix>>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.Flushed += moved =>
        {
            flushed.TrySetResult(moved);
            return Task.CompletedTask;
        };
        return flushed.Task.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task Under_load_from_eight_producers_every_position_is_written_and_every_officers_newest_fix_is_announced()
    {
        const int Officers = 2_000, Producers = 8, PerProducer = 25_000;
        await using var db = await CreateSeededAsync();
        await AddOfficersAsync(db, Officers, Ct);
        await using var writer = Writer(db, TimeProvider.System);
        var announced = new ConcurrentDictionary<int, PositionFix>();
        writer.Flushed += moved =>
        {
            foreach (var fix in moved)
            {
                announced.AddOrUpdate(fix.OfficerId, fix, (_, seen) => fix.At > seen.At ? fix : seen);
            }

            return Task.CompletedTask;
        };
        writer.Start();

        // Fix g goes to officer g % 2000 + 1 at T0 + g s: producers interleave, so many fixes arrive after a newer one.
        var accepted = await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var count = 0;
            for (var i = 0; i < PerProducer; i++)
            {
                var g = (p * PerProducer) + i;
                count += await writer.EnqueueAsync(Fix((g % Officers) + 1, g), Patience, Ct) ? 1 : 0;
            }

            return count;
        }, Ct)));
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);

        const int Total = Producers * PerProducer;
        Assert.Equal(Total, accepted.Sum());
        Assert.Equal(0, writer.Failed);
        Assert.Equal(Total, writer.Written);
        Assert.Equal(0, writer.Pending);
        var positions = new PositionRepository(db.Factory, TimeProvider.System);
        Assert.Equal(Total, await positions.CountTrackRowsAsync(Ct));
        var newest = Enumerable.Range(Total - Officers, Officers).Select(g => Fix((g % Officers) + 1, g)).OrderBy(f => f.OfficerId).ToList();
        Assert.Equal(newest, announced.Values.OrderBy(f => f.OfficerId));
        Assert.Equal(newest, await positions.LatestAsync(Ct));
    }

    [Fact]
    public async Task A_single_fix_is_written_when_the_flush_interval_has_passed_and_not_before()
    {
        await using var db = await CreateSeededAsync();
        using var time = new SignallingTimeProvider(new FakeTimeProvider(T0));
        await using var writer = Writer(db, time);
        var flushed = NextFlushAsync(writer);
        writer.Start();

        Assert.True(writer.TryEnqueue(Fix(1, 1)));
        await time.NextTimerAsync(Ct);
        time.Fake.Advance(TimeSpan.FromMilliseconds(249));

        Assert.Equal(0, writer.Written);
        Assert.Equal(1, writer.Pending);
        var positions = new PositionRepository(db.Factory, time);
        Assert.Equal(0, await positions.CountTrackRowsAsync(Ct));

        time.Fake.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([Fix(1, 1)], await flushed);
        Assert.Equal(1, writer.Written);
        Assert.Equal(1, await positions.CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task A_full_batch_is_written_without_waiting_for_the_timer()
    {
        await using var db = await CreateSeededAsync();
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(db, time, new PositionWriterOptions { MaxBatch = 3 });
        var flushed = NextFlushAsync(writer);
        writer.Start();

        Assert.True(writer.TryEnqueue(Fix(1, 1)));
        Assert.True(writer.TryEnqueue(Fix(2, 2)));
        Assert.True(writer.TryEnqueue(Fix(1, 3)));

        Assert.Equal([Fix(1, 3), Fix(2, 2)], await flushed);
        Assert.Equal(3, writer.Written);
        Assert.Equal(3, await new PositionRepository(db.Factory, time).CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task Flush_writes_what_is_queued_without_waiting_for_the_timer()
    {
        await using var db = await CreateSeededAsync();
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(db, time);
        writer.Start();
        Assert.True(writer.TryEnqueue(Fix(1, 1)));
        Assert.True(writer.TryEnqueue(Fix(2, 1)));

        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);

        Assert.Equal(2, writer.Written);
        Assert.Equal(2, await new PositionRepository(db.Factory, time).CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task A_failed_batch_is_retried_after_a_back_off_and_then_written()
    {
        await using var db = await CreateSeededAsync();
        using var time = new SignallingTimeProvider(new FakeTimeProvider(T0));
        var options = new PositionWriterOptions { RetryDelay = TimeSpan.FromSeconds(1) };
        await using var writer = Writer(db, time, options);
        var flushed = NextFlushAsync(writer);
        writer.Start();

        // Officer 3 does not exist yet: the first attempt breaks the foreign key.
        Assert.True(writer.TryEnqueue(Fix(3, 1)));
        await time.NextTimerAsync(Ct);
        time.Fake.Advance(options.FlushInterval);
        await time.NextTimerAsync(Ct);
        await AddOfficersAsync(db, 3, Ct);
        time.Fake.Advance(options.RetryDelay);

        Assert.Equal([Fix(3, 1)], await flushed);
        Assert.Equal(1, writer.Written);
        Assert.Equal(0, writer.Failed);
    }

    [Fact]
    public async Task A_batch_that_keeps_failing_is_counted_as_failed_and_the_writer_goes_on()
    {
        await using var db = await CreateSeededAsync();
        await using var writer = Writer(db, TimeProvider.System, new PositionWriterOptions
        {
            MaxAttempts = 3,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            FlushInterval = TimeSpan.Zero,
        });
        writer.Start();

        Assert.True(writer.TryEnqueue(Fix(999, 1)));
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);
        Assert.True(writer.TryEnqueue(Fix(1, 2)));
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);

        Assert.Equal(1, writer.Failed);
        Assert.Equal(1, writer.Written);
        Assert.Equal(0, writer.Pending);
        Assert.Equal([Fix(1, 2)], await new PositionRepository(db.Factory, TimeProvider.System).LatestAsync(Ct));
    }

    [Fact]
    public async Task A_throwing_Flushed_handler_does_not_stop_the_writer_or_the_other_handlers()
    {
        await using var db = await CreateSeededAsync();
        await using var writer = Writer(db, TimeProvider.System, new PositionWriterOptions { FlushInterval = TimeSpan.Zero });
        writer.Flushed += _ => throw new InvalidOperationException("subscriber bug");
        var seen = new ConcurrentQueue<PositionFix>();
        writer.Flushed += moved =>
        {
            foreach (var fix in moved)
            {
                seen.Enqueue(fix);
            }

            return Task.CompletedTask;
        };
        writer.Start();

        Assert.True(writer.TryEnqueue(Fix(1, 1)));
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);
        Assert.True(writer.TryEnqueue(Fix(1, 2)));
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);

        Assert.Equal([Fix(1, 1), Fix(1, 2)], seen);
        Assert.Equal(2, writer.Written);
        Assert.Equal(0, writer.Failed);
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_and_then_refuses_new_fixes()
    {
        await using var db = await CreateSeededAsync();
        var time = new FakeTimeProvider(T0);
        var writer = Writer(db, time);
        writer.Start();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(writer.TryEnqueue(Fix(1 + (i % 2), i)));
        }

        await writer.DisposeAsync().AsTask().WaitAsync(Patience, Ct);

        Assert.Equal(5, writer.Written);
        Assert.False(writer.TryEnqueue(Fix(1, 10)));
        Assert.False(await writer.EnqueueAsync(Fix(1, 10), TimeSpan.FromSeconds(1), Ct));
        Assert.Equal(5, await new PositionRepository(db.Factory, time).CountTrackRowsAsync(Ct));
    }
}

public sealed class SqlitePositionWriterTests : PositionWriterTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    [Fact]
    public async Task While_the_database_is_locked_the_full_queue_refuses_fixes_and_none_is_lost_after_the_lock_is_released()
    {
        await using var db = (SqliteTestDatabase)await CreateSeededAsync();
        await using var writer = Writer(db, TimeProvider.System, new PositionWriterOptions { Capacity = 10, MaxBatch = 5 });
        writer.Start();
        await using var blocker = new SqliteConnection($"Data Source={db.FilePath};Pooling=False");
        await blocker.OpenAsync(Ct);
        await blocker.ExecuteAsync("BEGIN IMMEDIATE;");

        // The writer takes one full batch (5) and waits for the lock; then the channel (10) fills up and stays full.
        var accepted = 0;
        while (accepted < 15)
        {
            if (writer.TryEnqueue(Fix(1 + (accepted % 2), accepted)))
            {
                accepted++;
            }
            else
            {
                await Task.Delay(5, Ct);
            }
        }

        Assert.False(writer.TryEnqueue(Fix(1, 10_000)));
        Assert.False(await writer.EnqueueAsync(Fix(1, 10_000), TimeSpan.FromMilliseconds(50), Ct));
        Assert.Equal(0, writer.Written);

        await blocker.ExecuteAsync("ROLLBACK;");
        await writer.FlushAsync(Ct).WaitAsync(Patience, Ct);

        Assert.Equal(accepted, writer.Written);
        Assert.Equal(0, writer.Failed);
        Assert.Equal(accepted, await new PositionRepository(db.Factory, TimeProvider.System).CountTrackRowsAsync(Ct));
    }
}
