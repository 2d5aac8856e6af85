namespace Dashboard.Web.Hosting;

public sealed class RedisScaleOutOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string; empty = a single node with in-process delivery only.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefixes every channel this app uses (the SignalR backplane and the live events), so deployments can share a Redis.</summary>
    public string ChannelPrefix { get; set; } = "dashboard";

    /// <summary>This node's name in live-event messages; empty = machine name plus a random suffix per start.</summary>
    public string NodeId { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
