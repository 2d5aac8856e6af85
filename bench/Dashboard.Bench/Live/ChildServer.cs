using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dashboard.Bench.Live;

/// <summary>
/// A server the bench started as a child process (the app, or the bare baseline): its output goes to a log file,
/// its CPU time and working set are read from the process while it runs. Stopped by its own id only.
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildServer(Process process, Uri baseAddress, string logFile, StreamWriter log)
    {
        _process = process;
        BaseAddress = baseAddress;
        LogFile = logFile;
        _log = log;
    }

    public Uri BaseAddress { get; }

    public string LogFile { get; }

    public int ProcessId => _process.Id;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> (or an apphost) on a free loopback port and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ChildServer> StartAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment, string readyPath,
        string logFile, TimeSpan timeout)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildServer(process, baseAddress, logFile, log);

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await child.DisposeAsync();
                throw new InvalidOperationException($"{Path.GetFileName(arguments.FirstOrDefault() ?? fileName)} exited with {process.ExitCode}; see {logFile}");
            }

            try
            {
                using var response = await http.GetAsync(readyPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return child;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (deadline.Elapsed > timeout)
            {
                await child.DisposeAsync();
                throw new TimeoutException($"{readyPath} did not answer 200 within {timeout.TotalSeconds:F0} s; see {logFile}");
            }

            await Task.Delay(200);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    public ProcessSampler Sample() => new(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}

/// <summary>CPU time and working set of one process, sampled every 250 ms from the moment it is created until disposed.</summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _cpuStart;
    private TimeSpan _cpuEnd;
    private TimeSpan _wallEnd;
    private long _peak;
    private int _disposed;

    public ProcessSampler(int processId)
    {
        _process = Process.GetProcessById(processId);
        _process.Refresh();
        _cpuStart = _process.TotalProcessorTime;
        StartWorkingSet = _process.WorkingSet64;
        _peak = StartWorkingSet;
        _loop = Task.Run(LoopAsync);
    }

    public long StartWorkingSet { get; }

    public long PeakWorkingSet => Interlocked.Read(ref _peak);

    public long EndWorkingSet { get; private set; }

    /// <summary>CPU time over wall time: 1.0 = one core busy for the whole window.</summary>
    public double Cores => _wallEnd.TotalSeconds > 0 ? (_cpuEnd - _cpuStart).TotalSeconds / _wallEnd.TotalSeconds : 0;

    public double CpuSeconds => (_cpuEnd - _cpuStart).TotalSeconds;

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(250, _stop.Token);
                _process.Refresh();
                var ws = _process.WorkingSet64;
                if (ws > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, ws);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _process.Refresh();
        _cpuEnd = _process.TotalProcessorTime;
        _wallEnd = _clock.Elapsed;
        EndWorkingSet = _process.WorkingSet64;
        if (EndWorkingSet > _peak)
        {
            _peak = EndWorkingSet;
        }

        _process.Dispose();
        _stop.Dispose();
    }

    /// <summary>Working set now, averaged over a few samples (RSS moves with the GC's budget).</summary>
    public static async Task<long> SettledWorkingSetAsync(int processId, int samples = 4, int intervalMs = 400)
    {
        using var p = Process.GetProcessById(processId);
        long sum = 0;
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(intervalMs);
            p.Refresh();
            sum += p.WorkingSet64;
        }

        return sum / samples;
    }
}
