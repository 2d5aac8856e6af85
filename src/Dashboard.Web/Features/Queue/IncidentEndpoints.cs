using System.Security.Claims;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Features.Queue;

public static class IncidentEndpoints
{
    public sealed record IncidentDetail(Incident Incident, IReadOnlyList<IncidentEvent> Events, IReadOnlyList<PhotoLink> Photos);

    public sealed record PhotoLink(long Id, string ContentType, string? FileName, long SizeBytes, string Url);

    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents").RequireAuthorization().WithTags("Incidents");
        group.MapGet("/", ListAsync).WithName("ListIncidents")
            .WithSummary("Incidents within your scope (or a node inside it), newest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id:long}", GetAsync).WithName("GetIncident")
            .WithSummary("One incident with its event log.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/photos/{photoId:long}", PhotoAsync).WithName("GetIncidentPhoto")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static ScopeFilter ToFilter(this JurisdictionNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ScopeFilter(node.Level, node.Code);
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, CityDirectory directory, IncidentRepository incidents,
        string? scope, string? status, string? category, int? limit, long? before, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var mine = user.AreaOf(directory.Tree);
        var node = scope is null ? mine : directory.Tree.Find(scope);
        if (node is null && scope is not null)
        {
            errors["scope"] = [$"unknown jurisdiction '{scope}'"];
        }

        var statuses = new List<IncidentStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<IncidentStatus>(part, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(part, out _))
            {
                statuses.Add(parsed);
            }
            else
            {
                errors["status"] = [$"unknown status '{part}'; use {string.Join(", ", Enum.GetNames<IncidentStatus>())}"];
            }
        }

        if (limit is < 1 or > 1000)
        {
            errors["limit"] = ["limit must be between 1 and 1000"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (mine is null || !directory.Tree.IsWithin(node!.Code, mine.Code))
        {
            return TypedResults.Problem(title: "That jurisdiction is outside your scope.", statusCode: StatusCodes.Status403Forbidden);
        }

        var rows = await incidents.ListAsync(
            new IncidentQuery(node.ToFilter(), statuses.Count > 0 ? statuses : null, category, limit ?? 200, before), ct);
        return TypedResults.Ok(rows);
    }

    private static async Task<IResult> GetAsync(long id, ClaimsPrincipal user, CityDirectory directory, IncidentRepository incidents, CancellationToken ct)
    {
        var incident = await incidents.FindAsync(id, ct);
        if (incident is null)
        {
            return TypedResults.Problem(title: $"Incident {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!user.CanSee(directory.Tree, incident))
        {
            return TypedResults.Problem(title: "That incident is outside your scope.", statusCode: StatusCodes.Status403Forbidden);
        }

        var events = await incidents.EventsOfAsync(id, ct);
        var photos = await incidents.PhotosAsync(id, ct);
        return TypedResults.Ok(new IncidentDetail(
            incident,
            events,
            photos.Select(p => new PhotoLink(p.Id, p.ContentType, p.FileName, p.SizeBytes, $"/api/v1/incidents/{id}/photos/{p.Id}")).ToList()));
    }

    private static async Task<IResult> PhotoAsync(long id, long photoId, ClaimsPrincipal user, CityDirectory directory, IncidentRepository incidents, CancellationToken ct)
    {
        var incident = await incidents.FindAsync(id, ct);
        var photo = incident is null ? null : await incidents.PhotoAsync(photoId, ct);
        if (incident is null || photo is null || photo.Value.Photo.IncidentId != id)
        {
            return TypedResults.Problem(title: "No such photo.", statusCode: StatusCodes.Status404NotFound);
        }

        return user.CanSee(directory.Tree, incident)
            ? TypedResults.File(photo.Value.Content, photo.Value.Photo.ContentType)
            : TypedResults.Problem(title: "That incident is outside your scope.", statusCode: StatusCodes.Status403Forbidden);
    }
}
