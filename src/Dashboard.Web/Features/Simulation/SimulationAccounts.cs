using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Dapper;
using Dashboard.Core.Accounts;
using Dashboard.Core.Officers;
using Dashboard.Data;
using Dashboard.Data.Accounts;
using Dashboard.Web.Features.Account;

namespace Dashboard.Web.Features.Simulation;

/// <summary>
/// Who the simulated people act as: principals shaped exactly like the ones sign-in creates, so every service applies its
/// usual checks and the event log names them. Reports need a real user row (incidents.reported_by), so a grid without a
/// captain account gets one without a password (it cannot sign in), as the history generator does.
/// </summary>
public sealed class SimulationAccounts(DbConnectionFactory db, UserRepository users, ILogger<SimulationAccounts> logger)
{
    public const string AutoDispatcher = "auto-dispatch";
    private const string AuthenticationType = "Simulation";

    internal const string CaptainUsersSql = """
        SELECT id AS Id, user_name AS UserName, display_name AS DisplayName, scope_code AS ScopeCode
        FROM users WHERE role = @Role ORDER BY id
        """;

    internal const string LinkedOfficersSql = "SELECT DISTINCT officer_id FROM users WHERE officer_id IS NOT NULL";

    private readonly ConcurrentDictionary<string, ClaimsPrincipal> _captains = new(StringComparer.Ordinal);
    private Dictionary<string, UserRow>? _captainUsers;

    /// <summary>Officers someone signs in as: they work their own tasks, the simulator leaves them alone.</summary>
    public async Task<IReadOnlySet<int>> LinkedOfficersAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<int>(new CommandDefinition(LinkedOfficersSql, cancellationToken: ct))).ToHashSet();
    }

    /// <summary>The grid's captain as a signed-in GridCaptain (its existing account, else a new one named gc-&lt;code&gt;).</summary>
    public async Task<ClaimsPrincipal> CaptainAsync(GridCaptain captain, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(captain);
        if (_captains.TryGetValue(captain.GridCode, out var known))
        {
            return known;
        }

        if (_captainUsers is null)
        {
            await using var connection = await db.OpenAsync(ct);
            _captainUsers = (await connection.QueryAsync<UserRow>(new CommandDefinition(CaptainUsersSql, new { Role = Roles.GridCaptain }, cancellationToken: ct)))
                .GroupBy(u => u.ScopeCode, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }

        if (!_captainUsers.TryGetValue(captain.GridCode, out var user))
        {
            var userName = "gc-" + captain.Code;
            var existing = await users.FindByUserNameAsync(userName, ct);
            long id;
            if (existing is not null && existing.Role == Roles.GridCaptain && existing.ScopeCode == captain.GridCode)
            {
                id = existing.Id;
            }
            else
            {
                for (var n = 2; existing is not null; n++)
                {
                    userName = "gc-" + captain.Code + "-" + n.ToString(CultureInfo.InvariantCulture);
                    existing = await users.FindByUserNameAsync(userName, ct);
                }

                id = await users.InsertAsync(new UserAccount(0, userName, captain.Name, "", Roles.GridCaptain, captain.GridCode, null, 0, null), ct);
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Created reporting account {User} for grid captain {Captain}", userName, captain.Name);
                }
            }

            user = new UserRow { Id = id, UserName = userName, DisplayName = captain.Name, ScopeCode = captain.GridCode };
            _captainUsers[captain.GridCode] = user;
        }

        var principal = DashboardClaims.CreatePrincipal(
            new UserAccount(user.Id, user.UserName, user.DisplayName, "", Roles.GridCaptain, user.ScopeCode, null, 0, null), AuthenticationType);
        _captains[captain.GridCode] = principal;
        return principal;
    }

    /// <summary>The officer as their phone app signs in: the Officer role with their officer id; the log names them by code.</summary>
    public static ClaimsPrincipal Officer(Officer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return DashboardClaims.CreatePrincipal(
            new UserAccount(0, officer.Code, officer.Name, "", Roles.Officer, officer.TownshipCode, officer.Id, 0, null), AuthenticationType);
    }

    /// <summary>The operator that auto-dispatch acts as: city-wide scope, named so the log shows no person did it.</summary>
    public static ClaimsPrincipal Dispatcher(string cityCode) => DashboardClaims.CreatePrincipal(
        new UserAccount(0, AutoDispatcher, "自动派发", "", Roles.Operator, cityCode, null, 0, null), AuthenticationType);

    private sealed class UserRow
    {
        public long Id { get; set; }
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string ScopeCode { get; set; } = "";
    }
}
