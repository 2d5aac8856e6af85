using System.Text.Json;
using Dashboard.Core.Accounts;
using Dashboard.Core.Incidents;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Features.Intake;

public static class IntakeEndpoints
{
    public const string RateLimitPolicy = "intake";

    /// <summary>Five photos of 5 MB in base64 plus the text fields.</summary>
    public const long MaxBodyBytes = 36L * 1024 * 1024;

    public sealed record ReportResponse(
        long Id, string Code, string Status, string? GridCode, string TownshipCode, string DistrictCode, DateTimeOffset ReportedAt);

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/incidents", ReportAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.GridCaptain, Roles.Operator))
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Accepts<JsonElement>("application/json")
            .Produces<ReportResponse>(StatusCodes.Status201Created)
            .Produces<ReportResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("ReportIncident")
            .WithTags("Intake")
            .WithSummary("Grid captain report (网格吹哨). The same clientId again returns the same incident.");
        return app;
    }

    private static async Task<IResult> ReportAsync(HttpContext http, IntakeService intake, TimeProvider time, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = [$"malformed JSON: {ex.Message}"] },
                title: "The report is invalid.");
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var input = ReportInputReader.Read(document.RootElement, time.GetUtcNow(), errors);
            if (input is null)
            {
                return TypedResults.ValidationProblem(errors, title: "The report is invalid.");
            }

            var result = await intake.SubmitAsync(input, http.User, ct);
            return result.Status switch
            {
                IntakeStatus.Invalid => TypedResults.ValidationProblem(result.Errors, title: "The report is invalid."),
                IntakeStatus.Forbidden => TypedResults.Problem(
                    title: "The point is outside your scope.",
                    detail: string.Join("; ", result.Errors["lat"]),
                    statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { ["errors"] = result.Errors }),
                IntakeStatus.Created => TypedResults.Created($"/api/v1/incidents/{result.Outcome!.Incident.Id}", ToResponse(result.Outcome.Incident)),
                _ => TypedResults.Ok(ToResponse(result.Outcome!.Incident)),
            };
        }
    }

    public static ReportResponse ToResponse(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new(incident.Id, incident.Code, incident.Status.ToString(), incident.GridCode, incident.TownshipCode, incident.DistrictCode, incident.ReportedAt);
    }
}
