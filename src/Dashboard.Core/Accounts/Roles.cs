namespace Dashboard.Core.Accounts;

public static class Roles
{
    public const string Operator = nameof(Operator);
    public const string Leader = nameof(Leader);
    public const string GridCaptain = nameof(GridCaptain);
    public const string Officer = nameof(Officer);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyList<string> All = [Operator, Leader, GridCaptain, Officer, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
