using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dashboard.Durability;

/// <summary>
/// The built app (<c>dotnet Dashboard.Web.dll</c>) as a child process on a free 127.0.0.1 port against a given SQLite file:
/// demo city without history, simulator off, rate limits raised. Its output goes to a log file. <see cref="KillHardAsync"/>
/// sends SIGKILL (no graceful shutdown, no flushing); disposing kills it too if it still runs. Stopped by its own id only.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    public const string DemoPassword = "Demo@2026";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private AppProcess(Process process, Uri baseAddress, string logFile, StreamWriter log)
    {
        _process = process;
        BaseAddress = baseAddress;
        LogFile = logFile;
        _log = log;
    }

    public Uri BaseAddress { get; }

    public string LogFile { get; }

    public int ProcessId => _process.Id;

    /// <summary>The app's build output next to this test's (same configuration; the project reference builds it).</summary>
    public static string AppDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new DirectoryNotFoundException("Dashboard.sln not found above " + AppContext.BaseDirectory);
        }

        var dll = Path.Combine(dir.FullName, "src", "Dashboard.Web", "bin", configuration, "net10.0", "Dashboard.Web.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is missing: build with `dotnet build tests/Dashboard.Durability -c {configuration}`");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the app on <paramref name="databaseFile"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(string databaseFile, string logFile, TimeSpan timeout, CancellationToken ct)
    {
        var dll = AppDll();
        var bin = Path.GetDirectoryName(dll)!;
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["Database__Provider"] = "Sqlite",
            ["Database__ConnectionString"] = $"Data Source={databaseFile}",
            ["Demo__Enabled"] = "true",
            // A deliberate demo in Production (the app refuses one otherwise): the test needs a seeded city and its users.
            ["Demo__AllowInProduction"] = "true",
            ["Demo__Seed"] = "20261123",
            ["Demo__Password"] = DemoPassword,
            ["Demo__HistoryDays"] = "0",
            ["Simulation__Enabled"] = "false",
            ["Map__TileUrl"] = "",
            ["RateLimits__IntakeBurst"] = "1000000",
            ["RateLimits__IntakePerMinute"] = "10000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet " + dll);
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, baseAddress, logFile, log);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var code = process.ExitCode;
                await app.DisposeAsync();
                throw new InvalidOperationException($"the app exited with {code} while starting; see {logFile}:\n{Tail(logFile)}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            if (clock.Elapsed > timeout)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"/health/ready did not answer 200 within {timeout.TotalSeconds:F0} s; see {logFile}:\n{Tail(logFile)}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// SIGKILL: on Unix <see cref="Process.Kill(bool)"/> sends SIGKILL to the process (and here its tree). Returns the exit
    /// code, which .NET reports as 128 + signal for a process ended by a signal (137 for SIGKILL).
    /// </summary>
    public async Task<int> KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public static string Tail(string logFile, int lines = 40)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return ex.Message;
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
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
