using Dapper;
using Dashboard.Core.Positions;
using Dashboard.Data.Officers;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Data.Tests.Positions;

public static class PositionTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public static PositionFix Fix(int officerId, int secondsAfterT0, double? speed = null) =>
        new(officerId, 29.9 + (secondsAfterT0 % 1000) * 1e-5, 121.6 + (officerId % 1000) * 1e-5, T0.AddSeconds(secondsAfterT0), speed, speed is null ? null : 90.0, speed is null ? null : 8.5);

    /// <summary>Adds officers 3..<paramref name="count"/> to the seeded test city (which has officers 1 and 2).</summary>
    public static async Task AddOfficersAsync(TestDatabase db, int count, CancellationToken ct)
    {
        var rows = Enumerable.Range(3, Math.Max(0, count - 2)).Select(id => new
        {
            Id = id,
            Code = $"ZF{id:D5}",
            Name = $"队员{id}",
            TeamCode = "T-" + TestCity.Township,
            TownshipCode = TestCity.Township,
            Mode = 0,
            Skills = "",
            DeviceId = (string?)null,
            Phone = "1380000" + id.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        await using var connection = await db.Factory.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ReferenceDataRepository.InsertOfficerSql, rows, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }
}

/// <summary>A FakeTimeProvider that also tells the test when the code under test has armed a timer (delay, timeout).</summary>
public sealed class SignallingTimeProvider(FakeTimeProvider fake) : TimeProvider, IDisposable
{
    private readonly SemaphoreSlim _created = new(0);

    public FakeTimeProvider Fake { get; } = fake;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _created.Release();
        return timer;
    }

    /// <summary>Completes once another timer has been created since the last call.</summary>
    public async Task NextTimerAsync(CancellationToken ct) =>
        Assert.True(await _created.WaitAsync(TimeSpan.FromSeconds(30), ct), "The code under test never armed the expected timer.");

    public void Dispose() => _created.Dispose();
}
