using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Intake;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Dispatch;

public static class DispatchEndpoints
{
    public const int MaxReasonLength = 200;
    public const int MaxNoteLength = 500;

    public sealed record CommandResponse(Incident Incident, DispatchTask? Task, IReadOnlyList<IncidentEvent> Events);

    public sealed record RecommendationView(
        int Rank, AssigneeKind Kind, int? OfficerId, string? CaptainCode, string Name, CandidateGroup Group, string TownshipCode,
        double? DistanceMeters, int? EtaSeconds, int? FixAgeSeconds, bool Stale, string Explanation);

    public static IEndpointRouteBuilder MapDispatchEndpoints(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/v1/incidents/{id:long}").RequireAuthorization().WithTags("Dispatch")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        incidents.MapGet("/recommendations", RecommendationsAsync).WithName("RecommendOfficers")
            .WithSummary("Ranked officers for the incident: township first, then neighbours; by ETA; the grid's captain last.");
        incidents.MapGet("/tasks", TasksAsync).WithName("IncidentTasks").WithSummary("Every task of the incident, oldest first.");
        incidents.MapPost("/contact", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, b => new ContactCommand(b.Text("note", MaxNoteLength, false)), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("ContactIncident").WithSummary("联络: records the first contact and stops the 1-minute clock. Body {note?}.");
        incidents.MapPost("/dispatch", DispatchAsync).WithName("DispatchIncident")
            .WithSummary("派发: no body = the top recommendation. Body {rank?} or {officerId?} or {captain: true}, with {reason?} for an override.");
        incidents.MapPost("/reassign", ReassignAsync).WithName("ReassignIncident").WithSummary("Body {officerId} or {captain: true}, and {reason}.");
        incidents.MapPost("/escalate", EscalateAsync).WithName("EscalateIncident").WithSummary("Moves the incident to the parent tier's queue. Body {reason}.");
        incidents.MapPost("/cancel", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, b => new CancelIncidentCommand(b.Text("reason", MaxReasonLength, true)!), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("CancelIncident").WithSummary("Body {reason}.");
        incidents.MapPost("/close", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, b => new CloseCommand(b.Text("note", MaxNoteLength, false)), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("CloseIncident").WithSummary("Closes a resolved incident after review. Body {note?}.");
        incidents.MapPost("/reopen", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, b => new ReopenCommand(b.Text("reason", MaxReasonLength, true)!), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("ReopenIncident").WithSummary("Body {reason}.");
        incidents.MapPost("/pause", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, b => new PauseCommand(b.Text("reason", MaxReasonLength, true)!), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("PauseClock").WithSummary("Pauses the running clock, e.g. waiting for the reporter. Body {reason}.");
        incidents.MapPost("/resume", (long id, HttpContext http, DispatchService s, CancellationToken ct) =>
            RunAsync(http, _ => new ResumeCommand(), c => s.ExecuteAsync(http.User, id, c, ct: ct), ct))
            .WithName("ResumeClock");

        var tasks = app.MapGroup("/api/v1/tasks").RequireAuthorization().WithTags("Tasks")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tasks.MapGet("/mine", MineAsync).WithName("MyTasks").WithSummary("The signed-in officer's (or grid captain's) tasks, newest first.");
        tasks.MapPost("/{taskId:long}/accept", (long taskId, HttpContext http, DispatchService s, DispatchRepository store, CancellationToken ct) =>
            TaskCommandAsync(http, store, taskId, (_, _) => new AcceptCommand(taskId), (incidentId, c) => s.ExecuteAsync(http.User, incidentId, c, ct: ct), ct))
            .WithName("AcceptTask");
        tasks.MapPost("/{taskId:long}/arrive", ArriveAsync).WithName("ArriveTask")
            .WithSummary("Manual arrival. Body {lat?, lon?}: the distance from the incident (else from the latest fix) is logged; outside the geofence it is flagged.");
        tasks.MapPost("/{taskId:long}/resolve", ResolveAsync).WithName("ResolveTask").WithSummary("Body {note, photos?: [{contentType, fileName?, data}]}.");
        tasks.MapPost("/{taskId:long}/cancel", (long taskId, HttpContext http, DispatchService s, DispatchRepository store, CancellationToken ct) =>
            TaskCommandAsync(http, store, taskId, (b, _) => new CancelTaskCommand(b.Text("reason", MaxReasonLength, true)!), (incidentId, c) => s.ExecuteAsync(http.User, incidentId, c, ct: ct), ct))
            .WithName("CancelTask").WithSummary("Cancels the task; the incident waits for a new dispatch. Body {reason}.");
        return app;
    }

    private static async Task<IResult> RecommendationsAsync(long id, ClaimsPrincipal user, IncidentRepository incidents, CityDirectory directory, DispatchService dispatch, CancellationToken ct)
    {
        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Incident {id} does not exist.");
        }

        return user.CanSee(directory.Tree, incident) && !user.IsInRole(Roles.GridCaptain)
            ? TypedResults.Ok(dispatch.Recommend(incident).Select(View).ToList())
            : Problem(StatusCodes.Status403Forbidden, "That incident is outside your scope.");
    }

    private static async Task<IResult> TasksAsync(long id, ClaimsPrincipal user, IncidentRepository incidents, DispatchRepository store, CityDirectory directory, CancellationToken ct)
    {
        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Incident {id} does not exist.");
        }

        return user.CanSee(directory.Tree, incident)
            ? TypedResults.Ok(await store.TasksOfIncidentAsync(id, ct))
            : Problem(StatusCodes.Status403Forbidden, "That incident is outside your scope.");
    }

    private static async Task<IResult> DispatchAsync(long id, HttpContext http, DispatchService dispatch, IncidentRepository incidents, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var rank = body.Whole("rank", 1, 100);
        var officerId = body.Whole("officerId", 1, int.MaxValue);
        var captain = body.Bool("captain");
        var reason = body.Text("reason", MaxReasonLength, false);
        if (new[] { rank is not null, officerId is not null, captain }.Count(x => x) > 1)
        {
            body.Errors["officerId"] = ["give one of rank, officerId or captain"];
        }

        if (!body.IsValid)
        {
            return TypedResults.ValidationProblem(body.Errors, title: "The dispatch is invalid.");
        }

        if (officerId is null && !captain)
        {
            return ToResult(await dispatch.DispatchRecommendedAsync(http.User, id, rank ?? 1, reason, ct));
        }

        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Incident {id} does not exist.");
        }

        var assignee = dispatch.ResolveAssignee(incident, officerId, captain);
        if (assignee is null)
        {
            return UnknownAssignee(officerId, captain, "The dispatch is invalid.");
        }

        // A named assignee keeps its rank when it was among the recommendations, so the log shows whether it was an override.
        var recommended = dispatch.Recommend(incident).FirstOrDefault(r => r.Assignee.SameAs(assignee));
        var pick = recommended is null ? null : DispatchService.ToPick(recommended);
        return ToResult(await dispatch.ExecuteAsync(http.User, incident, new DispatchCommand(assignee, pick, reason), ct: ct));
    }

    private static async Task<IResult> ReassignAsync(long id, HttpContext http, DispatchService dispatch, IncidentRepository incidents, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var officerId = body.Whole("officerId", 1, int.MaxValue);
        var captain = body.Bool("captain");
        var reason = body.Text("reason", MaxReasonLength, true);
        if (officerId is null == !captain && body.IsValid)
        {
            body.Errors["officerId"] = ["give officerId or captain: true"];
        }

        if (!body.IsValid)
        {
            return TypedResults.ValidationProblem(body.Errors, title: "The reassignment is invalid.");
        }

        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Incident {id} does not exist.");
        }

        var assignee = dispatch.ResolveAssignee(incident, officerId, captain);
        return assignee is null
            ? UnknownAssignee(officerId, captain, "The reassignment is invalid.")
            : ToResult(await dispatch.ExecuteAsync(http.User, incident, new ReassignCommand(assignee, reason!), ct: ct));
    }

    private static async Task<IResult> EscalateAsync(long id, HttpContext http, DispatchService dispatch, IncidentRepository incidents, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var reason = body.Text("reason", MaxReasonLength, true);
        if (!body.IsValid)
        {
            return TypedResults.ValidationProblem(body.Errors, title: "The escalation is invalid.");
        }

        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Incident {id} does not exist.");
        }

        var parent = dispatch.ParentTier(incident);
        return parent is null
            ? Problem(StatusCodes.Status409Conflict, "The incident is already held by the city, the top tier.")
            : ToResult(await dispatch.ExecuteAsync(http.User, incident, new EscalateCommand(parent.Code, reason!), ct: ct));
    }

    private static async Task<IResult> ArriveAsync(long taskId, HttpContext http, DispatchService dispatch, DispatchRepository store,
        PositionFeed feed, IOptions<DispatchOptions> options, IncidentRepository incidents, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var lat = body.Number("lat", -90, 90);
        var lon = body.Number("lon", -180, 180);
        if (lat is null != lon is null && body.IsValid)
        {
            body.Errors[lat is null ? "lat" : "lon"] = ["give both lat and lon, or neither"];
        }

        if (!body.IsValid)
        {
            return TypedResults.ValidationProblem(body.Errors, title: "The arrival is invalid.");
        }

        var task = await store.FindTaskAsync(taskId, ct);
        var incident = task is null ? null : await incidents.FindAsync(task.IncidentId, ct);
        if (task is null || incident is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Task {taskId} does not exist.");
        }

        // Measured from where the officer says they are, else from their latest fix; unknown when neither exists.
        if (lat is null && task.Assignee.OfficerId is { } officerId && feed.LatestOf(officerId) is { } fix)
        {
            (lat, lon) = (fix.Latitude, fix.Longitude);
        }

        double? distance = lat is { } a && lon is { } o ? Core.Positions.Geo.HaversineMeters(a, o, incident.Latitude, incident.Longitude) : null;
        return ToResult(await dispatch.ExecuteAsync(http.User, incident.Id, new ArriveCommand(taskId, Auto: false, distance, options.Value.GeofenceMeters), ct: ct));
    }

    private static Task<IResult> ResolveAsync(long taskId, HttpContext http, DispatchService dispatch, DispatchRepository store, CancellationToken ct)
    {
        List<NewPhoto> photos = [];
        return TaskCommandAsync(http, store, taskId, (body, _) =>
        {
            var note = body.Text("note", MaxNoteLength, true);
            if (body.Root.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                photos = ReportInputReader.Photos(body.Root, body.Errors);
            }

            return new ResolveCommand(taskId, note!, photos.Count);
        }, (incidentId, command) => dispatch.ExecuteAsync(http.User, incidentId, command, photos, ct), ct);
    }

    private static async Task<IResult> MineAsync(ClaimsPrincipal user, DispatchRepository store, DispatchService dispatch, CancellationToken ct)
    {
        var me = dispatch.AssigneeOf(user);
        return me is null
            ? Problem(StatusCodes.Status403Forbidden, "Only officers and grid captains have tasks.")
            : TypedResults.Ok(await store.TasksOfAssigneeAsync(me, 50, ct));
    }

    private static async Task<IResult> RunAsync(HttpContext http, Func<CommandBody, IncidentCommand> read, Func<IncidentCommand, Task<CommandReply>> run, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var command = body.IsValid ? read(body) : null;
        return body.IsValid ? ToResult(await run(command!)) : TypedResults.ValidationProblem(body.Errors, title: "The request is invalid.");
    }

    private static async Task<IResult> TaskCommandAsync(HttpContext http, DispatchRepository store, long taskId,
        Func<CommandBody, DispatchTask, IncidentCommand> read, Func<long, IncidentCommand, Task<CommandReply>> run, CancellationToken ct)
    {
        using var body = await CommandBody.ReadAsync(http.Request, ct);
        var task = await store.FindTaskAsync(taskId, ct);
        if (task is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Task {taskId} does not exist.");
        }

        var command = body.IsValid ? read(body, task) : null;
        return body.IsValid
            ? ToResult(await run(task.IncidentId, command!))
            : TypedResults.ValidationProblem(body.Errors, title: "The request is invalid.");
    }

    public static IResult ToResult(CommandReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Status switch
        {
            CommandStatus.Ok => TypedResults.Ok(new CommandResponse(reply.Result!.Incident, reply.Task, reply.Result.Events)),
            CommandStatus.NotFound => Problem(StatusCodes.Status404NotFound, reply.Message ?? "Not found."),
            CommandStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, reply.Message ?? "Forbidden."),
            _ when reply.Rejection is { Kind: RejectionKind.Invalid } invalid => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [invalid.Field ?? "body"] = [invalid.Message] }, title: "The request is invalid."),
            _ => Problem(StatusCodes.Status409Conflict, reply.Message ?? "Conflict.",
                reply.Rejection?.Field is { } field ? new Dictionary<string, object?> { ["field"] = field } : null),
        };
    }

    public static RecommendationView View(Recommendation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new RecommendationView(
            r.Rank, r.Assignee.Kind, r.Assignee.OfficerId, r.Assignee.CaptainCode, r.Assignee.Name, r.Group, r.TownshipCode,
            r.DistanceMeters is { } d ? Math.Round(d) : null,
            r.Eta is { } eta ? (int)Math.Ceiling(eta.TotalSeconds) : null,
            r.FixAge is { } age ? (int)age.TotalSeconds : null,
            r.Stale,
            RecommendationText.Explain(r, CultureInfo.InvariantCulture, english: true));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem UnknownAssignee(int? officerId, bool captain, string title) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [captain ? "captain" : "officerId"] = [captain ? "the incident's grid has no captain" : $"unknown officer {officerId}"] },
            title: title);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string title, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: extensions);
}
