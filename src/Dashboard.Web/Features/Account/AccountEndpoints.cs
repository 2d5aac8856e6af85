using System.Security.Claims;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Features.Account;

public static class AccountEndpoints
{
    public sealed record TokenRequest(string? Username, string? Password);

    public sealed record MeResponse(
        string UserName, string DisplayName, string Role, string? Scope, string? ScopeName, string? ScopeLevel, int? OfficerId);

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", IssueTokenAsync)
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithTags("Auth")
            .Produces(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status423Locked);

        app.MapGet("/api/v1/me", (ClaimsPrincipal user, CityDirectory directory) =>
        {
            var scope = directory.Tree.Find(user.GetScope());
            return TypedResults.Ok(new MeResponse(
                user.Identity!.Name!,
                user.GetDisplayName(),
                user.FindFirstValue(ClaimTypes.Role)!,
                scope?.Code,
                scope?.Name,
                scope?.Level.ToString(),
                int.TryParse(user.FindFirstValue(DashboardClaims.OfficerId), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null));
        }).RequireAuthorization().WithName("Me").WithTags("Auth");

        // A form post with an antiforgery token, so another site cannot sign the operator out.
        app.MapPost("/account/logout", async (HttpContext http, [FromForm] string? returnUrl) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(LoginPath(returnUrl));
        }).RequireAuthorization().ExcludeFromDescription();

        return app;
    }

    public static string LoginPath(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) ? "/account/login" : $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static async Task<IResult> IssueTokenAsync(TokenRequest? request, AccountService accounts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Username))
        {
            errors["username"] = ["username is required"];
        }
        else if (request.Username.Length > 64)
        {
            errors["username"] = ["username must be at most 64 characters"];
        }

        if (string.IsNullOrEmpty(request?.Password))
        {
            errors["password"] = ["password is required"];
        }
        else if (request.Password.Length > 256)
        {
            errors["password"] = ["password must be at most 256 characters"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The token request is invalid.");
        }

        var result = await accounts.CheckPasswordAsync(request!.Username!, request.Password!, ct);
        return result.Outcome switch
        {
            SignInOutcome.Succeeded => TypedResults.SignIn(
                DashboardClaims.CreatePrincipal(result.User!, BearerTokenDefaults.AuthenticationScheme),
                authenticationScheme: BearerTokenDefaults.AuthenticationScheme),
            SignInOutcome.LockedOut => TypedResults.Problem(
                title: "The account is locked after repeated failed sign-ins.",
                detail: $"Try again after {result.LockedUntil:O}.",
                statusCode: StatusCodes.Status423Locked),
            _ => TypedResults.Problem(
                title: "Wrong user name or password.",
                statusCode: StatusCodes.Status401Unauthorized),
        };
    }
}
