using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Bench.Live;

/// <summary>
/// The baseline, run as its own child process (<c>Dashboard.Bench baseline-server</c>) so its CPU and memory are read the
/// same way as the app's: Kestrel on 127.0.0.1, no authentication, no database. It takes the same report and position
/// bodies over HTTP; a report becomes a copy of a real IncidentReported event of the app (the template the bench captured
/// in the same run, so the frames are the same size) with a new seq, broadcast to the groups of the township, its district
/// and the city, exactly the groups HubRelay uses. Positions are parsed and counted, not stored. It also serves a bare
/// Blazor Server page (one interactive component, no layout) for the circuit-memory baseline.
/// </summary>
internal static class BareServer
{
    public const string HubPath = "/hubs/bare";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, Dashboard.Web.Hosting.CircuitCounter>();
        builder.Services.AddAntiforgery();
        builder.Services.AddSingleton<BareState>();
        var app = builder.Build();
        app.UseAntiforgery();

        app.MapGet("/health", () => "ok");
        app.MapGet("/api/v1/diagnostics/memory", () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Results.Ok(new { managedBytes = GC.GetTotalMemory(forceFullCollection: true), workingSetBytes = Environment.WorkingSet, circuits = Dashboard.Web.Hosting.CircuitCounter.Open });
        });
        app.MapHub<BareHub>(HubPath);
        app.MapPost("/template", async (HttpRequest request, BareState state) =>
        {
            state.Template = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            return Results.NoContent();
        });
        app.MapPost("/api/v1/incidents", ReportAsync);
        app.MapPost("/api/v1/positions", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var n = document.RootElement.GetArrayLength();
            return Results.Json(new { accepted = n, filtered = 0 }, statusCode: StatusCodes.Status202Accepted);
        });
        // Counted only for the connections of this process: what a circuit and a hub connection hold on the bare server.
        app.MapGet("/_framework/blazor.web.js", () => Results.File(BlazorScript(), "text/javascript"));
        app.MapRazorComponents<BareApp>().AddInteractiveServerRenderMode();
        await app.RunAsync();
        return 0;
    }

    private static async Task<IResult> ReportAsync(HttpRequest request, BareState state, IHubContext<BareHub> hub)
    {
        using var document = await JsonDocument.ParseAsync(request.Body);
        var body = document.RootElement;
        string township = request.Query["township"]!, district = request.Query["district"]!, city = request.Query["city"]!;
        var seq = state.NextSeq();
        var e = (JsonObject)state.Template.DeepClone();
        e["seq"] = seq;
        e["at"] = DateTimeOffset.UtcNow;
        var incident = e["incident"] as JsonObject ?? [];
        incident["id"] = seq;
        incident["clientId"] = body.GetProperty("clientId").GetString();
        incident["description"] = body.GetProperty("description").GetString();
        incident["latitude"] = body.GetProperty("lat").GetDouble();
        incident["longitude"] = body.GetProperty("lon").GetDouble();
        incident["townshipCode"] = township;
        incident["districtCode"] = district;
        e["incident"] = incident;
        await hub.Clients.Groups([Group(township), Group(district), Group(city)]).SendAsync("IncidentReported", e);
        return Results.Json(new { id = seq }, statusCode: StatusCodes.Status201Created);
    }

    public static string Group(string code) => "scope:" + code;

    /// <summary>blazor.web.js from the ASP.NET Core assets package the app itself was built with.</summary>
    private static string BlazorScript()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(packages, "microsoft.aspnetcore.app.internal.assets");
        var file = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "_framework", "blazor.web.js"))
                .Where(File.Exists)
                .OrderByDescending(f => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(f))), out var v) ? v : new Version())
                .FirstOrDefault()
            : null;
        return file ?? throw new FileNotFoundException($"blazor.web.js not found under {root}");
    }
}

public sealed class BareState
{
    private long _seq;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public JsonObject Template { get; set; } = new()
    {
        ["seq"] = 0, ["type"] = "Reported", ["actor"] = "bench", ["at"] = DateTimeOffset.UtcNow, ["incident"] = new JsonObject(),
    };
}

/// <summary>Joins the group named by <c>?scope=</c> on connect; JoinScope adds another (no checks: the bare minimum).</summary>
public sealed class BareHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var scope = Context.GetHttpContext()?.Request.Query["scope"].ToString();
        if (!string.IsNullOrEmpty(scope))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, BareServer.Group(scope));
        }

        await base.OnConnectedAsync();
    }

    public Task JoinScope(string code) => Groups.AddToGroupAsync(Context.ConnectionId, BareServer.Group(code));
}

/// <summary>The document: head, the routed page, blazor.web.js. No layout, no CSS, no component library.</summary>
public sealed class BareApp : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.AddMarkupContent(0, "<!DOCTYPE html>");
        builder.OpenElement(1, "html");
        builder.OpenElement(2, "head");
        builder.AddMarkupContent(3, "<meta charset=\"utf-8\" /><base href=\"/\" /><title>bare</title>");
        builder.CloseElement();
        builder.OpenElement(4, "body");
        builder.OpenComponent<Microsoft.AspNetCore.Components.Routing.Router>(5);
        builder.AddComponentParameter(6, "AppAssembly", typeof(BareApp).Assembly);
        builder.AddComponentParameter(7, "Found", (RenderFragment<RouteData>)(route => b =>
        {
            b.OpenComponent<RouteView>(0);
            b.AddComponentParameter(1, "RouteData", route);
            b.CloseComponent();
        }));
        builder.CloseComponent();
        builder.AddMarkupContent(8, "<script src=\"_framework/blazor.web.js\"></script>");
        builder.CloseElement();
        builder.CloseElement();
    }
}

/// <summary>A bare Blazor page: one interactive server component (a counter), so each tab holds one circuit.</summary>
[Route("/bare")]
public sealed class BarePage : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<BareCounter>(0);
        builder.AddComponentRenderMode(RenderMode.InteractiveServer);
        builder.CloseComponent();
    }
}

public sealed class BareCounter : ComponentBase
{
    private int _count;
    private bool _interactive;

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "h1");
        builder.AddAttribute(1, "class", _interactive ? "bare-interactive" : "bare-static");
        builder.AddContent(2, "bare");
        builder.CloseElement();
        builder.OpenElement(3, "button");
        builder.AddAttribute(4, "onclick", EventCallback.Factory.Create(this, () => _count++));
        builder.AddContent(5, _count);
        builder.CloseElement();
    }
}
