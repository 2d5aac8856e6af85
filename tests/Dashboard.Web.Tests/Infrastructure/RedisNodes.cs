using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free 127.0.0.1 port, nothing persisted, in its own temp folder; killed on dispose.
/// Missing redis-server is a failure, not a skip: CI must run the scale-out tests.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-redis", Guid.NewGuid().ToString("N"));
    private Process? _process;

    public RedisServer()
    {
        Executable = Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server was not found (looked in /usr/bin and /usr/local/bin). .ci/run installs it (apt-get install redis-server); the Redis scale-out tests need it.");
        Directory.CreateDirectory(_folder);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Start();
    }

    public string Executable { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Answers())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Kills the server (an outage); <see cref="Start"/> brings it back on the same port.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            return stream.Read(buffer) > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// One app instance listening on Kestrel at 127.0.0.1, with Redis scale-out on, optionally on another node's database file.
/// </summary>
public sealed class ScaleOutNode : DashboardAppFactory
{
    private readonly string _redis;
    private readonly string _prefix;
    private readonly string? _database;

    public ScaleOutNode(string nodeId, string redisConfiguration, string channelPrefix, string? databaseConnectionString = null)
    {
        NodeId = nodeId;
        _redis = redisConfiguration;
        _prefix = channelPrefix;
        _database = databaseConnectionString;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string NodeId { get; }

    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Redis:Configuration", _redis);
        builder.UseSetting("Redis:ChannelPrefix", _prefix);
        builder.UseSetting("Redis:NodeId", NodeId);
        if (_database is not null)
        {
            builder.UseSetting("Database:ConnectionString", _database);
        }
    }
}
