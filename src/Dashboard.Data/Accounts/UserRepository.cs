using System.Data.Common;
using Dapper;
using Dashboard.Core.Accounts;

namespace Dashboard.Data.Accounts;

public sealed class UserRepository(DbConnectionFactory db, TimeProvider time)
{
    private const string Columns = """
        id AS Id, user_name AS UserName, display_name AS DisplayName, password_hash AS PasswordHash, role AS Role,
        scope_code AS ScopeCode, officer_id AS OfficerId, failed_sign_ins AS FailedSignIns, lockout_end AS LockoutEnd
        """;

    // user_name is case-insensitive by column collation (NOCASE / *_CI_*), so a plain equality suffices.
    internal const string FindByUserNameSql = "SELECT " + Columns + " FROM users WHERE user_name = @UserName";
    internal const string FindByIdSql = "SELECT " + Columns + " FROM users WHERE id = @Id";
    internal const string RecordFailedSignInSql = "UPDATE users SET failed_sign_ins = @FailedSignIns, lockout_end = @LockoutEnd WHERE id = @Id";
    internal const string ResetFailedSignInsSql = "UPDATE users SET failed_sign_ins = 0, lockout_end = NULL WHERE id = @Id";
    internal const string CountSql = "SELECT COUNT(*) FROM users";

    internal static string InsertSql(SqlDialect d) => $"""
        INSERT INTO users (user_name, display_name, password_hash, role, scope_code, officer_id, failed_sign_ins, lockout_end, created_at)
        {d.OutputInsertedId}
        VALUES (@UserName, @DisplayName, @PasswordHash, @Role, @ScopeCode, @OfficerId, @FailedSignIns, @LockoutEnd, @CreatedAt)
        {d.ReturningId}
        """;

    public async Task<UserAccount?> FindByUserNameAsync(string userName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindByUserNameSql, new { UserName = userName }, cancellationToken: ct));
        return row?.ToAccount();
    }

    public async Task<UserAccount?> FindByIdAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindByIdSql, new { Id = id }, cancellationToken: ct));
        return row?.ToAccount();
    }

    /// <summary>Inserts the account (its Id is ignored) and returns the new id.</summary>
    /// <exception cref="DuplicateUserNameException">The user name is taken, compared case-insensitively.</exception>
    public async Task<long> InsertAsync(UserAccount user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await db.OpenAsync(ct);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql(db.Dialect), new
            {
                user.UserName,
                user.DisplayName,
                user.PasswordHash,
                user.Role,
                user.ScopeCode,
                user.OfficerId,
                user.FailedSignIns,
                user.LockoutEnd,
                CreatedAt = time.GetUtcNow(),
            }, cancellationToken: ct));
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw new DuplicateUserNameException(user.UserName, e);
        }
    }

    public async Task RecordFailedSignInAsync(long id, int failedSignIns, DateTimeOffset? lockoutEnd, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            RecordFailedSignInSql, new { Id = id, FailedSignIns = failedSignIns, LockoutEnd = lockoutEnd }, cancellationToken: ct));
    }

    public async Task ResetFailedSignInsAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ResetFailedSignInsSql, new { Id = id }, cancellationToken: ct));
    }

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSql, cancellationToken: ct));
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public string Role { get; set; } = "";
        public string ScopeCode { get; set; } = "";
        public int? OfficerId { get; set; }
        public int FailedSignIns { get; set; }
        public DateTimeOffset? LockoutEnd { get; set; }

        public UserAccount ToAccount() =>
            new(Id, UserName, DisplayName, PasswordHash, Role, ScopeCode, OfficerId, FailedSignIns, LockoutEnd);
    }
}
