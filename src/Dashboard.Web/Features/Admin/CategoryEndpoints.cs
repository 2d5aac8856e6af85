using Dashboard.Core.Accounts;
using Dashboard.Data.Incidents;

namespace Dashboard.Web.Features.Admin;

public static class CategoryEndpoints
{
    public sealed record CategoryUpdate(string? Name, string? NameEn, bool? Active, int? SortOrder);

    public static IEndpointRouteBuilder MapCategoryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/categories").WithTags("Categories");
        group.MapGet("/", async (CategoryRepository categories, bool? all, CancellationToken ct) =>
                TypedResults.Ok(await categories.ListAsync(all ?? false, ct)))
            .RequireAuthorization().WithName("ListCategories").WithSummary("The enforcement items (执法事项) a report may name.");

        group.MapPut("/{code}", async (string code, CategoryUpdate? update, CategoryRepository categories, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>();
                if (code.Length is 0 or > 16 || !code.All(char.IsAsciiLetterOrDigit))
                {
                    errors["code"] = ["code must be 1-16 ASCII letters or digits"];
                }

                if (string.IsNullOrWhiteSpace(update?.Name) || update.Name.Length > 50)
                {
                    errors["name"] = ["name is required, at most 50 characters"];
                }

                if (string.IsNullOrWhiteSpace(update?.NameEn) || update.NameEn.Length > 100)
                {
                    errors["nameEn"] = ["nameEn is required, at most 100 characters"];
                }

                if (errors.Count > 0)
                {
                    return (IResult)TypedResults.ValidationProblem(errors);
                }

                var existing = await categories.FindAsync(code, ct);
                var row = new CategoryRow(code, update!.Name!.Trim(), update.NameEn!.Trim(), update.Active ?? true, update.SortOrder ?? existing?.SortOrder ?? 999);
                await categories.UpsertAsync(row, ct);
                return existing is null ? TypedResults.Created($"/api/v1/categories/{code}", row) : TypedResults.Ok(row);
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithName("UpsertCategory")
            .ProducesValidationProblem();
        return app;
    }
}
