namespace Dashboard.Core.Accounts;

/// <summary>A person who signs in. ScopeCode is the jurisdiction node whose subtree the user may see and act on.</summary>
public sealed record UserAccount(
    long Id,
    string UserName,
    string DisplayName,
    string PasswordHash,
    string Role,
    string ScopeCode,
    int? OfficerId,
    int FailedSignIns,
    DateTimeOffset? LockoutEnd);
