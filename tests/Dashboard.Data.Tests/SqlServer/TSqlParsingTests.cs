using System.Reflection;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dashboard.Data.Tests.SqlServer;

/// <summary>
/// No SQL Server runs here, so every T-SQL text the data layer can send is at least parsed by SQL Server's own parser.
/// Statements are discovered by convention in the Dashboard.Data assembly:
/// <list type="bullet">
/// <item>const string fields whose names end in "Sql" (shared by both providers);</item>
/// <item>static methods "XxxSql(SqlDialect)" returning string, called with the SQL Server dialect;</item>
/// <item>string properties of <c>SqlDialect</c> ending in "Sql", read from the SQL Server dialect;</item>
/// </list>
/// Names ending in "SqliteSql" are SQLite-only and skipped. The embedded SqlServer/*.sql scripts are parsed whole.
/// </summary>
public sealed class TSqlParsingTests
{
    private static readonly Assembly DataAssembly = typeof(SqlDialect).Assembly;
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    public static TheoryData<string> Statements() => new(DiscoverStatements(SqlDialect.SqlServer).Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> Scripts() => new(SchemaMigrator.LoadScripts(SqlDialect.SqlServer).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Migration_script_parses_as_TSql160(string name)
    {
        var script = SchemaMigrator.LoadScripts(SqlDialect.SqlServer).Single(s => s.Name == name);

        Assert.Empty(Describe(Parse(script.Text)));
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_used_in_code_parses_as_TSql160(string name)
    {
        var sql = DiscoverStatements(SqlDialect.SqlServer)[name];

        Assert.Empty(Describe(Parse(sql)));
    }

    [Fact]
    public void Discovery_finds_the_statements_of_every_repository_and_the_dialect()
    {
        var names = DiscoverStatements(SqlDialect.SqlServer).Keys.ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                "SchemaMigrator.RecordVersionSql",
                "JurisdictionRepository.SelectAllSql(SqlServer)",
                "JurisdictionRepository.InsertSql(SqlServer)",
                "JurisdictionRepository.UpdateSql(SqlServer)",
                "ReferenceDataRepository.InsertOfficerSql",
                "UserRepository.InsertSql(SqlServer)",
                "UserRepository.FindByUserNameSql",
                "SqlDialect.CreateSchemaVersionsSql(SqlServer)",
                "SqlDialect.AppendIncidentEventSql(SqlServer)",
                "IncidentRepository.InsertSql(SqlServer)",
                "IncidentRepository.FinishReportSql",
                "IncidentRepository.InsertPhotoSql",
                "IncidentRepository.ListInCitySql(SqlServer)",
                "IncidentRepository.ListInDistrictSql(SqlServer)",
                "IncidentRepository.ListInTownshipSql(SqlServer)",
                "IncidentRepository.ListInGridSql(SqlServer)",
                "IncidentRepository.EventsSinceInCitySql(SqlServer)",
                "IncidentRepository.EventsSinceInGridSql(SqlServer)",
                "IncidentRepository.CountOpenInTownshipSql",
                "IncidentRepository.MaxSeqSql",
                "CategoryRepository.UpdateSql",
                "CategoryRepository.InsertSql",
                "PositionRepository.CreateIncomingSql",
                "PositionRepository.MergeLatestSql",
                "PositionRepository.DropIncomingSql",
                "PositionRepository.LatestSql",
                "PositionRepository.LatestOfSql",
                "PositionRepository.TrackSql(SqlServer)",
                "PositionRepository.CountTrackRowsSql(SqlServer)",
                "DispatchRepository.FindIncidentForUpdateSql(SqlServer)",
                "DispatchRepository.CurrentTaskSql(SqlServer)",
                "DispatchRepository.InsertTaskSql(SqlServer)",
                "DispatchRepository.UpdateTaskSql",
                "DispatchRepository.UpdateIncidentSql",
                "DispatchRepository.FindTaskSql",
                "DispatchRepository.TasksOfIncidentSql",
                "DispatchRepository.ActiveTasksSql",
                "DispatchRepository.ActiveTaskOfIncidentSql",
                "DispatchRepository.TasksOfOfficerSql(SqlServer)",
                "DispatchRepository.TasksOfCaptainSql(SqlServer)",
                "DispatchRepository.OpenWithRunningClocksSql",
                "DispatchRepository.ComplianceInCitySql",
                "DispatchRepository.ComplianceInDistrictSql",
                "DispatchRepository.ComplianceInTownshipSql",
                "DispatchRepository.ComplianceInGridSql",
                "MetricsRepository.NodesSql",
                "MetricsRepository.ActiveCategoriesSql",
                "MetricsRepository.CountsUnderCitySql(SqlServer)",
                "MetricsRepository.CountsUnderDistrictSql(SqlServer)",
                "MetricsRepository.CountsOfTownshipSql(SqlServer)",
                "MetricsRepository.EscalationsUnderCitySql",
                "MetricsRepository.EscalationsUnderDistrictSql",
                "MetricsRepository.EscalationsOfTownshipSql",
                "MetricsRepository.CategoriesUnderCitySql",
                "MetricsRepository.OfficersUnderDistrictSql",
                "MetricsRepository.PercentilesUnderCitySql(SqlServer)",
                "MetricsRepository.PercentilesUnderDistrictSql(SqlServer)",
                "MetricsRepository.PercentilesOfTownshipSql(SqlServer)",
            },
            names);
        Assert.DoesNotContain(names, n => n.Contains("SqliteSql", StringComparison.Ordinal));
        Assert.Contains("STGeomFromWKB", DiscoverStatements(SqlDialect.SqlServer)["JurisdictionRepository.InsertSql(SqlServer)"], StringComparison.Ordinal);
        Assert.Contains("event_sequence", DiscoverStatements(SqlDialect.SqlServer)["SqlDialect.AppendIncidentEventSql(SqlServer)"], StringComparison.Ordinal);
        Assert.Contains("JSON_VALUE", DiscoverStatements(SqlDialect.SqlServer)["MetricsRepository.CountsUnderCitySql(SqlServer)"], StringComparison.Ordinal);
        Assert.Contains("UPDLOCK", DiscoverStatements(SqlDialect.SqlServer)["DispatchRepository.FindIncidentForUpdateSql(SqlServer)"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_parser_rejects_sqlite_only_statements_so_the_checks_above_can_fail()
    {
        var sqliteOnly = DiscoverStatements(SqlDialect.Sqlite);

        Assert.NotEmpty(Parse(sqliteOnly["UserRepository.InsertSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["SqlDialect.CreateSchemaVersionsSql(Sqlite)"]));
        Assert.NotEmpty(Parse(DbConnectionFactory.SessionSqliteSql));
        Assert.NotEmpty(Parse(sqliteOnly["IncidentRepository.InsertSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["IncidentRepository.ListInTownshipSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["SqlDialect.AppendIncidentEventSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["PositionRepository.TrackSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["DispatchRepository.InsertTaskSql(Sqlite)"]));
        Assert.NotEmpty(Parse(sqliteOnly["DispatchRepository.CurrentTaskSql(Sqlite)"]));
    }

    private static Dictionary<string, string> DiscoverStatements(SqlDialect dialect)
    {
        var statements = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in DataAssembly.GetTypes())
        {
            foreach (var field in type.GetFields(All).Where(f => f.IsLiteral && f.FieldType == typeof(string) && IsStatementName(f.Name)))
            {
                statements.Add($"{type.Name}.{field.Name}", (string)field.GetRawConstantValue()!);
            }

            foreach (var method in type.GetMethods(All).Where(m => m.IsStatic && m.ReturnType == typeof(string) && IsStatementName(m.Name)
                && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(SqlDialect)))
            {
                statements.Add($"{type.Name}.{method.Name}({dialect.Provider})", (string)method.Invoke(null, [dialect])!);
            }
        }

        foreach (var property in typeof(SqlDialect).GetProperties(All).Where(p => p.PropertyType == typeof(string) && IsStatementName(p.Name)))
        {
            statements.Add($"{nameof(SqlDialect)}.{property.Name}({dialect.Provider})", (string)property.GetValue(dialect)!);
        }

        return statements;
    }

    private static bool IsStatementName(string name) =>
        name.EndsWith("Sql", StringComparison.Ordinal) && !name.EndsWith("SqliteSql", StringComparison.Ordinal);

    private static IList<ParseError> Parse(string sql)
    {
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return errors;
    }

    private static IEnumerable<string> Describe(IList<ParseError> errors) =>
        errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}");
}
