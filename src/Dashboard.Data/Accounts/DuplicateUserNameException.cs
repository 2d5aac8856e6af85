namespace Dashboard.Data.Accounts;

/// <summary>Another account already uses this user name (compared case-insensitively).</summary>
public sealed class DuplicateUserNameException(string userName, Exception? innerException = null)
    : Exception($"User name '{userName}' is already taken.", innerException)
{
    public string UserName { get; } = userName;
}
