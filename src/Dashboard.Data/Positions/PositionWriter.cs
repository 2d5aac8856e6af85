using System.Threading.Channels;
using Dashboard.Core.Positions;
using Microsoft.Extensions.Logging;

namespace Dashboard.Data.Positions;

public sealed class PositionWriterOptions
{
    /// <summary>Fixes that may wait in memory; beyond that producers are refused (HTTP 503 + Retry-After).</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>Most fixes written in one transaction.</summary>
    public int MaxBatch { get; set; } = 5_000;

    /// <summary>Longest a fix waits for company before its batch is written.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Attempts per batch before its fixes are given up and counted in <see cref="PositionWriter.Failed"/>.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubled before each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// While fixes keep queuing, patrol distance is written with a batch at most this often (summed per officer and day);
    /// a batch that empties the queue, a flush and shutdown write it at once.
    /// </summary>
    public TimeSpan PatrolInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Background batched writer: producers enqueue into a bounded channel; one loop collects up to MaxBatch fixes, or
/// whatever arrived within FlushInterval of the first one, and writes them with one <see cref="PositionRepository.WriteBatchAsync"/>.
/// </summary>
public sealed partial class PositionWriter : IAsyncDisposable
{
    private readonly PositionRepository _repository;
    private readonly PositionWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PositionWriter> _logger;
    private readonly Channel<PositionFix> _channel;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushWaiters = [];
    private CancellationTokenSource? _window;
    private Task? _loop;
    private TimeSpan _lastWrite;
    private long _lastPatrol;
    private long _accepted;
    private long _written;
    private long _failed;
    private volatile bool _closed;

    public PositionWriter(PositionRepository repository, PositionWriterOptions options, TimeProvider time, ILogger<PositionWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FlushInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxAttempts);
        _repository = repository;
        _options = options;
        _time = time;
        _logger = logger;
        _channel = Channel.CreateBounded<PositionFix>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Raised after each commit with the fixes that moved 'latest'. Handler exceptions are logged and swallowed.</summary>
    public event Func<IReadOnlyList<PositionFix>, Task>? Flushed;

    /// <summary>Fixes committed so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Fixes accepted but neither committed nor given up yet.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _accepted) - Written - Failed);

    /// <summary>Fixes given up after every attempt to write their batch failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <returns>False when the queue is full or the writer is shutting down.</returns>
    public bool TryEnqueue(PositionFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        if (_closed || !_channel.Writer.TryWrite(fix))
        {
            return false;
        }

        Interlocked.Increment(ref _accepted);
        return true;
    }

    /// <returns>False when no room came free within <paramref name="wait"/> or the writer is shutting down.</returns>
    public async ValueTask<bool> EnqueueAsync(PositionFix fix, TimeSpan wait, CancellationToken ct = default)
    {
        if (TryEnqueue(fix))
        {
            return true;
        }

        if (_closed || (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan))
        {
            return false;
        }

        using var timeout = wait == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            while (await _channel.Writer.WaitToWriteAsync(linked.Token))
            {
                if (TryEnqueue(fix))
                {
                    return true;
                }

                if (_closed)
                {
                    return false;
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _loop ??= Task.Run(RunAsync);
        }
    }

    /// <summary>Completes when every fix accepted before the call is committed or given up (counted in <see cref="Failed"/>).</summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref _accepted);
        TaskCompletionSource done;
        lock (_gate)
        {
            if (Processed >= target)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((target, done));
            // Whatever is queued goes now instead of when the window closes.
            _window?.Cancel();
        }

        return done.Task.WaitAsync(ct);
    }

    /// <summary>Stops accepting, writes everything already queued, then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        Task loop;
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                _channel.Writer.TryComplete();
                _window?.Cancel();
                _shutdown.Cancel();
            }

            loop = _loop ??= Task.Run(RunAsync);
        }

        await loop;
        _shutdown.Dispose();
    }

    private long Processed => Interlocked.Read(ref _written) + Interlocked.Read(ref _failed);

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<PositionFix>(_options.MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            Drain(reader, batch);
            // The window shrinks by the last commit's duration, so a fix is committed about FlushInterval after it arrived.
            var window = _options.FlushInterval - _lastWrite;
            if (batch.Count < _options.MaxBatch && window > TimeSpan.Zero)
            {
                await CollectAsync(reader, batch, window);
            }

            var started = _time.GetTimestamp();
            await WriteAsync(batch);
            _lastWrite = _time.GetElapsedTime(started);
            batch.Clear();
        }
    }

    private async Task CollectAsync(ChannelReader<PositionFix> reader, List<PositionFix> batch, TimeSpan window)
    {
        using var closes = new CancellationTokenSource(window, _time);
        lock (_gate)
        {
            if (_flushWaiters.Count > 0 || _closed)
            {
                return;
            }

            _window = closes;
        }

        try
        {
            while (batch.Count < _options.MaxBatch && await reader.WaitToReadAsync(closes.Token))
            {
                Drain(reader, batch);
            }
        }
        catch (OperationCanceledException) when (closes.IsCancellationRequested)
        {
            // The window closed, or a flush or shutdown cut it short.
        }
        finally
        {
            lock (_gate)
            {
                _window = null;
            }
        }
    }

    private bool PatrolDue()
    {
        bool waiting;
        lock (_gate)
        {
            waiting = _flushWaiters.Count > 0;
        }

        if (_closed || waiting || _channel.Reader.Count == 0 || _time.GetElapsedTime(_lastPatrol) >= _options.PatrolInterval)
        {
            _lastPatrol = _time.GetTimestamp();
            return true;
        }

        return false;
    }

    private void Drain(ChannelReader<PositionFix> reader, List<PositionFix> batch)
    {
        while (batch.Count < _options.MaxBatch && reader.TryRead(out var fix))
        {
            batch.Add(fix);
        }
    }

    private async Task WriteAsync(List<PositionFix> batch)
    {
        IReadOnlyList<PositionFix>? moved = null;
        // Shared by the attempts: a slice committed before a failure is not written again.
        var progress = new PositionBatchProgress();
        var patrol = PatrolDue();
        var delay = _options.RetryDelay;
        for (var attempt = 1; moved is null; attempt++)
        {
            try
            {
                moved = await _repository.WriteBatchAsync(batch, patrol, progress);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts)
            {
                LogRetrying(e, batch.Count - progress.Committed, attempt, delay);
                // On shutdown the remaining attempts run without back-off, so disposing cannot wait on a long delay.
                await Task.Delay(delay, _time, _shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay *= 2;
            }
#pragma warning disable CA1031 // The loop must survive any failure; the fixes are counted as failed and logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogGaveUp(e, batch.Count - progress.Committed, attempt);
                Interlocked.Add(ref _written, progress.Committed);
                Interlocked.Add(ref _failed, batch.Count - progress.Committed);
                moved = progress.Moved;
                if (moved.Count > 0)
                {
                    await RaiseFlushedAsync(moved);
                }

                CompleteFlushWaiters();
                return;
            }
        }

        Interlocked.Add(ref _written, batch.Count);
        // Announced before flush waiters are released, so a flushed fix has also reached the Flushed subscribers.
        if (moved.Count > 0)
        {
            await RaiseFlushedAsync(moved);
        }

        CompleteFlushWaiters();
    }

    private void CompleteFlushWaiters()
    {
        lock (_gate)
        {
            var processed = Processed;
            _flushWaiters.RemoveAll(w =>
            {
                if (w.Target > processed)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }

    private async Task RaiseFlushedAsync(IReadOnlyList<PositionFix> moved)
    {
        if (Flushed is not { } flushed)
        {
            return;
        }

        foreach (var handler in flushed.GetInvocationList().Cast<Func<IReadOnlyList<PositionFix>, Task>>())
        {
            try
            {
                await handler(moved);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop positions from being written.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(e, moved.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} positions failed (attempt {Attempt}); retrying in {Delay}.")]
    private partial void LogRetrying(Exception exception, int count, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up writing {Count} positions after {Attempts} attempts; they are lost.")]
    private partial void LogGaveUp(Exception exception, int count, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Flushed handler failed for {Count} positions.")]
    private partial void LogHandlerFailed(Exception exception, int count);
}
